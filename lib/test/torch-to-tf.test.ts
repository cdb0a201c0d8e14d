/**
 * lib/reference/torch-to-tf.ts: the conversion of PyTorch's layouts to tfjs's, checked against
 * tf.transpose and against the two flatten orders themselves.
 */
import { describe, expect, it } from 'vitest';
import { fcWeightToNhwcKernel, nchwFlatIndex, nhwcFlatIndex, oihwToHwio } from '../reference/torch-to-tf';
import { tf } from '../reference/tf';
import { tensor } from '../tensor';

const ramp = (shape: number[]) => tensor(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 37) % 101) - 50));

describe('lib/reference/torch-to-tf', () => {
  it('OIHW → HWIO is tf.transpose(w, [2, 3, 1, 0])', () => {
    const w = ramp([20, 10, 5, 5]);
    const expected = tf.tidy(() => tf.transpose(tf.tensor(w.data, [...w.shape]), [2, 3, 1, 0]).dataSync());
    const got = oihwToHwio(w);
    expect(got.shape).toEqual([5, 5, 10, 20]);
    expect(Array.from(got.data)).toEqual(Array.from(expected));
  });

  it('the flatten orders: NCHW c*16 + h*4 + w (PyTorch view), NHWC (h*4 + w)*20 + c (tfjs reshape of NHWC)', () => {
    expect(nchwFlatIndex(3, 2, 1, [20, 4, 4])).toBe(3 * 16 + 2 * 4 + 1);
    expect(nhwcFlatIndex(3, 2, 1, [20, 4, 4])).toBe((2 * 4 + 1) * 20 + 3);
  });

  it("fc.weight's permuted kernel gives on the NHWC flatten what fc.weight gives on the NCHW flatten", () => {
    const weight = ramp([10, 320]);
    const features = ramp([1, 20, 4, 4]); // NCHW
    const torchY = Array.from({ length: 10 }, (_, o) => features.data.reduce((s, v, k) => s + v * weight.data[o * 320 + k], 0));
    const nhwc = Array.from(tf.tidy(() => tf.reshape(tf.transpose(tf.tensor(features.data, [1, 20, 4, 4]), [0, 2, 3, 1]), [1, 320]).dataSync()));
    const kernel = fcWeightToNhwcKernel(weight);
    expect(kernel.shape).toEqual([320, 10]);
    const tfY = Array.from({ length: 10 }, (_, o) => nhwc.reduce((s, v, k) => s + v * kernel.data[k * 10 + o], 0));
    expect(tfY).toEqual(torchY);
    // Without the permutation the numbers differ: the mistake the kata names.
    const naive = Array.from({ length: 10 }, (_, o) => nhwc.reduce((s, v, k) => s + v * weight.data[o * 320 + k], 0));
    expect(naive).not.toEqual(torchY);
  });

  it('refuses weights of the wrong rank or width', () => {
    expect(() => oihwToHwio(ramp([10, 25]))).toThrow(/\[O, I, kH, kW\]/);
    expect(() => fcWeightToNhwcKernel(ramp([320, 10]))).toThrow(/expected fc.weight \[out, 320\], got \[320, 10\]/);
  });
});
