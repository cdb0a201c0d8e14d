/**
 * Kata 09: first kernels. Lesson: docs/09-first-kernels.md
 * Runs in gpu.js's `cpu` mode and in every other mode available here (the title names it).
 * Tolerances: EXACT (1e-9) for the integer examples (float32 holds them exactly, on every backend);
 * FLOAT32 (1e-4 abs + 1e-4 rel) against tfjs on random values.
 */
import { describe, expect, it } from 'vitest';
import { addBias, kernelOutput, relu, toTensor } from '@kata/09-first-kernels';
import { referenceAddBias, referenceRelu } from '../lib/reference/device';
import { tensor, type Tensor } from '../lib/tensor';
import { EXACT, FLOAT32 } from '../lib/testing/compare';
import { BIAS_EXAMPLE, RELU_EXAMPLE, SWAP_EXAMPLE } from '../lib/testing/device-examples';
import { copyOf, describeEachGpuMode, kernelCount, tensorOf } from '../lib/testing/gpu';
import { expectError } from '../lib/testing/matchers';
import { checkProperty, fc } from '../lib/testing/property';

/** An [N, C, H, W] shape with H != W most of the time, small enough for every mode. */
const smallShape = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }));

/** Each H x W plane of an NCHW tensor transposed (H and W must be equal): what swapping thread.x and thread.y reads. */
const transposedPlanes = (t: Tensor): Tensor => {
  const [n, c, h, w] = t.shape;
  const out = new Float32Array(t.data.length);
  for (let p = 0; p < n * c; p++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[p * h * w + i * w + j] = t.data[p * h * w + j * w + i];
  return { shape: [...t.shape], data: out };
};

/** x + bias[channel(z)] for every element, with the channel computed by `channel` from z = n * C + c. */
const biasBy = (x: Tensor, bias: readonly number[], channel: (z: number, n: number, c: number) => number): Tensor => {
  const [n, c, h, w] = x.shape;
  const out = new Float32Array(x.data.length);
  for (let z = 0; z < n * c; z++) for (let i = 0; i < h * w; i++) out[z * h * w + i] = x.data[z * h * w + i] + (bias[channel(z, n, c)] ?? NaN);
  return { shape: [...x.shape], data: out };
};

/**
 * relu and addBias size their kernels with kernelOutput: when it is wrong, their outputs are scrambled in
 * ways that can look like another mistake, so their named tests check it first and say so.
 */
const expectKernelOutputFirst = (): void => {
  for (const [shape, want] of [[[2, 3, 5, 7], [7, 5, 6]], [[1, 2, 3, 5], [5, 3, 2]]]) {
    const got = kernelOutput(shape);
    expect(got, `fix kernelOutput first: kernelOutput(${JSON.stringify(shape)}) gave ${JSON.stringify(got)}, expected ${JSON.stringify(want)} ([W, H, N*C]); relu and addBias size their output with it`).toEqual(want);
  }
};

describe('09-first-kernels: kernelOutput(shape [N, C, H, W]) is the gpu.js output size [W, H, N*C]', () => {
  it.each([
    [[1, 1, 2, 3], [3, 2, 1]],
    [[64, 1, 28, 28], [28, 28, 64]],
    [[64, 10, 24, 28], [28, 24, 640]],
    [[2, 3, 5, 7], [7, 5, 6]],
  ])('kernelOutput(%j) = %j', (shape, expected) => {
    expect(kernelOutput(shape)).toEqual(expected);
  });

  it('gives x (the fastest-moving axis) the width W, not N: the output size is the reverse of NCHW, not NCHW order', () => {
    const got = kernelOutput([2, 3, 5, 7]);
    const hint =
      got[0] === 2 || got[0] === 6
        ? `output dims were given outermost first (${got[0] === 2 ? 'NCHW order, [N, C, H, W]-like' : '[N*C, H, W]'}); gpu.js wants [x, y, z] = [W, H, N*C], x (the width) first`
        : undefined;
    expect(got, hint).toEqual([7, 5, 6]);
  });

  it('puts N and C together on z (N * C), not only C or only N', () => {
    const got = kernelOutput([4, 3, 2, 2]);
    expect(got[2], got[2] === 3 || got[2] === 4 ? 'z must run over every (n, c) plane: N * C = 12' : undefined).toBe(12);
  });

  it('returns a new array each call', () => {
    const a = kernelOutput([1, 2, 3, 4]);
    a[0] = 99;
    expect(kernelOutput([1, 2, 3, 4])).toEqual([4, 3, 2]);
  });

  it('rejects a shape that is not 4 whole numbers >= 1, naming the problem', () => {
    expectError(() => kernelOutput([28, 28]), TypeError, [/^kernelOutput:/, /\[N, C, H, W\]/, /\[28, 28\]/]);
    expectError(() => kernelOutput([1, 0, 2, 2]), RangeError, [/^kernelOutput:/, /C/]);
    expectError(() => kernelOutput([1, 1, 2.5, 2]), RangeError, [/^kernelOutput:/, /H/]);
  });
});

describe('09-first-kernels: toTensor(result, shape) turns what a kernel returned into a Tensor', () => {
  const rows3d = [
    [new Float32Array([1, 2, 3]), new Float32Array([4, 5, 6])],
    [new Float32Array([7, 8, 9]), new Float32Array([10, 11, 12])],
  ];
  const expected = tensor([2, 1, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

  it('reads a 3-D result result[z][y][x] (arrays of Float32Array rows, as the cpu, webasm and GL modes return) in z, y, x order', () => {
    expect(toTensor(rows3d, [2, 1, 2, 3])).toBeCloseToTensor(expected, EXACT);
  });

  it('reads a 1-D Float32Array and plain nested number arrays', () => {
    expect(toTensor(new Float32Array([1, 2, 3, 4]), [1, 1, 2, 2])).toBeCloseToTensor(tensor([1, 1, 2, 2], [1, 2, 3, 4]), EXACT);
    expect(toTensor([[[1, 2], [3, 4]]], [1, 1, 2, 2])).toBeCloseToTensor(tensor([1, 1, 2, 2], [1, 2, 3, 4]), EXACT);
  });

  it('reads a pipeline result (a Texture) through its toArray()', () => {
    const texture = { toArray: () => rows3d };
    expect(toTensor(texture, [2, 1, 2, 3])).toBeCloseToTensor(expected, EXACT);
  });

  it('returns fresh storage: changing the kernel result afterwards leaves the tensor alone', () => {
    const result = [[new Float32Array([1, 2])]];
    const t = toTensor(result, [1, 1, 1, 2]);
    result[0][0][0] = 99;
    expect(t.data[0]).toBe(1);
    expect(t.shape).toEqual([1, 1, 1, 2]);
  });

  it('rejects a result with the wrong number of values, giving both counts', () => {
    expectError(() => toTensor(rows3d, [2, 1, 2, 2]), RangeError, [/^toTensor:/, /12/, /8/]);
  });

  it('rejects something that is not a kernel result', () => {
    expectError(() => toTensor('nope' as never, [1]), TypeError, [/^toTensor:/]);
  });
});

describeEachGpuMode('09-first-kernels', (ctx) => {
  describe('relu(gpu, x [N, C, H, W])', () => {
    it('the worked example: max(v, 0) elementwise, on a [2, 1, 2, 3] input', () => {
      expect(relu(ctx.gpu(), RELU_EXAMPLE.input)).toBeCloseToTensor(RELU_EXAMPLE.output, EXACT);
    });

    it(`matches tf.relu on random shapes and values (tolerance FLOAT32: ${FLOAT32.atol} abs + ${FLOAT32.rtol} rel)`, () => {
      checkProperty(smallShape.chain((s) => tensorOf(s)), (x) => {
        expect(relu(ctx.gpu(), copyOf(x))).toBeCloseToTensor(referenceRelu(x), FLOAT32);
      }, ctx.mode === 'cpu' ? 30 : 10);
    });

    it('reads x[z][y][x], not x[z][x][y]: thread.x and thread.y swapped transpose every plane', () => {
      expectKernelOutputFirst();
      const out = relu(ctx.gpu(), SWAP_EXAMPLE);
      expect(out).toBeCloseToTensor(SWAP_EXAMPLE, {
        ...EXACT,
        mistakes: [
          {
            name: 'this.thread.x and this.thread.y were swapped',
            fix: 'thread.x runs along the width (the last axis), thread.y along the height: read x[this.thread.z][this.thread.y][this.thread.x].',
            output: transposedPlanes(SWAP_EXAMPLE),
          },
        ],
      });
    });

    it('keeps the shape when H != W (a 1 x 2 x 3 x 5 input)', () => {
      const x = tensor([1, 2, 3, 5], Array.from({ length: 30 }, (_, i) => i - 10));
      expect(relu(ctx.gpu(), x)).toBeCloseToTensor(referenceRelu(x), EXACT);
    });

    it('returns fresh results and leaves x alone', () => {
      const x = copyOf(RELU_EXAMPLE.input);
      const first = relu(ctx.gpu(), x);
      const second = relu(ctx.gpu(), x);
      expect(first.data).not.toBe(second.data);
      expect(first.data).not.toBe(x.data);
      first.data[0] = 1234;
      expect(second).toBeCloseToTensor(RELU_EXAMPLE.output, EXACT);
      expect(x).toBeCloseToTensor(RELU_EXAMPLE.input, EXACT);
    });

    it('compiles one kernel per shape, not one per call (compiling is the expensive part)', () => {
      const gpu = ctx.gpu();
      const x = tensor([1, 1, 3, 4], Array.from({ length: 12 }, (_, i) => i - 6));
      relu(gpu, x);
      const before = kernelCount(gpu);
      relu(gpu, x);
      relu(gpu, copyOf(x));
      expect(kernelCount(gpu), 'relu made a new kernel on every call: keep one per (GPU, shape), e.g. with cachedKernel from lib/kernels').toBe(before);
    });

    it('rejects x that is not a rank-4 Tensor', () => {
      expectError(() => relu(ctx.gpu(), tensor([2, 3], [1, 2, 3, 4, 5, 6])), TypeError, [/^relu:/, /\[N, C, H, W\]/]);
    });
  });

  describe('addBias(gpu, x [N, C, H, W], bias [C])', () => {
    const { input, bias, output } = BIAS_EXAMPLE;
    const b = Array.from(bias.data);

    it('the worked example: bias[c] on every element of channel c, N = 2, C = 3', () => {
      expect(addBias(ctx.gpu(), input, bias)).toBeCloseToTensor(output, EXACT);
    });

    it('takes the channel of thread z = n * C + c as z mod C, not z itself, nor floor(z / C), nor z mod N', () => {
      expectKernelOutputFirst();
      expect(addBias(ctx.gpu(), input, bias)).toBeCloseToTensor(output, {
        ...EXACT,
        mistakes: [
          { name: 'bias[z] was read (z = n * C + c runs past the C biases for n >= 1)', fix: 'The channel is z mod C: c = z - Math.floor(z / C) * C.', output: biasBy(input, b, (z) => z) },
          { name: 'the channel was taken as floor(z / C), which is the image n', fix: 'floor(z / C) is n; the channel is what is left over: z - n * C.', output: biasBy(input, b, (z, _n, c) => Math.floor(z / c)) },
          { name: 'the channel was taken as z mod N', fix: 'z = n * C + c, so the channel is z mod C (the channel count), not z mod N.', output: biasBy(input, b, (z, n) => z % n) },
        ],
      });
    });

    it(`matches tf.add (bias as [1, C, 1, 1]) on random shapes and values (tolerance FLOAT32: ${FLOAT32.atol} abs + ${FLOAT32.rtol} rel)`, () => {
      const cases = smallShape.chain((s) => fc.tuple(tensorOf(s), tensorOf([s[1]])));
      checkProperty(cases, ([x, bs]) => {
        expect(addBias(ctx.gpu(), copyOf(x), copyOf(bs))).toBeCloseToTensor(referenceAddBias(x, bs), FLOAT32);
      }, ctx.mode === 'cpu' ? 30 : 10);
    });

    it('finds the channel with whole-number arithmetic, not from the fraction of z / C (7 images x 49 channels: float32 gives 26.99998 for channel 27 on GL)', () => {
      expectKernelOutputFirst();
      const x = tensor([7, 49, 1, 2], Array.from({ length: 7 * 49 * 2 }, () => 0));
      const bs = tensor([49], Array.from({ length: 49 }, (_, c) => c));
      const f = Math.fround;
      expect(addBias(ctx.gpu(), x, bs)).toBeCloseToTensor(referenceAddBias(x, bs), {
        ...EXACT,
        mistakes: [
          {
            name: 'the channel was taken from the fractional part of z / C, (z / C - Math.floor(z / C)) * C, in float32: 27/49 comes back as 26.99998, read as channel 26 (NaN in cpu mode)',
            fix: 'Stay in whole numbers: c = z - Math.floor(z / C) * C.',
            output: biasBy(x, Array.from(bs.data), (z) => Math.trunc(f(f(f(z / 49) - Math.floor(f(z / 49))) * 49))),
          },
        ],
      });
    });

    it('returns fresh results and leaves x and bias alone', () => {
      const x = copyOf(input);
      const bs = copyOf(bias);
      const first = addBias(ctx.gpu(), x, bs);
      const second = addBias(ctx.gpu(), x, bs);
      expect(first.data).not.toBe(second.data);
      first.data.fill(0);
      expect(second).toBeCloseToTensor(output, EXACT);
      expect(x).toBeCloseToTensor(input, EXACT);
      expect(bs).toBeCloseToTensor(bias, EXACT);
    });

    it("a bias that is not one number per channel is a RangeError in PyTorch's manner", () => {
      expectError(() => addBias(ctx.gpu(), input, tensor([2], [1, 2])), RangeError, [/^addBias:/, /\[3\]/, /\[2\]/]);
    });

    it('rejects x or bias of the wrong rank', () => {
      expectError(() => addBias(ctx.gpu(), tensor([3], [1, 2, 3]), bias), TypeError, [/^addBias:/, /x/]);
      expectError(() => addBias(ctx.gpu(), input, tensor([1, 3], [1, 2, 3])), TypeError, [/^addBias:/, /bias/]);
    });
  });
});
