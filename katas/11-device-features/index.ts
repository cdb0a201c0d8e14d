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
  return todo('11-device-features');
}

/** The max-pool kernel: thread (x, y, z) takes the largest value of the window at (y * size, x * size) of plane z. */
function maxPoolKernel(this: KernelThis<{ size: number }>, x: number[][][]): number {
  return todo('11-device-features');
}

/** The compiled max-pool kernel for an [N, C, H, W] input, made once per GPU instance, shape and size. */
export function maxPool2dKernelFor(gpu: GPU, shape: readonly number[], size: number, options: KernelOptions = {}): Kernel {
  return todo('11-device-features');
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
  return todo('11-device-features');
}

/** Checks x and the parameters; returns the shapes of every step. */
function featureShapes(fn: string, x: Tensor, params: FeatureParams): { conv1: number[]; pool1: number[]; conv2: number[]; pool2: number[] } {
  return todo('11-device-features');
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
  return todo('11-device-features');
}

/**
 * The same result as `extractFeatures`, one tensor-level call per step (katas 09-11's conv2d,
 * maxPool2d, relu): every intermediate is read back to the CPU and uploaded again.
 *
 * @returns a new [N, M2, H2, W2] tensor; the arguments are left unchanged
 */
export function extractFeaturesStepwise(gpu: GPU, x: Tensor, params: FeatureParams): Tensor {
  return todo('11-device-features');
}
