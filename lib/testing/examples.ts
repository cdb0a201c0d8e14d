/**
 * The worked examples of the lessons after the lecture's (lib/testing/lecture.ts), as plain
 * numbers: the kata suites check them exactly, the figures draw them, and lib/test/*.test.ts
 * checks each against tfjs, so a typo cannot hide. Nothing here loads tfjs.
 */
import { LECTURE_INPUT, LECTURE_KERNEL } from './lecture';
import type { Matrix } from '../matrix';
import type { Batch, Volume } from '../nested';

/**
 * `value` with every nested array frozen, returned as is. The worked examples are frozen so that a
 * conv2d that writes into its arguments fails where it writes ("Cannot assign to read only
 * property"), instead of quietly changing the numbers that later tests compare with.
 */
export function deepFreeze<T>(value: T): T {
  if (Array.isArray(value)) {
    value.forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}


// ---------------------------------------------------------------------------------------------
// The lesson's worked example: an RGB image of 4x4 pixels and a 3x3x3 kernel (docs/04-multi-channel.md).

/** The red, green and blue channels of a 4x4 image: the input [3, 4, 4]. */
export const RGB_INPUT: Volume = deepFreeze([
  [
    [1, 2, 0, 1],
    [0, 1, 3, 1],
    [2, 1, 0, 0],
    [1, 0, 1, 2],
  ],
  [
    [0, 1, 1, 0],
    [1, 0, 2, 1],
    [0, 2, 1, 1],
    [1, 1, 0, 0],
  ],
  [
    [2, 0, 1, 1],
    [1, 1, 0, 2],
    [0, 1, 1, 0],
    [2, 0, 0, 1],
  ],
]);

/** One 3x3 slice per input channel: a diagonal for red, a cross for green, a top-minus-bottom edge for blue. */
export const RGB_KERNEL: Volume = deepFreeze([
  [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  [
    [0, 1, 0],
    [1, 0, 1],
    [0, 1, 0],
  ],
  [
    [1, 1, 1],
    [0, 0, 0],
    [-1, -1, -1],
  ],
]);

/** conv2d(RGB_INPUT[c], RGB_KERNEL[c]) for c = 0, 1, 2: the three per-channel results, before the sum. */
export const RGB_PER_CHANNEL: Volume = deepFreeze([
  [
    [2, 5],
    [2, 3],
  ],
  [
    [6, 3],
    [2, 5],
  ],
  [
    [1, 0],
    [0, 2],
  ],
]);

/** Their sum: the ONE output channel. */
export const RGB_OUTPUT: Matrix = deepFreeze([
  [9, 8],
  [4, 10],
]);

/** N = 4 channels: channel c of the input is (c + 1) times the lecture's 5x5 input. */
export const FOUR_CHANNEL_INPUT: Volume = deepFreeze([1, 2, 3, 4].map((k) => LECTURE_INPUT.map((row) => row.map((x) => k * x))));
/** Each of the 4 kernel slices is the lecture's 3x3 kernel. */
export const FOUR_CHANNEL_KERNEL: Volume = deepFreeze([0, 1, 2, 3].map(() => LECTURE_KERNEL.map((row) => [...row])));
/** (1 + 2 + 3 + 4) times the lecture's 3x3 output [[211, 295, 262], [259, 282, 214], [251, 253, 169]]. */
export const FOUR_CHANNEL_OUTPUT: Matrix = deepFreeze([
  [2110, 2950, 2620],
  [2590, 2820, 2140],
  [2510, 2530, 1690],
]);

// ---------------------------------------------------------------------------------------------
// The lesson's worked example: Conv2d(2, 3, 3) with bias [1, 0, -1] on a [2, 4, 4] input
// (docs/05-multi-kernel.md). The input is the red and green channels of kata 04's RGB example.

const [diagonal, cross, edge] = RGB_KERNEL;

/** [2, 4, 4]: the red and green channels of kata 04's example. */
export const LAYER_INPUT: Volume = deepFreeze([RGB_INPUT[0], RGB_INPUT[1]]);

/** [3, 2, 3, 3]: three kernels of two 3x3 slices each. */
export const LAYER_WEIGHT: Batch = deepFreeze([
  [diagonal, cross],
  [cross, diagonal],
  [edge, edge],
]);

/** One bias per kernel. */
export const LAYER_BIAS = deepFreeze([1, 0, -1]);

/** Each kernel through kata 04's conv2d, before the bias: [3, 2, 2]. */
export const LAYER_BEFORE_BIAS: Volume = deepFreeze([
  [
    [8, 8],
    [4, 8],
  ],
  [
    [7, 6],
    [6, 6],
  ],
  [
    [-1, 0],
    [3, 4],
  ],
]);

/** The output [3, 2, 2]: channel m is LAYER_BEFORE_BIAS[m] + LAYER_BIAS[m]. */
export const LAYER_OUTPUT: Volume = deepFreeze([
  [
    [9, 9],
    [5, 9],
  ],
  [
    [7, 6],
    [6, 6],
  ],
  [
    [-2, -1],
    [2, 3],
  ],
]);

/** The shape story of the MNIST net's two convolutions (a 2x2 max pool, kata 06, sits between them). */
export const MNIST_CONV1 = { layer: 'Conv2d(1, 10, 5)', input: [1, 28, 28], weight: [10, 1, 5, 5], output: [10, 24, 24] };
export const MNIST_CONV2 = { layer: 'Conv2d(10, 20, 5)', input: [10, 12, 12], weight: [20, 10, 5, 5], output: [20, 8, 8] };

// ---------------------------------------------------------------------------------------------
// Max pooling (docs/06-max-pooling.md).

/** The lecture's 4x4 input: the top-left 4x4 of the convolution lessons' 5x5 input. */
export const POOL_INPUT = [
  [3, 4, 6, 5],
  [2, 4, 6, 8],
  [1, 6, 7, 8],
  [9, 7, 4, 6],
];

/** MaxPool2d(2) of POOL_INPUT: the largest value of each 2x2 window. */
export const POOL_OUTPUT = [
  [4, 8],
  [9, 8],
];

/** A second channel for POOL_INPUT, whose windows have other winners. */
export const POOL_SECOND_CHANNEL = [
  [0, 9, 1, 0],
  [1, 1, 0, 2],
  [5, 0, 3, 3],
  [0, 2, 10, 0],
];

/** MaxPool2d(2) of POOL_SECOND_CHANNEL. */
export const POOL_SECOND_OUTPUT = [
  [9, 2],
  [5, 10],
];

/** An all-negative input, to show that padding is -Infinity, not 0. */
export const POOL_NEGATIVE = [
  [-1, -2, -3],
  [-4, -5, -6],
  [-7, -8, -9],
];

/** MaxPool2d(3, stride=1, padding=1) of POOL_NEGATIVE: 3x3 stays 3x3. */
export const POOL_NEGATIVE_OUTPUT = [
  [-1, -1, -2],
  [-1, -1, -2],
  [-4, -4, -5],
];

// ---------------------------------------------------------------------------------------------
// Tensors and layouts (docs/07-tensors.md).

/** A [2, 2, 3] tensor holding 0..11, so that each value is its own offset in memory. */
export const STRIDES_EXAMPLE = {
  nested: [
    [
      [0, 1, 2],
      [3, 4, 5],
    ],
    [
      [6, 7, 8],
      [9, 10, 11],
    ],
  ],
  shape: [2, 2, 3],
  strides: [6, 3, 1],
  /** The element traced in the figure, and its offset 1·6 + 0·3 + 2·1. */
  index: [1, 0, 2],
  offset: 8,
};

/** One image [N = 1, C = 2, H = 2, W = 3] holding 0..11 in NCHW order, and the same image in NHWC order. */
export const LAYOUT_EXAMPLE = {
  nchwShape: [1, 2, 2, 3],
  nchw: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  nhwcShape: [1, 2, 3, 2],
  nhwc: [0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11],
};

// ---------------------------------------------------------------------------------------------
// The linear layer (docs/08-linear.md).

/** The lesson's Linear(3, 2) on a batch of two samples: y = x W^T + b. */
export const LINEAR_EXAMPLE = {
  /** x [N = 2, in = 3]. */
  x: [
    [1, 2, 3],
    [4, 5, 6],
  ],
  /** weight [out = 2, in = 3], PyTorch's layout: one row per output feature. */
  weight: [
    [1, -1, 2],
    [0, 3, -1],
  ],
  /** bias [out = 2]. */
  bias: [10, 20],
  /** x W^T + b: [2, 2]. */
  y: [
    [15, 23],
    [21, 29],
  ],
  /** x W^T alone (bias null). */
  noBias: [
    [5, 3],
    [11, 9],
  ],
};

// ---------------------------------------------------------------------------------------------
// Backward of the head (docs/13-backward-head.md). Checked with PyTorch 1.13 in float64:
// F.linear(x, W, b).backward(dy); torch.relu(x).backward(dy); F.cross_entropy(z, t).backward().

/** LINEAR_EXAMPLE's layer, with an upstream gradient dy [2, 2] and the three gradients it gives. */
export const LINEAR_BACKWARD_EXAMPLE = {
  x: LINEAR_EXAMPLE.x,
  weight: LINEAR_EXAMPLE.weight,
  /** dL/dy [N = 2, out = 2]. */
  dy: [
    [1, -1],
    [0.5, 2],
  ],
  /** dy · W [2, 3]. */
  dx: [
    [1, -4, 3],
    [0.5, 5.5, -1],
  ],
  /** dyᵀ · x [out = 2, in = 3]. */
  dWeight: [
    [3, 4.5, 6],
    [7, 8, 9],
  ],
  /** dy summed over the batch [2]. */
  dBias: [1.5, 1],
};

/** relu's backward: x from kata 08's example (0 included), an upstream dy with negative entries. */
export const RELU_BACKWARD_EXAMPLE = {
  x: [-2, -0.5, 0, 0.5, 3],
  dy: [1, -2, 3, 4, -5],
  /** dy where x > 0, else 0 (0 at x = 0, as torch.relu's gradient). */
  dx: [0, 0, 0, 4, -5],
};

/** Cross-entropy of two samples: ordinary logits, and logits of 1000 where an unstabilised exp overflows. */
export const CROSS_ENTROPY_EXAMPLE = {
  logits: [
    [1, 2, 3],
    [1000, 0, -1000],
  ],
  targets: [2, 1],
  /** F.cross_entropy: ((log(e + e² + e³) - 3) + (1000 - 0)) / 2. */
  loss: 500.2038029822222,
  /** (softmax - onehot) / N. */
  dLogits: [
    [0.04501528658519022, 0.12236423552739882, -0.1673795221125891],
    [0.5, -0.5, 0],
  ],
};

// ---------------------------------------------------------------------------------------------
// Backward of conv and pool (docs/14-backward-conv.md). Checked with PyTorch 1.13 in float64:
// F.conv2d(x, w, b, stride, padding).backward(dy); F.max_pool2d(x, 2).backward(dy).

/** Conv2d(1, 1, 2) on a 3x3 input: stride 1, no padding; an asymmetric kernel, so a flip shows. */
export const CONV_BACKWARD_EXAMPLE = {
  x: [
    [1, 2, 0],
    [0, 1, 3],
    [2, -1, 1],
  ],
  weight: [
    [1, 2],
    [3, 4],
  ],
  bias: 0.5,
  /** The forward output, 2x2. */
  y: [
    [9.5, 17.5],
    [4.5, 8.5],
  ],
  dy: [
    [1, -1],
    [2, 0.5],
  ],
  /** Each dy[i][j] times the kernel, as it is, added in at (i, j). */
  dx: [
    [1, 1, -2],
    [5, 5.5, -3],
    [6, 9.5, 2],
  ],
  dWeight: [
    [-0.5, 5.5],
    [2.5, -3.5],
  ],
  dBias: 2.5,
};

/** Conv2d(1, 1, 3, stride=2, padding=1) on a 4x4 input: 2x2 output. */
export const CONV_STRIDE_BACKWARD_EXAMPLE = {
  x: [
    [1, 0, 2, 1],
    [3, 1, 0, 2],
    [0, 2, 1, 3],
    [1, 1, 0, 2],
  ],
  weight: [
    [1, 0, -1],
    [2, 1, 0],
    [0, -1, 1],
  ],
  padding: 1,
  stride: 2,
  y: [
    [-1, 4],
    [-1, 6],
  ],
  dy: [
    [1, 2],
    [-1, 0.5],
  ],
  dx: [
    [1, 4, 2, 0],
    [-1, 2.5, -2, 1.5],
    [-1, 1, 0.5, 0],
    [1, -1, -0.5, 0.5],
  ],
  dWeight: [
    [0.5, -3, 0],
    [1, 5.5, 1.5],
    [2.5, 2, 5],
  ],
  dBias: 2.5,
};

/** MaxPool2d(2) on a 4x4 input with ties: [[1, 3], [3, 0]] (two 3s) and [[2, 2], [2, 2]] (four 2s). */
export const POOL_BACKWARD_EXAMPLE = {
  x: [
    [1, 3, 2, 2],
    [3, 0, 2, 2],
    [4, 1, 0, 5],
    [1, 4, 6, 5],
  ],
  dy: [
    [1, 2],
    [3, 4],
  ],
  /** Each dy to the first maximum of its window, row by row (as torch 1.13 does). */
  dx: [
    [0, 1, 2, 0],
    [0, 0, 0, 0],
    [3, 0, 0, 0],
    [0, 0, 4, 0],
  ],
};
