import { describe, expect, it } from 'vitest';
import { referenceCrossEntropy, referenceMaxPool2dBackward, referenceReluBackward } from '../reference/backward';
import { referenceLinear } from '../reference/linear';
import { tf } from '../reference/tf';
import { checkFloatTensor, tensor, zerosLike, type FloatTensor } from '../tensor';
import { GRADCHECK_SCALES, conv2d64, crossEntropy64, distinctTensor, floatTensor, linear64, maxPool2d64, numericalGradient, relError } from '../testing/gradcheck';
import { fc } from '../testing/property';

const t64 = (shape: number[], data: ArrayLike<number>): FloatTensor<Float64Array> => ({ shape, data: Float64Array.from(data) });

describe('gradient-check helpers', () => {
  it("relError is cs231n's: the largest |a - b| / max(1e-8, |a| + |b|)", () => {
    expect(relError([1, 2], [1, 2])).toBe(0);
    expect(relError([1, 0], [1.5, 0])).toBeCloseTo(0.2, 12);
    expect(relError([1e-9], [0])).toBeCloseTo(0.1, 12); // the 1e-8 floor
    expect(relError([NaN], [1])).toBe(Infinity);
    expect(relError([1, 2], [1])).toBe(Infinity);
  });

  it('numericalGradient is exact for a linear function and restores the data it perturbs', () => {
    const x = Float64Array.from([0.5, -3, 7.25]);
    const g = numericalGradient(() => 2 * x[0] - 4 * x[1] + 0.125 * x[2], x);
    expect(Array.from(g)).toEqual([2, -4, 0.125]);
    expect(Array.from(x)).toEqual([0.5, -3, 7.25]);
  });

  it('numericalGradient of exp(x) matches exp to 1e-10', () => {
    const x = Float64Array.from([-1, 0, 1.5]);
    const g = numericalGradient(() => x.reduce((s, v) => s + Math.exp(v), 0), x);
    expect(relError(g, x.map(Math.exp))).toBeLessThan(1e-10);
  });

  it('zerosLike copies the float kind; checkFloatTensor names a mixed pair', () => {
    expect(zerosLike(t64([1], [1]), [2, 2]).data).toBeInstanceOf(Float64Array);
    expect(zerosLike(tensor([1], [1]), [3]).data).toBeInstanceOf(Float32Array);
    expect(() => checkFloatTensor('f', 'dy', t64([1], [1]), 1, '', { name: 'x', tensor: tensor([1]) })).toThrow(/f: dy holds a Float64Array but x holds a Float32Array/);
    expect(() => checkFloatTensor('f', 'x', { shape: [2], data: [1, 2] })).toThrow(TypeError);
  });
});

describe('the random tensors of the backward suites', () => {
  it('floatTensor stores values() in the kind asked for; GRADCHECK_SCALES stay within 255 in size', () => {
    const samples = fc.sample(floatTensor([4, 5], Float64Array, { scales: GRADCHECK_SCALES }), { numRuns: 500, seed: 7 });
    for (const t of samples) expect(t.data).toBeInstanceOf(Float64Array);
    const all = samples.flatMap((t) => Array.from(t.data));
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(255);
    expect(all.some((v) => !Number.isInteger(v)), 'fractions are drawn').toBe(true);
    expect(all.some((v) => Math.abs(v) >= 100), 'values near 255 are drawn').toBe(true);
  });

  it('with GRADCHECK_SCALES, a sum of 128 triple products plus a 2^-10 step is exact in float64 (what makes the differences exact)', () => {
    // the worst case: 255 · 255 · (255 + 2^-10), 128 times; every term a multiple of 2^-16
    const term = 255 * 255 * (255 + 2 ** -10);
    expect(Number.isInteger(term * 2 ** 16)).toBe(true);
    expect(128 * term * 2 ** 16).toBeLessThan(2 ** 53);
  });

  it('distinctTensor holds no two equal values', () => {
    for (const t of fc.sample(distinctTensor([2, 3, 3], Float64Array), { numRuns: 50, seed: 1 })) expect(new Set(t.data).size).toBe(18);
  });
});

