/**
 * Kata 02: padding.
 * Lesson: docs/02-padding.md
 */
import { checkInteger, checkMatrix, filled, formatShape, shapeOf, type Matrix } from '../../lib/matrix';
import { todo } from '../../lib/todo';
import { conv2d as conv2dValid } from '../01-single-channel';

/**
 * Surrounds a matrix with `padding` rows and columns of zeros on every side.
 *
 * @param input   H x W matrix
 * @param padding whole number >= 0: how many zero rows go above AND below, zero columns left AND right
 * @returns a new (H + 2 * padding) x (W + 2 * padding) matrix with `input` in the middle; `input` is left unchanged
 * @throws TypeError  when `input` is not a non-empty rectangular matrix (`checkMatrix('pad2d', 'input', input)`)
 * @throws RangeError when `padding` is negative, fractional or not finite (`checkInteger('pad2d', 'padding', padding, 0)`)
 *
 * @example
 * pad2d([[1, 2], [3, 4]], 1) // => [[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0], [0, 0, 0, 0]]
 */
export function pad2d(input: Matrix, padding: number): Matrix {
  return todo('02-padding');
}

/**
 * Convolves one input channel with one kernel after zero padding on every side; stride 1.
 * `conv2d(x, k, 0)` is kata 01's convolution; `padding = (k - 1) / 2` keeps an odd k x k kernel's
 * output the same size as the input.
 *
 * @param input   H x W matrix
 * @param kernel  kH x kW matrix, no larger than the padded input
 * @param padding whole number >= 0 (default 0)
 * @returns a new (H + 2p - kH + 1) x (W + 2p - kW + 1) matrix
 * @throws TypeError  when `input` or `kernel` is not a non-empty rectangular matrix
 * @throws RangeError when `padding` is not a whole number >= 0, or when the kernel is taller or
 *                    wider than the padded input (the message gives both sizes, as `formatShape` prints them: `7x7`)
 *
 * @example
 * conv2d([[1, 2], [3, 4]], [[1]], 1) // => [[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0], [0, 0, 0, 0]]
 */
export function conv2d(input: Matrix, kernel: Matrix, padding = 0): Matrix {
  return todo('02-padding');
}
