/**
 * Kata 07: tensors and layouts. Lesson: docs/07-tensors.md
 * Tolerances: EXACT (1e-9) for everything that only moves values (strides, offsets, nested arrays,
 * reshape, permute and the layout adapters: tf.tensor, tf.buffer, tf.reshape, tf.transpose copy
 * float32 values exactly); FLOAT32 (1e-4 abs + 1e-4 rel) where tf.conv2d adds products.
 */
import { describe, expect, it } from 'vitest';
import { fromNested, nchwToNhwc, nhwcToNchw, offsetOf, oihwToHwio, permute, reshape, stridesOf, toNested } from '@kata/07-tensors';
import { LAYOUT_EXAMPLE, STRIDES_EXAMPLE } from '../lib/testing/examples';
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
  type LayoutAdapters,
} from '../lib/reference/layout';
import { tensor, type Tensor } from '../lib/tensor';
import { EXACT, FLOAT32 } from '../lib/testing/compare';
import { expectFresh } from '../lib/testing/fresh';
import { expectError } from '../lib/testing/matchers';
import { checkProperty, fc, scalesFor, values as valuesOf, type Scale } from '../lib/testing/property';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** [2, 3] holding 1..6. */
const twoByThree = () => tensor([2, 3], [1, 2, 3, 4, 5, 6]);

/** The adapters the suite is checking, as lib/reference/layout's helpers take them. */
const yours: LayoutAdapters = { nchwToNhwc, nhwcToNchw, oihwToHwio };
/** The right adapters with one of them replaced by a wrong permutation. */
const withWrong = (name: keyof LayoutAdapters, dims: number[]): LayoutAdapters => ({ ...referenceAdapters, [name]: (t: Tensor) => referencePermute(t, dims) });

/** A known wrong number, for functions that return one number. */
interface WrongNumber {
  name: string;
  fix: string;
  output: number;
}
function expectNumber(got: number, expected: number, mistakes: WrongNumber[]): void {
  const m = got === expected ? undefined : mistakes.find((w) => w.output === got);
  expect(got, m ? `This is exactly the output of a known mistake: ${m.name}.\n${m.fix}\n` : undefined).toBe(expected);
}

// ---- random shapes and values ----------------------------------------------------------------

/**
 * The scale of a case's values (lib/testing/property's `values`): fractions, whole numbers,
 * hundreds, thousands, 1 case in 8 non-dyadic decimals; negatives, zeros and ties in each.
 */
const values: fc.Arbitrary<Scale> = scalesFor(1).map(([scale]) => scale);
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const shapeOfRank = (min: number, max: number, maxSize = 4) => fc.array(fc.integer({ min: 1, max: maxSize }), { minLength: min, maxLength: max });
const tensorOf = (shape: number[], kind: Scale) => valuesOf(size(shape), { scales: kind }).map((d) => tensor(shape, d));
const randomTensor = (minRank: number, maxRank: number) =>
  fc.record({ shape: shapeOfRank(minRank, maxRank), kind: values }).chain(({ shape, kind }) => tensorOf(shape, kind));
/** Nested arrays of the given shape (a number for []). */
const nest = (shape: readonly number[], flat: number[]): unknown => {
  if (shape.length === 0) return flat[0];
  const inner = size(shape.slice(1));
  return range(shape[0]).map((i) => nest(shape.slice(1), flat.slice(i * inner, (i + 1) * inner)));
};
/** A permutation of 0..rank-1. */
const permutationOf = (rank: number) => fc.shuffledSubarray(range(rank), { minLength: rank, maxLength: rank });

// ---- wrong implementations, small -----------------------------------------------------------

const columnMajorStrides = (shape: number[]) => shape.map((_, d) => size(shape.slice(0, d)));
const nextSizeStrides = (shape: number[]) => shape.map((_, d) => (d === shape.length - 1 ? 1 : shape[d + 1]));
const ownSizeStrides = (shape: number[]) => shape.map((_, d) => size(shape.slice(d)));
/** The inverse of a permutation: where each input axis goes. */
const inverse = (dims: number[]) => dims.map((_, d) => dims.indexOf(d));

