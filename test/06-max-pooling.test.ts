/**
 * Kata 06: max pooling. Lesson: docs/06-max-pooling.md
 * Tolerances: EXACT (1e-9) for the worked examples and integer inputs, FLOAT32 (1e-4 abs + 1e-4 rel)
 * against tfjs's maxPool on random floats.
 */
import { describe, expect, it } from 'vitest';
import { maxPool2d, poolOutputSize, type MaxPool2dOptions } from '@kata/06-max-pooling';
import { POOL_INPUT, POOL_NEGATIVE, POOL_NEGATIVE_OUTPUT, POOL_OUTPUT, POOL_SECOND_CHANNEL, POOL_SECOND_OUTPUT } from '../lib/testing/examples';
import { referenceMaxPool2d } from '../lib/reference/pool';
import { EXACT } from '../lib/testing/compare';
import { expectFresh } from '../lib/testing/fresh';
import { LECTURE_INPUT } from '../lib/testing/lecture';
import { expectError } from '../lib/testing/matchers';
import { DEFAULT_SCALES, checkProperty, fc, nested } from '../lib/testing/property';

type Batch = number[][][][];

/** A deterministic [n, c, h, w] batch of small integers. */
const batchOf = (n: number, c: number, h: number, w: number): Batch =>
  Array.from({ length: n }, (_, a) =>
    Array.from({ length: c }, (_, b) => Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => ((a * 7 + b * 13 + i * 5 + j * 3) % 17) - 8))),
  );

interface WindowRule {
  stride?: number;
  padding?: number;
  /** what a cell outside the input counts as */
  padValue?: number;
  /** what a window's values become */
  reduce?: (values: number[]) => number;
  /** how the output size is rounded */
  round?: (x: number) => number;
}

/**
 * A small pooling with every rule switchable, to write the wrong implementations below
 * (the right answers come from tfjs or from the lesson's numbers, never from this).
 */
function windowPool(input: Batch, k: number, { stride = k, padding = 0, padValue = -Infinity, reduce = (v) => Math.max(...v), round = Math.floor }: WindowRule = {}): Batch {
  return input.map((image) =>
    image.map((ch) => {
      const [h, w] = [ch.length, ch[0].length];
      return Array.from({ length: round((h + 2 * padding - k) / stride) + 1 }, (_, i) =>
        Array.from({ length: round((w + 2 * padding - k) / stride) + 1 }, (_, j) => {
          const values: number[] = [];
          for (let u = 0; u < k; u++) {
            for (let v = 0; v < k; v++) {
              const [r, c] = [i * stride - padding + u, j * stride - padding + v];
              values.push(r >= 0 && r < h && c >= 0 && c < w ? ch[r][c] : padValue);
            }
          }
          return reduce(values);
        }),
      );
    }),
  );
}

/**
 * A random pooling case: N, C 1-3; kernelSize, stride 1-3 (or the default); padding up to
 * kernelSize / 2 (or the default); values from lib/testing/property's `values`, huge ones (up to
 * ±4.3e9) included: fractions, hundreds, thousands, all-negative channels, zeros and ties.
 */
function poolCase() {
  return fc
    .record({
      n: fc.integer({ min: 1, max: 3 }),
      c: fc.integer({ min: 1, max: 3 }),
      k: fc.integer({ min: 1, max: 3 }),
      stride: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      padding: fc.integer({ min: 0, max: 1 }),
      extraH: fc.integer({ min: 0, max: 5 }),
      extraW: fc.integer({ min: 0, max: 5 }),
    })
    .chain(({ n, c, k, stride, padding, extraH, extraW }) => {
      const p = Math.min(padding, Math.floor(k / 2));
      const h = Math.max(1, k - 2 * p + extraH); // the padded input holds at least one window
      const w = Math.max(1, k - 2 * p + extraW);
      const options: MaxPool2dOptions = { ...(stride === undefined ? {} : { stride }), ...(p === 0 ? {} : { padding: p }) };
      return fc.record({
        input: nested([n, c, h, w], { scales: [...DEFAULT_SCALES, 'huge'] }) as fc.Arbitrary<Batch>,
        kernelSize: fc.constant(k),
        options: fc.constant(options),
      });
    });
}

