/**
 * Running a GPU suite in every gpu.js mode: `cpu` first (plain JavaScript, the reference for
 * correctness), then every other mode this machine offers (lib/gpu.ts), each under its own
 * `describe` whose title names the mode, so a failure says where it happened:
 *
 *   09-first-kernels [gpu.js headlessgl] addBias > ...
 *
 * Any suite that takes a gpu.js `GPU` can use it (katas 09-11, kata 12's gpu device).
 *
 * Environment:
 *   KATA_GPU_MODES=cpu,webasm   run only these modes (default: every available mode)
 *   KATA_REQUIRE_GPU_MODE=headlessgl   CI: a required mode that cannot run here is a FAILING test
 *                               in every suite that uses this helper, with the reason, so a broken
 *                               `gl` build is never hidden behind a cpu fallback.
 */
import type { GPU } from 'gpu.js';
import { afterAll, describe, it } from 'vitest';
import { fc, values, type ValuesOptions } from './property';
import { tensor, type Tensor } from '../tensor';
import { availableGpuModes, createGpu, missingRequiredGpuModes, type GpuMode } from '../gpu';

/** The modes a GPU suite runs in: `cpu` first, then the others available, best first. */
export function gpuModesUnderTest(): GpuMode[] {
  const available = availableGpuModes();
  const only = (process.env.KATA_GPU_MODES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const modes: GpuMode[] = ['cpu', ...available.filter((m) => m !== 'cpu')];
  return only.length > 0 ? modes.filter((m) => only.includes(m)) : modes;
}

/** What a suite body gets: the mode, and the GPU instance (made on first use, destroyed after the block). */
export interface GpuContext {
  readonly mode: GpuMode;
  /** True for modes that run GLSL (headlessgl, webgl2, webgl): float index arithmetic differs there. */
  readonly gl: boolean;
  gpu(): GPU;
}

/**
 * `describe(\`${title} [gpu.js ${mode}]\`, ...)` once per mode under test, plus, for each mode
 * that KATA_REQUIRE_GPU_MODE requires and this machine cannot run, a block with one failing test
 * that says why.
 */
export function describeEachGpuMode(title: string, body: (ctx: GpuContext) => void): void {
  for (const mode of gpuModesUnderTest()) {
    describe(`${title} [gpu.js ${mode}]`, () => {
      let made: GPU | undefined;
      const ctx: GpuContext = {
        mode,
        gl: mode === 'headlessgl' || mode === 'webgl2' || mode === 'webgl',
        gpu: () => (made ??= createGpu(mode).gpu),
      };
      afterAll(() => {
        made?.destroy();
        made = undefined;
      });
      body(ctx);
    });
  }
  for (const missing of missingRequiredGpuModes()) {
    describe(`${title} [gpu.js ${missing.mode}]`, () => {
      it(`runs in ${missing.mode}, which KATA_REQUIRE_GPU_MODE requires`, () => {
        throw new Error(`KATA_REQUIRE_GPU_MODE=${process.env.KATA_REQUIRE_GPU_MODE} requires gpu.js mode ${missing.mode}, but it cannot run here: ${missing.why}`);
      });
    });
  }
}

/**
 * A random Tensor of `shape`: values from lib/testing/property.ts's `values` (one scale and sign
 * per tensor, fractions to thousands, exact zeros, ties; products and sums exact in float32), or
 * each value drawn from `value` when an arbitrary is given.
 */
export function tensorOf(shape: readonly number[], value?: fc.Arbitrary<number> | ValuesOptions): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = value instanceof fc.Arbitrary ? fc.array(value, { minLength: size, maxLength: size }) : values(size, value);
  return data.map((d) => tensor(shape, d));
}

export { copyOf } from './fresh';

/** How many kernels this GPU instance has made so far (gpu.js keeps them in `gpu.kernels`). */
export function kernelCount(gpu: GPU): number {
  return (gpu as unknown as { kernels: unknown[] }).kernels.length;
}