describe('07-tensors: stridesOf(shape)', () => {
  it('the lesson\'s [2, 2, 3] tensor has strides [6, 3, 1]', () => {
    expect(stridesOf(STRIDES_EXAMPLE.shape)).toBeCloseToTensor(STRIDES_EXAMPLE.strides, EXACT);
  });

  it('MNIST batches: [64, 1, 28, 28] has strides [784, 784, 28, 1], and [64, 20, 4, 4] has [320, 16, 4, 1]', () => {
    expect(stridesOf([64, 1, 28, 28])).toBeCloseToTensor([784, 784, 28, 1], EXACT);
    expect(stridesOf([64, 20, 4, 4])).toBeCloseToTensor([320, 16, 4, 1], EXACT);
  });

  it('matches tf.buffer(shape).strides (plus the last axis\'s 1) for shapes of rank 1 to 6 (exact)', () => {
    checkProperty(shapeOfRank(1, 6, 9).map((shape) => ({ shape })), ({ shape }) => expect(stridesOf(shape)).toBeCloseToTensor(referenceStrides(shape), EXACT));
  });

  describe('plausible mistakes', () => {
    it('row-major, not column-major: the LAST axis has stride 1', () => {
      const shape = [2, 3, 4];
      expect(stridesOf(shape)).toBeCloseToTensor([12, 4, 1], {
        ...EXACT,
        mistakes: [
          {
            name: 'column-major strides (the FIRST axis has stride 1, as in Fortran or MATLAB)',
            fix: 'Row-major: walk the axes from the last to the first; the last has stride 1, each earlier one the product of the sizes after it.',
            output: columnMajorStrides(shape),
          },
        ],
      });
    });

    it('each stride is the product of ALL the sizes after it, not only the next one', () => {
      const shape = [2, 3, 4, 5];
      expect(stridesOf(shape)).toBeCloseToTensor([60, 20, 5, 1], {
        ...EXACT,
        mistakes: [
          {
            name: 'stride[d] = shape[d + 1], the next size only',
            fix: 'To step once along axis d you skip a whole block of everything after it: shape[d + 1] * shape[d + 2] * ... * shape[r - 1].',
            output: nextSizeStrides(shape),
          },
        ],
      });
    });

    it('the product starts after the axis, not at it: [2, 3, 4] gives [12, 4, 1], not [24, 12, 4]', () => {
      const shape = [2, 3, 4];
      expect(stridesOf(shape)).toBeCloseToTensor([12, 4, 1], {
        ...EXACT,
        mistakes: [
          {
            name: 'the strides are off by one axis: stride[d] included shape[d] itself',
            fix: 'stride[d] is the product of shape[d + 1], ..., shape[r - 1]; the last axis (an empty product) has stride 1.',
            output: ownSizeStrides(shape),
          },
        ],
      });
    });

    it('a scalar (shape []) has no strides, and a vector [5] has [1]', () => {
      expect(stridesOf([])).toEqual([]);
      expect(stridesOf([5])).toEqual([1]);
    });

    it('a size-0 axis counts as 1, as in PyTorch: [2, 0, 3] has strides [3, 3, 1], [0, 4] has [4, 1]', () => {
      // torch 1.13.0 (Debian python3-torch), torch.empty(shape).stride():
      //   (2, 0, 3) -> (3, 3, 1)   (0, 4) -> (4, 1)   (3, 0) -> (1, 1)   (0,) -> (1,)
      //   (2, 3, 0, 4) -> (12, 4, 4, 1)   (0, 0) -> (1, 1)   (2, 0, 0, 5) -> (5, 5, 5, 1)
      const torch: [number[], number[]][] = [
        [[2, 0, 3], [3, 3, 1]],
        [[0, 4], [4, 1]],
        [[3, 0], [1, 1]],
        [[0], [1]],
        [[2, 3, 0, 4], [12, 4, 4, 1]],
        [[0, 0], [1, 1]],
        [[2, 0, 0, 5], [5, 5, 5, 1]],
      ];
      for (const [shape, strides] of torch) {
        const got = stridesOf(shape);
        expect(
          got,
          `stridesOf([${shape.join(', ')}])` +
            (got.includes(0) ? ': a stride of 0 comes from multiplying by the size 0; Tensor.stride() multiplies by max(size, 1)' : ''),
        ).toEqual(strides);
      }
    });

    it('returns a new array each call and leaves its argument unchanged', () => {
      expectFresh(stridesOf, { shape: [2, 3, 4] });
      expectFresh(stridesOf, { shape: [5] });
    });
  });

  describe('bad input gets a clear error', () => {
    it('a negative or fractional size is a RangeError naming the entry', () => {
      expectError(() => stridesOf([2, -3]), RangeError, [/^stridesOf:/, /shape\[1\]/, /-3/]);
      expectError(() => stridesOf([2.5]), RangeError, [/^stridesOf:/, /shape\[0\]/]);
    });

    it('a shape that is not an array is a TypeError', () => {
      expectError(() => stridesOf(6 as unknown as number[]), TypeError, [/^stridesOf:/, /shape/]);
    });
  });
});

