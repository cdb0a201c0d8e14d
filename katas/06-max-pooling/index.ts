/**
 * Kata 06: max pooling.
 * Lesson: docs/06-max-pooling.md
 */
import { checkInteger, describe, formatShape, type Matrix } from '../../lib/matrix';
import { checkNested, type Batch } from '../../lib/nested';
import { todo } from '../../lib/todo';
import { convOutputSize } from '../03-stride';

/** The settings of PyTorch's `MaxPool2d` besides the kernel size. */
export interface MaxPool2dOptions {
  /** How far the window jumps, across and down; default: kernelSize (windows do not overlap). */
  stride?: number;
  /** -Infinity cells added on every side; default 0; at most kernelSize / 2. */
  padding?: number;
}

/**
 * Checks `kernelSize` and `options` for `fn` (`maxPool2d` or `poolOutputSize`, which starts every
 * message) and returns the stride and padding with MaxPool2d's defaults filled in.
 *
 * @param fn         the public function being called, for the messages
 * @param kernelSize the window's side, a positive whole number
 * @param options    `{ stride?, padding? }` (an object; no other keys)
 * @returns `{ stride, padding }` with stride defaulting to `kernelSize` and padding to 0
 * @throws TypeError  when `options` is not an object, or has a key other than `stride` and `padding`
 * @throws RangeError when kernelSize or stride is not a positive whole number, padding is not a
 *                    whole number >= 0, or padding is more than half of kernelSize
 *
 * @example
 * poolSettings('maxPool2d', 2, {})             // => { stride: 2, padding: 0 }
 * poolSettings('maxPool2d', 3, { stride: 1 }) // => { stride: 1, padding: 0 }
 */
function poolSettings(fn: string, kernelSize: number, options: MaxPool2dOptions): Required<MaxPool2dOptions> {
  return todo('06-max-pooling');
}

/**
 * The output size of max pooling along one axis: kata 03's
 * `convOutputSize(size, kernelSize, padding, stride)` with MaxPool2d's defaults
 * (stride = kernelSize, padding = 0), that is
 *
 *     floor((size + 2 * padding - kernelSize) / stride) + 1
 *
 * @param size       the input's length along the axis (H or W), a positive whole number
 * @param kernelSize the window's side, a positive whole number
 * @param options    `{ stride = kernelSize, padding = 0 }`; padding at most kernelSize / 2
 * @returns the number of windows along the axis, >= 1
 * @throws TypeError  when `options` is not an object of `stride` and `padding`
 * @throws RangeError (message starts with `poolOutputSize:` and names the argument) when size,
 *                    kernelSize or stride is not a positive whole number, when padding is not a whole
 *                    number >= 0 or is more than half of kernelSize (`at most half`), or when the
 *                    window is longer than the padded size (no window fits)
 *
 * @example
 * poolOutputSize(24, 2)                          // => 12
 * poolOutputSize(5, 2)                           // => 2 (floor: the last row is dropped)
 * poolOutputSize(5, 3, { stride: 2, padding: 1 }) // => 3
 */
export function poolOutputSize(size: number, kernelSize: number, options: MaxPool2dOptions = {}): number {
  return todo('06-max-pooling');
}

/**
 * Max pooling of one H x W channel: output[i][j] is the largest input cell of the
 * kernelSize x kernelSize window whose top-left corner is (i * stride - padding, j * stride - padding).
 * Cells of the window outside the input are padding: -Infinity, so they never win. A NaN in the
 * window makes the result NaN, as in PyTorch.
 *
 * @param channel    H x W matrix, already checked
 * @param kernelSize the window's side
 * @param stride     the jump between windows
 * @param padding    -Infinity cells on every side
 * @returns a new poolOutputSize(H) x poolOutputSize(W) matrix
 *
 * @example
 * maxPoolChannel([[3, 4, 6, 5], [2, 4, 6, 8], [1, 6, 7, 8], [9, 7, 4, 6]], 2, 2, 0) // => [[4, 8], [9, 8]]
 */
function maxPoolChannel(channel: Matrix, kernelSize: number, stride: number, padding: number): Matrix {
  return todo('06-max-pooling');
}

/**
 * PyTorch's `torch.nn.MaxPool2d(kernelSize, stride, padding)` on a batch: every channel of every
 * image is pooled on its own, so the batch size N and the channel count C stay the same. Each
 * output cell is the largest value of its kernelSize x kernelSize window; padded cells are -Infinity
 * (they never win). There are no weights. A NaN in a window gives NaN, as in PyTorch.
 *
 * @param input      [N, C, H, W] nested array (`input[n][c][row][col]`)
 * @param kernelSize the window's side, a positive whole number
 * @param options    `{ stride = kernelSize, padding = 0 }`; padding at most kernelSize / 2
 * @returns a new [N, C, H', W'] batch with H' = poolOutputSize(H, kernelSize, options) and
 *          W' = poolOutputSize(W, kernelSize, options); `input` is left unchanged
 * @throws TypeError  (message starts with `maxPool2d:`) when `input` is not a non-empty rectangular
 *                    rank-4 [N, C, H, W] array of numbers (`checkNested('maxPool2d', 'input', input, 4, '[N, C, H, W]')`),
 *                    or `options` is not an object of `stride` and `padding`
 * @throws RangeError (message starts with `maxPool2d:`) when kernelSize or stride is not a positive
 *                    whole number, when padding is not a whole number >= 0 or is more than half of
 *                    kernelSize (`padding should be at most half of kernelSize, but got padding=2, kernelSize=2`),
 *                    or when the window is larger than the padded input (the message gives both
 *                    sizes, as `formatShape` prints them: `3x3`, `2x2`)
 *
 * @example
 * maxPool2d([[[[3, 4, 6, 5], [2, 4, 6, 8], [1, 6, 7, 8], [9, 7, 4, 6]]]], 2) // => [[[[4, 8], [9, 8]]]]
 * maxPool2d(x, 2) // x of shape [1, 10, 24, 24] => shape [1, 10, 12, 12]
 */
export function maxPool2d(input: Batch, kernelSize: number, options: MaxPool2dOptions = {}): Batch {
  return todo('06-max-pooling');
}
