/**
 * Kata 14: backward of conv and pool.
 * Lesson: docs/14-backward-conv.md
 *
 * The backward passes of PyTorch's `Conv2d` (NCHW input, OIHW weight, zero padding, stride) and
 * `MaxPool2d`, on flat tensors. As in kata 13, every function is generic over the float type:
 * Float32Array tensors in (to train), Float32Array out; Float64Array in (for a gradient check),
 * Float64Array out. Make results with `zerosLike(dy, shape)` from lib/tensor.
 *
 * The simplest correct code is loops over every output cell and every kernel cell, adding
 * products into the gradients (each forward product x·w sends dy·w back to x and dy·x back to w).
 */
import { checkInteger, describe } from '../../lib/matrix';
import { checkFloatTensor, zerosLike, type FloatArray, type FloatTensor } from '../../lib/tensor';
import { todo } from '../../lib/todo';

/** Conv2d's settings, as in kata 03: zeros added on every side, and the jump between windows. */
export interface Conv2dOptions {
  /** Zeros added on every side (default 0). */
  readonly padding?: number;
  /** How far the window jumps, across and down (default 1). */
  readonly stride?: number;
}

/** The three gradients of a Conv2d layer. */
export interface Conv2dGrads<D extends FloatArray = Float32Array> {
  /** dL/dx, [N, C, H, W]: the input's shape (padding cropped off). */
  readonly dx: FloatTensor<D>;
  /** dL/dweight, [M, C, kH, kW]: the weight's shape. */
  readonly dWeight: FloatTensor<D>;
  /** dL/dbias, [M]: dy summed over N, H' and W'. */
  readonly dBias: FloatTensor<D>;
}

/** The sizes of one Conv2d call, checked. */
interface ConvGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  m: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  padding: number;
  stride: number;
}

/**
 * Checks the shapes of a Conv2d backward call for `fn` (which starts every message) and returns
 * its sizes: x [N, C, H, W], weight [M, C, kH, kW], options, and dy [N, M, H', W'] with
 * H' = floor((H + 2p - kH) / s) + 1 (kata 03's formula), likewise W'.
 *
 * @throws TypeError  when options is not an object of padding and stride
 * @throws RangeError when padding or stride is out of range, the channel counts differ (PyTorch's
 *                    words: `weight of size [20, 10, 5, 5], expected input[64, 3, 12, 12] to have 10
 *                    channels, but got 3 channels instead`), the kernel is larger than the padded
 *                    input, or dy is not the shape of the forward output (the message gives both)
 */
function convGeometry(fn: string, dyShape: readonly number[], xShape: readonly number[], weightShape: readonly number[], options: Conv2dOptions): ConvGeometry {
  return todo('14-backward-conv');
}

/**
 * The gradient of Conv2d with respect to its input, PyTorch's `torch.nn.grad.conv2d_input`:
 * every forward product x[n][c][i·s + u - p][j·s + v - p] · weight[o][c][u][v] sends
 * dy[n][o][i][j] · weight[o][c][u][v] back to that input cell:
 *
 *     dx[n][c][r][q] = sum over o, i, j, u, v with i·s + u - p = r and j·s + v - p = q
 *                      of dy[n][o][i][j] · weight[o][c][u][v]
 *
 * Seen from the input cell, that is a full convolution of dy (spread out by the stride) with the
 * kernel FLIPPED in both directions. Cells of the padding receive gradient too, but they are not
 * inputs: leave them out (crop), so dx has x's shape. Roughly 15 lines as plain loops.
 *
 * @param dy         [N, M, H', W']: dL/d(output)
 * @param weight     [M, C, kH, kW]
 * @param inputShape [N, C, H, W]: the shape of the forward input (H and W cannot be recovered from dy
 *                   when the stride is above 1)
 * @param options    `{ padding = 0, stride = 1 }`, as in the forward pass
 * @returns a new [N, C, H, W] tensor of dy's float type; the arguments are left unchanged
 * @throws TypeError  when dy or weight is not a rank-4 float tensor, their float types differ, or
 *                    inputShape is not 4 whole numbers
 * @throws RangeError when the shapes do not fit together (see `conv2dBackward`)
 *
 * @example
 * // one 3x3 input, one 2x2 kernel [[1, 2], [3, 4]], dy [[1, 0], [0, 0]]: the kernel lands, as it is, at the top left
 * conv2dBackwardInput(tensor([1, 1, 2, 2], [1, 0, 0, 0]), tensor([1, 1, 2, 2], [1, 2, 3, 4]), [1, 1, 3, 3])
 * // => [[1, 2, 0], [3, 4, 0], [0, 0, 0]]
 */
export function conv2dBackwardInput<D extends FloatArray>(dy: FloatTensor<D>, weight: FloatTensor<D>, inputShape: readonly number[], options: Conv2dOptions = {}): FloatTensor<D> {
  return todo('14-backward-conv');
}

