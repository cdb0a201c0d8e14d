/**
 * Kata 05: M kernels, 4D weights and bias.
 * Lesson: docs/05-multi-kernel.md
 */
import { checkInteger, describe, formatShape } from '../../lib/matrix';
import { checkNested, type Batch, type Volume } from '../../lib/nested';
import { todo } from '../../lib/todo';
import { convOutputSize } from '../03-stride';
import { conv2d as conv2dOne, type Conv2dOptions } from '../04-multi-channel';

export type { Conv2dOptions };

/**
 * The shape checks that `conv2dOutputShape` and `conv2d` share, with the output shape they imply.
 * Every message starts with `${fn}: `, so each public function reports errors under its own name.
 *
 * @param fn          the public function being called: `conv2dOutputShape` or `conv2d`
 * @param inputShape  [C, H, W]: 3 positive whole numbers
 * @param weightShape [M, C, kH, kW]: 4 positive whole numbers
 * @param options     `{ padding, stride }` (defaults 0 and 1)
 * @returns [M, H', W'] with H' = convOutputSize(H, kH, padding, stride), W' = convOutputSize(W, kW, padding, stride)
 * @throws TypeError  when a shape is not an array of 3 (input) or 4 (weight) sizes
 * @throws RangeError when a size, the padding or the stride is not a whole number in range (the message names it);
 *                    when the weight's C differs from the input's C, in PyTorch's words:
 *                    `weight of size [10, 1, 5, 5], expected input[3, 28, 28] to have 1 channels, but got 3 channels instead`;
 *                    when the kernels are larger than the padded input (the message gives both sizes: `5x5`, `4x4`)
 *
 * @example
 * checkConv2dShapes('conv2d', [1, 28, 28], [10, 1, 5, 5], {}) // => [10, 24, 24]
 */
function checkConv2dShapes(fn: string, inputShape: readonly number[], weightShape: readonly number[], options: Conv2dOptions): [number, number, number] {
  return todo('05-multi-kernel');
}

/**
 * The output shape of `conv2d` (PyTorch's `torch.nn.Conv2d(C, M, kernel_size, stride, padding)`)
 * for an input of shape [C, H, W] and a weight of shape [M, C, kH, kW], without computing anything:
 *
 *     [M, floor((H + 2p - kH) / s) + 1, floor((W + 2p - kW) / s) + 1]
 *
 * The channel count M comes from the weight alone; H' and W' from the image size. The same
 * weight fits any image large enough for its kernels.
 *
 * @param inputShape  [C, H, W]: 3 positive whole numbers
 * @param weightShape [M, C, kH, kW]: 4 positive whole numbers, with the input's C
 * @param options     `{ padding, stride }` (defaults 0 and 1)
 * @returns a new array [M, H', W']
 * @throws TypeError  when a shape has the wrong number of sizes (3 for the input, 4 for the weight)
 * @throws RangeError like `conv2d`, with messages that start `conv2dOutputShape: `: a size, padding or
 *                    stride out of range; a channel mismatch (`weight of size [10, 1, 5, 5], expected
 *                    input[3, 28, 28] to have 1 channels, but got 3 channels instead`); kernels larger
 *                    than the padded input
 *
 * @example
 * conv2dOutputShape([1, 28, 28], [10, 1, 5, 5])   // => [10, 24, 24]   (the MNIST net's Conv2d(1, 10, 5))
 * conv2dOutputShape([10, 12, 12], [20, 10, 5, 5]) // => [20, 8, 8]     (its Conv2d(10, 20, 5))
 * conv2dOutputShape([3, 32, 32], [16, 3, 3, 3], { padding: 1, stride: 2 }) // => [16, 16, 16]
 */
export function conv2dOutputShape(inputShape: readonly number[], weightShape: readonly number[], options: Conv2dOptions = {}): [number, number, number] {
  return todo('05-multi-kernel');
}

/**
 * PyTorch's `torch.nn.Conv2d(C, M, kernel_size, stride, padding, bias)` on one image: M kernels,
 * stacked as a weight [M, C, kH, kW], each make one output channel, and bias[m] is added to every
 * cell of output channel m:
 *
 *     output[m] = conv2d(input, weight[m], options) + bias[m]     (kata 04's conv2d)
 *
 * Two shape rules: each kernel has the input's channel count C (weight[m] is [C, kH, kW]), and the
 * output has one channel per kernel, M. Neither depends on H x W.
 *
 * @param input   [C, H, W] array
 * @param weight  [M, C, kH, kW] array: M kernels of C slices each (PyTorch's `conv.weight` layout)
 * @param bias    M numbers, one per kernel, or null for none (`bias=False`)
 * @param options `{ padding, stride }` (defaults 0 and 1), the same for every kernel
 * @returns a new [M, H', W'] array, shaped as `conv2dOutputShape` says; the arguments are left unchanged
 * @throws TypeError  when `input` is not a rank-3 [C, H, W] or `weight` not a rank-4 [M, C, kH, kW]
 *                    non-empty rectangular array of numbers (`checkNested`), or `bias` is neither null
 *                    nor an array of numbers
 * @throws RangeError when the channel counts differ, in PyTorch's words: `conv2d: weight of size
 *                    [10, 1, 5, 5], expected input[3, 28, 28] to have 1 channels, but got 3 channels instead`;
 *                    when bias has not M entries (`conv2d: given weight of size [10, 1, 5, 5], expected bias
 *                    to be 1-dimensional with 10 elements, but got bias of size [5] instead`); when padding or
 *                    stride is out of range or the kernels are larger than the padded input
 *
 * @example
 * // one input channel, two 1x1 kernels (x1 and x-1), bias [10, 0]
 * conv2d([[[1, 2], [3, 4]]], [[[[1]]], [[[-1]]]], [10, 0]) // => [[[11, 12], [13, 14]], [[-1, -2], [-3, -4]]]
 */
export function conv2d(input: Volume, weight: Batch, bias: number[] | null, options: Conv2dOptions = {}): Volume {
  return todo('05-multi-kernel');
}
