/**
 * Kata 03: stride.
 * Lesson: docs/03-stride.md
 */
import { checkInteger, checkMatrix, filled, formatShape, shapeOf, type Matrix } from '../../lib/matrix';
import { todo } from '../../lib/todo';
import { pad2d } from '../02-padding';

/**
 * The number of positions a window of `kernelSize` takes along one axis of `size` cells after
 * `padding` zeros on both ends, jumping `stride` cells at a time: PyTorch's Conv2d formula
 *
 *     floor((size + 2 * padding - kernelSize) / stride) + 1
 *
 * @param size       the input's length along the axis (H or W), a positive whole number
 * @param kernelSize the kernel's length along the same axis, a positive whole number
 * @param padding    zeros added at each end, a whole number >= 0 (default 0)
 * @param stride     the jump between windows, a positive whole number (default 1)
 * @throws RangeError naming the argument, when an argument is not a whole number in its range,
 *                    or when the kernel is longer than the padded size (then no window fits)
 *
 * @example
 * convOutputSize(5, 3, 0, 2) // => 2
 * convOutputSize(28, 5)      // => 24
 */
export function convOutputSize(size: number, kernelSize: number, padding = 0, stride = 1): number {
  return todo('03-stride');
}

export interface Conv2dOptions {
  /** Zeros added on every side (default 0). */
  padding?: number;
  /** How far the window jumps, across and down (default 1). */
  stride?: number;
}

/**
 * Convolves one input channel with one kernel, with zero padding and a stride: one channel of
 * PyTorch's `Conv2d(1, 1, kernel_size, stride, padding, bias=False)`.
 *
 * @param input  H x W matrix
 * @param kernel kH x kW matrix, no larger than the padded input
 * @returns a new matrix of convOutputSize(H, kH, p, s) x convOutputSize(W, kW, p, s)
 * @throws TypeError  when `input` or `kernel` is not a non-empty rectangular matrix
 * @throws RangeError when padding or stride is out of range, or the kernel does not fit (message starts with `conv2d:`)
 *
 * @example
 * conv2d(LECTURE_INPUT, LECTURE_KERNEL, { stride: 2 }) // => [[211, 262], [251, 169]]
 */
export function conv2d(input: Matrix, kernel: Matrix, { padding = 0, stride = 1 }: Conv2dOptions = {}): Matrix {
  return todo('03-stride');
}
