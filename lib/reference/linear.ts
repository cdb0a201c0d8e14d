/**
 * Reference layers computed by tfjs, for kata 08's suite to compare with: tf.matMul (with the
 * weight transposed, as PyTorch's Linear stores it), tf.relu, tf.reshape, tf.logSoftmax, tf.argMax.
 * Each takes and returns flat tensors (lib/tensor.ts).
 */
import type { Tensor } from '../tensor';
import { tf } from './tf';

const toTf = (t: Tensor) => tf.tensor(t.data, [...t.shape], 'float32');

/** Runs `fn` inside tf.tidy and reads the result back as a flat tensor. */
export function fromTf(fn: () => tf.Tensor): Tensor {
  return tf.tidy(() => {
    const y = fn();
    return { shape: [...y.shape], data: Float32Array.from(y.dataSync()) };
  });
}

/** x [N, in], weight [out, in], bias [out] or null -> x W^T + b, by tf.matMul(x, weight, false, true). */
export function referenceLinear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  return fromTf(() => {
    const y = tf.matMul(toTf(x), toTf(weight), false, true);
    return bias === null ? y : tf.add(y, toTf(bias));
  });
}

/** max(0, v) everywhere, by tf.relu. */
export function referenceRelu(x: Tensor): Tensor {
  return fromTf(() => tf.relu(toTf(x)));
}

/** [N, ...] -> [N, rest], by tf.reshape (row-major, as x.view(N, -1)). */
export function referenceFlatten(x: Tensor): Tensor {
  return fromTf(() => tf.reshape(toTf(x), [x.shape[0], -1]));
}

/** log-softmax of each row of [N, K], by tf.logSoftmax. */
export function referenceLogSoftmax(x: Tensor): Tensor {
  return fromTf(() => tf.logSoftmax(toTf(x), 1));
}

/** softmax of each row of [N, K], by tf.softmax: what a log-softmax that forgot the log returns. */
export function referenceSoftmax(x: Tensor): Tensor {
  return fromTf(() => tf.softmax(toTf(x), 1));
}

/**
 * Index of the largest value of each row of [N, K] (the first on ties), by tf.argMax. For finite
 * values only: tf.argMax skips a NaN after index 0, where torch.argmax (and kata 08) count NaN as
 * the largest value; the suite checks NaN against recorded torch outputs instead.
 */
export function referenceArgmax(x: Tensor): number[] {
  return tf.tidy(() => Array.from(tf.argMax(toTf(x), 1).dataSync()));
}

/** x [N, C, H, W] -> [N, H, W, C], by tf.transpose: the order an NHWC flatten would read. */
export function referenceNhwc(x: Tensor): Tensor {
  return fromTf(() => tf.transpose(toTf(x), [0, 2, 3, 1]));
}
