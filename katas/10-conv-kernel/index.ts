/**
 * Kata 10: Conv2d as one kernel.
 * Lesson: docs/10-conv-kernel.md
 *
 * Kata 05's layer, `torch.nn.Conv2d(C, M, [kH, kW], stride, padding)` on a batch, as ONE gpu.js
 * kernel with one thread per output element: thread (x, y, z) = (w', h', n * M + m) sums the
 * window of image n under kernel m, reading the input where the window lies inside it and
 * counting zero where it lies in the padding (a bounds check, no padded copy).
 */
import type { GPU } from 'gpu.js';
import { cachedKernel, createKernel, type Kernel, type KernelThis } from '../../lib/kernels';
import { checkInteger, describe } from '../../lib/matrix';
import { checkTensor, sizeOf, tensor, type Tensor } from '../../lib/tensor';
import { todo } from '../../lib/todo';
import { kernelOutput, nchwInput, toTensor, type KernelOptions, type KernelResult } from '../09-first-kernels';

export interface Conv2dOptions {
  /** Zeros added on every side of each image (default 0). */
  readonly padding?: number;
  /** How far the window moves between output elements (default 1). */
  readonly stride?: number;
}

/** The constants the conv kernel is compiled with: every size it loops over or bounds-checks. */
interface ConvConstants {
  C: number;
  H: number;
  W: number;
  M: number;
  kH: number;
  kW: number;
  padding: number;
  stride: number;
}

/**
 * The output shape of Conv2d on a batch, checking every argument: [N, M, H', W'] with
 * H' = floor((H + 2p - kH) / s) + 1 and W' = floor((W + 2p - kW) / s) + 1.
 *
 * @param inputShape  [N, C, H, W] (N may be 0)
 * @param weightShape [M, C, kH, kW]
 * @param options     `{ padding, stride }` (defaults 0 and 1)
 * @returns a new array [N, M, H', W']
 * @throws TypeError  when a shape has the wrong number of sizes
 * @throws RangeError when a size, the padding or the stride is out of range; when the channel counts
 *                    differ, in PyTorch's words (`conv2d: weight of size [10, 1, 5, 5], expected
 *                    input[64, 3, 28, 28] to have 1 channels, but got 3 channels instead`); when the
 *                    kernels are larger than the padded input (the message gives both sizes)
 *
 * @example
 * conv2dOutputShape([64, 1, 28, 28], [10, 1, 5, 5]) // => [64, 10, 24, 24]
 */
export function conv2dOutputShape(inputShape: readonly number[], weightShape: readonly number[], options: Conv2dOptions = {}): [number, number, number, number] {
  return todo('10-conv-kernel');
}

/**
 * The convolution kernel. Thread (x, y, z) is output element (n, m, h', w') with w' = x, h' = y
 * and z = n * M + m. Its window starts at (h' * stride - padding, w' * stride - padding) of the
 * unpadded image; kernel cell (u, v) reads (that + u, that + v) when it lies inside the image.
 */
function convKernel(this: KernelThis<ConvConstants>, x: number[][][], weight: number[], bias: number[]): number {
  return todo('10-conv-kernel');
}

/**
 * The compiled conv kernel for these shapes and options, made once per GPU instance. Call it as
 * `kernel(nchwInput(x) or a pipeline result, weight.data, bias.data)`; its output is `[W', H', N * M]`.
 *
 * @param gpu         a gpu.js GPU instance
 * @param inputShape  [N, C, H, W] with N >= 1
 * @param weightShape [M, C, kH, kW]
 * @param options     `{ padding, stride, pipeline }`
 * @throws like conv2dOutputShape
 */
export function conv2dKernelFor(gpu: GPU, inputShape: readonly number[], weightShape: readonly number[], options: Conv2dOptions & KernelOptions = {}): Kernel {
  return todo('10-conv-kernel');
}

/**
 * PyTorch's `torch.nn.Conv2d(C, M, [kH, kW], stride, padding)` on a batch, as one gpu.js kernel.
 *
 * @param gpu     a gpu.js GPU instance (lib/gpu.ts's createGpu() in Node)
 * @param x       [N, C, H, W]
 * @param weight  [M, C, kH, kW] (PyTorch's layout)
 * @param bias    [M], or null for none
 * @param options `{ padding, stride }` (defaults 0 and 1)
 * @returns a new [N, M, H', W'] tensor; the arguments are left unchanged
 * @throws TypeError  when x or weight is not a rank-4 Tensor, or bias neither null nor a rank-1 Tensor
 * @throws RangeError like conv2dOutputShape; when bias has not M entries (`conv2d: given weight of
 *                    size [10, 1, 5, 5], expected bias to be 1-dimensional with 10 elements, but got bias of size [5] instead`)
 *
 * @example
 * conv2d(gpu, x, weight, bias) // x [64, 1, 28, 28], weight [10, 1, 5, 5], bias [10] => [64, 10, 24, 24]
 */
export function conv2d(gpu: GPU, x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions = {}): Tensor {
  return todo('10-conv-kernel');
}
