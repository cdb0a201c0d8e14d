/**
 * The references of the GPU katas (09-11) and of `npm run bench`: PyTorch's layers on flat NCHW
 * tensors (lib/tensor.ts), computed by tfjs. tfjs wants NHWC images and HWIO filters, so every
 * function transposes on the way in and back to NCHW on the way out; padding is explicit.
 */
import type { Tensor } from '../tensor';
import { tf } from './tf';

const nhwc = (x: Tensor): tf.Tensor4D => tf.transpose(tf.tensor4d(x.data, x.shape as [number, number, number, number]), [0, 2, 3, 1]);
const back = (y: tf.Tensor4D): tf.Tensor => tf.transpose(y, [0, 3, 1, 2]);
/** Runs `fn` in a tidy scope and reads its result into a Tensor. */
const read = (fn: () => tf.Tensor): Tensor => {
  const y = tf.tidy(fn);
  const out: Tensor = { shape: [...y.shape], data: Float32Array.from(y.dataSync() as Float32Array) };
  y.dispose();
  return out;
};

/** `torch.nn.Conv2d` on a batch: x [N, C, H, W], weight [M, C, kH, kW], bias [M] or null → [N, M, H', W'], by tf.conv2d. */
export function referenceConv2dNCHW(x: Tensor, weight: Tensor, bias: Tensor | null, { padding = 0, stride = 1 } = {}): Tensor {
  return read(() => {
    const filter = tf.transpose(tf.tensor4d(weight.data, weight.shape as [number, number, number, number]), [2, 3, 1, 0]) as tf.Tensor4D; // OIHW → HWIO
    let y = tf.conv2d(nhwc(x), filter, stride, [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ]);
    if (bias !== null) y = tf.add(y, tf.tensor1d(bias.data));
    return back(y);
  });
}

/** `F.max_pool2d(x, size)` on [N, C, H, W] (stride = size, no padding), by tf.maxPool. */
export function referenceMaxPoolNCHW(x: Tensor, size: number): Tensor {
  return read(() => back(tf.maxPool(nhwc(x), size, size, 'valid')));
}

/** `F.relu`, by tf.relu. */
export function referenceRelu(x: Tensor): Tensor {
  return read(() => {
    return tf.relu(tf.tensor(x.data, [...x.shape]));
  });
}

/** x + bias[c] on channel c of [N, C, H, W], by tf.add with the bias reshaped to [1, C, 1, 1]. */
export function referenceAddBias(x: Tensor, bias: Tensor): Tensor {
  return read(() => {
    return tf.add(tf.tensor(x.data, [...x.shape]), tf.tensor4d(bias.data, [1, bias.shape[0], 1, 1]));
  });
}

export interface ReferenceFeatureParams {
  conv1: { weight: Tensor; bias: Tensor };
  conv2: { weight: Tensor; bias: Tensor };
}

/** The MNIST net's features, relu(maxPool(conv2(relu(maxPool(conv1(x)))))), by tfjs. */
export function referenceFeatures(x: Tensor, params: ReferenceFeatureParams): Tensor {
  const a = referenceRelu(referenceMaxPoolNCHW(referenceConv2dNCHW(x, params.conv1.weight, params.conv1.bias), 2));
  return referenceRelu(referenceMaxPoolNCHW(referenceConv2dNCHW(a, params.conv2.weight, params.conv2.bias), 2));
}