describe('07-tensors: offsetOf(shape, index)', () => {
  it('the lesson\'s example: [1, 0, 2] of [2, 2, 3] is at offset 1·6 + 0·3 + 2·1 = 8', () => {
    expect(offsetOf(STRIDES_EXAMPLE.shape, STRIDES_EXAMPLE.index)).toBe(STRIDES_EXAMPLE.offset);
  });

  it('pixel (h, w) of channel c of image n in [N, C, H, W] is at ((n·C + c)·H + h)·W + w: [3, 1, 5, 7] of [64, 3, 28, 28] is 7987', () => {
    expect(offsetOf([64, 3, 28, 28], [3, 1, 5, 7])).toBe(((3 * 3 + 1) * 28 + 5) * 28 + 7);
  });

  it('matches tf.buffer(shape).locToIndex(index) for random shapes and indices (exact)', () => {
    const cases = shapeOfRank(1, 5, 6).chain((shape) => fc.record({ shape: fc.constant(shape), index: fc.tuple(...shape.map((n) => fc.integer({ min: 0, max: n - 1 }))) }));
    checkProperty(cases, ({ shape, index }) => expect(offsetOf(shape, index)).toBe(referenceOffset(shape, index)));
  });

  it('every index of a [2, 3, 4] tensor gets its own offset, 0..23 in reading order', () => {
    const offsets = range(24).map((i) => offsetOf([2, 3, 4], [Math.floor(i / 12), Math.floor(i / 4) % 3, i % 4]));
    expect(offsets).toBeCloseToTensor(range(24), EXACT);
  });

  describe('plausible mistakes', () => {
    it('row-major offsets: [1, 0, 2] of [2, 3, 4] is 14, not 13 (column-major)', () => {
      expectNumber(offsetOf([2, 3, 4], [1, 0, 2]), 14, [
        {
          name: 'the offset used column-major strides [1, 2, 6]: 1·1 + 0·2 + 2·6 = 13',
          fix: 'Use the row-major strides [12, 4, 1] (stridesOf): 1·12 + 0·4 + 2·1 = 14.',
          output: 13,
        },
      ]);
    });

    it('multiplies each index by the stride, not by the size: [1, 0, 2] of [2, 3, 4] is 14, not 10', () => {
      expectNumber(offsetOf([2, 3, 4], [1, 0, 2]), 14, [
        { name: 'the index was multiplied by the sizes [2, 3, 4] instead of the strides [12, 4, 1]', fix: 'offset = sum over d of index[d] * stridesOf(shape)[d].', output: 10 },
      ]);
    });

    it('leaves its arguments unchanged', () => {
      expectFresh(offsetOf, { shape: [2, 3, 4], index: [1, 2, 3] });
    });
  });

  describe('bad input gets a clear error', () => {
    it('an index past the end of its axis is a RangeError in PyTorch\'s words: index 3 is out of bounds for axis 1 with size 3', () => {
      expectError(() => offsetOf([2, 3, 4], [0, 3, 0]), RangeError, [/^offsetOf:/, /index 3 is out of bounds for axis 1 with size 3/]);
    });

    it('a negative or fractional index is a RangeError (no wrap-around)', () => {
      expectError(() => offsetOf([2, 3], [-1, 0]), RangeError, [/^offsetOf:/, /-1/, /axis 0/]);
      expectError(() => offsetOf([2, 3], [0, 0.5]), RangeError, [/^offsetOf:/, /axis 1/]);
    });

    it('an index with the wrong number of entries is a RangeError giving both', () => {
      expectError(() => offsetOf([2, 3, 4], [1, 2]), RangeError, [/^offsetOf:/, /\[1, 2\]/, /\[2, 3, 4\]/]);
    });
  });
});