/**
 * The gradients of Conv2d with respect to its weight and bias, PyTorch's
 * `torch.nn.grad.conv2d_weight` and the bias's sum:
 *
 *     dWeight[o][c][u][v] = sum over n, i, j of dy[n][o][i][j] · x[n][c][i·s + u - p][j·s + v - p]
 *     dBias[o]            = sum over n, i, j of dy[n][o][i][j]
 *
 * (an x cell in the padding is 0 and adds nothing). Every output cell of every image used the same
 * kernel and the same bias, so their gradients add up over the batch AND over the output's
 * positions. Roughly 15 lines as plain loops.
 *
 * @param dy          [N, M, H', W']: dL/d(output)
 * @param x           [N, C, H, W]: the forward input
 * @param weightShape [M, C, kH, kW]: the weight's shape
 * @param options     `{ padding = 0, stride = 1 }`, as in the forward pass
 * @returns `{ dWeight, dBias }`, new tensors of dy's float type; the arguments are left unchanged
 * @throws TypeError  when dy or x is not a rank-4 float tensor, their float types differ, or weightShape
 *                    is not 4 whole numbers
 * @throws RangeError when the shapes do not fit together (see `conv2dBackward`)
 *
 * @example
 * // a 3x3 input holding 1..9, a 2x2 kernel, dy all ones [1, 1, 2, 2]
 * conv2dBackwardWeight(tensor([1, 1, 2, 2], [1, 1, 1, 1]), tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 2, 2])
 * // => dWeight [[[[12, 16], [24, 28]]]], dBias [4]
 */
export function conv2dBackwardWeight<D extends FloatArray>(
  dy: FloatTensor<D>,
  x: FloatTensor<D>,
  weightShape: readonly number[],
  options: Conv2dOptions = {},
): Pick<Conv2dGrads<D>, 'dWeight' | 'dBias'> {
  return todo('14-backward-conv');
}

/**
 * All three gradients of PyTorch's `Conv2d(C, M, [kH, kW], stride, padding)`: `conv2dBackwardInput`
 * and `conv2dBackwardWeight` together. (A first layer, whose input is the image, needs no dx:
 * call `conv2dBackwardWeight` alone there and save half the work.)
 *
 * @param dy      [N, M, H', W']: dL/d(output), H' = floor((H + 2p - kH) / s) + 1, likewise W'
 * @param x       [N, C, H, W]: the forward input
 * @param weight  [M, C, kH, kW]
 * @param options `{ padding = 0, stride = 1 }`, as in the forward pass
 * @returns `{ dx, dWeight, dBias }`, new tensors of dy's float type; no argument is changed
 * @throws TypeError  when a tensor is not rank-4 float data, the float types differ, or options is not an object
 * @throws RangeError when padding or stride is out of range; the channel counts differ (in PyTorch's words,
 *                    `weight of size [20, 10, 5, 5], expected input[64, 3, 12, 12] to have 10 channels,
 *                    but got 3 channels instead`); the kernel is larger than the padded input; or dy is
 *                    not [N, M, H', W'] (the message names dy and gives both shapes)
 */
export function conv2dBackward<D extends FloatArray>(dy: FloatTensor<D>, x: FloatTensor<D>, weight: FloatTensor<D>, options: Conv2dOptions = {}): Conv2dGrads<D> {
  return todo('14-backward-conv');
}

/** The settings of PyTorch's MaxPool2d besides the kernel size, as in kata 06. */
export interface MaxPool2dOptions {
  /** How far the window jumps; default: kernelSize (windows do not overlap). */
  readonly stride?: number;
  /** -Infinity cells on every side; default 0; at most kernelSize / 2. */
  readonly padding?: number;
}

/**
 * The backward pass of PyTorch's `MaxPool2d(kernelSize, stride, padding)`: each window's output was
 * ONE of its input cells, the largest, so dy of that output goes to that cell alone, and to no other
 * cell of the window. When windows overlap (stride < kernelSize) a cell can win several windows;
 * its gradients add up.
 *
 * Ties: PyTorch scans the window row by row, left to right, and keeps the FIRST largest value (a
 * later equal value does not replace it), so the whole dy goes to that first position. A NaN wins
 * its window, as in the forward pass. Padding cells are -Infinity: they never win. Roughly 15 lines.
 *
 * @param dy         [N, C, H', W']: dL/d(output)
 * @param x          [N, C, H, W]: the forward input (to find where each maximum was)
 * @param kernelSize the window's side, a positive whole number
 * @param options    `{ stride = kernelSize, padding = 0 }`, padding at most kernelSize / 2
 * @returns a new [N, C, H, W] tensor of dy's float type; the arguments are left unchanged
 * @throws TypeError  when dy or x is not a rank-4 float tensor, their float types differ, or options is
 *                    not an object of stride and padding
 * @throws RangeError when kernelSize or stride is not a positive whole number, padding is not a whole
 *                    number in 0..kernelSize / 2, the window is larger than the padded input, or dy is not
 *                    the shape of the pooled output [N, C, H', W'] (the message gives both)
 *
 * @example
 * // one 2x2 window holding [[1, 3], [3, 0]]: the first 3 (row 0, column 1) takes the whole gradient
 * maxPool2dBackward(tensor([1, 1, 1, 1], [5]), tensor([1, 1, 2, 2], [1, 3, 3, 0]), 2) // => [[0, 5], [0, 0]]
 */
export function maxPool2dBackward<D extends FloatArray>(dy: FloatTensor<D>, x: FloatTensor<D>, kernelSize: number, options: MaxPool2dOptions = {}): FloatTensor<D> {
  return todo('14-backward-conv');
}
