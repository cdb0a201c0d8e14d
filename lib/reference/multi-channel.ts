/**
 * Kata 04's reference and worked examples: a C-channel input convolved with a C-channel kernel
 * into ONE output channel, computed by tfjs's `conv2d`.
 *
 * Layouts: the katas use PyTorch's channels-first order, input [C, H, W] and kernel [C, kH, kW];
 * tfjs wants channels last, input NHWC [1, H, W, C] and filter HWIO [kH, kW, C, 1]. The
 * conversions below transpose first (a reshape alone would mix the channels up), then reshape
 * only to add the axes of size 1. (tfjs-core without its chained API: tf.transpose(t), not t.transpose().)
 */
import type { Matrix } from '../matrix';
import type { Volume } from '../nested';
import { tf } from './tf';

export interface ConvOptions {
  padding?: number;
  stride?: number;
}

/** A [C, H, W] volume as a tfjs NHWC tensor [1, H, W, C]. */
export function volumeToNHWC(volume: Volume): tf.Tensor4D {
  // [C, H, W] -> [H, W, C] -> [1, H, W, C]
  const [c, h, w] = [volume.length, volume[0].length, volume[0][0].length];
  return tf.reshape(tf.transpose(tf.tensor3d(volume.flat(2), [c, h, w]), [1, 2, 0]), [1, h, w, c]);
}

/**
 * C-channel 2-D convolution into one output channel by tfjs's `conv2d`, with explicit zero padding:
 * input [C, H, W], kernel [C, kH, kW] -> [H', W'].
 */
export function referenceConv2dChannels(input: Volume, kernel: Volume, { padding = 0, stride = 1 }: ConvOptions = {}): Matrix {
  return tf.tidy(() => {
    const x = volumeToNHWC(input); // [1, H, W, C]
    const [c, kh, kw] = [kernel.length, kernel[0].length, kernel[0][0].length];
    // [C, kH, kW] -> [kH, kW, C] -> [kH, kW, C, 1]: one output channel ("O" of HWIO is 1)
    const w = tf.reshape(tf.transpose(tf.tensor3d(kernel.flat(2), [c, kh, kw]), [1, 2, 0]), [kh, kw, c, 1]) as tf.Tensor4D;
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ];
    const y = tf.conv2d(x, w, stride, pad); // [1, H', W', 1]
    return (y.arraySync() as number[][][][])[0].map((row) => row.map((cell) => cell[0]));
  });
}