describe('07-tensors: fromNested(nested) and toNested(t)', () => {
  it('the JSDoc example: [[1, 2, 3], [4, 5, 6]] is a [2, 3] tensor holding 1..6', () => {
    expect(fromNested([[1, 2, 3], [4, 5, 6]])).toBeCloseToTensor({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }, EXACT);
  });

  it('the lesson\'s [2, 2, 3] tensor: shape [2, 2, 3], data 0..11; and back', () => {
    const t = fromNested(STRIDES_EXAMPLE.nested);
    expect(t).toBeCloseToTensor({ shape: [2, 2, 3], data: range(12) }, EXACT);
    expect(toNested(tensor([2, 2, 3], range(12)))).toBeCloseToTensor(STRIDES_EXAMPLE.nested, EXACT);
  });

  it('fromNested matches tf.tensor(nested) (shape and float32 data) for ranks 1 to 4 (exact)', () => {
    const cases = fc
      .record({ shape: shapeOfRank(1, 4), kind: values })
      .chain(({ shape, kind }) => valuesOf(size(shape), { scales: kind }).map((flat) => nest(shape, flat)));
    checkProperty(cases.map((nested) => ({ nested })), ({ nested }) => expect(fromNested(nested)).toBeCloseToTensor(referenceFromNested(nested), EXACT));
  });

  it('toNested matches tf.Tensor.arraySync() for ranks 0 to 4 (exact)', () => {
    checkProperty(randomTensor(0, 4).map((t) => ({ t })), ({ t }) => expect(toNested(t)).toEqual(referenceToNested(t)));
  });

  it('toNested(fromNested(x)) gives x back', () => {
    const x = [[[1.5, -2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, -12.25]]];
    expect(toNested(fromNested(x))).toEqual(x);
  });

  describe('plausible mistakes', () => {
    it('fromNested reads the numbers row by row (row-major), keeping the shape', () => {
      expect(fromNested([[1, 2, 3], [4, 5, 6]])).toBeCloseToTensor(twoByThree(), {
        ...EXACT,
        mistakes: [
          {
            name: 'the numbers were read column by column (1, 4, 2, 5, 3, 6)',
            fix: 'The data is the numbers in reading order: all of row 0, then row 1 (nested.flat(rank - 1)).',
            output: { shape: [2, 3], data: [1, 4, 2, 5, 3, 6] },
          },
        ],
      });
    });

    it('fromNested lists the OUTER length first: [[1, 2, 3], [4, 5, 6]] is [2, 3], not [3, 2]', () => {
      expect(fromNested([[1, 2, 3], [4, 5, 6]])).toBeCloseToTensor(twoByThree(), {
        ...EXACT,
        mistakes: [
          {
            name: 'the shape was read from the inside out ([3, 2]): the tensor came out transposed',
            fix: 'shape[0] is the length of the outer array, shape[1] the length of each row, and so on inwards.',
            output: { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] },
          },
          {
            name: 'the tensor was transposed (shape [3, 2], data 1, 4, 2, 5, 3, 6)',
            fix: 'Do not swap axes: shape [2, 3], data in reading order.',
            output: { shape: [3, 2], data: [1, 4, 2, 5, 3, 6] },
          },
        ],
      });
    });

    it('fromNested stores the values in a Float32Array: 0.1 becomes 0.10000000149011612', () => {
      const t = fromNested([0.1, 0.5]);
      expect(t.data, 'data must be a Float32Array (use tensor(shape, values) from lib/tensor)').toBeInstanceOf(Float32Array);
      expect(t.data[0]).toBe(Math.fround(0.1));
    });

    it('a plain number is a scalar: fromNested(7) has shape [], and toNested of it is 7, not [7]', () => {
      expect(fromNested(7)).toBeCloseToTensor({ shape: [], data: [7] }, EXACT);
      expect(toNested(tensor([], [7]))).toBe(7);
      expect(toNested(tensor([1], [7]))).toEqual([7]);
    });

    it('toNested builds each row from consecutive values (row-major)', () => {
      expect(toNested(twoByThree())).toBeCloseToTensor([[1, 2, 3], [4, 5, 6]], {
        ...EXACT,
        mistakes: [
          {
            name: 'the rows were built from every other value (column-major reading)',
            fix: 'Row i of a [R, C] tensor is data[i * C], ..., data[i * C + C - 1]: the stride of axis 0 is C.',
            output: [[1, 3, 5], [2, 4, 6]],
          },
          {
            name: 'the result is transposed ([3, 2] instead of [2, 3])',
            fix: 'The outer array has shape[0] entries, each with shape[1] entries.',
            output: [[1, 4], [2, 5], [3, 6]],
          },
        ],
      });
    });

    it('return fresh results and leave their arguments unchanged (no storage shared with the nested arrays or the tensor)', () => {
      expectFresh(fromNested, { nested: [[1, 2, 3], [4, 5, 6]] });
      expectFresh(fromNested, { nested: [1.5, -2] });
      expectFresh(toNested, { t: twoByThree() });
      expectFresh(toNested, { t: tensor([3], [1, 2, 3]) });
    });
  });

  describe('bad input gets a clear error', () => {
    it('a ragged array is a TypeError that says where', () => {
      expectError(() => fromNested([[1, 2, 3], [4, 5]]), TypeError, [/^fromNested:/, /\[1\]/, /2 entries/]);
    });

    it('an empty array ([] or [[]]) is a TypeError', () => {
      expectError(() => fromNested([]), TypeError, [/^fromNested:/, /empty/]);
      expectError(() => fromNested([[]]), TypeError, [/^fromNested:/, /empty/]);
    });

    it('something that is not a number is a TypeError that says what and where', () => {
      expectError(() => fromNested([[1, '2']]), TypeError, [/^fromNested:/, /\[0\]\[1\]/, /"2"/]);
      expectError(() => fromNested('12'), TypeError, [/^fromNested:/, /"12"/]);
      expectError(() => fromNested([1, [2]]), TypeError, [/^fromNested:/, /\[1\]/]);
    });

    it('toNested of something that is not a Tensor is a TypeError', () => {
      expectError(() => toNested([[1, 2]] as unknown as Tensor), TypeError, [/^toNested:/, /Tensor/]);
    });
  });
});

