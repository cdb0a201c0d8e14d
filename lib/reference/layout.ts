/**
 * Reference tensors and layouts computed by tfjs, for kata 07's suite to compare with: shapes and
 * data of nested arrays (tf.tensor, arraySync), strides and offsets (tf.buffer), tf.reshape,
 * tf.transpose; and PyTorch's NCHW Conv2d and MaxPool2d computed without any NCHW <-> NHWC
 * transpose, to check the learner's adapters against.
 */
import type { Tensor } from '../tensor';
import { fromTf } from './linear';
import { tf } from './tf';

const toTf = (t: Tensor) => tf.tensor(t.data, [...t.shape], 'float32');

/** Shape and float32 data of nested arrays (or a number), by tf.tensor. */
export function referenceFromNested(nested: unknown): Tensor {
  return fromTf(() => tf.tensor(nested as number[]));
}

/** Nested arrays of a tensor (a number for rank 0), by tf.Tensor.arraySync. */
export function referenceToNested(t: Tensor): unknown {
  return tf.tidy(() => toTf(t).arraySync());
}

/** Row-major strides, by tf.buffer(shape).strides (which leaves out the last axis's 1). */
export function referenceStrides(shape: readonly number[]): number[] {
  return shape.length === 0 ? [] : [...tf.buffer([...shape]).strides, 1];
}

/** Offset of `index` in a row-major tensor of `shape`, by tf.buffer(shape).locToIndex. */
export function referenceOffset(shape: readonly number[], index: readonly number[]): number {
  return tf.buffer([...shape]).locToIndex([...index]);
}

/** tf.reshape (one -1 allowed). */
export function referenceReshape(t: Tensor, shape: readonly number[]): Tensor {
  return fromTf(() => tf.reshape(toTf(t), [...shape]));
}

/** tf.transpose(t, dims): axis d of the result is axis dims[d] of t, as torch.permute. */
export function referencePermute(t: Tensor, dims: readonly number[]): Tensor {
  return fromTf(() => tf.transpose(toTf(t), [...dims]));
}

/** The three layout adapters of kata 07, as the conv and pool helpers below take them. */
export interface LayoutAdapters {
  nchwToNhwc(x: Tensor): Tensor;
  nhwcToNchw(x: Tensor): Tensor;
  oihwToHwio(weight: Tensor): Tensor;
}

/** The adapters done right, by tf.transpose: to name what a wrong one looks like, swap one out. */
export const referenceAdapters: LayoutAdapters = {
  nchwToNhwc: (x) => referencePermute(x, [0, 2, 3, 1]),
  nhwcToNchw: (x) => referencePermute(x, [0, 3, 1, 2]),
  oihwToHwio: (w) => referencePermute(w, [2, 3, 1, 0]),
};

export interface LayerOptions {
  padding?: number;
  stride?: number;
}

const asTf4d = (t: Tensor, what: string): tf.Tensor4D => {
  if (t.shape.length !== 4) throw new Error(`${what} gave shape [${t.shape.join(', ')}], not a rank-4 tensor`);
  return toTf(t) as tf.Tensor4D;
};

/**
 * PyTorch's Conv2d on an NCHW batch the way a learner runs it on tfjs: x [N, C, H, W] and weight
 * [M, C, kH, kW] go through `adapters` into tf.conv2d (NHWC, HWIO) and the result comes back
 * through adapters.nhwcToNchw: [N, M, H', W']. When tf.conv2d rejects what the adapters produced,
 * the error says so.
 */
export function conv2dThroughAdapters(adapters: LayoutAdapters, x: Tensor, weight: Tensor, bias: Tensor | null, { padding = 0, stride = 1 }: LayerOptions = {}): Tensor {
  const input = adapters.nchwToNhwc(x);
  const filter = adapters.oihwToHwio(weight);
  let y: Tensor;
  try {
    y = fromTf(() => {
      const out = tf.conv2d(asTf4d(input, 'nchwToNhwc(x)'), asTf4d(filter, 'oihwToHwio(weight)'), stride, [
        [0, 0],
        [padding, padding],
        [padding, padding],
        [0, 0],
      ]);
      return bias === null ? out : tf.add(out, toTf(bias));
    });
  } catch (error) {
    throw new Error(
      `tf.conv2d rejected what the adapters made of x [${x.shape.join(', ')}] and weight [${weight.shape.join(', ')}]: ` +
        `input [${input.shape.join(', ')}] (should be NHWC), filter [${filter.shape.join(', ')}] (should be HWIO): ${(error as Error).message}`,
    );
  }
  return adapters.nhwcToNchw(y);
}

/** PyTorch's MaxPool2d on an NCHW batch through `adapters` and tf.maxPool (NHWC): [N, C, H', W']. */
export function maxPoolThroughAdapters(adapters: LayoutAdapters, x: Tensor, kernelSize: number, { padding = 0, stride = kernelSize }: LayerOptions = {}): Tensor {
  const input = adapters.nchwToNhwc(x);
  const y = fromTf(() => {
    const padded = tf.pad(
      asTf4d(input, 'nchwToNhwc(x)'),
      [
        [0, 0],
        [padding, padding],
        [padding, padding],
        [0, 0],
      ],
      -Infinity,
    );
    return tf.maxPool(padded as tf.Tensor4D, kernelSize, stride, 'valid');
  });
  return adapters.nhwcToNchw(y);
}

/**
 * PyTorch's Conv2d on an NCHW batch with no layout adapter at all: tf.conv2d's own 'NCHW' data
 * format, with the OIHW weight turned into tfjs's HWIO filter by tf.transpose.
 */
export function referenceConv2dNchw(x: Tensor, weight: Tensor, bias: Tensor | null, { padding = 0, stride = 1 }: LayerOptions = {}): Tensor {
  return fromTf(() => {
    const filter = tf.transpose(toTf(weight), [2, 3, 1, 0]) as tf.Tensor4D;
    const y = tf.conv2d(
      toTf(x) as tf.Tensor4D,
      filter,
      stride,
      [
        [0, 0],
        [0, 0],
        [padding, padding],
        [padding, padding],
      ],
      'NCHW',
    );
    return bias === null ? y : tf.add(y, tf.reshape(toTf(bias), [1, -1, 1, 1]));
  });
}

/**
 * PyTorch's MaxPool2d on an NCHW batch with no transpose: pooling never mixes channels, so
 * [N, C, H, W] is reshaped (not transposed) to N*C one-channel images [N*C, H, W, 1], pooled by
 * tf.maxPool after -Infinity padding, and reshaped back to [N, C, H', W'].
 */
export function referenceMaxPoolNchw(x: Tensor, kernelSize: number, { padding = 0, stride = kernelSize }: LayerOptions = {}): Tensor {
  const [n, c, h, w] = x.shape;
  return fromTf(() => {
    const images = tf.reshape(toTf(x), [n * c, h, w, 1]);
    const padded = tf.pad(
      images,
      [
        [0, 0],
        [padding, padding],
        [padding, padding],
        [0, 0],
      ],
      -Infinity,
    );
    const y = tf.maxPool(padded as tf.Tensor4D, kernelSize, stride, 'valid');
    return tf.reshape(y, [n, c, y.shape[1], y.shape[2]]);
  });
}