describe('06-max-pooling: poolOutputSize(size, kernelSize, { stride, padding })', () => {
  it.each<[number, number, MaxPool2dOptions, number, string]>([
    [4, 2, {}, 2, "the lecture's 4x4 input under 2x2 windows"],
    [24, 2, {}, 12, "MNIST: the first conv's 24x24 maps"],
    [8, 2, {}, 4, "MNIST: the second conv's 8x8 maps"],
    [28, 2, {}, 14, 'a 28x28 image'],
    [5, 3, { stride: 2, padding: 1 }, 3, 'stride 2 and padding 1'],
    [3, 3, { stride: 1, padding: 1 }, 3, "padding 1 and stride 1 keep 3 at 3 (the lesson's all-negative example)"],
    [24, 2, { stride: 1 }, 23, 'an explicit stride 1 overrides the default'],
  ])('poolOutputSize(%i, %i, %o) = %i: %s', (size, k, options, expected) => {
    expect(poolOutputSize(size, k, options)).toBe(expected);
  });

  it('agrees with the shape of tf.maxPool for sizes up to 9, windows up to 4, every stride and allowed padding', () => {
    const cases = fc
      .record({ size: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 4 }), s: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), p: fc.integer({ min: 0, max: 2 }) })
      .map(({ size, k, s, p }) => ({ size, kernelSize: k, options: { stride: s, padding: Math.min(p, Math.floor(k / 2)) } }))
      .filter(({ size, kernelSize, options }) => kernelSize <= size + 2 * options.padding);
    checkProperty(cases, ({ size, kernelSize, options }) => {
      const zeros = [[Array.from({ length: size }, () => new Array<number>(size).fill(0))]];
      expect(poolOutputSize(size, kernelSize, options)).toBe(referenceMaxPool2d(zeros, kernelSize, options)[0][0].length);
    });
  });

  describe('plausible mistakes', () => {
    it('the stride defaults to kernelSize, not 1: poolOutputSize(24, 2) is 12', () => {
      const got = poolOutputSize(24, 2);
      expect(got, got === 23 ? 'MaxPool2d(2) means stride 2: stride = options.stride ?? kernelSize' : undefined).toBe(12);
    });

    it('rounds down (floor), not up (ceil): poolOutputSize(5, 2) is 2', () => {
      const got = poolOutputSize(5, 2);
      expect(got, got === 3 ? 'floor((5 - 2) / 2) + 1 = 2; Math.ceil gives 3, a window that hangs off the edge' : undefined).toBe(2);
    });
  });

  describe('bad input gets a clear error', () => {
    it.each([
      ['size 0', [0, 2, {}], /size/],
      ['kernelSize 0', [4, 0, {}], /kernelSize/],
      ['a fractional kernelSize', [4, 1.5, {}], /kernelSize/],
      ['stride 0', [4, 2, { stride: 0 }], /stride/],
      ['a NaN stride', [4, 2, { stride: NaN }], /stride/],
      ['a negative padding', [4, 2, { padding: -1 }], /padding/],
      ['a padding of more than half the window', [4, 2, { padding: 2 }], /at most half of kernelSize.*padding=2, kernelSize=2/],
      ['a window longer than the padded size', [2, 3, {}], /kernelSize 3 is larger than the padded size 2/],
    ])('%s is a RangeError naming the argument', (_, args, mentions) => {
      const [size, k, options] = args as [number, number, object];
      expectError(() => poolOutputSize(size, k, options), RangeError, [/^poolOutputSize:/, mentions as RegExp]);
    });
  });
});