describe('07-tensors: reshape(t, shape)', () => {
  it('the JSDoc example: [2, 3] as [3, -1] is [3, 2], the values in the same order', () => {
    expect(reshape(twoByThree(), [3, -1])).toBeCloseToTensor({ shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }, EXACT);
  });

  it('x.view(N, -1) of the MNIST feature maps: [64, 20, 4, 4] as [64, -1] is [64, 320]', () => {
    const x = tensor([64, 20, 4, 4], range(64 * 320).map((i) => i % 1000));
    expect(reshape(x, [64, -1])).toBeCloseToTensor(referenceReshape(x, [64, 320]), EXACT);
  });

  it('matches tf.reshape for random tensors and new shapes, with and without -1 (exact)', () => {
    const cases = fc
      .record({ factors: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }), kind: values })
      .chain(({ factors, kind }) =>
        fc.record({
          t: tensorOf(factors, kind),
          newShape: fc.shuffledSubarray(factors, { minLength: factors.length, maxLength: factors.length }),
          cut: fc.integer({ min: 0, max: factors.length }),
          minusOne: fc.integer({ min: -1, max: factors.length - 1 }),
        }),
      )
      .map(({ t, newShape, cut, minusOne }) => {
        // merge the sizes before `cut` into one, then maybe replace one size by -1
        const merged = cut > 1 ? [size(newShape.slice(0, cut)), ...newShape.slice(cut)] : newShape;
        const shape = merged.map((n, d) => (d === minusOne ? -1 : n));
        return { t, shape };
      });
    checkProperty(cases, ({ t, shape }) => expect(reshape(t, shape)).toBeCloseToTensor(referenceReshape(t, shape), EXACT));
  });

  describe('plausible mistakes', () => {
    it('never moves a value: [2, 3] as [3, 2] keeps the order 1..6 (it is not a transpose)', () => {
      expect(reshape(twoByThree(), [3, 2])).toBeCloseToTensor({ shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }, {
        ...EXACT,
        mistakes: [
          {
            name: 'the values were reordered as in a transpose (1, 4, 2, 5, 3, 6)',
            fix: 'reshape only changes the shape: copy the data as it is. Reordering axes is permute, a different operation.',
            output: referencePermute(twoByThree(), [1, 0]),
          },
        ],
      });
    });

    it('-1 becomes the size that is left, in its own place: 24 values as [2, -1, 4] is [2, 3, 4]', () => {
      const t = tensor([4, 6], range(24));
      expect(reshape(t, [2, -1, 4])).toBeCloseToTensor({ shape: [2, 3, 4], data: range(24) }, {
        ...EXACT,
        mistakes: [
          { name: 'the -1 was kept in the shape', fix: 'Replace the -1 by size / (product of the other sizes): 24 / (2 · 4) = 3.', output: { shape: [2, -1, 4], data: range(24) } },
          { name: 'the inferred size was put first instead of where the -1 is', fix: 'The -1 keeps its position: [2, -1, 4] becomes [2, 3, 4].', output: { shape: [3, 2, 4], data: range(24) } },
          { name: 'the -1 was counted in the product (24 / (2 · -1 · 4) = -3)', fix: 'Multiply only the sizes that are not -1.', output: { shape: [2, -3, 4], data: range(24) } },
        ],
      });
    });

    it('returns a fresh tensor and leaves its argument unchanged: a copy of the data, not a view of it (unlike torch.view)', () => {
      expectFresh(reshape, { t: twoByThree(), shape: [6] });
      expectFresh(reshape, { t: twoByThree(), shape: [2, 3] }); // the same shape: still a new tensor
      expectFresh(reshape, { t: twoByThree(), shape: [-1, 2] });
    });
  });

  describe('bad input gets a clear error', () => {
    it('a shape of the wrong size is a RangeError in PyTorch\'s words: shape \'[2, 5]\' is invalid for input of size 12', () => {
      expectError(() => reshape(tensor([3, 4]), [2, 5]), RangeError, [/^reshape:/, /shape '\[2, 5\]' is invalid for input of size 12/]);
    });

    it('a -1 that cannot be filled is the same RangeError: [5, -1] for 12 values', () => {
      expectError(() => reshape(tensor([3, 4]), [5, -1]), RangeError, [/^reshape:/, /shape '\[5, -1\]' is invalid for input of size 12/]);
    });

    it('two -1s are a RangeError: only one dimension can be inferred', () => {
      expectError(() => reshape(tensor([3, 4]), [-1, -1]), RangeError, [/^reshape:/, /only one dimension can be inferred/]);
    });

    it('a size below -1 or a fraction is a RangeError naming the entry', () => {
      expectError(() => reshape(tensor([3, 4]), [-2, -6]), RangeError, [/^reshape:/, /shape\[0\]/, /-2/]);
      expectError(() => reshape(tensor([3, 4]), [1.5, 8]), RangeError, [/^reshape:/, /shape\[0\]/]);
    });
  });
});

