import { afterEach, describe, expect, it } from 'vitest';
import { availableGpuModes, createGpu, GPU_MODES, gpuModesReport, missingRequiredGpuModes, probeGpuModes } from '../gpu';
import { cachedKernel } from '../kernels';
import { referenceAddBias, referenceConv2dNCHW, referenceMaxPoolNCHW, referenceRelu } from '../reference/device';
import { closeTo, EXACT } from '../testing/compare';
import { BIAS_EXAMPLE, CONV_EXAMPLE, POOL_EXAMPLE, RELU_EXAMPLE } from '../testing/device-examples';
import { gpuModesUnderTest } from '../testing/gpu';

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['KATA_GPU_MODE', 'KATA_REQUIRE_GPU_MODE', 'KATA_GPU_MODES']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('lib/gpu.ts', () => {
  it('probes every mode, says why each unavailable one is skipped, and always has cpu', () => {
    const status = probeGpuModes();
    expect(status.map((s) => s.mode)).toEqual([...GPU_MODES]);
    for (const s of status) expect(s.available || (s.why ?? '').length > 10, s.mode).toBe(true);
    expect(availableGpuModes()).toContain('cpu');
    expect(status.find((s) => s.mode === 'webgl2')?.why).toMatch(/browser/);
  });

  it('creates the mode asked for and reports it in one line', () => {
    const { gpu, mode, report } = createGpu('cpu');
    expect(mode).toBe('cpu');
    expect(report).toMatch(/^gpu\.js mode: cpu \(/);
    expect(report).not.toMatch(/\n/);
    gpu.destroy();
  });

  it('takes KATA_GPU_MODE, and picks the best available mode without it', () => {
    process.env.KATA_GPU_MODE = 'cpu';
    expect(createGpu().mode).toBe('cpu');
    delete process.env.KATA_GPU_MODE;
    const best = createGpu();
    expect(best.mode).toBe(availableGpuModes()[0]);
    expect(best.report).toMatch(/best available/);
  });

  it('refuses an unknown mode or one that cannot run, saying why, instead of falling back', () => {
    expect(() => createGpu('turbo')).toThrow(/not a gpu\.js mode; use one of gpu, headlessgl/);
    expect(() => createGpu('webgl2')).toThrow(/webgl2 cannot run here: browser only/);
  });

  it('lists the modes KATA_REQUIRE_GPU_MODE requires and this machine lacks', () => {
    process.env.KATA_REQUIRE_GPU_MODE = 'cpu,webgl2';
    expect(missingRequiredGpuModes().map((s) => s.mode)).toEqual(['webgl2']);
    delete process.env.KATA_REQUIRE_GPU_MODE;
    expect(missingRequiredGpuModes()).toEqual([]);
  });

  it('names the available modes in the report', () => {
    expect(gpuModesReport()).toMatch(new RegExp(`^gpu\\.js modes available: ${availableGpuModes().join(', ')}`));
  });
});

describe('lib/testing/gpu.ts', () => {
  it('runs cpu first, then the other available modes; KATA_GPU_MODES narrows them', () => {
    expect(gpuModesUnderTest()[0]).toBe('cpu');
    expect(new Set(gpuModesUnderTest())).toEqual(new Set(availableGpuModes()));
    process.env.KATA_GPU_MODES = 'cpu';
    expect(gpuModesUnderTest()).toEqual(['cpu']);
  });
});

describe('lib/kernels.ts cachedKernel', () => {
  it('makes a kernel once per GPU instance and key', () => {
    const a = createGpu('cpu').gpu;
    const b = createGpu('cpu').gpu;
    let made = 0;
    const make = (gpu: typeof a) => () => {
      made++;
      return gpu.createKernel(function () {
        return 1;
      }, { output: [1] });
    };
    const k1 = cachedKernel(a, 'one', make(a));
    expect(cachedKernel(a, 'one', make(a))).toBe(k1);
    cachedKernel(b, 'one', make(b));
    cachedKernel(a, 'two', make(a));
    expect(made).toBe(3);
  });
});

describe('the GPU katas\' worked examples agree with tfjs', () => {
  it('relu, addBias, max-pool', () => {
    expect(closeTo(referenceRelu(RELU_EXAMPLE.input), RELU_EXAMPLE.output, EXACT)).toBe(true);
    expect(closeTo(referenceAddBias(BIAS_EXAMPLE.input, BIAS_EXAMPLE.bias), BIAS_EXAMPLE.output, EXACT)).toBe(true);
    expect(closeTo(referenceMaxPoolNCHW(POOL_EXAMPLE.input, 2), POOL_EXAMPLE.output, EXACT)).toBe(true);
  });

  it("the lecture's conv examples on two images and two kernels", () => {
    const { input, weight, bias } = CONV_EXAMPLE;
    expect(closeTo(referenceConv2dNCHW(input, weight, bias), CONV_EXAMPLE.valid, EXACT)).toBe(true);
    expect(closeTo(referenceConv2dNCHW(input, weight, bias, { padding: 1 }), CONV_EXAMPLE.padded, EXACT)).toBe(true);
    expect(closeTo(referenceConv2dNCHW(input, weight, bias, { padding: 1, stride: 2 }), CONV_EXAMPLE.paddedStrided, EXACT)).toBe(true);
  });
});
