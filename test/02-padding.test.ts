/**
 * Kata 02: padding. Lesson: docs/02-padding.md
 * Tolerances: EXACT (1e-9) for integer examples, FLOAT32 (1e-4 abs + 1e-4 rel) against tfjs.
 */
import { describe, expect, it } from 'vitest';
import { conv2d, pad2d } from '@kata/02-padding';
import { referenceConv2d, referencePad2d } from '../lib/reference/conv';
import { EXACT } from '../lib/testing/compare';
import { expectFresh } from '../lib/testing/fresh';
import { LECTURE_INPUT, LECTURE_KERNEL, LECTURE_PADDED, LECTURE_VALID } from '../lib/testing/lecture';
import { expectError } from '../lib/testing/matchers';
import { checkProperty, convCase, fc, matrix } from '../lib/testing/property';

const SMALL = [
  [1, 2, 3],
  [4, 5, 6],
];

/** Padding only at the top and left (a common slip): what such a pad2d returns. */
const padTopLeftOnly = (m: number[][], p: number) => referencePad2d(m, p).slice(0, m.length + p).map((row) => row.slice(0, m[0].length + p));
/** Edge-replicating padding instead of zeros. */
const padReplicate = (m: number[][], p: number) => {
  const h = m.length;
  const w = m[0].length;
  return Array.from({ length: h + 2 * p }, (_, i) =>
    Array.from({ length: w + 2 * p }, (_, j) => m[Math.min(h - 1, Math.max(0, i - p))][Math.min(w - 1, Math.max(0, j - p))]),
  );
};

describe('02-padding: pad2d(input, padding)', () => {
  it('the JSDoc example: a 2x2 matrix with padding 1 becomes 4x4 with a ring of zeros', () => {
    expect(
      pad2d(
        [
          [1, 2],
          [3, 4],
        ],
        1,
      ),
    ).toBeCloseToTensor(
      [
        [0, 0, 0, 0],
        [0, 1, 2, 0],
        [0, 3, 4, 0],
        [0, 0, 0, 0],
      ],
      EXACT,
    );
  });

  it('matches tf.pad on random matrices and paddings 0..3', () => {
    const cases = fc.record({ h: fc.integer({ min: 1, max: 6 }), w: fc.integer({ min: 1, max: 6 }), p: fc.integer({ min: 0, max: 3 }) });
    checkProperty(
      cases.chain(({ h, w, p }) => fc.record({ input: matrix(h, w), padding: fc.constant(p) })),
      ({ input, padding }) => expect(pad2d(input, padding)).toBeCloseToTensor(referencePad2d(input, padding), EXACT),
    );
  });

  describe('plausible mistakes', () => {
    it('pads every side: bottom and right too, not only top and left', () => {
      expect(pad2d(SMALL, 2)).toBeCloseToTensor(referencePad2d(SMALL, 2), {
        ...EXACT,
        mistakes: [
          {
            name: 'zeros were added only above and to the left',
            fix: 'padding p adds p rows above AND p below, p columns left AND p right: the result is (H + 2p) x (W + 2p).',
            output: padTopLeftOnly(SMALL, 2),
          },
        ],
      });
    });

    it('pads with zeros, not by repeating the edge values', () => {
      expect(pad2d(SMALL, 1)).toBeCloseToTensor(referencePad2d(SMALL, 1), {
        ...EXACT,
        mistakes: [
          {
            name: 'the border repeats the edge values ("replicate" padding)',
            fix: "Conv2d's default padding_mode is 'zeros': every new cell is 0.",
            output: padReplicate(SMALL, 1),
          },
        ],
      });
    });

    it('padding 0 returns an equal matrix that is a copy, not the input itself', () => {
      const out = pad2d(SMALL, 0);
      expect(out).toBeCloseToTensor(SMALL, EXACT);
      expect(out, 'pad2d(input, 0) returned the input array itself').not.toBe(SMALL);
      out[0][0] = 99;
      expect(SMALL[0][0], 'the rows of the result are shared with the input').toBe(1);
    });

    it('returns a fresh result and leaves its argument unchanged (no zeros written into the input)', () => {
      expectFresh(pad2d, { input: SMALL, padding: 2 });
      expectFresh(pad2d, { input: SMALL, padding: 0 });
    });
  });

  describe('bad input gets a clear error', () => {
    it.each([
      ['negative', -1],
      ['fractional', 0.5],
      ['NaN', NaN],
      ['infinite', Infinity],
    ])('a %s padding is a RangeError', (_, p) => {
      expectError(() => pad2d(SMALL, p), RangeError, [/^pad2d:/, /padding/]);
    });

    it('a ragged or empty input is a TypeError', () => {
      expectError(() => pad2d([[1, 2], [3]], 1), TypeError, [/^pad2d:/, /input/]);
      expectError(() => pad2d([], 1), TypeError, [/^pad2d:/, /input/]);
    });
  });
});

