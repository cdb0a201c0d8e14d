/**
 * Kata 01: single-channel convolution.
 * Lesson: docs/01-single-channel.md
 */
import { checkMatrix, filled, formatShape, shapeOf, type Matrix } from '../../lib/matrix';
import { todo } from '../../lib/todo';

/**
 * Convolves one input channel with one kernel: no padding, stride 1.
 *
 * Slides `kernel` over every position where it fits entirely inside `input`, multiplies the
 * overlapping cells element-wise and sums them. Like PyTorch's `Conv2d`, this is
 * cross-correlation: the kernel is NOT flipped.
 *
 * @param input  H x W matrix (`input[row][col]`)
 * @param kernel kH x kW matrix, no larger than `input` in either direction
 * @returns a new (H - kH + 1) x (W - kW + 1) matrix; `input` and `kernel` are left unchanged
 * @throws TypeError  when `input` or `kernel` is not a non-empty rectangular matrix of numbers
 *                    (use `checkMatrix` from lib/matrix)
 * @throws RangeError when the kernel is taller or wider than the input
 *
 * @example
 * conv2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, 1]]) // => [[6, 8], [12, 14]]
 */
export function conv2d(input: Matrix, kernel: Matrix): Matrix {
  return todo('01-single-channel');
}
