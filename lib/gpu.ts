/**
 * The one place that creates gpu.js's `GPU` instance in Node, and says out loud which mode runs.
 *
 * gpu.js runs the same kernel function in several modes. In Node, best first:
 *   headlessgl  GLSL on an OpenGL context from the optional `gl` package (built from source at
 *               install; needs an X display: `xvfb-run` with Mesa's software renderer on a server)
 *   webgl2, webgl  browsers only (the lab page); never available in Node
 *   webgpu      gpu.js's webgpu kernels return Promises; the katas' functions are synchronous
 *   webasm      WebAssembly with SIMD on the CPU: what gpu.js picks in Node when `gl` is missing
 *   cpu         plain JavaScript: always available, the reference for correctness
 *
 * `createGpu()` takes the mode from `KATA_GPU_MODE` (`gpu` = the best GL mode, or one of the names
 * above), else the best that works, and returns a one-line `report` of which mode runs and why each
 * better one was skipped. A mode that was asked for and cannot run is an error, never a silent
 * fallback. Kata code never imports this file: katas take a `GPU` instance as their first argument,
 * so the same code runs in a browser bundle, where gpu.js's browser build makes the instance.
 */
import { GPU } from 'gpu.js';
import { kernelMode } from './kernels';

export type GpuMode = 'headlessgl' | 'webgl2' | 'webgl' | 'webgpu' | 'webasm' | 'cpu';

/** Every mode, best first: the order `createGpu()` tries them in. */
export const GPU_MODES: readonly GpuMode[] = ['headlessgl', 'webgl2', 'webgl', 'webgpu', 'webasm', 'cpu'];

/** The modes that run GLSL: a bug in index arithmetic that `cpu` forgives shows here. */
export const GL_MODES: readonly GpuMode[] = ['headlessgl', 'webgl2', 'webgl'];

export interface ModeStatus {
  readonly mode: GpuMode;
  readonly available: boolean;
  /** Why the mode cannot run here, and how to get it (undefined when it runs). */
  readonly why?: string;
}

export const GPU_EXTRAS_DOC = 'docs/instructor.md#optional-gpu-extras';

/** Why `gl` cannot be loaded, or undefined when it loads. */
function glProblem(): string | undefined {
  try {
    require.resolve('gl');
  } catch {
    return `the optional \`gl\` package is not installed (npm skipped it or its build failed) — see ${GPU_EXTRAS_DOC}`;
  }
  let createContext: (w: number, h: number) => unknown;
  try {
    createContext = require('gl');
  } catch (error) {
    const first = String((error as Error).message).split('\n')[0];
    return `the optional \`gl\` package is installed but not built (${first.replace(/\.? Tried:.*$/, '')}); install its build packages, then \`npm rebuild gl\` — see ${GPU_EXTRAS_DOC}`;
  }
  if (createContext(2, 2) === null) {
    return process.env.DISPLAY
      ? `\`gl\` is built but could not open an OpenGL context on DISPLAY=${process.env.DISPLAY} (is libgl1-mesa-dri installed?) — see ${GPU_EXTRAS_DOC}`
      : 'no X display: run under `xvfb-run -a` (Debian: apt-get install xvfb libgl1-mesa-dri)';
  }
  return undefined;
}

/**
 * Compiles and runs a tiny kernel with integer division and modulo on thread indices in `mode`,
 * and checks both the numbers and that gpu.js did not quietly fall back to `cpu`.
 */
function smokeTest(mode: GpuMode): string | undefined {
  const gpu = new GPU({ mode });
  try {
    const kernel = gpu.createKernel(
      function (this: { thread: { x: number; y: number; z: number } }, a: number[]) {
        const i = this.thread.x + 3 * this.thread.y + 6 * this.thread.z;
        return a[i] * 2 + (i % 3) + Math.floor(i / 4);
      },
      { output: [3, 2, 2] },
    );
    const out = kernel(Array.from({ length: 12 }, (_, i) => i)) as Float32Array[][];
    const ran = kernelMode(kernel);
    if (ran !== mode) return `gpu.js fell back from ${mode} to ${ran}`;
    for (let i = 0; i < 12; i++) {
      const got = out[Math.floor(i / 6)][Math.floor(i / 3) % 2][i % 3];
      const want = i * 2 + (i % 3) + Math.floor(i / 4);
      if (got !== want) return `a test kernel computed ${got} instead of ${want}`;
    }
    return undefined;
  } catch (error) {
    return `a test kernel failed: ${String((error as Error).message).split('\n')[0]}`;
  } finally {
    gpu.destroy();
  }
}

let probed: ModeStatus[] | undefined;