describe('07-tensors: permute(t, dims)', () => {
  it('the JSDoc example: [2, 3] with dims [1, 0] is its transpose [3, 2]', () => {
    expect(permute(twoByThree(), [1, 0])).toBeCloseToTensor([[1, 4], [2, 5], [3, 6]], EXACT);
  });

  it('matches tf.transpose(t, dims) for random tensors of rank 1 to 5 and random permutations (exact)', () => {
    const cases = randomTensor(1, 5).chain((t) => fc.record({ t: fc.constant(t), dims: permutationOf(t.shape.length) }));
    checkProperty(cases, ({ t, dims }) => expect(permute(t, dims)).toBeCloseToTensor(referencePermute(t, dims), EXACT));
  });

  describe('plausible mistakes', () => {
    it('axis d of the result is axis dims[d] of the input (not the inverse)', () => {
      const t = tensor([2, 3, 4], range(24));
      const dims = [1, 2, 0];
      expect(permute(t, dims)).toBeCloseToTensor(referencePermute(t, dims), {
        ...EXACT,
        mistakes: [
          {
            name: 'the permutation was applied backwards: axis d of the input went to position dims[d]',
            fix: 'Read dims as "result axis d comes from input axis dims[d]": result.shape[d] = t.shape[dims[d]], as torch.permute and tf.transpose do.',
            output: referencePermute(t, inverse(dims)),
          },
        ],
      });
    });

    it('the identity permutation gives an equal tensor', () => {
      const t = tensor([2, 3, 2], range(12));
      expect(permute(t, [0, 1, 2])).toBeCloseToTensor(t, EXACT);
    });

    it('returns a fresh tensor and leaves its argument unchanged, even for the identity permutation (not the argument itself)', () => {
      expectFresh(permute, { t: tensor([2, 3, 4], range(24)), dims: [2, 0, 1] });
      expectFresh(permute, { t: tensor([2, 3, 2], range(12)), dims: [0, 1, 2] });
      expectFresh(permute, { t: tensor([4], range(4)), dims: [0] });
    });
  });

  describe('bad input gets a clear error', () => {
    it('dims with the wrong number of axes is a RangeError giving dims and the shape', () => {
      expectError(() => permute(tensor([2, 3, 4]), [1, 0]), RangeError, [/^permute:/, /\[1, 0\]/, /\[2, 3, 4\]/]);
    });

    it('a repeated or missing axis is a RangeError naming it', () => {
      expectError(() => permute(tensor([2, 3, 4]), [0, 1, 1]), RangeError, [/^permute:/, /repeats axis 1/]);
      expectError(() => permute(tensor([2, 3, 4]), [0, 1, 3]), RangeError, [/^permute:/, /axis 3/]);
    });
  });
});

