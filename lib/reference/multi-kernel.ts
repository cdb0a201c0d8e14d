/**
 * Kata 05's reference and worked examples: PyTorch's `Conv2d(C, M, k)` on one image, computed by
 * tfjs's `conv2d` plus `add` for the bias.
 *
 * Layouts: the katas use PyTorch's order, input [C, H, W] and weight OIHW [M, C, kH, kW]; tfjs
 * wants input NHWC [1, H, W, C] and filter HWIO [kH, kW, C, M], and returns [1, H', W', M]. The
 * conversions are explicit transposes (tf.transpose: tfjs-core without its chained API).
 */
import type { Batch, Volume } from '../nested';
import { volumeToNHWC, type ConvOptions } from './multi-channel';
import { tf } from './tf';

const explicitPadding = (p: number): [[number, number], [number, number], [number, number], [number, number]] => [
  [0, 0],
  [p, p],
  [p, p],
  [0, 0],
];

/** An OIHW weight [M, C, kH, kW] as a tfjs HWIO filter [kH, kW, C, M]. */
export function weightToHWIO(weight: Batch): tf.Tensor4D {
  const [m, c, kh, kw] = [weight.length, weight[0].length, weight[0][0].length, weight[0][0][0].length];
  return tf.transpose(tf.tensor4d(weight.flat(3), [m, c, kh, kw]), [2, 3, 1, 0]);
}

/**
 * `torch.nn.Conv2d(C, M, [kH, kW], stride, padding)` on one image by tfjs: input [C, H, W],
 * weight [M, C, kH, kW], bias [M] or null -> [M, H', W'].
 */
export function referenceConv2dLayer(input: Volume, weight: Batch, bias: readonly number[] | null, { padding = 0, stride = 1 }: ConvOptions = {}): Volume {
  return tf.tidy(() => {
    const x = volumeToNHWC(input); // [1, H, W, C]
    let y: tf.Tensor4D = tf.conv2d(x, weightToHWIO(weight), stride, explicitPadding(padding)); // [1, H', W', M]
    if (bias !== null) y = tf.add(y, tf.tensor1d([...bias])); // broadcast along the last axis: bias[m] to channel m
    return tf.transpose(tf.squeeze(y, [0]), [2, 0, 1]).arraySync() as Volume; // [H', W', M] -> [M, H', W']
  });
}

/** The [M, H', W'] shape tfjs's conv2d gives for an input [C, H, W] and a weight [M, C, kH, kW] (run on zeros). */
export function referenceConv2dOutputShape(inputShape: readonly number[], weightShape: readonly number[], { padding = 0, stride = 1 }: ConvOptions = {}): number[] {
  const [c, h, w] = inputShape;
  const [m, , kh, kw] = weightShape;
  return tf.tidy(() => {
    const y = tf.conv2d(tf.zeros([1, h, w, c]) as tf.Tensor4D, tf.zeros([kh, kw, c, m]) as tf.Tensor4D, stride, explicitPadding(padding));
    return [y.shape[3], y.shape[1], y.shape[2]];
  });
}
