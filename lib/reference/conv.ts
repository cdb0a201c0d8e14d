/**
 * Reference convolutions computed by tfjs, for the kata suites to compare with.
 * Conv2d (PyTorch and tfjs alike) computes cross-correlation: the kernel is not flipped.
 */
import type { Matrix } from '../matrix';
import { tf } from './tf';

export interface ConvOptions {
  padding?: number;
  stride?: number;
}

/** One-channel 2-D convolution of a matrix by tfjs's `conv2d`, with explicit zero padding. */
export function referenceConv2d(input: Matrix, kernel: Matrix, { padding = 0, stride = 1 }: ConvOptions = {}): Matrix {
  return tf.tidy(() => {
    const x = tf.tensor4d(input.flat(), [1, input.length, input[0].length, 1]);
    const w = tf.tensor4d(kernel.flat(), [kernel.length, kernel[0].length, 1, 1]);
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ];
    const y = tf.conv2d(x, w, stride, pad);
    return (y.arraySync() as number[][][][])[0].map((row) => row.map((cell) => cell[0]));
  });
}

/** Zero padding by tfjs's `pad`. */
export function referencePad2d(input: Matrix, padding: number): Matrix {
  return tf.tidy(() => tf.pad(tf.tensor2d(input), [[padding, padding], [padding, padding]]).arraySync() as Matrix);
}

/** The kernel rotated by 180 degrees: what a "true convolution" would multiply with. */
export function rotate180(kernel: Matrix): Matrix {
  return kernel.map((row) => [...row].reverse()).reverse();
}

/** A deep copy, to check later that a function did not write into its arguments. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}
