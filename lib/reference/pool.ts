/**
 * Reference max pooling computed by tfjs, for kata 06's suite to compare with.
 *
 * Our katas use PyTorch's NCHW layout ([N, C, H, W] nested arrays); tfjs's `maxPool` works on
 * NHWC, so the reference transposes on the way in and on the way out.
 *
 * Padding: PyTorch's MaxPool2d pads with -Infinity (a padded cell never wins a window). tfjs's
 * cpu backend happens to do the same for a numeric `pad` (it skips cells outside the input), but
 * that is an implementation detail of one backend, and numeric padding is not what the other
 * backends promise. So the reference pads explicitly: `tf.pad` with the constant -Infinity, then
 * a 'valid' `maxPool` (no padding of its own). 'valid' has PyTorch's floor output size:
 * floor((H + 2p - k) / s) + 1. lib/test/pool.test.ts checks both routes agree.
 */
import type { Batch } from '../nested';
import { tf } from './tf';

export interface PoolOptions {
  /** default: kernelSize */
  stride?: number;
  /** -Infinity cells on every side; default 0 */
  padding?: number;
}

/**
 * PyTorch's `MaxPool2d(kernelSize, stride, padding)` as tfjs ops on an NCHW tensor: to NHWC,
 * `tf.pad` with -Infinity, a 'valid' `maxPool`, back to NCHW. Differentiable (kata 14's reference
 * gradient goes through it).
 */
export function tfMaxPool2dNchw(nchw: tf.Tensor, kernelSize: number, stride: number, padding: number): tf.Tensor4D {
  const nhwc = tf.transpose(nchw, [0, 2, 3, 1]);
  const padded = tf.pad(
    nhwc,
    [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ],
    -Infinity,
  ) as tf.Tensor4D;
  return tf.transpose(tf.maxPool(padded, kernelSize, stride, 'valid'), [0, 3, 1, 2]);
}

/** PyTorch's `MaxPool2d(kernelSize, stride, padding)` on an [N, C, H, W] batch, by tfjs's `maxPool`. */
export function referenceMaxPool2d(input: Batch, kernelSize: number, { stride = kernelSize, padding = 0 }: PoolOptions = {}): Batch {
  return tf.tidy(() => {
    const [n, c, h, w] = [input.length, input[0].length, input[0][0].length, input[0][0][0].length];
    return tfMaxPool2dNchw(tf.tensor4d(input.flat(3), [n, c, h, w]), kernelSize, stride, padding).arraySync() as Batch;
  });
}

/** The same pooling with tfjs's own numeric `pad` (cpu backend: padded cells are skipped). */
export function referenceMaxPool2dTfPadding(input: Batch, kernelSize: number, { stride = kernelSize, padding = 0 }: PoolOptions = {}): Batch {
  return tf.tidy(() => {
    const [n, c, h, w] = [input.length, input[0].length, input[0][0].length, input[0][0][0].length];
    const nhwc = tf.transpose(tf.tensor4d(input.flat(3), [n, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
    return tf.transpose(tf.maxPool(nhwc, kernelSize, stride, padding), [0, 3, 1, 2]).arraySync() as Batch;
  });
}
