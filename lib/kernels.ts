/**
 * What the GPU katas (09-11) share that is plumbing, not the lesson: a cache of compiled kernels
 * per gpu.js `GPU` instance, and the types of a kernel function's `this`.
 *
 * No Node APIs here: the browser lab bundles this file with the katas, and gpu.js's browser build
 * makes the `GPU` instance there (lib/gpu.ts makes it in Node).
 *
 * Why a cache: `gpu.createKernel(fn, settings)` is cheap, but the first call of the kernel
 * translates `fn` to GLSL (or WebAssembly, or JavaScript) and compiles it, which costs
 * milliseconds to hundreds of milliseconds; later calls with the same output size and argument
 * types reuse it. A kernel's output size and constants are fixed when it is made, so one kernel is
 * kept per (GPU instance, what it computes, shapes, constants). The cache is a WeakMap keyed by
 * the GPU instance: when the instance goes, its kernels go with it.
 */
import type { GPU, IGPUKernelSettings, IKernelFunctionThis, IKernelRunShortcut, KernelFunction } from 'gpu.js';

/** A compiled (or compiled-on-first-call) gpu.js kernel. */
export type Kernel = IKernelRunShortcut;

/** `this` inside a kernel function: `this.thread.{x,y,z}`, `this.output.{x,y,z}`, `this.constants`. */
export type KernelThis<Constants = Record<string, number>> = IKernelFunctionThis<Constants>;

/**
 * `gpu.createKernel(fn, settings)` for a kernel function whose `this.constants` has a declared
 * type (gpu.js's own typing only accepts untyped constants); nothing else.
 */
export function createKernel<Constants>(gpu: GPU, fn: (this: KernelThis<Constants>, ...args: never[]) => number, settings: IGPUKernelSettings): Kernel {
  return gpu.createKernel(fn as unknown as KernelFunction, settings);
}

const caches = new WeakMap<GPU, Map<string, Kernel>>();

/**
 * The kernel stored under `key` for this GPU instance, made by `make()` on first use.
 * `key` must name everything `make` bakes into the kernel: which function, the output size, the
 * constants, and whether it is a pipeline kernel.
 *
 * @example
 * const kernel = cachedKernel(gpu, `relu ${shape.join('x')}`, () => gpu.createKernel(reluKernel, { output, constants }));
 */
export function cachedKernel(gpu: GPU, key: string, make: () => Kernel): Kernel {
  let cache = caches.get(gpu);
  if (!cache) {
    cache = new Map();
    caches.set(gpu, cache);
  }
  let kernel = cache.get(key);
  if (!kernel) {
    kernel = make();
    cache.set(key, kernel);
  }
  return kernel;
}

const KERNEL_CLASSES: Record<string, string> = {
  HeadlessGLKernel: 'headlessgl',
  WebGL2Kernel: 'webgl2',
  WebGLKernel: 'webgl',
  WebGPUKernel: 'webgpu',
  WebAssemblyKernel: 'webasm',
  CPUKernel: 'cpu',
};

/**
 * The mode a kernel really runs in, after its first call: gpu.js may fall back to `cpu` for a
 * kernel it cannot translate (it warns on the console, and this says `cpu`).
 */
export function kernelMode(kernel: Kernel): string {
  const inner = (kernel as unknown as { kernel?: { constructor?: { name?: string } } }).kernel;
  const name = inner?.constructor?.name ?? '';
  return KERNEL_CLASSES[name] ?? (name || 'unknown');
}
