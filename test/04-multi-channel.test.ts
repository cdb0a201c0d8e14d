/**
 * Kata 04: multi-channel input. Lesson: docs/04-multi-channel.md
 * Tolerances: EXACT (1e-9) for the integer examples, FLOAT32 (1e-4 abs + 1e-4 rel) against tfjs.
 */
import { describe, expect, it } from 'vitest';
import { conv2d } from '@kata/04-multi-channel';
import type { Matrix } from '../lib/matrix';
import type { Volume } from '../lib/nested';
import { referenceConv2d } from '../lib/reference/conv';
import { referenceConv2dChannels } from '../lib/reference/multi-channel';
import { EXACT, FLOAT32 } from '../lib/testing/compare';
import { expectFresh } from '../lib/testing/fresh';
import { FOUR_CHANNEL_INPUT, FOUR_CHANNEL_KERNEL, FOUR_CHANNEL_OUTPUT, RGB_INPUT, RGB_KERNEL, RGB_OUTPUT, RGB_PER_CHANNEL } from '../lib/testing/examples';
import { LECTURE_INPUT, LECTURE_KERNEL } from '../lib/testing/lecture';
import { expectError } from '../lib/testing/matchers';
import { checkProperty, layerCase } from '../lib/testing/property';

type Options = { padding?: number; stride?: number };

/** Cell-by-cell sum of matrices of one shape. */
const addAll = (ms: Matrix[]): Matrix => ms.reduce((a, b) => a.map((row, i) => row.map((v, j) => v + b[i][j])));
/** Each input channel convolved with its kernel slice (tfjs, one channel at a time): [C, H', W']. */
const perChannel = (input: Volume, kernel: Volume, options: Options = {}): Volume => input.map((x, c) => referenceConv2d(x, kernel[c], options));

/** A random case: C in 1..4, one kernel of C slices (padding 0..3, stride 1..4), as kata 04 takes it. */
const channelCase = (values: 'mixed' | 'large' = 'mixed') =>
  layerCase({ maxChannels: 4, padding: true, stride: true, values }).map(({ input, weight, padding, stride }) => ({ input, kernel: weight[0], padding, stride }));

type ChannelCase = { input: Volume; kernel: Volume; padding: number; stride: number };
/** tfjs's answer for a random case. */
const reference = ({ input, kernel, padding, stride }: ChannelCase) => referenceConv2dChannels(input, kernel, { padding, stride });
/** The code under test on a random case (checkProperty hands each call its own copy of the case). */
const run = ({ input, kernel, padding, stride }: ChannelCase) => conv2d(input, kernel, { padding, stride });