describe('07-tensors: nchwToNhwc, nhwcToNchw and oihwToHwio', () => {
  const image = () => tensor(LAYOUT_EXAMPLE.nchwShape, LAYOUT_EXAMPLE.nchw);
  /** A cube [2, 3, 3, 3]: every permutation of its last three axes has the same shape, so only the values tell them apart. */
  const cube = () => tensor([2, 3, 3, 3], range(54));
  /** Conv2d(1, 2, 2)'s weight [M = 2, C = 1, 2, 2]: kernels 1..4 and 5..8. */
  const weight = () => tensor([2, 1, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  const nchwMistakes = (x: Tensor) => [
    {
      name: 'the permutation [0, 2, 1, 3] (N, H, C, W): C and H swapped, W left last',
      fix: 'NHWC puts the channels LAST: out[n][h][w][c] = x[n][c][h][w], i.e. permute(x, [0, 2, 3, 1]).',
      output: referencePermute(x, [0, 2, 1, 3]),
    },
    {
      name: 'the permutation [0, 3, 2, 1] (N, W, H, C): the channels are last but H and W are swapped',
      fix: 'Keep H before W: permute(x, [0, 2, 3, 1]).',
      output: referencePermute(x, [0, 3, 2, 1]),
    },
    {
      name: 'the permutation [0, 3, 1, 2], which is nhwcToNchw\'s (the inverse)',
      fix: 'permute(x, dims) takes result axis d from input axis dims[d]: for [N, H, W, C] from [N, C, H, W] that is [0, 2, 3, 1].',
      output: referencePermute(x, [0, 3, 1, 2]),
    },
  ];

  it('the lesson\'s image [1, 2, 2, 3] holding 0..11 is [1, 2, 3, 2] holding 0, 6, 1, 7, ... in NHWC', () => {
    expect(nchwToNhwc(image())).toBeCloseToTensor({ shape: LAYOUT_EXAMPLE.nhwcShape, data: LAYOUT_EXAMPLE.nhwc }, EXACT);
  });

  it('the lesson\'s weight [2, 1, 2, 2] is the filter [2, 2, 1, 2] holding 1, 5, 2, 6, 3, 7, 4, 8 in HWIO', () => {
    expect(oihwToHwio(weight())).toBeCloseToTensor({ shape: [2, 2, 1, 2], data: [1, 5, 2, 6, 3, 7, 4, 8] }, EXACT);
  });

  it('each matches tf.transpose with its permutation on random rank-4 tensors, and nhwcToNchw(nchwToNhwc(x)) is x (exact)', () => {
    checkProperty(randomTensor(4, 4).map((x) => ({ x })), ({ x }) => {
      expect(nchwToNhwc(x), 'nchwToNhwc').toBeCloseToTensor(referencePermute(x, [0, 2, 3, 1]), EXACT);
      expect(nhwcToNchw(x), 'nhwcToNchw').toBeCloseToTensor(referencePermute(x, [0, 3, 1, 2]), EXACT);
      expect(oihwToHwio(x), 'oihwToHwio').toBeCloseToTensor(referencePermute(x, [2, 3, 1, 0]), EXACT);
      expect(nhwcToNchw(nchwToNhwc(x)), 'nhwcToNchw(nchwToNhwc(x))').toBeCloseToTensor(x, EXACT);
    });
  });

  describe('plausible mistakes', () => {
    it('nchwToNhwc moves the channels last: [N, C, H, W] -> [N, H, W, C]', () => {
      const x = tensor([1, 2, 3, 4], range(24));
      expect(nchwToNhwc(x)).toBeCloseToTensor(referencePermute(x, [0, 2, 3, 1]), { ...EXACT, mistakes: nchwMistakes(x) });
    });

    it('nchwToNhwc on a cube [2, 3, 3, 3], where every wrong permutation has the right shape', () => {
      expect(nchwToNhwc(cube())).toBeCloseToTensor(referencePermute(cube(), [0, 2, 3, 1]), { ...EXACT, mistakes: nchwMistakes(cube()) });
    });

    it('nhwcToNchw undoes nchwToNhwc: permute [0, 3, 1, 2], not [0, 2, 3, 1] again', () => {
      expect(nhwcToNchw(cube())).toBeCloseToTensor(referencePermute(cube(), [0, 3, 1, 2]), {
        ...EXACT,
        mistakes: [
          {
            name: 'nhwcToNchw used nchwToNhwc\'s permutation [0, 2, 3, 1] again',
            fix: 'The way back is the inverse permutation: out[n][c][h][w] = y[n][h][w][c], i.e. permute(y, [0, 3, 1, 2]).',
            output: referencePermute(cube(), [0, 2, 3, 1]),
          },
        ],
      });
    });

    it('oihwToHwio gives [kH, kW, C, M] (tfjs\'s inDepth before outDepth), not [kH, kW, M, C]', () => {
      const w = tensor([3, 2, 2, 3], range(36)); // M = 3, C = 2, kH = 2, kW = 3
      expect(oihwToHwio(w)).toBeCloseToTensor(referencePermute(w, [2, 3, 1, 0]), {
        ...EXACT,
        mistakes: [
          {
            name: 'the filter came out as [kH, kW, M, C] (permute [2, 3, 0, 1])',
            fix: 'tfjs\'s conv2d filter is [filterHeight, filterWidth, inDepth, outDepth] = [kH, kW, C, M]: permute(weight, [2, 3, 1, 0]).',
            output: referencePermute(w, [2, 3, 0, 1]),
          },
          {
            name: 'all four axes were reversed (permute [3, 2, 1, 0]): [kW, kH, C, M], the kernels transposed',
            fix: 'Keep kH before kW: permute(weight, [2, 3, 1, 0]).',
            output: referencePermute(w, [3, 2, 1, 0]),
          },
        ],
      });
    });

    it('return fresh tensors and leave their arguments unchanged, even where the data stays in place (C = 1)', () => {
      expectFresh(nchwToNhwc, { x: image() });
      expectFresh(nhwcToNchw, { x: image() });
      expectFresh(oihwToHwio, { weight: weight() });
      const single = tensor([1, 1, 2, 2], [1, 2, 3, 4]); // one channel: NCHW and NHWC hold the same data
      expectFresh(nchwToNhwc, { x: single });
      expectFresh(nhwcToNchw, { x: single });
      expectFresh(oihwToHwio, { weight: single });
    });
  });

  describe('bad input gets a clear error', () => {
    it('a tensor that is not rank 4 is a TypeError naming the layout expected and giving the shape', () => {
      expectError(() => nchwToNhwc(tensor([2, 3, 4])), TypeError, [/^nchwToNhwc:/, /\[N, C, H, W\]/, /\[2, 3, 4\]/]);
      expectError(() => nhwcToNchw(tensor([2, 3, 4])), TypeError, [/^nhwcToNchw:/, /\[N, H, W, C\]/, /\[2, 3, 4\]/]);
      expectError(() => oihwToHwio(tensor([10, 5, 5])), TypeError, [/^oihwToHwio:/, /\[M, C, kH, kW\]/, /\[10, 5, 5\]/]);
    });
  });
});

describe('07-tensors: tf.conv2d and tf.maxPool through your adapters compute PyTorch\'s Conv2d and MaxPool2d', () => {
  /** x [2, 3, 3, 3] and weight [3, 3, 2, 2]: C = H = W = M, so every wrong adapter still runs. */
  const x = () => tensor([2, 3, 3, 3], range(54).map((i) => ((i * 7) % 11) - 5));
  const w = () => tensor([3, 3, 2, 2], range(36).map((i) => ((i * 5) % 7) - 3));
  const b = () => tensor([3], [1, 0, -1]);
  const convMistakes = [
    { name: 'nchwToNhwc used the permutation [0, 2, 1, 3]', adapters: withWrong('nchwToNhwc', [0, 2, 1, 3]) },
    { name: 'nchwToNhwc used the permutation [0, 3, 2, 1] (NWHC)', adapters: withWrong('nchwToNhwc', [0, 3, 2, 1]) },
    { name: 'oihwToHwio gave [kH, kW, M, C]', adapters: withWrong('oihwToHwio', [2, 3, 0, 1]) },
    { name: 'oihwToHwio reversed all four axes ([kW, kH, C, M])', adapters: withWrong('oihwToHwio', [3, 2, 1, 0]) },
    { name: 'nhwcToNchw used [0, 2, 3, 1], nchwToNhwc\'s permutation', adapters: withWrong('nhwcToNchw', [0, 2, 3, 1]) },
  ];

  it('Conv2d(3, 3, 2, padding=1) on a [2, 3, 3, 3] batch: tf.conv2d through your adapters equals an NCHW computation (tolerance 1e-4)', () => {
    const options = { padding: 1, stride: 1 };
    expect(conv2dThroughAdapters(yours, x(), w(), b(), options)).toBeCloseToTensor(referenceConv2dNchw(x(), w(), b(), options), {
      ...FLOAT32,
      mistakes: convMistakes.map(({ name, adapters }) => ({
        name: `${name}, so tf.conv2d mixed up the axes`,
        fix: 'Run the adapter tests above first; each names the permutation it expects.',
        output: conv2dThroughAdapters(adapters, x(), w(), b(), options),
      })),
    });
  });

  it('matches the NCHW computation on random batches, channels, kernels, paddings and strides (tolerance 1e-4)', () => {
    const cases = fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 3 }),
        m: fc.integer({ min: 1, max: 3 }),
        k: fc.integer({ min: 1, max: 3 }),
        extraH: fc.integer({ min: 0, max: 3 }),
        extraW: fc.integer({ min: 0, max: 3 }),
        padding: fc.integer({ min: 0, max: 1 }),
        stride: fc.integer({ min: 1, max: 2 }),
        kind: values,
      })
      .chain(({ n, c, m, k, extraH, extraW, padding, stride, kind }) =>
        fc.record({
          x: tensorOf([n, c, k + extraH, k + extraW], kind),
          w: tensorOf([m, c, k, k], kind),
          b: tensorOf([m], kind),
          options: fc.constant({ padding, stride }),
        }),
      );
    checkProperty(
      cases,
      ({ x, w, b, options }) => expect(conv2dThroughAdapters(yours, x, w, b, options)).toBeCloseToTensor(referenceConv2dNchw(x, w, b, options), FLOAT32),
      25,
    );
  });

  it('MaxPool2d(2) on a [2, 3, 4, 4] batch: tf.maxPool through your adapters pools each channel on its own', () => {
    const input = tensor([2, 3, 4, 4], range(96).map((i) => ((i * 37) % 23) - 11));
    expect(maxPoolThroughAdapters(yours, input, 2)).toBeCloseToTensor(referenceMaxPoolNchw(input, 2), {
      ...EXACT,
      mistakes: [
        {
          name: 'nchwToNhwc used [0, 2, 1, 3], so tf.maxPool pooled across channels',
          fix: 'permute(x, [0, 2, 3, 1]): the channels must be the LAST axis for tfjs.',
          output: maxPoolThroughAdapters(withWrong('nchwToNhwc', [0, 2, 1, 3]), input, 2),
        },
        {
          name: 'nhwcToNchw used [0, 2, 3, 1], so the pooled batch came back in the wrong layout',
          fix: 'The way back is permute(y, [0, 3, 1, 2]).',
          output: maxPoolThroughAdapters(withWrong('nhwcToNchw', [0, 2, 3, 1]), input, 2),
        },
      ],
    });
  });

  it('pooling matches the NCHW computation on random batches, kernel sizes, paddings and strides (exact)', () => {
    const cases = fc
      .record({ n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 0, max: 3 }), stride: fc.integer({ min: 1, max: 3 }), kind: values })
      .chain(({ n, c, k, extra, stride, kind }) =>
        fc.record({ x: tensorOf([n, c, k + extra, k + extra + 1], kind), k: fc.constant(k), options: fc.record({ padding: fc.integer({ min: 0, max: Math.floor(k / 2) }), stride: fc.constant(stride) }) }),
      );
    checkProperty(cases, ({ x, k, options }) => expect(maxPoolThroughAdapters(yours, x, k, options)).toBeCloseToTensor(referenceMaxPoolNchw(x, k, options), EXACT), 25);
  });

  it('leaves its arguments unchanged through the whole round trip', () => {
    const [input, weight, bias] = [x(), w(), b()];
    conv2dThroughAdapters(yours, input, weight, bias, { padding: 1 });
    expect(input, 'x was modified').toBeCloseToTensor(x(), EXACT);
    expect(weight, 'weight was modified').toBeCloseToTensor(w(), EXACT);
    expect(bias, 'bias was modified').toBeCloseToTensor(b(), EXACT);
  });
});
