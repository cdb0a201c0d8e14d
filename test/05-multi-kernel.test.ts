/**
 * Kata 05: M kernels, 4D weights and bias. Lesson: docs/05-multi-kernel.md
 * Tolerances: EXACT (1e-9) for the integer examples and shapes, FLOAT32 (1e-4 abs + 1e-4 rel) against tfjs.
 */
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dOutputShape } from '@kata/05-multi-kernel';
import type { Matrix } from '../lib/matrix';
import type { Batch, Volume } from '../lib/nested';
import { referenceConv2dChannels } from '../lib/reference/multi-channel';
import { referenceConv2dLayer, referenceConv2dOutputShape } from '../lib/reference/multi-kernel';
import { EXACT, FLOAT32 } from '../lib/testing/compare';
import { expectFresh } from '../lib/testing/fresh';
import { LAYER_BEFORE_BIAS, LAYER_BIAS, LAYER_INPUT, LAYER_OUTPUT, LAYER_WEIGHT, MNIST_CONV1, MNIST_CONV2 } from '../lib/testing/examples';
import { expectError } from '../lib/testing/matchers';
import { checkProperty, fc, layerCase } from '../lib/testing/property';

/** `value` added to every cell of a matrix. */
const plus = (m: Matrix, value: number): Matrix => m.map((row) => row.map((v) => v + value));
/** An all-`value` array of the given shape. */
const full = (shape: readonly number[], value = 0): unknown =>
  shape.length === 0 ? value : Array.from({ length: shape[0] }, () => full(shape.slice(1), value));
/** Small deterministic values of the given [C, H, W] shape. */
const ramp = (c: number, h: number, w: number): Volume =>
  Array.from({ length: c }, (_, k) => Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => ((k * 7 + i * 3 + j * 5) % 11) - 5)));

/** A bias with distinct, visible values, for the bias mistakes: before-bias values are small, these are not. */
const BIG_BIAS = [10, 20, 30];

/** A random Conv2d case: C and M in 1..4, padding 0..3, stride 1..4, bias or null. */
const randomLayer = (values: 'mixed' | 'large' = 'mixed') => layerCase({ maxChannels: 4, maxKernels: 4, padding: true, stride: true, bias: true, values });

type LayerCase = { input: Volume; weight: Batch; bias: number[] | null; padding: number; stride: number };
/** tfjs's answer for a random case. */
const reference = ({ input, weight, bias, padding, stride }: LayerCase) => referenceConv2dLayer(input, weight, bias, { padding, stride });
/** The code under test on a random case (checkProperty hands each call its own copy of the case). */
const run = ({ input, weight, bias, padding, stride }: LayerCase) => conv2d(input, weight, bias, { padding, stride });