describe('04-multi-channel: conv2d(input [C, H, W], kernel [C, kH, kW], { padding, stride })', () => {
  describe('worked examples', () => {
    it("the lesson's RGB example: a [3, 4, 4] image and a [3, 3, 3] kernel give ONE 2x2 output", () => {
      expect(conv2d(RGB_INPUT, RGB_KERNEL)).toBeCloseToTensor(RGB_OUTPUT, EXACT);
    });

    it("each channel of the RGB example on its own gives the lesson's per-channel results", () => {
      RGB_INPUT.forEach((channel, c) => {
        expect(conv2d([channel], [RGB_KERNEL[c]])).toBeCloseToTensor(RGB_PER_CHANNEL[c], EXACT);
      });
    });

    it("N = 4 channels: (c + 1) times the lecture's input under the lecture's kernel gives 10 times the lecture's output", () => {
      expect(conv2d(FOUR_CHANNEL_INPUT, FOUR_CHANNEL_KERNEL)).toBeCloseToTensor(FOUR_CHANNEL_OUTPUT, EXACT);
    });

    it('the JSDoc examples: a 1x1 kernel over 2 channels, and a kernel as large as the input', () => {
      expect(
        conv2d(
          [
            [
              [1, 2],
              [3, 4],
            ],
            [
              [5, 6],
              [7, 8],
            ],
          ],
          [[[1]], [[10]]],
        ),
      ).toBeCloseToTensor(
        [
          [51, 62],
          [73, 84],
        ],
        EXACT,
      );
      expect(
        conv2d(
          [
            [
              [1, 2],
              [3, 4],
            ],
            [
              [1, 1],
              [1, 1],
            ],
          ],
          [
            [
              [1, 0],
              [0, 1],
            ],
            [
              [1, 1],
              [1, 1],
            ],
          ],
        ),
      ).toBeCloseToTensor([[9]], EXACT);
    });

    it('the RGB example with padding 1 (4x4 out) and with padding 1 and stride 2 (2x2 out)', () => {
      expect(conv2d(RGB_INPUT, RGB_KERNEL, { padding: 1 })).toBeCloseToTensor(referenceConv2dChannels(RGB_INPUT, RGB_KERNEL, { padding: 1 }), EXACT);
      expect(conv2d(RGB_INPUT, RGB_KERNEL, { padding: 1, stride: 2 })).toBeCloseToTensor(
        referenceConv2dChannels(RGB_INPUT, RGB_KERNEL, { padding: 1, stride: 2 }),
        EXACT,
      );
    });
  });

  it(`matches tf.conv2d (NHWC input, HWIO filter) on random C = 1..4 channels, kernels, paddings and strides (tolerance FLOAT32: ${FLOAT32.atol} abs + ${FLOAT32.rtol} rel)`, () => {
    checkProperty(channelCase(), (c) => expect(run(c)).toBeCloseToTensor(reference(c), FLOAT32));
  });

  it(`matches tf.conv2d on large values: pixels 0..255 and weights -255..255 (tolerance FLOAT32: ${FLOAT32.atol} abs + ${FLOAT32.rtol} rel)`, () => {
    checkProperty(
      channelCase('large'),
      (c) => expect(run(c)).toBeCloseToTensor(reference(c), FLOAT32),
      20,
    );
  });

  describe('plausible mistakes', () => {
    it("returns ONE output channel, not one per input channel", () => {
      expect(conv2d(RGB_INPUT, RGB_KERNEL)).toBeCloseToTensor(RGB_OUTPUT, {
        ...EXACT,
        mistakes: [
          {
            name: "the per-channel results were returned separately, as [C, H', W'] instead of one [H', W'] matrix",
            fix: "Add the C per-channel matrices cell by cell: a C-channel kernel makes ONE output channel (kata 05 stacks several kernels' outputs).",
            output: RGB_PER_CHANNEL,
          },
        ],
      });
    });

    it('uses every input channel, not only the first', () => {
      expect(conv2d(RGB_INPUT, RGB_KERNEL)).toBeCloseToTensor(RGB_OUTPUT, {
        ...EXACT,
        mistakes: [
          {
            name: 'only channel 0 was used (input[0] with kernel[0])',
            fix: 'Loop over every channel c = 0 .. C-1 and add conv2d(input[c], kernel[c]) into the output.',
            output: RGB_PER_CHANNEL[0],
          },
        ],
      });
    });

    it('adds each channel into the output (+=), not only the last one (=)', () => {
      expect(conv2d(RGB_INPUT, RGB_KERNEL)).toBeCloseToTensor(RGB_OUTPUT, {
        ...EXACT,
        mistakes: [
          {
            name: "each channel's result replaced the one before (= instead of +=): only the last channel counts",
            fix: 'Start from the first channel\'s result (or zeros) and ADD every further channel\'s result into it: out[i][j] += part[i][j].',
            output: RGB_PER_CHANNEL[RGB_PER_CHANNEL.length - 1],
          },
        ],
      });
    });

    it('pairs kernel slice c with input channel c', () => {
      expect(conv2d(RGB_INPUT, RGB_KERNEL)).toBeCloseToTensor(RGB_OUTPUT, {
        ...EXACT,
        mistakes: [
          {
            name: 'the kernel slices met the wrong input channels (kernel[C-1-c] with input[c], the channel order reversed)',
            fix: 'Input channel c meets kernel slice c, with the same index: conv2d(input[c], kernel[c]).',
            output: addAll(perChannel(RGB_INPUT, [...RGB_KERNEL].reverse())),
          },
          {
            name: 'kernel slice 0 was used for every input channel',
            fix: 'The kernel has one slice per input channel: conv2d(input[c], kernel[c]), not kernel[0].',
            output: addAll(perChannel(RGB_INPUT, RGB_KERNEL.map(() => RGB_KERNEL[0]))),
          },
        ],
      });
    });

    it('sums across channels, it does not average', () => {
      expect(conv2d(RGB_INPUT, RGB_KERNEL)).toBeCloseToTensor(RGB_OUTPUT, {
        ...EXACT,
        mistakes: [
          {
            name: 'the per-channel results were averaged (divided by C) instead of summed',
            fix: 'Conv2d adds the C * kH * kW products of a window; nothing is divided by the number of channels.',
            output: RGB_OUTPUT.map((row) => row.map((v) => v / 3)),
          },
        ],
      });
    });

    it('convolves each channel, then adds: not add the channels first, then convolve once', () => {
      expect(conv2d(RGB_INPUT, RGB_KERNEL)).toBeCloseToTensor(RGB_OUTPUT, {
        ...EXACT,
        mistakes: [
          {
            name: 'the input channels were added into one matrix, the kernel slices into another, and those two convolved',
            fix: '(x0 + x1) * (k0 + k1) has cross terms x0 * k1 that Conv2d never computes: convolve each pair (input[c], kernel[c]), then add the results.',
            output: referenceConv2d(addAll(RGB_INPUT), addAll(RGB_KERNEL)),
          },
        ],
      });
    });

    it('applies the padding and the stride to every channel, not only the first', () => {
      // three 5x5 channels and a 3x3 kernel: with padding 1 and stride 2, and with neither, each channel gives 3x3
      const input = [LECTURE_INPUT, LECTURE_INPUT.map((row) => row.map((x) => x % 3)), LECTURE_INPUT.map((row) => [...row].reverse())];
      const kernel = [LECTURE_KERNEL, LECTURE_KERNEL.map((row) => row.map((x) => x - 5)), LECTURE_KERNEL.map((row) => row.map((x) => x % 2))];
      const options = { padding: 1, stride: 2 };
      const parts = perChannel(input, kernel, options);
      expect(conv2d(input, kernel, options)).toBeCloseToTensor(addAll(parts), {
        ...EXACT,
        mistakes: [
          {
            name: 'the padding and stride reached channel 0 only; channels 1 and 2 were convolved with the defaults (no padding, stride 1)',
            fix: 'Pass the same { padding, stride } to the convolution of every channel.',
            output: addAll([parts[0], ...perChannel(input.slice(1), kernel.slice(1))]),
          },
        ],
      });
    });

    it("one channel is kata 03's convolution", () => {
      expect(conv2d([LECTURE_INPUT], [LECTURE_KERNEL], { padding: 1, stride: 2 })).toBeCloseToTensor(
        referenceConv2d(LECTURE_INPUT, LECTURE_KERNEL, { padding: 1, stride: 2 }),
        EXACT,
      );
    });

    it("H != W and kH != kW: a [2, 3, 6] input and a [2, 2, 3] kernel with stride 2 give 1x2, not 2x1", () => {
      const input = [
        [
          [1, 2, 3, 4, 5, 6],
          [0, 1, 0, 1, 0, 1],
          [2, 2, 2, 3, 3, 3],
        ],
        [
          [6, 5, 4, 3, 2, 1],
          [1, 0, 1, 0, 1, 0],
          [3, 3, 3, 2, 2, 2],
        ],
      ];
      const kernel = [
        [
          [1, 0, -1],
          [2, 1, 0],
        ],
        [
          [0, 1, 1],
          [-1, 0, 2],
        ],
      ];
      expect(conv2d(input, kernel, { stride: 2 })).toBeCloseToTensor(referenceConv2dChannels(input, kernel, { stride: 2 }), EXACT);
    });

    it('a 1x1 kernel mixes the channels pixel by pixel (and keeps H x W)', () => {
      const input = RGB_INPUT;
      const kernel = [[[1]], [[-2]], [[3]]];
      const expected = RGB_INPUT[0].map((row, i) => row.map((_, j) => input[0][i][j] - 2 * input[1][i][j] + 3 * input[2][i][j]));
      expect(conv2d(input, kernel)).toBeCloseToTensor(expected, EXACT);
    });

    it('adds fractions exactly: halves and quarters are not rounded away', () => {
      const input = [
        [
          [0.5, -1.25],
          [2, 0.75],
        ],
        [
          [0.125, 3],
          [-0.5, 1.5],
        ],
      ];
      const kernel = [[[0.5]], [[-0.25]]];
      const expected = referenceConv2dChannels(input, kernel);
      expect(conv2d(input, kernel)).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'each sum was rounded to a whole number',
            fix: 'Keep the sums as they are: the values are fractions, and so are their products.',
            output: expected.map((row) => row.map(Math.round)),
          },
          {
            name: 'each channel\'s convolution was rounded to a whole number before they were added',
            fix: 'Keep every sum as it is: the values are fractions, and so are their products.',
            output: addAll(perChannel(input, kernel).map((m) => m.map((row) => row.map(Math.round)))),
          },
        ],
      });
    });

    it('returns a fresh result and leaves its arguments unchanged (not even channel 0, nor the options object)', () => {
      expectFresh(conv2d, { input: RGB_INPUT, kernel: RGB_KERNEL, options: { padding: 1 } });
      expectFresh(conv2d, { input: RGB_INPUT, kernel: RGB_KERNEL, options: {} });
      expectFresh(conv2d, { input: [LECTURE_INPUT], kernel: [[[1]]], options: { stride: 1 } }); // one channel, 1x1: the output equals input[0]
    });

    it('NaN in one channel reaches every window that covers it, and only those (no error, as in PyTorch)', () => {
      const ones = [
        [1, 1, 1],
        [1, 1, 1],
        [1, 1, 1],
      ];
      const withNaN = [
        [1, 1, 1],
        [1, 1, 1],
        [1, 1, NaN],
      ];
      expect(
        conv2d(
          [ones, withNaN],
          [
            [
              [1, 1],
              [1, 1],
            ],
            [
              [1, 1],
              [1, 1],
            ],
          ],
        ),
      ).toBeCloseToTensor(
        [
          [8, 8],
          [8, NaN],
        ],
        EXACT,
      );
    });
  });

  describe('bad input gets a clear error', () => {
    it('a channel mismatch is a RangeError in PyTorch\'s words, with both shapes', () => {
      expectError(() => conv2d([LECTURE_INPUT], RGB_KERNEL), RangeError, [
        /^conv2d:/,
        /kernel of size \[3, 3, 3\], expected input\[1, 5, 5\] to have 3 channels, but got 1 channels instead/,
      ]);
      expectError(() => conv2d(RGB_INPUT, [LECTURE_KERNEL, LECTURE_KERNEL]), RangeError, [
        /^conv2d:/,
        /kernel of size \[2, 3, 3\], expected input\[3, 4, 4\] to have 2 channels, but got 3 channels instead/,
      ]);
    });

    it('a ragged channel (a row of another length) is a TypeError naming the input and where', () => {
      const ragged = [RGB_INPUT[0], [[1, 2, 3, 4], [1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4]], RGB_INPUT[2]];
      expectError(() => conv2d(ragged, RGB_KERNEL), TypeError, [/^conv2d:/, /input/, /\[1\]\[1\]/]);
    });

    it('channels of different sizes are a TypeError', () => {
      expectError(() => conv2d([LECTURE_INPUT, RGB_INPUT[0]], [LECTURE_KERNEL, LECTURE_KERNEL]), TypeError, [/^conv2d:/, /input/]);
    });

    it('an empty input ([], [[]] or [[[]]]) is a TypeError', () => {
      for (const empty of [[], [[]], [[[]]]]) expectError(() => conv2d(empty as Volume, RGB_KERNEL), TypeError, [/^conv2d:/, /input/]);
    });

    it('a rank-2 input (one H x W matrix, no channel axis) is a TypeError that asks for [C, H, W]', () => {
      expectError(() => conv2d(LECTURE_INPUT as unknown as Volume, [LECTURE_KERNEL]), TypeError, [/^conv2d:/, /input/, /rank-3/, /\[C, H, W\]/]);
    });

    it("a rank-2 kernel (kata 03's kernel) or a ragged kernel is a TypeError naming the kernel", () => {
      expectError(() => conv2d([LECTURE_INPUT], LECTURE_KERNEL as unknown as Volume), TypeError, [/^conv2d:/, /kernel/, /rank-3/]);
      expectError(() => conv2d([LECTURE_INPUT], [[[1, 2], [3]]]), TypeError, [/^conv2d:/, /kernel/]);
    });

    it('a kernel larger than the padded input is a RangeError that gives both sizes', () => {
      const big = [0, 1, 2].map(() => Array.from({ length: 6 }, () => new Array<number>(6).fill(1)));
      expectError(() => conv2d(RGB_INPUT, big), RangeError, [/^conv2d:/, /6x6/, /4x4/]);
      expectError(() => conv2d(RGB_INPUT, [0, 1, 2].map(() => [[1, 1, 1, 1, 1, 1, 1]]), { padding: 1 }), RangeError, [/^conv2d:/, /1x7/, /6x6/]);
      expect(() => conv2d(RGB_INPUT, big, { padding: 1 }), 'with padding 1 the 6x6 kernel fits the 6x6 padded input').not.toThrow();
    });

    it.each([
      ['stride 0', { stride: 0 }, /stride/],
      ['a fractional stride', { stride: 1.5 }, /stride/],
      ['a NaN stride', { stride: NaN }, /stride/],
      ['a negative padding', { padding: -1 }, /padding/],
      ['an infinite padding', { padding: Infinity }, /padding/],
    ])('%s is a RangeError naming it', (_, options, mentions) => {
      expectError(() => conv2d(RGB_INPUT, RGB_KERNEL, options), RangeError, [/^conv2d:/, mentions]);
    });
  });
});
