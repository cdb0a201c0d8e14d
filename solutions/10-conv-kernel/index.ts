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
  const fn = 'conv2d';
  if (!Array.isArray(inputShape) || inputShape.length !== 4) {
    throw new TypeError(`${fn}: the input must be [N, C, H, W] (4 sizes), but got ${Array.isArray(inputShape) ? `[${inputShape.join(', ')}]` : describe(inputShape)}`);
  }
  if (!Array.isArray(weightShape) || weightShape.length !== 4) {
    throw new TypeError(`${fn}: the weight must be [M, C, kH, kW] (4 sizes), but got ${Array.isArray(weightShape) ? `[${weightShape.join(', ')}]` : describe(weightShape)}`);
  }
  checkInteger(fn, 'input size N (shape[0])', inputShape[0], 0);
  ['C', 'H', 'W'].forEach((axis, i) => checkInteger(fn, `input size ${axis} (shape[${i + 1}])`, inputShape[i + 1], 1));
  ['M', 'C', 'kH', 'kW'].forEach((axis, i) => checkInteger(fn, `weight size ${axis} (weight.shape[${i}])`, weightShape[i], 1));
  const { padding = 0, stride = 1 } = options;
  checkInteger(fn, 'padding', padding, 0);
  checkInteger(fn, 'stride', stride, 1);
  const [n, c, h, w] = inputShape;
  const [m, wc, kh, kw] = weightShape;
  if (wc !== c) {
    throw new RangeError(`${fn}: weight of size [${weightShape.join(', ')}], expected input[${inputShape.join(', ')}] to have ${wc} channels, but got ${c} channels instead`);
  }
  if (kh > h + 2 * padding || kw > w + 2 * padding) {
    throw new RangeError(
      `${fn}: weight of size [${weightShape.join(', ')}] has ${kh}x${kw} kernels, larger than the padded input of size ${h + 2 * padding}x${w + 2 * padding} ` +
        `(input[${inputShape.join(', ')}] with padding ${padding}); no window fits`,
    );
  }
  return [n, m, Math.floor((h + 2 * padding - kh) / stride) + 1, Math.floor((w + 2 * padding - kw) / stride) + 1];
}

/**
 * The convolution kernel. Thread (x, y, z) is output element (n, m, h', w') with w' = x, h' = y
 * and z = n * M + m. Its window starts at (h' * stride - padding, w' * stride - padding) of the
 * unpadded image; kernel cell (u, v) reads (that + u, that + v) when it lies inside the image.
 */
function convKernel(this: KernelThis<ConvConstants>, x: number[][][], weight: number[], bias: number[]): number {
  const z = this.thread.z;
  const n = Math.floor(z / this.constants.M);
  const m = z - n * this.constants.M;
  const top = this.thread.y * this.constants.stride - this.constants.padding;
  const left = this.thread.x * this.constants.stride - this.constants.padding;
  let sum = bias[m];
  for (let c = 0; c < this.constants.C; c++) {
    for (let u = 0; u < this.constants.kH; u++) {
      const row = top + u;
      if (row >= 0 && row < this.constants.H) {
        for (let v = 0; v < this.constants.kW; v++) {
          const col = left + v;
          if (col >= 0 && col < this.constants.W) {
            sum += x[n * this.constants.C + c][row][col] * weight[((m * this.constants.C + c) * this.constants.kH + u) * this.constants.kW + v];
          }
        }
      }
    }
  }
  return sum;
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
  const outShape = conv2dOutputShape(inputShape, weightShape, options);
  const [, c, h, w] = inputShape;
  const [m, , kH, kW] = weightShape;
  const { padding = 0, stride = 1 } = options;
  const pipeline = options.pipeline === true;
  const constants: ConvConstants = { C: c, H: h, W: w, M: m, kH, kW, padding, stride };
  const key = `10 conv ${inputShape.join('x')} ${weightShape.join('x')} p${padding} s${stride}${pipeline ? ' pipeline' : ''}`;
  return cachedKernel(gpu, key, () => createKernel(gpu, convKernel, { output: kernelOutput(outShape), constants, pipeline }));
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
  checkTensor('conv2d', 'x', x, 4, '[N, C, H, W]');
  checkTensor('conv2d', 'weight', weight, 4, '[M, C, kH, kW]');
  if (options === null || typeof options !== 'object') throw new TypeError(`conv2d: options must be an object { padding, stride }, but got ${describe(options)}`);
  const outShape = conv2dOutputShape(x.shape, weight.shape, options);
  const m = weight.shape[0];
  if (bias !== null) {
    checkTensor('conv2d', 'bias', bias, 1, '[M]');
    if (bias.shape[0] !== m) {
      throw new RangeError(
        `conv2d: given weight of size [${weight.shape.join(', ')}], expected bias to be 1-dimensional with ${m} elements, but got bias of size [${bias.shape.join(', ')}] instead`,
      );
    }
  }
  if (sizeOf(outShape) === 0) return tensor(outShape);
  const kernel = conv2dKernelFor(gpu, x.shape, weight.shape, { padding: options.padding, stride: options.stride });
  const b = bias === null ? new Float32Array(m) : bias.data;
  return toTensor(kernel(nchwInput(x), weight.data, b) as KernelResult, outShape);
}