describe('05-multi-kernel: conv2dOutputShape(inputShape, weightShape, { padding, stride })', () => {
  it.each([MNIST_CONV1, MNIST_CONV2].map(({ layer, input, weight, output }) => [layer, input, weight, output] as const))(
    "the MNIST net's %s takes %j (weight %j) to %j",
    (_, input, weight, output) => {
      expect(conv2dOutputShape(input, weight)).toEqual(output);
    },
  );

  it.each<[number[], number[], { padding?: number; stride?: number }, number[], string]>([
    [[3, 32, 32], [16, 3, 3, 3], { padding: 1 }, [16, 32, 32], 'a padded 3x3 conv keeps 32x32'],
    [[3, 32, 32], [16, 3, 3, 3], { padding: 1, stride: 2 }, [16, 16, 16], 'the JSDoc example: stride 2 halves it'],
    [[3, 224, 224], [64, 3, 7, 7], { padding: 3, stride: 2 }, [64, 112, 112], "ResNet's first layer, Conv2d(3, 64, 7, stride=2, padding=3)"],
    [[1, 28, 14], [4, 1, 5, 3], {}, [4, 24, 12], 'H != W and kH != kW'],
    [[2, 4, 4], [3, 2, 3, 3], {}, [3, 2, 2], "the lesson's numeric example"],
  ])('conv2dOutputShape(%j, %j, %j) = %j: %s', (input, weight, options, expected) => {
    expect(conv2dOutputShape(input, weight, options)).toEqual(expected);
  });

  it('agrees with the shape of tf.conv2d for random shapes, paddings and strides', () => {
    const shapes = fc
      .record({
        c: fc.integer({ min: 1, max: 4 }),
        m: fc.integer({ min: 1, max: 8 }),
        kh: fc.integer({ min: 1, max: 7 }),
        kw: fc.integer({ min: 1, max: 7 }),
        padding: fc.integer({ min: 0, max: 3 }),
        stride: fc.integer({ min: 1, max: 4 }),
        h: fc.integer({ min: 1, max: 30 }),
        w: fc.integer({ min: 1, max: 30 }),
      })
      .filter(({ kh, kw, h, w, padding }) => kh <= h + 2 * padding && kw <= w + 2 * padding)
      .map(({ c, m, kh, kw, padding, stride, h, w }) => ({ inputShape: [c, h, w], weightShape: [m, c, kh, kw], options: { padding, stride } }));
    checkProperty(shapes, ({ inputShape, weightShape, options }) => {
      expect(conv2dOutputShape(inputShape, weightShape, options)).toEqual(referenceConv2dOutputShape(inputShape, weightShape, options));
    });
  });

  describe('plausible mistakes', () => {
    it('takes the output channels from the weight (M = weight[0]), not from the input or weight[1]', () => {
      const got = conv2dOutputShape([3, 32, 32], [16, 3, 3, 3]);
      expect(
        got,
        got[0] === 3 ? 'the output has one channel per kernel: M = weightShape[0] = 16; 3 is the input\'s channel count (weightShape[1])' : undefined,
      ).toEqual([16, 30, 30]);
    });

    it('uses kH for the height and kW for the width', () => {
      const got = conv2dOutputShape([1, 10, 10], [1, 1, 5, 1]);
      expect(got, got[1] === 10 && got[2] === 6 ? 'the weight is [M, C, kH, kW]: kH = weightShape[2] shrinks H, kW = weightShape[3] shrinks W' : undefined).toEqual([1, 6, 10]);
    });

    it('returns a new array each call and leaves its arguments unchanged (the options object too)', () => {
      expectFresh(conv2dOutputShape, { inputShape: [1, 28, 28], weightShape: [10, 1, 5, 5], options: {} });
      expectFresh(conv2dOutputShape, { inputShape: [3, 32, 32], weightShape: [16, 3, 3, 3], options: { padding: 1 } });
    });

    it('does not depend on the image size: the same weight fits 28x28 and 12x12', () => {
      const weight = [10, 1, 5, 5];
      expect(conv2dOutputShape([1, 28, 28], weight)).toEqual([10, 24, 24]);
      expect(conv2dOutputShape([1, 12, 12], weight)).toEqual([10, 8, 8]);
    });
  });

  describe('bad input gets a clear error', () => {
    it("a channel mismatch is a RangeError in PyTorch's words", () => {
      expectError(() => conv2dOutputShape([3, 28, 28], [10, 1, 5, 5]), RangeError, [
        /^conv2dOutputShape:/,
        /weight of size \[10, 1, 5, 5\], expected input\[3, 28, 28\] to have 1 channels, but got 3 channels instead/,
      ]);
    });

    it('a shape with the wrong number of sizes is a TypeError that says which layout it wants', () => {
      expectError(() => conv2dOutputShape([28, 28], [10, 1, 5, 5]), TypeError, [/^conv2dOutputShape:/, /\[C, H, W\]/, /\[28, 28\]/]);
      expectError(() => conv2dOutputShape([1, 28, 28], [10, 5, 5]), TypeError, [/^conv2dOutputShape:/, /\[M, C, kH, kW\]/, /\[10, 5, 5\]/]);
    });

    it.each([
      ['a zero channel count', [0, 28, 28], [10, 0, 5, 5], /C/],
      ['a negative height', [1, -28, 28], [10, 1, 5, 5], /H/],
      ['a fractional kernel size', [1, 28, 28], [10, 1, 2.5, 5], /kH/],
      ['NaN kernels', [1, 28, 28], [NaN, 1, 5, 5], /M/],
    ])('%s is a RangeError naming the size', (_, input, weight, mentions) => {
      expectError(() => conv2dOutputShape(input, weight), RangeError, [/^conv2dOutputShape:/, mentions]);
    });

    it('kernels larger than the padded input are a RangeError that gives both sizes', () => {
      expectError(() => conv2dOutputShape([1, 4, 4], [10, 1, 5, 5]), RangeError, [/^conv2dOutputShape:/, /5x5/, /4x4/]);
      expectError(() => conv2dOutputShape([1, 4, 4], [10, 1, 7, 7], { padding: 1 }), RangeError, [/^conv2dOutputShape:/, /7x7/, /6x6/]);
    });

    it('a bad stride or padding is a RangeError naming it', () => {
      expectError(() => conv2dOutputShape([1, 28, 28], [10, 1, 5, 5], { stride: 0 }), RangeError, [/^conv2dOutputShape:/, /stride/]);
      expectError(() => conv2dOutputShape([1, 28, 28], [10, 1, 5, 5], { padding: -1 }), RangeError, [/^conv2dOutputShape:/, /padding/]);
    });
  });
});

