/**
 * The hand-written numbers of kata 08's lesson and suite (test/08-linear.test.ts, docs/08-linear.md),
 * checked against tfjs, so that a typo in them cannot hide.
 */
import { describe, expect, it } from 'vitest';
import { referenceArgmax, referenceFlatten, referenceLinear, referenceLogSoftmax, referenceNhwc, referenceRelu, referenceSoftmax } from '../reference/linear';
import { LINEAR_EXAMPLE } from '../testing/examples';
import { tensor } from '../tensor';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const x = tensor([2, 3], LINEAR_EXAMPLE.x.flat());
const w = tensor([2, 3], LINEAR_EXAMPLE.weight.flat());
const b = tensor([2], LINEAR_EXAMPLE.bias);

describe("kata 08's worked examples agree with tfjs", () => {
  it('linear: LINEAR_EXAMPLE (x [2, 3], weight [2, 3], bias [10, 20]) gives [[15, 23], [21, 29]]; without bias [[5, 3], [11, 9]]', () => {
    expect(Array.from(referenceLinear(x, w, b).data)).toEqual(LINEAR_EXAMPLE.y.flat());
    expect(Array.from(referenceLinear(x, w, null).data)).toEqual(LINEAR_EXAMPLE.noBias.flat());
  });

  it('linear with the weight untransposed (read as [in, out]) gives [[24, 16], [42, 10]]', () => {
    const asInOut = tensor([2, 3], [1, 2, 3, -1, 0, -1]); // [out, in] whose transpose is weight.data read as [3, 2]
    expect(Array.from(referenceLinear(x, asInOut, b).data)).toEqual([24, 16, 42, 10]);
  });

  it('linear: the [3, 4] x [2, 4] case of the suite', () => {
    const x2 = tensor([3, 4], [1, 0, 2, -1, 0, 1, 1, 1, 3, -2, 0, 1]);
    const w2 = tensor([2, 4], [1, 2, 3, 4, -1, 0, 1, 0]);
    expect(Array.from(referenceLinear(x2, w2, tensor([2], [0.5, -0.5])).data)).toEqual([3.5, 0.5, 9.5, 0.5, 3.5, -3.5]);
  });

  it('relu: [-2, -0.5, 0, 0.5, 3] gives [0, 0, 0, 0.5, 3]', () => {
    expect(Array.from(referenceRelu(tensor([1, 5], [-2, -0.5, 0, 0.5, 3])).data)).toEqual([0, 0, 0, 0.5, 3]);
  });

  it('flatten: [2, 2, 2, 3] holding 0..23 gives [2, 12] in the same order; read NHWC it would start 0, 6, 1, 7', () => {
    const images = tensor([2, 2, 2, 3], range(24));
    const flat = referenceFlatten(images);
    expect(flat.shape).toEqual([2, 12]);
    expect(Array.from(flat.data)).toEqual(range(24));
    expect(Array.from(referenceFlatten(referenceNhwc(images)).data.subarray(0, 12))).toEqual([0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11]);
  });

  it('logSoftmax: [1, 2, 3] gives [-2.4076, -1.4076, -0.4076]; [1000, 0, -1000] gives [0, -1000, -2000]; softmax of [1, 2, 3] is [0.0900, 0.2447, 0.6652]', () => {
    const y = Array.from(referenceLogSoftmax(tensor([2, 3], [1, 2, 3, 1000, 0, -1000])).data);
    [-2.4076059644, -1.4076059644, -0.4076059644, 0, -1000, -2000].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 4));
    const p = Array.from(referenceSoftmax(tensor([1, 3], [1, 2, 3])).data);
    [0.0900306, 0.2447285, 0.6652409].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 5));
  });

  it('argmax: rows [0.25, 0.75, 0.5] and [3, -1, 3] give [1, 0]; ties and all-negative rows as the suite says', () => {
    expect(referenceArgmax(tensor([2, 3], [0.25, 0.75, 0.5, 3, -1, 3]))).toEqual([1, 0]);
    expect(referenceArgmax(tensor([2, 4], [2, 7, 7, 1, 5, 5, 5, 5]))).toEqual([1, 0]);
    expect(referenceArgmax(tensor([2, 3], [-3, -1, -2, -0.5, -4, -0.25]))).toEqual([1, 2]);
    expect(referenceArgmax(tensor([2, 3], [1, 9, 2, 8, 0, 3]))).toEqual([1, 0]);
  });
});