describe('the float64 forwards of lib/testing/gradcheck agree with tfjs', () => {
  const x = t64([2, 3], [1, -2, 0.5, 4, 0, -1]);
  const w = t64([2, 3], [0.5, 1, -1, 2, -0.25, 3]);
  const b = t64([2], [1, -1]);

  it('linear64 = tf.matMul(x, w, false, true) + b', () => {
    const want = referenceLinear(tensor([2, 3], x.data), tensor([2, 3], w.data), tensor([2], b.data));
    expect(Array.from(linear64(x, w, b))).toEqual(Array.from(want.data));
  });

  it('crossEntropy64 = -mean(onehot · tf.logSoftmax), logits of 1000 included', () => {
    const z = t64([2, 3], [1, 2, 3, 1000, 0, -1000]);
    expect(crossEntropy64(z, [2, 1])).toBeCloseTo(referenceCrossEntropy(tensor([2, 3], z.data), [2, 1]).loss, 3);
  });

  it('conv2d64 = tf.conv2d with explicit padding and stride, on NCHW / OIHW', () => {
    const xs = t64([1, 2, 4, 5], Array.from({ length: 40 }, (_, i) => ((i * 7) % 11) - 5));
    const ws = t64([3, 2, 3, 2], Array.from({ length: 36 }, (_, i) => ((i * 5) % 7) - 3));
    const bs = t64([3], [1, 0, -2]);
    const want = tf.tidy(() => {
      const nhwc = tf.transpose(tf.tensor4d(Float32Array.from(xs.data), [1, 2, 4, 5]), [0, 2, 3, 1]) as tf.Tensor4D;
      const hwio = tf.transpose(tf.tensor4d(Float32Array.from(ws.data), [3, 2, 3, 2]), [2, 3, 1, 0]) as tf.Tensor4D;
      const y = tf.add(tf.conv2d(nhwc, hwio, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]), tf.tensor1d([1, 0, -2]));
      return Array.from(tf.transpose(y, [0, 3, 1, 2]).dataSync());
    });
    expect(Array.from(conv2d64(xs, ws, bs, 1, 2))).toEqual(want);
  });

  it('maxPool2d64 = tf.maxPool on -Infinity padding', () => {
    const xs = t64([1, 1, 3, 3], [-1, -2, -3, -4, -5, -6, -7, -8, -9]);
    const want = tf.tidy(() => {
      const nhwc = tf.transpose(tf.tensor4d(Float32Array.from(xs.data), [1, 1, 3, 3]), [0, 2, 3, 1]);
      const padded = tf.pad(nhwc, [[0, 0], [1, 1], [1, 1], [0, 0]], -Infinity) as tf.Tensor4D;
      return Array.from(tf.transpose(tf.maxPool(padded, 3, 1, 'valid'), [0, 3, 1, 2]).dataSync());
    });
    expect(Array.from(maxPool2d64(xs, 3, 1, 1))).toEqual(want);
  });
});

describe('the tfjs reference gradients agree with the PyTorch facts the suites rely on', () => {
  it("tf.grad(tf.relu) is 0 at 0, as torch 1.13's relu", () => {
    expect(Array.from(referenceReluBackward(tensor([3], [1, 1, 1]), tensor([3], [-1, 0, 2])).data)).toEqual([0, 0, 1]);
  });

  it('tf.grad through tf.maxPool sends the gradient to the maximum of a window without ties', () => {
    const dx = referenceMaxPool2dBackward(tensor([1, 1, 1, 1], [1]), tensor([1, 1, 2, 2], [1, 3, 2, 0]), 2, 2, 0);
    expect(Array.from(dx.data)).toEqual([0, 1, 0, 0]);
  });
});
