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
import { fc } from './property';
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
 * A value that exercises arithmetic: a third each of small integers (-9..9, zero and ties
 * included), simple fractions (k/4 for k in -40..40) and large magnitudes (-1000..1000 and
 * pixels 0..255 times a weight scale). Measured over 10,000 draws: about 1/3 below 10 in
 * magnitude, 1/3 quarter-steps, 1/3 above 100; about 5% exact zeros; half negative.
 */
export const kernelValue: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -9, max: 9 }),
  fc.integer({ min: -40, max: 40 }).map((k) => k / 4),
  fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 255 })),
);

/** A random Tensor of `shape` with `kernelValue` entries. */
export function tensorOf(shape: readonly number[], value: fc.Arbitrary<number> = kernelValue): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc.array(value, { minLength: size, maxLength: size }).map((data) => tensor(shape, data));
}

/** A copy with its own storage: hand the code under test copies inside properties. */
export function copyOf(t: Tensor): Tensor {
  return tensor(t.shape, t.data);
}

/** How many kernels this GPU instance has made so far (gpu.js keeps them in `gpu.kernels`). */
export function kernelCount(gpu: GPU): number {
  return (gpu as unknown as { kernels: unknown[] }).kernels.length;
}
