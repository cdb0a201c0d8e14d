/**
 * Kata 09: first kernels.
 * Lesson: docs/09-first-kernels.md
 *
 * A gpu.js kernel is a plain function that computes ONE output element; gpu.js runs it once per
 * element (one "thread" each), on a GPU through GL, in WebAssembly, or in plain JavaScript. The
 * thread's position is `this.thread.x` (the fastest-moving axis), `.y` and `.z`, and the kernel's
 * `output` size is given in that order, `[x, y, z]`: for an NCHW tensor, `[W, H, N*C]`, the
 * reverse of its shape.
 *
 * Every function takes the `GPU` instance as its first argument and never makes one: in Node,
 * lib/gpu.ts makes it (`createGpu()`), in a browser gpu.js's browser build does.
 */
import { Input, type GPU } from 'gpu.js';
import { cachedKernel, createKernel, type Kernel, type KernelThis } from '../../lib/kernels';
import { describe } from '../../lib/matrix';
import { checkTensor, sizeOf, tensor, type Tensor } from '../../lib/tensor';
import { todo } from '../../lib/todo';

/** What a gpu.js kernel returns, depending on its mode, output rank and `pipeline` setting. */
export type KernelResult = ArrayLike<number> | ArrayLike<number>[] | ArrayLike<number>[][] | { toArray(): unknown };

/** Options of the kernels made here. */
export interface KernelOptions {
  /** `true`: the kernel's result stays on the device (a gpu.js Texture on GL) for the next kernel to read. */
  readonly pipeline?: boolean;
}

/**
 * The gpu.js `output` size `[x, y, z]` for an NCHW tensor: `[W, H, N * C]`. x, the fastest-moving
 * axis, is the last axis of the shape (W); N and C share z because gpu.js has at most three.
 *
 * @param shape [N, C, H, W]: 4 whole numbers >= 1
 * @returns a new array [W, H, N * C]
 * @throws TypeError  when `shape` is not an array of 4 sizes
 * @throws RangeError when a size is not a whole number >= 1 (the message names it)
 *
 * @example
 * kernelOutput([64, 10, 24, 28]) // => [28, 24, 640]
 */
export function kernelOutput(shape: readonly number[]): [number, number, number] {
  if (!Array.isArray(shape) || shape.length !== 4) {
    throw new TypeError(`kernelOutput: shape must be [N, C, H, W] (4 sizes), but got ${Array.isArray(shape) ? `[${shape.join(', ')}]` : describe(shape)}`);
  }
  ['N', 'C', 'H', 'W'].forEach((axis, i) => {
    const n = shape[i];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      throw new RangeError(`kernelOutput: size ${axis} (shape[${i}]) must be a whole number >= 1, but got ${describe(n)} (shape [${shape.join(', ')}])`);
    }
  });
  const [n, c, h, w] = shape;
  return [w, h, n * c];
}

/**
 * A kernel's result as a fresh Tensor of `shape`. gpu.js returns, depending on the mode and the
 * kernel's settings: a Float32Array (1-D output), an array of Float32Array rows (2-D), an array of
 * arrays of rows (3-D: `result[z][y][x]`), or, for a pipeline kernel on GL, a Texture whose
 * `toArray()` gives one of those. The values are read in order z, y, x, which for an
 * `[W, H, N*C]` output is NCHW order.
 *
 * @param result what a gpu.js kernel returned
 * @param shape  the tensor's shape, e.g. [N, C, H, W]; its size must be the number of values in `result`
 * @returns a new Tensor (its data shares no storage with `result`)
 * @throws TypeError  when `result` is not one of the forms above
 * @throws RangeError when `result` holds a different number of values than `shape` needs (the message gives both)
 *
 * @example
 * toTensor([[new Float32Array([1, 2])], [new Float32Array([3, 4])]], [2, 1, 1, 2]) // => { shape: [2, 1, 1, 2], data: [1, 2, 3, 4] }
 */
export function toTensor(result: KernelResult, shape: readonly number[]): Tensor {
  const values =
    result !== null && typeof result === 'object' && typeof (result as { toArray?: unknown }).toArray === 'function'
      ? (result as { toArray(): unknown }).toArray()
      : result;
  const size = sizeOf(shape);
  const data = new Float32Array(size);
  let filled = 0;
  const walk = (node: unknown, path: string): void => {
    if (ArrayBuffer.isView(node) && !(node instanceof DataView)) {
      const row = node as unknown as ArrayLike<number>;
      if (filled + row.length <= size) data.set(row, filled);
      filled += row.length;
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        if (typeof node[i] === 'number') {
          if (filled < size) data[filled] = node[i];
          filled++;
        } else walk(node[i], `${path}[${i}]`);
      }
    } else {
      throw new TypeError(`toTensor: expected a gpu.js kernel result (typed arrays, arrays of them, or a Texture), but ${path || 'the result'} is ${describe(node)}`);
    }
  };
  walk(values, '');
  if (filled !== size) {
    throw new RangeError(`toTensor: the result holds ${filled} values, but shape [${shape.join(', ')}] needs ${size}`);
  }
  return { shape: [...shape], data };
}

