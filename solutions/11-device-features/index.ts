/**
 * Kata 11: the feature extractor on the device.
 * Lesson: docs/11-device-features.md
 *
 * The MNIST net's features, `conv1 → max-pool 2 → ReLU → conv2 → max-pool 2 → ReLU`, as a chain
 * of gpu.js kernels. `extractFeatures` makes every kernel a pipeline kernel (`pipeline: true`): on
 * a GL backend its result stays on the device as a texture, the next kernel reads it there, and
 * only the last result is read back. `extractFeaturesStepwise` computes the same numbers reading
 * every intermediate back to the CPU and uploading it again, to show what transfers cost.
 */
import type { GPU } from 'gpu.js';
import { cachedKernel, createKernel, type Kernel, type KernelThis } from '../../lib/kernels';
import { checkInteger, describe } from '../../lib/matrix';
import { checkTensor, sizeOf, tensor, type Tensor } from '../../lib/tensor';
import { todo } from '../../lib/todo';
import { kernelOutput, nchwInput, relu, reluKernelFor, toTensor, type KernelOptions, type KernelResult } from '../09-first-kernels';
import { conv2d, conv2dKernelFor, conv2dOutputShape } from '../10-conv-kernel';

/** A Conv2d layer's parameters in PyTorch's layout. */
export interface ConvParams {
  /** [M, C, kH, kW] */
  readonly weight: Tensor;
  /** [M] */
  readonly bias: Tensor;
}

/** The feature extractor's parameters: the MNIST net's conv1 [10, 1, 5, 5] and conv2 [20, 10, 5, 5]. */
export interface FeatureParams {
  readonly conv1: ConvParams;
  readonly conv2: ConvParams;
}

/**
 * The output shape of max-pooling an [N, C, H, W] tensor with a `size` x `size` window and stride
 * `size` (PyTorch's `MaxPool2d(size)`): [N, C, floor(H / size), floor(W / size)].
 *
 * @throws TypeError  when `shape` is not 4 sizes
 * @throws RangeError when `size` is not a whole number >= 1, or is larger than H or W
 *
 * @example
 * maxPool2dOutputShape([64, 10, 24, 24], 2) // => [64, 10, 12, 12]
 */
export function maxPool2dOutputShape(shape: readonly number[], size: number): [number, number, number, number] {
  if (!Array.isArray(shape) || shape.length !== 4) {
    throw new TypeError(`maxPool2d: the input must be [N, C, H, W] (4 sizes), but got ${Array.isArray(shape) ? `[${shape.join(', ')}]` : describe(shape)}`);
  }
  checkInteger('maxPool2d', 'kernel size', size, 1);
  const [n, c, h, w] = shape;
  if (size > h || size > w) {
    throw new RangeError(`maxPool2d: a ${size}x${size} window does not fit in input[${shape.join(', ')}] of size ${h}x${w}`);
  }
  return [n, c, Math.floor(h / size), Math.floor(w / size)];
}

/** The max-pool kernel: thread (x, y, z) takes the largest value of the window at (y * size, x * size) of plane z. */
function maxPoolKernel(this: KernelThis<{ size: number }>, x: number[][][]): number {
  const top = this.thread.y * this.constants.size;
  const left = this.thread.x * this.constants.size;
  let best = x[this.thread.z][top][left];
  for (let u = 0; u < this.constants.size; u++) {
    for (let v = 0; v < this.constants.size; v++) {
      best = Math.max(best, x[this.thread.z][top + u][left + v]);
    }
  }
  return best;
}

/** The compiled max-pool kernel for an [N, C, H, W] input, made once per GPU instance, shape and size. */
export function maxPool2dKernelFor(gpu: GPU, shape: readonly number[], size: number, options: KernelOptions = {}): Kernel {
  const outShape = maxPool2dOutputShape(shape, size);
  const pipeline = options.pipeline === true;
  return cachedKernel(gpu, `11 maxpool ${shape.join('x')} k${size}${pipeline ? ' pipeline' : ''}`, () =>
    createKernel(gpu, maxPoolKernel, { output: kernelOutput(outShape), constants: { size }, pipeline }),
  );
}

/**
 * PyTorch's `F.max_pool2d(x, size)` (stride = size, no padding) on an [N, C, H, W] tensor, as a
 * gpu.js kernel.
 *
 * @returns a new [N, C, floor(H / size), floor(W / size)] tensor; `x` is left unchanged
 * @throws TypeError when `x` is not a rank-4 Tensor; RangeError when the window size is bad or too large
 *
 * @example
 * maxPool2d(gpu, tensor([1, 1, 2, 2], [1, 5, -3, 2]), 2) // => { shape: [1, 1, 1, 1], data: [5] }
 */