describe('05-multi-kernel: conv2d(input [C, H, W], weight [M, C, kH, kW], bias [M] | null, { padding, stride })', () => {
  describe('worked examples', () => {
    it("the lesson's Conv2d(2, 3, 3) with bias [1, 0, -1]: [2, 4, 4] in, [3, 2, 2] out", () => {
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, LAYER_BIAS)).toBeCloseToTensor(LAYER_OUTPUT, EXACT);
    });

    it('the same without bias (bias null, as Conv2d(..., bias=False)): one kata 04 convolution per kernel', () => {
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, null)).toBeCloseToTensor(LAYER_BEFORE_BIAS, EXACT);
    });

    it('the JSDoc example: two 1x1 kernels on one channel, bias [10, 0]', () => {
      const input = [
        [
          [1, 2],
          [3, 4],
        ],
      ];
      expect(conv2d(input, [[[[1]]], [[[-1]]]], [10, 0])).toBeCloseToTensor(
        [
          [
            [11, 12],
            [13, 14],
          ],
          [
            [-1, -2],
            [-3, -4],
          ],
        ],
        EXACT,
      );
    });

    it('the definition does not depend on the image size: one Conv2d(1, 2, 5) weight on a 28x28 and on a 12x12 image', () => {
      const weight = full([2, 1, 5, 5], 0) as Batch;
      weight[0][0][2][2] = 1; // kernel 0 copies the centre of each window
      weight[1][0][0] = [1, 1, 1, 1, 1]; // kernel 1 sums its window's top row
      const bias = [0.5, -1];
      for (const size of [28, 12]) {
        const image = ramp(1, size, size);
        const out = conv2d(image, weight, bias);
        expect(out, `a ${size}x${size} image`).toBeCloseToTensor(referenceConv2dLayer(image, weight, bias), EXACT);
        expect([out.length, out[0].length, out[0][0].length], `a ${size}x${size} image`).toEqual([2, size - 4, size - 4]);
      }
    });

    it('with padding 1 and stride 2', () => {
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, LAYER_BIAS, { padding: 1, stride: 2 })).toBeCloseToTensor(
        referenceConv2dLayer(LAYER_INPUT, LAYER_WEIGHT, LAYER_BIAS, { padding: 1, stride: 2 }),
        EXACT,
      );
    });
  });

  it(`matches tf.conv2d + tf.add (HWIO filter, bias on the last axis) on random C, M = 1..4, kernels, paddings, strides and biases (tolerance FLOAT32: ${FLOAT32.atol} abs + ${FLOAT32.rtol} rel)`, () => {
    checkProperty(randomLayer(), (c) => expect(run(c)).toBeCloseToTensor(reference(c), FLOAT32));
  });

  it(`matches tf.conv2d on large values: pixels 0..255, weights -255..255, biases -1000..1000 (tolerance FLOAT32: ${FLOAT32.atol} abs + ${FLOAT32.rtol} rel)`, () => {
    checkProperty(
      randomLayer('large'),
      (c) => expect(run(c)).toBeCloseToTensor(reference(c), FLOAT32),
      20,
    );
  });

  describe('plausible mistakes', () => {
    const expected = LAYER_BEFORE_BIAS.map((m, k) => plus(m, BIG_BIAS[k])); // bias [10, 20, 30]

    it('adds a bias at all', () => {
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, BIG_BIAS)).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'the bias was ignored',
            fix: 'After the convolution, add bias[m] to every cell of output channel m (unless bias is null).',
            output: LAYER_BEFORE_BIAS,
          },
        ],
      });
    });

    it('adds bias[m] to output channel m, not the sum of the biases to every channel', () => {
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, BIG_BIAS)).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'the biases were added once, as one total (10 + 20 + 30), to every cell of every channel',
            fix: 'Each kernel has its own bias: output channel m gets bias[m] and no other.',
            output: LAYER_BEFORE_BIAS.map((m) => plus(m, 60)),
          },
        ],
      });
    });

    it('adds a bias to every output channel, not only to channel 0', () => {
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, BIG_BIAS)).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'only output channel 0 got a bias (bias[0])',
            fix: 'Loop over all M output channels: channel m gets bias[m].',
            output: LAYER_BEFORE_BIAS.map((m, k) => (k === 0 ? plus(m, BIG_BIAS[0]) : m)),
          },
        ],
      });
    });

    it('adds bias[m] to channel m, not bias[0] to every channel', () => {
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, BIG_BIAS)).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'bias[0] was added to every output channel',
            fix: 'Index the bias with the output channel: bias[m], one entry per kernel.',
            output: LAYER_BEFORE_BIAS.map((m) => plus(m, BIG_BIAS[0])),
          },
        ],
      });
    });

    it('adds the bias once per output cell, not once per input channel', () => {
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, BIG_BIAS)).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'the bias was added inside the loop over input channels, C = 2 times',
            fix: 'Sum the C per-channel convolutions first (kata 04), then add bias[m] once.',
            output: LAYER_BEFORE_BIAS.map((m, k) => plus(m, 2 * BIG_BIAS[k])),
          },
        ],
      });
    });

    it('reads the weight as [M, C, kH, kW], not [C, M, kH, kW]', () => {
      // C = M = 2, so both readings have the right shape; only the values tell them apart
      const weight = [LAYER_WEIGHT[0], LAYER_WEIGHT[2]];
      const bias = [1, -1];
      const want = weight.map((kernel, m) => plus(referenceConv2dChannels(LAYER_INPUT, kernel), bias[m]));
      const transposed = [0, 1].map((m) => plus(referenceConv2dChannels(LAYER_INPUT, [weight[0][m], weight[1][m]]), bias[m]));
      expect(conv2d(LAYER_INPUT, weight, bias)).toBeCloseToTensor(want, {
        ...EXACT,
        mistakes: [
          {
            name: 'the weight was read as [C, M, kH, kW]: kernel m was taken as weight[0][m], weight[1][m], ...',
            fix: "PyTorch's weight is [out_channels, in_channels, kH, kW]: kernel m is weight[m], a whole [C, kH, kW] block, and its slice c is weight[m][c].",
            output: transposed,
          },
        ],
      });
    });

    it('keeps the output channels in the order of the kernels', () => {
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, LAYER_BIAS)).toBeCloseToTensor(LAYER_OUTPUT, {
        ...EXACT,
        mistakes: [
          {
            name: 'the output channels came out in reverse order',
            fix: 'Output channel m comes from kernel weight[m] and bias[m]: build the output in the order of the kernels.',
            output: [...LAYER_OUTPUT].reverse(),
          },
          {
            name: 'the kernels came out in reverse order, but each bias stayed in its place',
            fix: 'Output channel m is conv2d(input, weight[m]) + bias[m], with the same m for both.',
            output: [...LAYER_BEFORE_BIAS].reverse().map((m, k) => plus(m, LAYER_BIAS[k])),
          },
        ],
      });
    });

    it('applies each kernel to all C input channels, not only channel 0', () => {
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, LAYER_BIAS)).toBeCloseToTensor(LAYER_OUTPUT, {
        ...EXACT,
        mistakes: [
          {
            name: 'each kernel saw only input channel 0 (input[0] with weight[m][0])',
            fix: "Kernel m spans every input channel: kata 04's conv2d(input, weight[m]) sums over all C of them.",
            output: LAYER_WEIGHT.map((kernel, m) => plus(referenceConv2dChannels([LAYER_INPUT[0]], [kernel[0]]), LAYER_BIAS[m])),
          },
        ],
      });
    });

    it('applies kernel m to every input channel, not to channel m alone', () => {
      // C = M = 2: a "one kernel per input channel" reading has the right shape
      const weight = [LAYER_WEIGHT[0], LAYER_WEIGHT[1]];
      const bias = [1, 0];
      const want = weight.map((kernel, m) => plus(referenceConv2dChannels(LAYER_INPUT, kernel), bias[m]));
      expect(conv2d(LAYER_INPUT, weight, bias)).toBeCloseToTensor(want, {
        ...EXACT,
        mistakes: [
          {
            name: 'kernel m was applied to input channel m only (input[m] with weight[m][m]), as in a depthwise convolution',
            fix: 'In Conv2d (groups = 1) every kernel sees every input channel: output[m] = sum over c of conv2d(input[c], weight[m][c]) + bias[m].',
            output: weight.map((kernel, m) => plus(referenceConv2dChannels([LAYER_INPUT[m]], [kernel[m]]), bias[m])),
          },
        ],
      });
    });

    it('has one output channel per kernel: Conv2d(1, 3, 3) turns 1 channel into 3', () => {
      const input = [LAYER_INPUT[0]];
      const weight = LAYER_WEIGHT.map((kernel) => [kernel[0]]);
      expect(conv2d(input, weight, LAYER_BIAS)).toBeCloseToTensor(referenceConv2dLayer(input, weight, LAYER_BIAS), EXACT);
    });

    it('bias null adds nothing, the same as a bias of zeros', () => {
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, null)).toBeCloseToTensor(conv2d(LAYER_INPUT, LAYER_WEIGHT, [0, 0, 0]), EXACT);
      expect(conv2d(LAYER_INPUT, LAYER_WEIGHT, null)).toBeCloseToTensor(LAYER_BEFORE_BIAS, EXACT);
    });

    it('H != W and kH != kW, with padding and stride', () => {
      const input = ramp(2, 5, 7);
      const weight = [ramp(2, 2, 3), ramp(2, 2, 3).map((s) => s.map((row) => row.map((v) => -v))), ramp(2, 2, 3).map((s) => s.map((row) => [...row].reverse()))];
      expect(conv2d(input, weight, [1, 2, 3], { padding: 1, stride: 2 })).toBeCloseToTensor(referenceConv2dLayer(input, weight, [1, 2, 3], { padding: 1, stride: 2 }), EXACT);
    });

    it('adds fractions exactly: halves and quarters, in the weights and in the bias, are not rounded away', () => {
      const input = [
        [
          [0.5, -1.25],
          [2, 0.75],
        ],
      ];
      const weight = [[[[0.5]]], [[[-0.25]]]];
      const bias = [0.125, -0.5];
      const expected = referenceConv2dLayer(input, weight, bias);
      expect(conv2d(input, weight, bias)).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'each output value was rounded to a whole number',
            fix: 'Keep the sums as they are: weights, inputs and biases hold fractions.',
            output: expected.map((m) => m.map((row) => row.map(Math.round))),
          },
        ],
      });
    });

    it('returns a fresh result and leaves its arguments unchanged (input, weight, bias and the options object)', () => {
      expectFresh(conv2d, { input: LAYER_INPUT, weight: LAYER_WEIGHT, bias: LAYER_BIAS, options: { padding: 1 } });
      expectFresh(conv2d, { input: LAYER_INPUT, weight: LAYER_WEIGHT, bias: null, options: {} });
      expectFresh(conv2d, { input: LAYER_INPUT, weight: [[[[1]], [[0]]]], bias: [0], options: { stride: 1 } }); // output[0] equals input[0]
    });
  });

  describe('bad input gets a clear error', () => {
    it("a channel mismatch is a RangeError in PyTorch's words: weight [10, 1, 5, 5] on an input [3, 28, 28]", () => {
      expectError(() => conv2d(full([3, 28, 28]) as Volume, full([10, 1, 5, 5]) as Batch, null), RangeError, [
        /^conv2d:/,
        /weight of size \[10, 1, 5, 5\], expected input\[3, 28, 28\] to have 1 channels, but got 3 channels instead/,
      ]);
    });

    it('a bias of the wrong length is a RangeError naming both shapes', () => {
      expectError(() => conv2d(full([1, 28, 28]) as Volume, full([10, 1, 5, 5]) as Batch, [1, 2, 3, 4, 5]), RangeError, [
        /^conv2d:/,
        /bias of size \[5\]/,
        /weight of size \[10, 1, 5, 5\]/,
        /10 elements/,
      ]);
      expectError(() => conv2d(LAYER_INPUT, LAYER_WEIGHT, [1, 2, 3, 4]), RangeError, [/^conv2d:/, /bias of size \[4\]/, /\[3, 2, 3, 3\]/]);
    });

    it('a bias that is missing (undefined) or holds a non-number is a TypeError', () => {
      expectError(() => conv2d(LAYER_INPUT, LAYER_WEIGHT, undefined as unknown as null), TypeError, [/^conv2d:/, /bias/, /null/]);
      expectError(() => conv2d(LAYER_INPUT, LAYER_WEIGHT, [1, '2', 3] as unknown as number[]), TypeError, [/^conv2d:/, /bias\[1\]/]);
    });

    it("a rank-3 weight (one kata 04 kernel, no M axis) is a TypeError that asks for [M, C, kH, kW]", () => {
      expectError(() => conv2d(LAYER_INPUT, LAYER_WEIGHT[0] as unknown as Batch, null), TypeError, [/^conv2d:/, /weight/, /rank-4/, /\[M, C, kH, kW\]/]);
    });

    it('a rank-2 input (no channel axis) or a rank-4 input (a batch) is a TypeError that asks for [C, H, W]', () => {
      expectError(() => conv2d(LAYER_INPUT[0] as unknown as Volume, LAYER_WEIGHT, null), TypeError, [/^conv2d:/, /input/, /\[C, H, W\]/]);
      expectError(() => conv2d([LAYER_INPUT] as unknown as Volume, LAYER_WEIGHT, null), TypeError, [/^conv2d:/, /input/, /\[C, H, W\]/]);
    });

    it('a ragged or empty weight is a TypeError naming the weight', () => {
      expectError(() => conv2d(LAYER_INPUT, [LAYER_WEIGHT[0], [LAYER_WEIGHT[1][0]]], null), TypeError, [/^conv2d:/, /weight/]);
      expectError(() => conv2d(LAYER_INPUT, [], null), TypeError, [/^conv2d:/, /weight/]);
    });

    it('kernels larger than the padded input are a RangeError that gives both sizes', () => {
      expectError(() => conv2d(full([1, 4, 4]) as Volume, full([2, 1, 5, 5]) as Batch, null), RangeError, [/^conv2d:/, /5x5/, /4x4/]);
    });

    it('a bad stride or padding is a RangeError naming it', () => {
      expectError(() => conv2d(LAYER_INPUT, LAYER_WEIGHT, null, { stride: 0 }), RangeError, [/^conv2d:/, /stride/]);
      expectError(() => conv2d(LAYER_INPUT, LAYER_WEIGHT, null, { padding: 0.5 }), RangeError, [/^conv2d:/, /padding/]);
    });
  });
});