describe('02-padding: conv2d(input, kernel, padding)', () => {
  it("the lecture's example with padding 1: the 5x5 input stays 5x5 under a 3x3 kernel", () => {
    expect(conv2d(LECTURE_INPUT, LECTURE_KERNEL, 1)).toBeCloseToTensor(LECTURE_PADDED, EXACT);
  });

  it("padding 0 (the default) is kata 01's convolution", () => {
    expect(conv2d(LECTURE_INPUT, LECTURE_KERNEL)).toBeCloseToTensor(LECTURE_VALID, EXACT);
    expect(conv2d(LECTURE_INPUT, LECTURE_KERNEL, 0)).toBeCloseToTensor(LECTURE_VALID, EXACT);
  });

  it('padding 2 grows the output: 5x5 becomes 7x7 under a 3x3 kernel', () => {
    expect(conv2d(LECTURE_INPUT, LECTURE_KERNEL, 2)).toBeCloseToTensor(referenceConv2d(LECTURE_INPUT, LECTURE_KERNEL, { padding: 2 }), EXACT);
  });

  it('matches tf.conv2d with explicit padding on random inputs: fractions, large and negative values, ties (tolerance 1e-4)', () => {
    checkProperty(convCase({ padding: true }), ({ input, kernel, padding }) => {
      expect(conv2d(input, kernel, padding)).toBeCloseToTensor(referenceConv2d(input, kernel, { padding }));
    });
  });

  describe('plausible mistakes', () => {
    it('pads every side: padding only above and to the left loses the last row and column of the output', () => {
      const kernel = [
        [1, 2],
        [3, 4],
      ];
      const expected = referenceConv2d(SMALL, kernel, { padding: 1 });
      const topLeftOnly = referenceConv2d(padTopLeftOnly(SMALL, 1), kernel);
      // what that mistake gives is the right output without its last row and column (the lesson says so)
      expect(topLeftOnly).toEqual(expected.slice(0, -1).map((row) => row.slice(0, -1)));
      expect(conv2d(SMALL, kernel, 1)).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'the input was padded only above and to the left: the output is right, but its last row and column are missing',
            fix: 'Pad every side with pad2d (p zeros above AND below, left AND right), then convolve the padded input.',
            output: topLeftOnly,
          },
        ],
      });
    });

    it('a kernel larger than the input but not than the padded input is fine', () => {
      const input = [[5]];
      expect(conv2d(input, LECTURE_KERNEL, 1)).toBeCloseToTensor([[25]], EXACT);
    });

    it('adds fractions exactly: halves and quarters are not rounded away', () => {
      const input = [
        [0.5, -1.25],
        [2.75, 0.125],
      ];
      const kernel = [
        [0.5, 0.25],
        [-1, 2],
      ];
      const expected = referenceConv2d(input, kernel, { padding: 1 });
      expect(conv2d(input, kernel, 1)).toBeCloseToTensor(expected, {
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

    it('returns a fresh result and leaves its arguments unchanged (no padding written into the input)', () => {
      expectFresh(conv2d, { input: LECTURE_INPUT, kernel: LECTURE_KERNEL, padding: 2 });
      expectFresh(conv2d, { input: LECTURE_INPUT, kernel: [[1]], padding: 0 });
    });
  });

  describe('bad input gets a clear error', () => {
    it('a kernel larger than the padded input is a RangeError that gives both sizes', () => {
      const big = Array.from({ length: 8 }, () => new Array<number>(8).fill(1));
      expectError(() => conv2d(LECTURE_INPUT, big, 1), RangeError, [/^conv2d:/, /8x8/, /7x7/]);
    });

    it.each([
      ['negative', -1],
      ['fractional', 1.5],
      ['NaN', NaN],
      ['infinite', Infinity],
    ])('a %s padding is a RangeError (and does not hang)', (_, p) => {
      expectError(() => conv2d(LECTURE_INPUT, LECTURE_KERNEL, p), RangeError, [/^conv2d:/, /padding/]);
    });

    it('a ragged input or kernel is a TypeError naming which one', () => {
      expectError(() => conv2d([[1, 2], [3]], LECTURE_KERNEL, 1), TypeError, [/^conv2d:/, /input/]);
      expectError(() => conv2d(LECTURE_INPUT, [[1], [2, 3]], 1), TypeError, [/^conv2d:/, /kernel/]);
    });
  });
});
