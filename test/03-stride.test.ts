/**
 * Kata 03: stride. Lesson: docs/03-stride.md
 * Tolerances: EXACT (1e-9) for integer examples, FLOAT32 (1e-4 abs + 1e-4 rel) against tfjs.
 */
import { describe, expect, it } from 'vitest';
import { conv2d, convOutputSize } from '@kata/03-stride';
import { referenceConv2d } from '../lib/reference/conv';
import { EXACT } from '../lib/testing/compare';
import { expectFresh } from '../lib/testing/fresh';
import { LECTURE_INPUT, LECTURE_KERNEL, LECTURE_PADDED, LECTURE_PADDED_STRIDED, LECTURE_STRIDED, LECTURE_VALID } from '../lib/testing/lecture';
import { expectError } from '../lib/testing/matchers';
import { checkProperty, convCase, fc } from '../lib/testing/property';

/** The stride applied inside the window too (skipping kernel cells): a wrong implementation. */
function strideInsideWindow(input: number[][], kernel: number[][], stride: number): number[][] {
  const h = Math.floor((input.length - kernel.length) / stride) + 1;
  const w = Math.floor((input[0].length - kernel[0].length) / stride) + 1;
  return Array.from({ length: h }, (_, i) =>
    Array.from({ length: w }, (_, j) => {
      let sum = 0;
      for (let u = 0; u < kernel.length; u += stride) {
        for (let v = 0; v < kernel[0].length; v += stride) sum += input[i * stride + u][j * stride + v] * kernel[u][v];
      }
      return sum;
    }),
  );
}

describe('03-stride: convOutputSize(size, kernelSize, padding, stride)', () => {
  it.each([
    [5, 3, 0, 1, 3, "the lecture's 5x5 input and 3x3 kernel"],
    [5, 3, 1, 1, 5, 'padding 1 keeps 5 at 5'],
    [5, 3, 0, 2, 2, 'stride 2 turns 5 into 2'],
    [5, 3, 1, 2, 3, 'padding 1 and stride 2'],
    [28, 5, 0, 1, 24, "MNIST's 28 under the first 5x5 kernel"],
    [12, 5, 0, 1, 8, 'the second conv of the MNIST net'],
  ])('convOutputSize(%i, %i, %i, %i) = %i: %s', (size, k, p, s, expected) => {
    expect(convOutputSize(size, k, p, s)).toBe(expected);
  });

  it('padding and stride default to 0 and 1', () => {
    expect(convOutputSize(5, 3)).toBe(3);
    expect(convOutputSize(5, 3, 1)).toBe(5);
  });

  it('agrees with the shape of tf.conv2d for every size, kernel, padding and stride up to 9', () => {
    checkProperty(
      fc
        .record({ size: fc.integer({ min: 1, max: 9 }), kernelSize: fc.integer({ min: 1, max: 9 }), padding: fc.integer({ min: 0, max: 3 }), stride: fc.integer({ min: 1, max: 5 }) })
        .filter(({ size, kernelSize, padding }) => kernelSize <= size + 2 * padding),
      ({ size, kernelSize, padding, stride }) => {
        const ones = (n: number) => Array.from({ length: n }, () => new Array<number>(n).fill(1));
        expect(convOutputSize(size, kernelSize, padding, stride)).toBe(referenceConv2d(ones(size), ones(kernelSize), { padding, stride }).length);
      },
    );
  });

  describe('plausible mistakes', () => {
    it('rounds down (floor), not up (ceil): size 6, kernel 3, stride 2 gives 2', () => {
      const got = convOutputSize(6, 3, 0, 2);
      expect(got, got === 3 ? 'floor((6 - 3) / 2) + 1 = floor(1.5) + 1 = 2; Math.ceil gives 3, a window that runs off the edge' : undefined).toBe(2);
    });

    it('rounds down, not to the nearest: size 7, kernel 2, stride 2 gives 3', () => {
      const got = convOutputSize(7, 2, 0, 2);
      expect(got, got === 4 ? 'floor(2.5) + 1 = 3; Math.round(2.5) + 1 gives 4' : undefined).toBe(3);
    });

    it('counts the padding at both ends (2p, not p): size 5, kernel 3, padding 2 gives 7', () => {
      const got = convOutputSize(5, 3, 2, 1);
      expect(got, got === 5 ? 'padding adds p cells at EACH end: size + 2 * padding' : undefined).toBe(7);
    });

    it('divides before adding 1: size 9, kernel 3, stride 3 gives 3', () => {
      const got = convOutputSize(9, 3, 0, 3);
      expect(got, got === 2 ? 'the formula is floor((size + 2p - k) / s) + 1, not floor((size + 2p - k + 1) / s)' : undefined).toBe(3);
    });

    it('a kernel exactly as large as the padded size fits once', () => {
      expect(convOutputSize(3, 5, 1, 2)).toBe(1);
    });

    it('a stride longer than the input still gives the first window', () => {
      expect(convOutputSize(5, 3, 0, 10)).toBe(1);
    });
  });

  describe('bad input gets a clear error', () => {
    it.each([
      ['stride 0', [5, 3, 0, 0], /stride/],
      ['a negative stride', [5, 3, 0, -1], /stride/],
      ['a fractional stride', [5, 3, 0, 1.5], /stride/],
      ['a NaN stride', [5, 3, 0, NaN], /stride/],
      ['an infinite stride', [5, 3, 0, Infinity], /stride/],
      ['a negative padding', [5, 3, -1, 1], /padding/],
      ['a fractional padding', [5, 3, 0.5, 1], /padding/],
      ['size 0', [0, 3, 0, 1], /size/],
      ['kernelSize 0', [5, 0, 0, 1], /kernelSize/],
      ['a kernel larger than the padded size', [5, 8, 1, 1], /kernelSize/],
    ])('%s is a RangeError naming the argument', (_, args, mentions) => {
      const [size, k, p, s] = args as number[];
      expectError(() => convOutputSize(size, k, p, s), RangeError, [/^convOutputSize:/, mentions as RegExp]);
    });
  });
});

