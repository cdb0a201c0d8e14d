/**
 * The worked examples of the GPU katas (09-11) as flat NCHW tensors: the suites check them and
 * the lessons' figures draw them (lib/figures/device.ts). Outputs that are not written out by hand
 * are computed by tfjs in the suites, and lib/test/device-examples.test.ts checks these against tfjs.
 */
import { tensor, type Tensor } from '../tensor';
import { LECTURE_INPUT, LECTURE_KERNEL, LECTURE_PADDED, LECTURE_PADDED_STRIDED, LECTURE_VALID } from './lecture';

/** ReLU on [2, 1, 2, 3]: two images of one 2 x 3 channel; zeros and negatives included. */
export const RELU_EXAMPLE: { input: Tensor; output: Tensor } = {
  input: tensor([2, 1, 2, 3], [-2, 0, 3, 4, -5, 6, 7, -8, 0.5, -0.25, 9, -1]),
  output: tensor([2, 1, 2, 3], [0, 0, 3, 4, 0, 6, 7, 0, 0.5, 0, 9, 0]),
};

/** [1, 2, 3, 3], all positive and asymmetric: a kernel that swaps thread.x and thread.y returns each plane transposed. */
export const SWAP_EXAMPLE: Tensor = tensor([1, 2, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90]);

/** addBias on [2, 3, 1, 2] with bias [100, 200, 300]: thread z = n * 3 + c gets bias[c]. */
export const BIAS_EXAMPLE: { input: Tensor; bias: Tensor; output: Tensor } = {
  input: tensor([2, 3, 1, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
  bias: tensor([3], [100, 200, 300]),
  output: tensor([2, 3, 1, 2], [101, 102, 203, 204, 305, 306, 107, 108, 209, 210, 311, 312]),
};

const flat = (m: readonly (readonly number[])[]) => m.flat();

/**
 * The lecture's 5x5 input and 3x3 kernel as a batch of two images (the second one is the first
 * times -1) through Conv2d(1, 2, 3): kernel 0 is the lecture's, kernel 1 its negative, bias [0, 1000].
 * Outputs: [2, 2, ...] for no padding, padding 1, and padding 1 with stride 2.
 */
export const CONV_EXAMPLE = (() => {
  const image = flat(LECTURE_INPUT);
  const kernel = flat(LECTURE_KERNEL);
  const batch = (m: readonly (readonly number[])[], size: number): Tensor => {
    const v = flat(m);
    // image 0 kernel 0: v; image 0 kernel 1: -v + 1000; image 1 kernel 0: -v; image 1 kernel 1: v + 1000
    return tensor([2, 2, size, size], [...v, ...v.map((a) => 1000 - a), ...v.map((a) => -a), ...v.map((a) => a + 1000)]);
  };
  return {
    input: tensor([2, 1, 5, 5], [...image, ...image.map((a) => -a)]),
    weight: tensor([2, 1, 3, 3], [...kernel, ...kernel.map((a) => -a)]),
    bias: tensor([2], [0, 1000]),
    valid: batch(LECTURE_VALID, 3),
    padded: batch(LECTURE_PADDED, 5),
    paddedStrided: batch(LECTURE_PADDED_STRIDED, 3),
  };
})();

/** Max-pool 2 on [1, 2, 4, 4]: channel 1 is all negative (a maximum that starts at 0 is wrong), with ties. */
export const POOL_EXAMPLE: { input: Tensor; output: Tensor } = {
  input: tensor([1, 2, 4, 4], [
    1, 3, 2, 2,
    5, 4, 2, 2,
    -1, 0, 7, 8,
    6, 6, 9, -3,
    -5, -3, -8, -2,
    -4, -6, -9, -7,
    -1, -1, -2, -3,
    -1, -1, -4, -2,
  ]),
  output: tensor([1, 2, 2, 2], [5, 2, 6, 9, -3, -2, -1, -2]),
};

/**
 * Deterministic parameters of the MNIST net's feature extractor, conv1 [10, 1, 5, 5] + [10] and
 * conv2 [20, 10, 5, 5] + [20]: multiples of 1/16 in -0.5..0.5 (weights) and -1..1 (biases) from a
 * fixed linear congruential sequence, so every backend sums exactly representable numbers.
 */
export const FEATURE_PARAMS = (() => {
  let state = 20240611;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const values = (n: number, scale: number) => Array.from({ length: n }, () => (Math.round((next() * 2 - 1) * 8) / 16) * scale);
  return {
    conv1: { weight: tensor([10, 1, 5, 5], values(250, 1)), bias: tensor([10], values(10, 2)) },
    conv2: { weight: tensor([20, 10, 5, 5], values(5000, 0.5)), bias: tensor([20], values(20, 2)) },
  };
})();