describe('06-max-pooling: maxPool2d(input, kernelSize, { stride, padding })', () => {
  describe('worked examples', () => {
    it("the lecture's 4x4 input under MaxPool2d(2) gives [[4, 8], [9, 8]]", () => {
      expect(maxPool2d([[POOL_INPUT]], 2)).toBeCloseToTensor([[POOL_OUTPUT]], EXACT);
    });

    it('two channels: [1, 2, 4, 4] becomes [1, 2, 2, 2], each channel pooled on its own', () => {
      expect(maxPool2d([[POOL_INPUT, POOL_SECOND_CHANNEL]], 2)).toBeCloseToTensor([[POOL_OUTPUT, POOL_SECOND_OUTPUT]], EXACT);
    });

    it.each([
      [[1, 10, 24, 24], [1, 10, 12, 12]],
      [[1, 20, 8, 8], [1, 20, 4, 4]],
    ])('MNIST: MaxPool2d(2) turns %j into %j', (shape, expectedShape) => {
      const input = batchOf(...(shape as [number, number, number, number]));
      const expected = referenceMaxPool2d(input, 2);
      expect([expected.length, expected[0].length, expected[0][0].length, expected[0][0][0].length]).toEqual(expectedShape);
      expect(maxPool2d(input, 2)).toBeCloseToTensor(expected, EXACT);
    });

    it('an explicit stride: 3x3 windows with stride 2 overlap, 5x5 becomes 2x2', () => {
      const input = [[LECTURE_INPUT]];
      expect(maxPool2d(input, 3, { stride: 2 })).toBeCloseToTensor(referenceMaxPool2d(input, 3, { stride: 2 }), EXACT);
    });

    it('H != W: a [2, 1, 3, 7] batch under MaxPool2d(2, padding=1) is [2, 1, 2, 4]', () => {
      const input = batchOf(2, 1, 3, 7);
      expect(maxPool2d(input, 2, { padding: 1 })).toBeCloseToTensor(referenceMaxPool2d(input, 2, { padding: 1 }), EXACT);
    });
  });

  it('matches tf.maxPool on random batches: N, C 1-3, odd sizes, H != W, k and stride 1-3, padding up to k/2, fractions, negative, huge values and ties (exact)', () => {
    checkProperty(poolCase(), ({ input, kernelSize, options }) => {
      expect(maxPool2d(input, kernelSize, options)).toBeCloseToTensor(referenceMaxPool2d(input, kernelSize, options), EXACT);
    });
  });

  describe('plausible mistakes', () => {
    it('the stride defaults to kernelSize: MaxPool2d(2) windows do not overlap', () => {
      expect(maxPool2d([[POOL_INPUT]], 2)).toBeCloseToTensor([[POOL_OUTPUT]], {
        ...EXACT,
        mistakes: [
          {
            name: 'the stride defaulted to 1, so the 2x2 windows overlap (4x4 became 3x3)',
            fix: "MaxPool2d's stride defaults to kernel_size: stride = options.stride ?? kernelSize.",
            output: windowPool([[POOL_INPUT]], 2, { stride: 1 }),
          },
        ],
      });
    });

    it('rounds the output size down: a 5x5 input under 2x2 windows is 2x2 (the last row and column are dropped)', () => {
      const input = [[LECTURE_INPUT]];
      expect(maxPool2d(input, 2)).toBeCloseToTensor(referenceMaxPool2d(input, 2), {
        ...EXACT,
        mistakes: [
          {
            name: 'the output size was rounded up (ceil), adding a partial window at the bottom and right',
            fix: "The size is floor((H + 2p - k) / s) + 1 (kata 03's convOutputSize); ceil is PyTorch's ceil_mode=True, which is not the default.",
            output: windowPool(input, 2, { round: Math.ceil }),
          },
        ],
      });
    });

    it('pools each channel on its own: never a max across channels', () => {
      const input = [[POOL_INPUT, POOL_SECOND_CHANNEL]];
      const perChannel = windowPool(input, 2);
      const acrossChannels = perChannel[0][0].map((row, i) => row.map((_, j) => Math.max(...perChannel[0].map((ch) => ch[i][j]))));
      expect(maxPool2d(input, 2)).toBeCloseToTensor([[POOL_OUTPUT, POOL_SECOND_OUTPUT]], {
        ...EXACT,
        mistakes: [
          {
            name: 'the window max was taken over all channels together, giving one channel',
            fix: 'Pool output[n][c] from input[n][c] alone; the output has as many channels as the input.',
            output: [[acrossChannels]],
          },
          {
            name: 'every channel holds the max over all channels',
            fix: 'Pool output[n][c] from input[n][c] alone: channel 0 and channel 1 have different maxima.',
            output: [[acrossChannels, acrossChannels]],
          },
        ],
      });
    });

    it('pads with -Infinity, not 0: an all-negative input under MaxPool2d(3, stride=1, padding=1) keeps its values', () => {
      const input = [[POOL_NEGATIVE]];
      expect(maxPool2d(input, 3, { stride: 1, padding: 1 })).toBeCloseToTensor([[POOL_NEGATIVE_OUTPUT]], {
        ...EXACT,
        mistakes: [
          {
            name: 'the padding was zeros, so 0 won every window that touches the border',
            fix: 'MaxPool2d pads with -Infinity: a padded cell never wins. Skip cells outside the input, or count them as -Infinity.',
            output: windowPool(input, 3, { stride: 1, padding: 1, padValue: 0 }),
          },
        ],
      });
    });

    it('takes the maximum, not the average', () => {
      expect(maxPool2d([[POOL_INPUT]], 2)).toBeCloseToTensor([[POOL_OUTPUT]], {
        ...EXACT,
        mistakes: [
          {
            name: 'the window was averaged (that is AvgPool2d)',
            fix: 'MaxPool2d keeps the largest value of each window: Math.max, not the sum divided by k * k.',
            output: windowPool([[POOL_INPUT]], 2, { reduce: (v) => v.reduce((a, b) => a + b, 0) / v.length }),
          },
        ],
      });
    });

    it('pools every image of the batch and keeps the batch axis: [2, 1, 4, 4] becomes [2, 1, 2, 2]', () => {
      const input = [[POOL_INPUT], [POOL_SECOND_CHANNEL]];
      const first = windowPool([input[0]], 2)[0];
      expect(maxPool2d(input, 2)).toBeCloseToTensor([[POOL_OUTPUT], [POOL_SECOND_OUTPUT]], {
        ...EXACT,
        mistakes: [
          {
            name: 'only the first image was pooled (the result has N = 1)',
            fix: 'Loop over every image n of input: the output has the same N as the input.',
            output: [first],
          },
          {
            name: 'the batch axis was dropped: the result is the first image, [C, H\', W\']',
            fix: 'Return [N, C, H\', W\'], one pooled volume per image, even when N is 1.',
            output: first,
          },
          {
            name: 'every image got the first image\'s result (input[0] inside the batch loop)',
            fix: 'Pool input[n], not input[0], for output[n].',
            output: [first, first],
          },
        ],
      });
    });

    it('a NaN in a window gives NaN, as in PyTorch', () => {
      const input = [[[[1, NaN, 3, 4], [5, 6, 7, 8]]]];
      expect(maxPool2d(input, 2)).toBeCloseToTensor([[[[NaN, 8]]]], {
        ...EXACT,
        mistakes: [
          {
            name: 'the NaN was skipped: `if (value > best)` is false for NaN',
            fix: 'PyTorch propagates NaN through max pooling. Math.max(best, value) does that; so does `value > best || Number.isNaN(value)`.',
            output: windowPool(input, 2, { reduce: (v) => v.reduce((best, x) => (x > best ? x : best), -Infinity) }),
          },
        ],
      });
    });

    it('starts each window\'s maximum at -Infinity or at its first cell, not at 0: an all-negative input keeps its values', () => {
      const input = [[POOL_NEGATIVE]];
      const expected = referenceMaxPool2d(input, 2, { stride: 1 });
      expect(maxPool2d(input, 2, { stride: 1 })).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'the running maximum started at 0, so 0 won every all-negative window',
            fix: 'Start each window at -Infinity (or at its first cell): a start value must never beat a real cell.',
            output: windowPool(input, 2, { stride: 1, reduce: (v) => Math.max(0, ...v) }),
          },
        ],
      });
    });

    it('starts each window\'s maximum at -Infinity, not at a large negative number: values below -1e9 keep their values', () => {
      const input = [
        [
          [
            [-2e9, -3e9, -4.5e9, -1.5e9],
            [-6e9, -2.25e9, -1.25e9, -8e9],
          ],
        ],
      ];
      expect(maxPool2d(input, 2)).toBeCloseToTensor([[[[-2e9, -1.25e9]]]], {
        ...EXACT,
        mistakes: [
          {
            name: 'the running maximum started at a large negative constant (-1e9 or the like), which beat every cell',
            fix: 'No finite number is small enough: start each window at -Infinity, or at its first cell.',
            output: [[[[-1e9, -1e9]]]],
          },
        ],
      });
    });

    it('returns a fresh result and leaves its arguments unchanged (no -Infinity written into the input, no defaults into the options)', () => {
      const input = [
        [POOL_INPUT, POOL_SECOND_CHANNEL],
        [POOL_SECOND_CHANNEL, POOL_INPUT.map((row) => row.map((x) => -x))],
      ];
      expectFresh(maxPool2d, { input, kernelSize: 3, options: { stride: 1, padding: 1 } });
      expectFresh(maxPool2d, { input, kernelSize: 2, options: {} });
      expectFresh(maxPool2d, { input, kernelSize: 1, options: {} }); // the output equals the input: still not the input
    });
  });

  describe('bad input gets a clear error', () => {
    it('a rank-3 [C, H, W] input (no batch axis) is a TypeError that asks for [N, C, H, W]', () => {
      expectError(() => maxPool2d([POOL_INPUT] as unknown as Batch, 2), TypeError, [/^maxPool2d:/, /input/, /rank-4/, /\[N, C, H, W\]/]);
    });

    it('a ragged input is a TypeError that says where', () => {
      const ragged = [[POOL_INPUT, [[1, 2, 3, 4], [5, 6, 7], [1, 2, 3, 4], [1, 2, 3, 4]]]];
      expectError(() => maxPool2d(ragged, 2), TypeError, [/^maxPool2d:/, /input/, /\[0\]\[1\]\[1\]/]);
    });

    it('an empty input ([] or [[]]) is a TypeError', () => {
      expectError(() => maxPool2d([], 2), TypeError, [/^maxPool2d:/, /input/, /empty/]);
      expectError(() => maxPool2d([[]], 2), TypeError, [/^maxPool2d:/, /input/, /empty/]);
    });

    it('an entry that is not a number is a TypeError', () => {
      expectError(() => maxPool2d([[[[1, '2']]]] as unknown as Batch, 1), TypeError, [/^maxPool2d:/, /input/, /"2"/]);
    });

    it.each([
      ['kernelSize 0', 0, {}, /kernelSize/],
      ['a fractional kernelSize', 1.5, {}, /kernelSize/],
      ['stride 0', 2, { stride: 0 }, /stride/],
      ['a negative stride', 2, { stride: -2 }, /stride/],
      ['a negative padding', 2, { padding: -1 }, /padding/],
      ['a fractional padding', 2, { padding: 0.5 }, /padding/],
    ])('%s is a RangeError naming it', (_, k, options, mentions) => {
      expectError(() => maxPool2d([[POOL_INPUT]], k as number, options as object), RangeError, [/^maxPool2d:/, mentions as RegExp]);
    });

    it('padding more than half the window is a RangeError, as in PyTorch', () => {
      expectError(() => maxPool2d([[POOL_INPUT]], 2, { padding: 2 }), RangeError, [/^maxPool2d:/, /at most half of kernelSize/, /padding=2/, /kernelSize=2/]);
      expectError(() => maxPool2d([[POOL_INPUT]], 3, { padding: 2 }), RangeError, [/^maxPool2d:/, /padding=2/, /kernelSize=3/]);
    });

    it('a window larger than the padded input is a RangeError that gives both sizes', () => {
      expectError(() => maxPool2d([[[[1, 2], [3, 4]]]], 3), RangeError, [/^maxPool2d:/, /3x3/, /2x2/]);
      expectError(() => maxPool2d([[[[1, 2, 3, 4, 5]]]], 2), RangeError, [/^maxPool2d:/, /2x2/, /1x5/]);
    });

    it("a number where the options go (PyTorch's positional stride) is a TypeError", () => {
      expectError(() => maxPool2d([[POOL_INPUT]], 2, 1 as unknown as object), TypeError, [/^maxPool2d:/, /options/, /stride/]);
    });

    it("an unknown option (tfjs's `strides`) is a TypeError, not silently ignored", () => {
      expectError(() => maxPool2d([[POOL_INPUT]], 2, { strides: 1 } as object), TypeError, [/^maxPool2d:/, /"strides"/, /stride and padding/]);
    });
  });
});