describe('03-stride: conv2d(input, kernel, { padding, stride })', () => {
  it("the lecture's 5x5 input with stride 2 gives 2x2", () => {
    expect(conv2d(LECTURE_INPUT, LECTURE_KERNEL, { stride: 2 })).toBeCloseToTensor(LECTURE_STRIDED, EXACT);
  });

  it('padding 1 and stride 2 give 3x3', () => {
    expect(conv2d(LECTURE_INPUT, LECTURE_KERNEL, { padding: 1, stride: 2 })).toBeCloseToTensor(LECTURE_PADDED_STRIDED, EXACT);
  });

  it('the defaults (no padding, stride 1) and padding alone still work as in katas 01 and 02', () => {
    expect(conv2d(LECTURE_INPUT, LECTURE_KERNEL)).toBeCloseToTensor(LECTURE_VALID, EXACT);
    expect(conv2d(LECTURE_INPUT, LECTURE_KERNEL, { padding: 1 })).toBeCloseToTensor(LECTURE_PADDED, EXACT);
  });

  it('matches tf.conv2d with explicit padding and strides on random inputs: fractions, large and negative values, ties (tolerance 1e-4)', () => {
    checkProperty(convCase({ padding: true, stride: true }), ({ input, kernel, padding, stride }) => {
      expect(conv2d(input, kernel, { padding, stride })).toBeCloseToTensor(referenceConv2d(input, kernel, { padding, stride }));
    });
  });

  it('matches tf.conv2d on large values with padding and strides: pixels 0..255, weights -255..255 (tolerance 1e-4)', () => {
    checkProperty(convCase({ padding: true, stride: true, values: 'large' }), ({ input, kernel, padding, stride }) => {
      expect(conv2d(input, kernel, { padding, stride })).toBeCloseToTensor(referenceConv2d(input, kernel, { padding, stride }));
    }, 20);
  });

  describe('plausible mistakes', () => {
    it('the stride moves the window; every kernel cell is still used', () => {
      const input = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i * 7 + j * 3) % 10));
      const kernel = [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ];
      expect(conv2d(input, kernel, { stride: 2 })).toBeCloseToTensor(referenceConv2d(input, kernel, { stride: 2 }), {
        ...EXACT,
        mistakes: [
          {
            name: 'the stride was also applied inside the window, skipping kernel cells',
            fix: 'Only the window\'s corner jumps: (i * stride, j * stride). Inside the window, u and v still step by 1.',
            output: strideInsideWindow(input, kernel, 2),
          },
        ],
      });
    });

    it('the stride applies down the rows as well as across the columns', () => {
      const input = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => i * 5 + j));
      const expected = referenceConv2d(input, [[1]], { stride: 2 }); // 3x3: rows and cols 0, 2, 4
      expect(conv2d(input, [[1]], { stride: 2 })).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'the stride was applied to the columns only',
            fix: 'Window (i, j) starts at row i * stride and column j * stride.',
            output: [0, 1, 2, 3, 4].map((i) => [0, 2, 4].map((j) => input[i][j])),
          },
        ],
      });
    });

    it('an input that does not divide evenly drops the last partial window (6x6, kernel 3, stride 2 is 2x2)', () => {
      const input = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => i - j));
      const kernel = [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ];
      expect(conv2d(input, kernel, { stride: 2 })).toBeCloseToTensor(referenceConv2d(input, kernel, { stride: 2 }), EXACT);
    });

    it('H != W and kH != kW each get their own output size', () => {
      const input = Array.from({ length: 4 }, (_, i) => Array.from({ length: 7 }, (_, j) => i + 2 * j));
      const kernel = [[1, -1, 2]];
      expect(conv2d(input, kernel, { padding: 1, stride: 2 })).toBeCloseToTensor(referenceConv2d(input, kernel, { padding: 1, stride: 2 }), EXACT);
    });

    it('adds fractions exactly: halves and quarters are not rounded away', () => {
      const input = [
        [0.5, -1.25, 3, 0.75],
        [2.25, 0.125, -0.5, 1],
        [-3.5, 1.5, 0.25, -2],
      ];
      const kernel = [
        [0.5, 1],
        [-0.25, 2],
      ];
      const expected = referenceConv2d(input, kernel, { padding: 1, stride: 2 });
      expect(conv2d(input, kernel, { padding: 1, stride: 2 })).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'each sum was rounded to a whole number',
            fix: 'Keep the sums as they are: the values are fractions, and so are their products.',
            output: expected.map((row) => row.map(Math.round)),
          },
        ],
      });
    });

    it('returns a fresh result and leaves its arguments unchanged (the options object too: no defaults written into it)', () => {
      expectFresh(conv2d, { input: LECTURE_INPUT, kernel: LECTURE_KERNEL, options: { padding: 1, stride: 2 } });
      expectFresh(conv2d, { input: LECTURE_INPUT, kernel: LECTURE_KERNEL, options: {} });
      expectFresh(conv2d, { input: LECTURE_INPUT, kernel: [[1]], options: { stride: 1 } });
    });
  });

  describe('bad input gets a clear error', () => {
    it.each([
      ['0', 0],
      ['negative', -2],
      ['fractional', 0.5],
      ['NaN', NaN],
    ])('a %s stride is a RangeError (and does not hang)', (_, stride) => {
      expectError(() => conv2d(LECTURE_INPUT, LECTURE_KERNEL, { stride }), RangeError, [/^conv2d:/, /stride/]);
    });

    it('a negative padding is a RangeError', () => {
      expectError(() => conv2d(LECTURE_INPUT, LECTURE_KERNEL, { padding: -1 }), RangeError, [/^conv2d:/, /padding/]);
    });

    it('a kernel larger than the padded input is a RangeError that gives both sizes', () => {
      expectError(() => conv2d([[1, 2]], LECTURE_KERNEL, { stride: 2 }), RangeError, [/^conv2d:/, /3x3/, /1x2/]);
    });

    it('a ragged kernel is a TypeError', () => {
      expectError(() => conv2d(LECTURE_INPUT, [[1, 2], [3]], { stride: 2 }), TypeError, [/^conv2d:/, /kernel/]);
    });
  });
});
