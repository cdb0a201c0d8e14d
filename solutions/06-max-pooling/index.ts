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
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(
      `${fn}: options must be an object { stride?, padding? }, but got ${describe(options)}; ` +
        `PyTorch's positional MaxPool2d(2, 1) is ${fn}(..., 2, { stride: 1 }) here`,
    );
  }
  for (const key of Object.keys(options)) {
    if (key !== 'stride' && key !== 'padding') {
      throw new TypeError(`${fn}: unknown option "${key}"; the options are stride and padding`);
    }
  }
  checkInteger(fn, 'kernelSize', kernelSize, 1);
  const stride = options.stride ?? kernelSize;
  const padding = options.padding ?? 0;
  checkInteger(fn, 'stride', stride, 1);
  checkInteger(fn, 'padding', padding, 0);
  if (2 * padding > kernelSize) {
    throw new RangeError(
      `${fn}: padding should be at most half of kernelSize, but got padding=${padding}, kernelSize=${kernelSize} ` +
        `(more would let a window hold nothing but padding)`,
    );
  }
  return { stride, padding };
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
  checkInteger('poolOutputSize', 'size', size, 1);
  const { stride, padding } = poolSettings('poolOutputSize', kernelSize, options);
  if (kernelSize > size + 2 * padding) {
    throw new RangeError(
      `poolOutputSize: kernelSize ${kernelSize} is larger than the padded size ${size + 2 * padding} ` +
        `(size ${size} + 2 * padding ${padding}); no window fits`,
    );
  }
  return convOutputSize(size, kernelSize, padding, stride);
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
  const h = channel.length;
  const w = channel[0].length;
  const oh = convOutputSize(h, kernelSize, padding, stride);
  const ow = convOutputSize(w, kernelSize, padding, stride);
  const out: Matrix = [];
  for (let i = 0; i < oh; i++) {
    const row: number[] = [];
    for (let j = 0; j < ow; j++) {
      let best = -Infinity;
      for (let u = 0; u < kernelSize; u++) {
        const r = i * stride - padding + u;
        if (r < 0 || r >= h) continue; // a padding row: -Infinity never wins
        for (let v = 0; v < kernelSize; v++) {
          const c = j * stride - padding + v;
          if (c < 0 || c >= w) continue;
          best = Math.max(best, channel[r][c]); // Math.max keeps NaN, as PyTorch does
        }
      }
      row.push(best);
    }
    out.push(row);
  }
  return out;
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
  const [, , h, w] = checkNested('maxPool2d', 'input', input, 4, '[N, C, H, W]');
  const { stride, padding } = poolSettings('maxPool2d', kernelSize, options);
  if (kernelSize > h + 2 * padding || kernelSize > w + 2 * padding) {
    throw new RangeError(
      `maxPool2d: a ${formatShape([kernelSize, kernelSize])} window does not fit in the padded input of size ` +
        `${formatShape([h + 2 * padding, w + 2 * padding])} (input ${formatShape([h, w])} with padding ${padding}); ` +
        'use a smaller kernelSize',
    );
  }
  return input.map((image) => image.map((channel) => maxPoolChannel(channel, kernelSize, stride, padding)));
}
