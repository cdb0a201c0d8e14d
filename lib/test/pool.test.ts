/**
 * Kata 06's worked examples (drawn in lib/figures/pooling.ts, used in test/06-max-pooling.test.ts)
 * agree with tfjs, and the reference pooling in lib/reference/pool.ts keeps PyTorch's layout and padding.
 */
import { describe, expect, it } from 'vitest';
import * as P from '../testing/examples';
import { referenceMaxPool2d, referenceMaxPool2dTfPadding } from '../reference/pool';
import { checkProperty, fc } from '../testing/property';

describe("kata 06's worked examples agree with tfjs's maxPool", () => {
  it('the 4x4 lecture input under MaxPool2d(2) gives [[4, 8], [9, 8]]', () => {
    expect(referenceMaxPool2d([[P.POOL_INPUT]], 2)).toEqual([[P.POOL_OUTPUT]]);
  });

  it('the two-channel example pools each channel on its own', () => {
    expect(referenceMaxPool2d([[P.POOL_INPUT, P.POOL_SECOND_CHANNEL]], 2)).toEqual([[P.POOL_OUTPUT, P.POOL_SECOND_OUTPUT]]);
  });

  it('the all-negative input under MaxPool2d(3, stride=1, padding=1) never shows a padded cell', () => {
    expect(referenceMaxPool2d([[P.POOL_NEGATIVE]], 3, { stride: 1, padding: 1 })).toEqual([[P.POOL_NEGATIVE_OUTPUT]]);
  });
});

describe('referenceMaxPool2d', () => {
  it('keeps NCHW: a [2, 3, 2, 2] batch under a 2x2 window gives each channel its own maximum', () => {
    const input = [0, 1].map((n) => [0, 1, 2].map((c) => [[n * 10 + c, -1], [-2, -3]]));
    expect(referenceMaxPool2d(input, 2)).toEqual([0, 1].map((n) => [0, 1, 2].map((c) => [[n * 10 + c]])));
  });

  it('keeps H and W apart: a [1, 1, 2, 4] input with k=2 is [1, 1, 1, 2]', () => {
    expect(referenceMaxPool2d([[[[1, 2, 3, 4], [5, 6, 7, 8]]]], 2)).toEqual([[[[6, 8]]]]);
  });

  it("padding with -Infinity before a 'valid' maxPool agrees with tfjs's own numeric padding", () => {
    const cases = fc
      .record({ k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 5 }) })
      .chain(({ k, s, h, w }) =>
        fc.record({
          k: fc.constant(k),
          s: fc.constant(s),
          p: fc.integer({ min: 0, max: Math.floor(k / 2) }),
          input: fc.array(fc.array(fc.array(fc.array(fc.integer({ min: -9, max: -1 }), { minLength: w + k, maxLength: w + k }), { minLength: h + k, maxLength: h + k }), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 2 }),
        }),
      );
    checkProperty(cases, ({ k, s, p, input }) => {
      expect(referenceMaxPool2d(input, k, { stride: s, padding: p })).toEqual(referenceMaxPool2dTfPadding(input, k, { stride: s, padding: p }));
    });
  });
});