/** The flat data of an NCHW tensor as a gpu.js Input the kernel reads as `x[z][y][x]` = `x[n * C + c][h][w]`. */
export function nchwInput(x: Tensor): Input {
  return new Input(x.data as unknown as number[], kernelOutput(x.shape));
}

/** The ReLU kernel: one thread per output element, reading the input element at the same (x, y, z). */
function reluKernel(this: KernelThis, x: number[][][]): number {
  return Math.max(x[this.thread.z][this.thread.y][this.thread.x], 0);
}

/**
 * The compiled ReLU kernel for an [N, C, H, W] shape, made once per GPU instance and shape.
 * Call it with `nchwInput(x)` (or a pipeline kernel's result of the same shape).
 */
export function reluKernelFor(gpu: GPU, shape: readonly number[], options: KernelOptions = {}): Kernel {
  const output = kernelOutput(shape);
  const pipeline = options.pipeline === true;
  return cachedKernel(gpu, `09 relu ${shape.join('x')}${pipeline ? ' pipeline' : ''}`, () => createKernel(gpu, reluKernel, { output, pipeline }));
}

/**
 * PyTorch's `F.relu` on an [N, C, H, W] tensor, as a gpu.js kernel: max(v, 0) for every value.
 *
 * @param gpu a gpu.js GPU instance (lib/gpu.ts's createGpu() in Node)
 * @param x   [N, C, H, W]
 * @returns a new [N, C, H, W] tensor; `x` is left unchanged
 * @throws TypeError when `x` is not a rank-4 [N, C, H, W] Tensor
 *
 * @example
 * relu(gpu, tensor([1, 1, 1, 3], [-1, 0, 2])) // => { shape: [1, 1, 1, 3], data: [0, 0, 2] }
 */
export function relu(gpu: GPU, x: Tensor): Tensor {
  checkTensor('relu', 'x', x, 4, '[N, C, H, W]');
  if (sizeOf(x.shape) === 0) return tensor(x.shape);
  return toTensor(reluKernelFor(gpu, x.shape)(nchwInput(x)) as KernelResult, x.shape);
}

/** The bias kernel: thread z is n * C + c, so the channel is z mod C, in whole numbers. */
function addBiasKernel(this: KernelThis<{ C: number }>, x: number[][][], bias: number[]): number {
  const z = this.thread.z;
  const c = z - Math.floor(z / this.constants.C) * this.constants.C;
  return x[z][this.thread.y][this.thread.x] + bias[c];
}

/**
 * Adds `bias[c]` to every element of channel c of an [N, C, H, W] tensor, as a gpu.js kernel
 * (what Conv2d does after the convolution).
 *
 * @param gpu  a gpu.js GPU instance
 * @param x    [N, C, H, W]
 * @param bias [C]: one number per channel
 * @returns a new [N, C, H, W] tensor; `x` and `bias` are left unchanged
 * @throws TypeError  when `x` is not a rank-4 Tensor or `bias` not a rank-1 Tensor
 * @throws RangeError when bias has not C entries (`addBias: expected bias of size [3] for input[2, 3, 4, 4] with 3 channels, but got bias of size [4]`)
 *
 * @example
 * addBias(gpu, tensor([2, 2, 1, 1], [1, 2, 3, 4]), tensor([2], [10, 20])) // => data [11, 22, 13, 24]
 */
export function addBias(gpu: GPU, x: Tensor, bias: Tensor): Tensor {
  checkTensor('addBias', 'x', x, 4, '[N, C, H, W]');
  checkTensor('addBias', 'bias', bias, 1, '[C]');
  const c = x.shape[1];
  if (bias.shape[0] !== c) {
    throw new RangeError(
      `addBias: expected bias of size [${c}] for input[${x.shape.join(', ')}] with ${c} channels, but got bias of size [${bias.shape.join(', ')}]`,
    );
  }
  if (sizeOf(x.shape) === 0) return tensor(x.shape);
  const kernel = cachedKernel(gpu, `09 addBias ${x.shape.join('x')}`, () =>
    createKernel(gpu, addBiasKernel, { output: kernelOutput(x.shape), constants: { C: c } }),
  );
  return toTensor(kernel(nchwInput(x), bias.data) as KernelResult, x.shape);
}
