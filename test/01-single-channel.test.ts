/**
 * Kata 01: single-channel convolution. Lesson: docs/01-single-channel.md
 * Tolerances: EXACT (1e-9) for integer examples, FLOAT32 (1e-4 abs + 1e-4 rel) against tfjs.
 */
import { describe, expect, it } from 'vitest';
import { conv2d } from '@kata/01-single-channel';
import { referenceConv2d, rotate180 } from '../lib/reference/conv';
import { EXACT } from '../lib/testing/compare';
import { expectFresh } from '../lib/testing/fresh';
import { LECTURE_INPUT, LECTURE_KERNEL, LECTURE_VALID } from '../lib/testing/lecture';
import { expectError } from '../lib/testing/matchers';
import { checkProperty, convCase } from '../lib/testing/property';

describe('01-single-channel: conv2d(input, kernel)', () => {
  describe('worked examples', () => {
    it("the lecture's 5x5 input and 3x3 kernel give a 3x3 output", () => {
      expect(conv2d(LECTURE_INPUT, LECTURE_KERNEL)).toBeCloseToTensor(LECTURE_VALID, EXACT);
    });

    it('the JSDoc example: a 2x2 kernel over a 3x3 input', () => {
      expect(
        conv2d(
          [
            [1, 2, 3],
            [4, 5, 6],
            [7, 8, 9],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      ).toBeCloseToTensor(
        [
          [6, 8],
          [12, 14],
        ],
        EXACT,
      );
    });
  });

  it('matches tf.conv2d on random inputs and kernels: fractions, hundreds, thousands, negatives, zeros, ties (tolerance 1e-4)', () => {
    checkProperty(convCase(), ({ input, kernel }) => {
      expect(conv2d(input, kernel)).toBeCloseToTensor(referenceConv2d(input, kernel));
    });
  });

  it('matches tf.conv2d on large values: pixels 0..255, weights -255..255 (tolerance 1e-4)', () => {
    checkProperty(convCase({ values: 'large' }), ({ input, kernel }) => {
      expect(conv2d(input, kernel)).toBeCloseToTensor(referenceConv2d(input, kernel));
    }, 20);
  });

  describe('plausible mistakes', () => {
    it('does not flip the kernel: Conv2d is cross-correlation, not true convolution', () => {
      const kernel = [
        [0, 1],
        [2, 3],
      ];
      const input = [
        [1, 2, 0],
        [0, 1, 5],
        [4, 0, 1],
      ];
      expect(conv2d(input, kernel)).toBeCloseToTensor(referenceConv2d(input, kernel), {
        ...EXACT,
        mistakes: [
          {
            name: 'the kernel was flipped (rotated 180 degrees), as in a textbook "true" convolution',
            fix: 'Multiply input[i + u][j + v] by kernel[u][v] with the same u and v: kernel[0][0] meets the top-left cell of the window.',
            output: referenceConv2d(input, rotate180(kernel)),
          },
        ],
      });
    });

    it('keeps rows and columns apart: a 4x6 input and a 2x3 kernel give 3x4', () => {
      const input = [
        [1, 2, 3, 4, 5, 6],
        [6, 5, 4, 3, 2, 1],
        [0, 1, 0, 1, 0, 1],
        [2, 2, 2, 3, 3, 3],
      ];
      const kernel = [
        [1, 0, -1],
        [2, 1, 0],
      ];
      expect(conv2d(input, kernel)).toBeCloseToTensor(referenceConv2d(input, kernel), EXACT);
    });

    it('counts every position where the kernel fits: H - kH + 1 rows, not H - kH', () => {
      const input = [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9, 10, 11, 12],
        [13, 14, 15, 16],
      ];
      const kernel = [
        [1, 1],
        [1, 1],
      ];
      const expected = referenceConv2d(input, kernel); // 3x3
      expect(conv2d(input, kernel)).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'the last row and column of windows are missing (an off-by-one in the loop bounds)',
            fix: 'The output has H - kH + 1 rows: loop while i <= H - kH, or i < H - kH + 1.',
            output: expected.slice(0, -1).map((row) => row.slice(0, -1)),
          },
        ],
      });
    });

    it('a kernel as large as the input gives one value: their dot product', () => {
      const input = [
        [1, 2],
        [3, 4],
      ];
      expect(
        conv2d(input, [
          [5, 6],
          [7, 8],
        ]),
      ).toBeCloseToTensor([[70]], EXACT);
    });

    it('a 1x1 kernel scales every entry and keeps the size', () => {
      expect(conv2d(LECTURE_INPUT, [[2]])).toBeCloseToTensor(
        LECTURE_INPUT.map((row) => row.map((x) => 2 * x)),
        EXACT,
      );
    });

    it('adds fractions exactly: halves and quarters are not rounded away', () => {
      const input = [
        [0.5, 1.25, -2],
        [3, -0.75, 0.125],
      ];
      const kernel = [[0.5, -1]];
      const expected = referenceConv2d(input, kernel); // [[-1, 2.625], [2.25, -0.5]]
      expect(conv2d(input, kernel)).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'each sum was rounded to a whole number (Math.round, or an integer type)',
            fix: 'Keep the sum as it is: inputs and kernels hold fractions (0.5, -0.75), and so do their products.',
            output: expected.map((row) => row.map(Math.round)),
          },
          {
            name: 'each sum was cut to a whole number (Math.trunc or | 0)',
            fix: 'Keep the sum as it is: inputs and kernels hold fractions (0.5, -0.75), and so do their products.',
            output: expected.map((row) => row.map(Math.trunc)),
          },
        ],
      });
    });

    it('returns a fresh result and leaves its arguments unchanged (no writing into input or kernel, no output kept between calls)', () => {
      expectFresh(conv2d, { input: LECTURE_INPUT, kernel: LECTURE_KERNEL });
      expectFresh(conv2d, { input: LECTURE_INPUT, kernel: [[1]] }); // same size as the input: not the input itself
    });

    it('NaN in the input reaches every window that covers it, and only those (no error, as in PyTorch)', () => {
      const input = [
        [NaN, 1, 1],
        [1, 1, 1],
        [1, 1, 1],
      ];
      const ones = [
        [1, 1],
        [1, 1],
      ];
      expect(conv2d(input, ones)).toBeCloseToTensor(
        [
          [NaN, 4],
          [4, 4],
        ],
        EXACT,
      );
    });
  });

  describe('bad input gets a clear error', () => {
    const k = [
      [1, 0],
      [0, 1],
    ];

    it('a ragged input (rows of different lengths) is a TypeError naming the row', () => {
      expectError(() => conv2d([[1, 2, 3], [4, 5], [6, 7, 8]], k), TypeError, [/^conv2d:/, /input/, /row 1/]);
    });

    it('an empty input ([] or [[]]) is a TypeError', () => {
      expectError(() => conv2d([], k), TypeError, [/^conv2d:/, /input/]);
      expectError(() => conv2d([[]], k), TypeError, [/^conv2d:/, /input/]);
    });

    it('a kernel that is not a matrix is a TypeError naming the kernel', () => {
      expectError(() => conv2d(LECTURE_INPUT, 3 as unknown as number[][]), TypeError, [/^conv2d:/, /kernel/]);
      expectError(() => conv2d(LECTURE_INPUT, [[1, '2']] as unknown as number[][]), TypeError, [/^conv2d:/, /kernel/]);
    });

    it('a kernel taller or wider than the input is a RangeError that gives both sizes', () => {
      const wide = [[1, 2, 3, 4, 5, 6]];
      expectError(() => conv2d(LECTURE_INPUT, wide), RangeError, [/^conv2d:/, /1x6/, /5x5/]);
      expectError(() => conv2d([[1, 2, 3]], LECTURE_KERNEL), RangeError, [/^conv2d:/, /3x3/, /1x3/]);
    });
  });
});
