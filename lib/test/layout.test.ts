/**
 * The hand-written numbers of kata 07's lesson and suite (test/07-tensors.test.ts,
 * docs/07-tensors.md, lib/figures/tensors.ts) checked against tfjs, and the reference helpers of
 * lib/reference/layout.ts checked against each other, so that a typo cannot hide.
 */
import { describe, expect, it } from 'vitest';
import { LAYOUT_EXAMPLE, STRIDES_EXAMPLE } from '../testing/examples';
import {
  conv2dThroughAdapters,
  maxPoolThroughAdapters,
  referenceAdapters,
  referenceConv2dNchw,
  referenceFromNested,
  referenceMaxPoolNchw,
  referenceOffset,
  referencePermute,
  referenceReshape,
  referenceStrides,
  referenceToNested,
} from '../reference/layout';
import { tensor } from '../tensor';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("kata 07's worked examples agree with tfjs", () => {
  it('the [2, 2, 3] tensor: shape, data 0..11, strides [6, 3, 1], and [1, 0, 2] at offset 8', () => {
    const t = referenceFromNested(STRIDES_EXAMPLE.nested);
    expect(t.shape).toEqual(STRIDES_EXAMPLE.shape);
    expect(Array.from(t.data)).toEqual(range(12));
    expect(referenceStrides(STRIDES_EXAMPLE.shape)).toEqual(STRIDES_EXAMPLE.strides);
    expect(referenceOffset(STRIDES_EXAMPLE.shape, STRIDES_EXAMPLE.index)).toBe(STRIDES_EXAMPLE.offset);
    expect(referenceToNested(t)).toEqual(STRIDES_EXAMPLE.nested);
  });

  it('strides of MNIST batches and the offsets of the suite', () => {
    expect(referenceStrides([64, 1, 28, 28])).toEqual([784, 784, 28, 1]);
    expect(referenceStrides([64, 20, 4, 4])).toEqual([320, 16, 4, 1]);
    expect(referenceStrides([2, 3, 4, 5])).toEqual([60, 20, 5, 1]);
    expect(referenceStrides([])).toEqual([]);
    expect(referenceStrides([5])).toEqual([1]);
    expect(referenceOffset([2, 3, 4], [1, 0, 2])).toBe(14);
    expect(referenceOffset([64, 3, 28, 28], [3, 1, 5, 7])).toBe(7987);
  });

  it('NCHW [1, 2, 2, 3] holding 0..11 is NHWC [1, 2, 3, 2] holding 0, 6, 1, 7, ...; and back', () => {
    const nchw = tensor(LAYOUT_EXAMPLE.nchwShape, LAYOUT_EXAMPLE.nchw);
    const nhwc = referenceAdapters.nchwToNhwc(nchw);
    expect(nhwc.shape).toEqual(LAYOUT_EXAMPLE.nhwcShape);
    expect(Array.from(nhwc.data)).toEqual(LAYOUT_EXAMPLE.nhwc);
    expect(Array.from(referenceAdapters.nhwcToNchw(nhwc).data)).toEqual(LAYOUT_EXAMPLE.nchw);
  });

  it('the OIHW weight [2, 1, 2, 2] holding 1..8 is the HWIO filter [2, 2, 1, 2] holding 1, 5, 2, 6, 3, 7, 4, 8', () => {
    const hwio = referenceAdapters.oihwToHwio(tensor([2, 1, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
    expect(hwio.shape).toEqual([2, 2, 1, 2]);
    expect(Array.from(hwio.data)).toEqual([1, 5, 2, 6, 3, 7, 4, 8]);
  });

  it('reshape and permute examples: [2, 3] as [3, -1] keeps 1..6; permute [1, 0] is 1, 4, 2, 5, 3, 6', () => {
    const t = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(referenceReshape(t, [3, -1])).toEqual({ shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) });
    expect(referencePermute(t, [1, 0])).toEqual({ shape: [3, 2], data: Float32Array.from([1, 4, 2, 5, 3, 6]) });
  });
});

describe('the NCHW references agree with the NHWC route through the right adapters', () => {
  const x = tensor([2, 3, 5, 4], range(120).map((i) => ((i * 7) % 13) - 6));
  const w = tensor([2, 3, 3, 2], range(36).map((i) => ((i * 5) % 7) - 3));
  const b = tensor([2], [0.5, -1]);

  it.each([
    [0, 1],
    [1, 1],
    [1, 2],
  ])('conv2d with padding %i, stride %i', (padding, stride) => {
    const a = conv2dThroughAdapters(referenceAdapters, x, w, b, { padding, stride });
    const r = referenceConv2dNchw(x, w, b, { padding, stride });
    expect(a.shape).toEqual(r.shape);
    expect(Array.from(a.data)).toEqual(Array.from(r.data));
  });

  it('a hand-computed Conv2d(1, 1, 2): [[1, 2], [3, 4]] under the kernel [[1, 0], [0, 1]] plus bias 1 is [[6]]', () => {
    const y = referenceConv2dNchw(tensor([1, 1, 2, 2], [1, 2, 3, 4]), tensor([1, 1, 2, 2], [1, 0, 0, 1]), tensor([1], [1]));
    expect(y).toEqual({ shape: [1, 1, 1, 1], data: Float32Array.from([6]) });
  });

  it.each([
    [2, 0, 2],
    [3, 1, 2],
    [2, 1, 1],
  ])('maxPool with kernel %i, padding %i, stride %i', (k, padding, stride) => {
    const a = maxPoolThroughAdapters(referenceAdapters, x, k, { padding, stride });
    const r = referenceMaxPoolNchw(x, k, { padding, stride });
    expect(a.shape).toEqual(r.shape);
    expect(Array.from(a.data)).toEqual(Array.from(r.data));
  });

  it('a hand-computed MaxPool2d(2) of two channels pools each on its own', () => {
    const y = referenceMaxPoolNchw(tensor([1, 2, 2, 2], [1, 5, 3, 2, -1, -4, -3, -2]), 2);
    expect(y).toEqual({ shape: [1, 2, 1, 1], data: Float32Array.from([5, -1]) });
  });
});