export function maxPool2d(gpu: GPU, x: Tensor, size = 2): Tensor {
  checkTensor('maxPool2d', 'x', x, 4, '[N, C, H, W]');
  const outShape = maxPool2dOutputShape(x.shape, size);
  if (sizeOf(outShape) === 0) return tensor(outShape);
  return toTensor(maxPool2dKernelFor(gpu, x.shape, size)(nchwInput(x)) as KernelResult, outShape);
}

/** Checks x and the parameters; returns the shapes of every step. */
function featureShapes(fn: string, x: Tensor, params: FeatureParams): { conv1: number[]; pool1: number[]; conv2: number[]; pool2: number[] } {
  checkTensor(fn, 'x', x, 4, '[N, C, H, W]');
  if (params === null || typeof params !== 'object' || !params.conv1 || !params.conv2) {
    throw new TypeError(`${fn}: params must be { conv1: { weight, bias }, conv2: { weight, bias } }, but got ${describe(params)}`);
  }
  for (const layer of ['conv1', 'conv2'] as const) {
    const { weight, bias } = params[layer];
    checkTensor(fn, `params.${layer}.weight`, weight, 4, '[M, C, kH, kW]');
    checkTensor(fn, `params.${layer}.bias`, bias, 1, '[M]');
    if (bias.shape[0] !== weight.shape[0]) {
      throw new RangeError(
        `${fn}: given ${layer}.weight of size [${weight.shape.join(', ')}], expected ${layer}.bias to be 1-dimensional with ${weight.shape[0]} elements, but got bias of size [${bias.shape.join(', ')}] instead`,
      );
    }
  }
  const step = <T>(layer: string, shape: () => T): T => {
    try {
      return shape();
    } catch (error) {
      const e = error as Error;
      throw new (e.constructor as new (message: string) => Error)(`${fn}: ${layer}: ${e.message}`);
    }
  };
  const conv1 = step('conv1', () => conv2dOutputShape(x.shape, params.conv1.weight.shape));
  const pool1 = step('pool after conv1', () => maxPool2dOutputShape(conv1, 2));
  const conv2 = step('conv2', () => conv2dOutputShape(pool1, params.conv2.weight.shape));
  const pool2 = step('pool after conv2', () => maxPool2dOutputShape(conv2, 2));
  return { conv1, pool1, conv2, pool2 };
}

/**
 * The MNIST net's feature extractor, `relu(maxPool(conv2(relu(maxPool(conv1(x))))))`, as a chain
 * of pipeline kernels: intermediates stay on the device, one read-back at the end.
 * For the MNIST net: [N, 1, 28, 28] → [N, 20, 4, 4].
 *
 * @param gpu    a gpu.js GPU instance
 * @param x      [N, C, H, W]
 * @param params conv1 { weight [M1, C, k, k], bias [M1] } and conv2 { weight [M2, M1, k, k], bias [M2] }
 * @returns a new [N, M2, H2, W2] tensor; the arguments are left unchanged
 * @throws TypeError/RangeError naming the argument, as conv2d and maxPool2d do
 *
 * @example
 * extractFeatures(gpu, images, params) // images [64, 1, 28, 28] => [64, 20, 4, 4]
 */
export function extractFeatures(gpu: GPU, x: Tensor, params: FeatureParams): Tensor {
  const shapes = featureShapes('extractFeatures', x, params);
  if (sizeOf(shapes.pool2) === 0) return tensor(shapes.pool2);
  const pipeline = { pipeline: true };
  const c1 = conv2dKernelFor(gpu, x.shape, params.conv1.weight.shape, pipeline)(nchwInput(x), params.conv1.weight.data, params.conv1.bias.data);
  const p1 = maxPool2dKernelFor(gpu, shapes.conv1, 2, pipeline)(c1);
  const r1 = reluKernelFor(gpu, shapes.pool1, pipeline)(p1);
  const c2 = conv2dKernelFor(gpu, shapes.pool1, params.conv2.weight.shape, pipeline)(r1, params.conv2.weight.data, params.conv2.bias.data);
  const p2 = maxPool2dKernelFor(gpu, shapes.conv2, 2, pipeline)(c2);
  const r2 = reluKernelFor(gpu, shapes.pool2, pipeline)(p2);
  return toTensor(r2 as KernelResult, shapes.pool2);
}

/**
 * The same result as `extractFeatures`, one tensor-level call per step (katas 09-11's conv2d,
 * maxPool2d, relu): every intermediate is read back to the CPU and uploaded again.
 *
 * @returns a new [N, M2, H2, W2] tensor; the arguments are left unchanged
 */
export function extractFeaturesStepwise(gpu: GPU, x: Tensor, params: FeatureParams): Tensor {
  const shapes = featureShapes('extractFeaturesStepwise', x, params);
  if (sizeOf(shapes.pool2) === 0) return tensor(shapes.pool2);
  const a = relu(gpu, maxPool2d(gpu, conv2d(gpu, x, params.conv1.weight, params.conv1.bias), 2));
  return relu(gpu, maxPool2d(gpu, conv2d(gpu, a, params.conv2.weight, params.conv2.bias), 2));
}