/** Every mode with whether it runs here and, when not, why (probed once per process). */
export function probeGpuModes(): readonly ModeStatus[] {
  if (probed) return probed;
  const status = (mode: GpuMode, why: string | undefined): ModeStatus => ({ mode, available: why === undefined, ...(why ? { why } : {}) });
  const gl = glProblem();
  probed = GPU_MODES.map((mode) => {
    switch (mode) {
      case 'headlessgl':
        return status(mode, gl ?? (GPU.isHeadlessGLSupported ? smokeTest(mode) : 'gpu.js could not use the `gl` context (no float textures?)'));
      case 'webgl2':
      case 'webgl':
        return status(mode, 'browser only');
      case 'webgpu':
        return status(mode, GPU.isWebGPUSupported ? "asynchronous only (gpu.js's webgpu kernels return Promises; the katas are synchronous)" : 'browser only');
      case 'webasm':
        return status(mode, GPU.isWebAssemblySupported ? smokeTest(mode) : 'no WebAssembly in this runtime');
      case 'cpu':
        return status(mode, smokeTest(mode));
    }
  });
  return probed;
}

/** The modes that run here, best first; `cpu` is always among them. */
export function availableGpuModes(): GpuMode[] {
  return probeGpuModes()
    .filter((s) => s.available)
    .map((s) => s.mode);
}

export interface CreatedGpu {
  readonly gpu: GPU;
  readonly mode: GpuMode;
  /** One line: which mode runs and why each better one was skipped. */
  readonly report: string;
}

/** `a: why; b: why` with modes that share a reason joined: `webgl2, webgl, webgpu: browser only`. */
function reasons(skipped: readonly ModeStatus[]): string {
  const byWhy = new Map<string, GpuMode[]>();
  for (const s of skipped) byWhy.set(s.why ?? '', [...(byWhy.get(s.why ?? '') ?? []), s.mode]);
  return [...byWhy].map(([why, modes]) => `${modes.join(', ')}: ${why}`).join('; ');
}

/** One line naming the modes that run and why the others do not: for verify, the CLI and the grader. */
export function gpuModesReport(): string {
  const status = probeGpuModes();
  const ran = status.filter((s) => s.available).map((s) => s.mode);
  const skipped = reasons(status.filter((s) => !s.available));
  return `gpu.js modes available: ${ran.join(', ')}${skipped ? ` (skipped ${skipped})` : ''}`;
}

function isMode(name: string): name is GpuMode {
  return (GPU_MODES as readonly string[]).includes(name);
}

/**
 * A gpu.js `GPU` instance in the mode asked for (`mode`, else `KATA_GPU_MODE`), or in the best
 * mode that works here.
 *
 * @param mode `gpu` (the best GL mode), `headlessgl`, `webgl2`, `webgl`, `webgpu`, `webasm` or `cpu`
 * @returns `{ gpu, mode, report }`; `report` says e.g.
 *          `gpu.js mode: webasm (best available; skipped headlessgl: no X display: run under \`xvfb-run -a\` ...)`
 * @throws Error when the mode is unknown, or was asked for and cannot run here (the message says why
 *         and how to get it) — never a quiet fallback to a slower mode
 */
export function createGpu(mode?: string): CreatedGpu {
  const asked = mode ?? process.env.KATA_GPU_MODE ?? '';
  const status = probeGpuModes();
  const skippedBefore = (chosen: GpuMode) =>
    status
      .slice(0, GPU_MODES.indexOf(chosen))
      .filter((s) => !s.available);
  const make = (chosen: GpuMode, how: string): CreatedGpu => {
    const skipped = reasons(skippedBefore(chosen));
    return {
      gpu: new GPU({ mode: chosen }),
      mode: chosen,
      report: `gpu.js mode: ${chosen} (${how}${skipped ? `; skipped ${skipped}` : ''})`,
    };
  };
  const source = mode !== undefined ? `mode '${asked}' was asked for` : `KATA_GPU_MODE=${asked}`;
  if (asked === '') return make(availableGpuModes()[0], 'best available');
  if (asked === 'gpu') {
    const gl = status.find((s) => s.available && GL_MODES.includes(s.mode));
    if (!gl) {
      throw new Error(`${source}, but no GL mode runs here: ${status.filter((s) => GL_MODES.includes(s.mode)).map((s) => `${s.mode}: ${s.why}`).join('; ')}`);
    }
    return make(gl.mode, `best GL mode; ${source}`);
  }
  if (!isMode(asked)) {
    throw new Error(`${source}: not a gpu.js mode; use one of gpu, ${GPU_MODES.join(', ')}`);
  }
  const wanted = status.find((s) => s.mode === asked)!;
  if (!wanted.available) throw new Error(`${source}, but ${asked} cannot run here: ${wanted.why}`);
  return make(asked, source);
}

/**
 * The modes that must run (KATA_REQUIRE_GPU_MODE, comma-separated, e.g. `headlessgl` in CI) and are
 * missing here, each with why. Empty when nothing is required or everything required runs.
 */
export function missingRequiredGpuModes(): ModeStatus[] {
  const required = (process.env.KATA_REQUIRE_GPU_MODE ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return required.map((name) => {
    if (!isMode(name)) return { mode: name as GpuMode, available: false, why: `KATA_REQUIRE_GPU_MODE names an unknown mode; use ${GPU_MODES.join(', ')}` };
    return probeGpuModes().find((s) => s.mode === name)!;
  }).filter((s) => !s.available);
}
