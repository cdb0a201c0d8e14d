/**
 * Kata 04: multi-channel input.
 * Lesson: docs/04-multi-channel.md
 */
import { checkInteger, formatShape, type Matrix } from '../../lib/matrix';
import { checkNested, type Volume } from '../../lib/nested';
import { todo } from '../../lib/todo';
import { conv2d as conv2dSingle, type Conv2dOptions } from '../03-stride';

export type { Conv2dOptions };

/**
 * Convolves a C-channel input with a C-channel kernel into ONE output channel: what one output
 * channel of PyTorch's `torch.nn.Conv2d(C, 1, kernel_size, stride, padding, bias=False)` computes.
 *
 * Kernel slice c meets input channel c. Each pair is convolved as in kata 03, with the same
 * padding and stride, and the C resulting matrices are added cell by cell:
 *
 *     output = conv2d(input[0], kernel[0]) + conv2d(input[1], kernel[1]) + ... + conv2d(input[C-1], kernel[C-1])
 *
 * so each output cell is the sum of C * kH * kW products: multiply, then add across channels.
 *
 * @param input   [C, H, W] array: C channels of H x W (`input[c][row][col]`)
 * @param kernel  [C, kH, kW] array: one kH x kW slice per input channel, with the input's C
 * @param options `{ padding, stride }` as in kata 03 (defaults 0 and 1), applied to every channel
 * @returns a new [H', W'] matrix with H' = convOutputSize(H, kH, padding, stride) and
 *          W' = convOutputSize(W, kW, padding, stride); `input` and `kernel` are left unchanged
 * @throws TypeError  when `input` or `kernel` is not a non-empty rectangular rank-3 array of numbers
 *                    (`checkNested('conv2d', 'input', input, 3, '[C, H, W]')`, and likewise for the kernel)
 * @throws RangeError when the channel counts differ, in PyTorch's words:
 *                    `conv2d: kernel of size [3, 3, 3], expected input[1, 5, 5] to have 3 channels, but got 1 channels instead`
 * @throws RangeError when padding or stride is not a whole number in range (the message names it), or when
 *                    the kernel's slices are larger than the padded input (the message gives both sizes: `6x6`, `5x5`)
 *
 * @example
 * // two channels and a 1x1 kernel: 1 * channel 0 + 10 * channel 1
 * conv2d([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[[1]], [[10]]]) // => [[51, 62], [73, 84]]
 * // a kernel as large as the input: one number, (1 + 4) + (1 + 1 + 1 + 1)
 * conv2d([[[1, 2], [3, 4]], [[1, 1], [1, 1]]], [[[1, 0], [0, 1]], [[1, 1], [1, 1]]]) // => [[9]]
 */
export function conv2d(input: Volume, kernel: Volume, options: Conv2dOptions = {}): Matrix {
  const inShape = checkNested('conv2d', 'input', input, 3, '[C, H, W]');
  const kShape = checkNested('conv2d', 'kernel', kernel, 3, '[C, kH, kW]');
  const { padding = 0, stride = 1 } = options;
  checkInteger('conv2d', 'padding', padding, 0);
  checkInteger('conv2d', 'stride', stride, 1);
  const [c, h, w] = inShape;
  const [kc, kh, kw] = kShape;
  if (kc !== c) {
    throw new RangeError(
      `conv2d: kernel of size [${kShape.join(', ')}], expected input[${inShape.join(', ')}] to have ${kc} channels, but got ${c} channels instead`,
    );
  }
  if (kh > h + 2 * padding || kw > w + 2 * padding) {
    throw new RangeError(
      `conv2d: kernel of size [${kShape.join(', ')}] does not fit: its ${formatShape([kh, kw])} slices are larger than the padded ` +
        `input channels of size ${formatShape([h + 2 * padding, w + 2 * padding])} (input[${inShape.join(', ')}] with padding ${padding})`,
    );
  }
  const out = conv2dSingle(input[0], kernel[0], { padding, stride });
  for (let ch = 1; ch < c; ch++) {
    const part = conv2dSingle(input[ch], kernel[ch], { padding, stride });
    for (let i = 0; i < out.length; i++) {
      for (let j = 0; j < out[0].length; j++) out[i][j] += part[i][j];
    }
  }
  return out;
}
