/**
 * Kata 11: the feature extractor on the device. Lesson: docs/11-device-features.md
 * Runs in gpu.js's `cpu` mode and in every other mode available here (the title names it).
 * Tolerances: EXACT (1e-9) for the integer pooling examples; FLOAT32 (1e-4 abs + 1e-4 rel) against
 * tfjs and against the learner's own CPU katas 05, 06 and 08 (float64 on nested arrays).
 */
import { describe, expect, it } from 'vitest';
import { extractFeatures, extractFeaturesStepwise, maxPool2d, maxPool2dOutputShape, type FeatureParams } from '@kata/11-device-features';
import { conv2d as cpuConv2d } from '@kata/05-multi-kernel';
import { maxPool2d as cpuMaxPool2d } from '@kata/06-max-pooling';
import { relu as cpuRelu } from '@kata/08-linear';
import type { Batch } from '../lib/nested';
import { referenceFeatures, referenceMaxPoolNCHW } from '../lib/reference/device';
import { tensor, type Tensor } from '../lib/tensor';
import { EXACT, FLOAT32 } from '../lib/testing/compare';
import { FEATURE_PARAMS, POOL_EXAMPLE } from '../lib/testing/device-examples';
import { copyOf, describeEachGpuMode, kernelCount, tensorOf } from '../lib/testing/gpu';
import { expectError } from '../lib/testing/matchers';
import { checkProperty, fc } from '../lib/testing/property';

/** Tensor [N, C, H, W] → nested Batch, and back, for the CPU katas. */
const toBatch = (t: Tensor): Batch => {
  const [n, c, h, w] = t.shape;
  return Array.from({ length: n }, (_, a) => Array.from({ length: c }, (_, b) => Array.from({ length: h }, (_, i) => Array.from(t.data.subarray(((a * c + b) * h + i) * w, ((a * c + b) * h + i + 1) * w)))));
};
const fromBatch = (b: Batch): Tensor => tensor([b.length, b[0].length, b[0][0].length, b[0][0][0].length], b.flat(3));

/** The feature extractor with the learner's own CPU katas: 05 conv2d per image, 06 maxPool2d, 08 relu. */
function cpuFeatures(x: Tensor, p: FeatureParams): Tensor {
  const conv = (batch: Batch, { weight, bias }: { weight: Tensor; bias: Tensor }) =>
    batch.map((image) => cpuConv2d(image, toBatch(weight), Array.from(bias.data)));
  const a = fromBatch(cpuMaxPool2d(conv(toBatch(x), p.conv1), 2));
  const b = toBatch(cpuRelu(a));
  return cpuRelu(fromBatch(cpuMaxPool2d(conv(b, p.conv2), 2)));
}

/** MNIST-sized digits: N images [N, 1, 28, 28] of pixels normalised the lecture's way, (v / 255 - 0.1307) / 0.3081. */
const digits = (n: number) => tensorOf([n, 1, 28, 28], fc.integer({ min: 0, max: 255 }).map((v) => (v / 255 - 0.1307) / 0.3081));

/** Fractions and integers only: conv2 sums products of conv1's results, which at larger scales would need more than float32's 24 bits, and tfjs and the kernels would round differently. */
const small = { scales: ['fractions', 'integers'] } as const;

/** A small net: Conv2d(C, M1, k) → pool 2 → relu → Conv2d(M1, M2, k) → pool 2 → relu, with an input that fits. */
const smallNet = fc
  .record({ n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 2 }), m1: fc.integer({ min: 1, max: 3 }), m2: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 0, max: 5 }) })
  .chain(({ n, c, m1, m2, k, extra }) => {
    const size = 2 * (2 * k + k - 1) + extra; // room for conv k, pool 2, conv k, pool 2
    return fc.record({
      x: tensorOf([n, c, size, size], small),
      params: fc.record({
        conv1: fc.record({ weight: tensorOf([m1, c, k, k], small), bias: tensorOf([m1], small) }),
        conv2: fc.record({ weight: tensorOf([m2, m1, k, k], small), bias: tensorOf([m2], small) }),
      }),
    });
  });

const copyParams = (p: FeatureParams): FeatureParams => ({
  conv1: { weight: copyOf(p.conv1.weight), bias: copyOf(p.conv1.bias) },
  conv2: { weight: copyOf(p.conv2.weight), bias: copyOf(p.conv2.bias) },
});

describe('11-device-features: maxPool2dOutputShape(shape, size)', () => {
  it.each([
    [[64, 10, 24, 24], 2, [64, 10, 12, 12]],
    [[64, 20, 8, 8], 2, [64, 20, 4, 4]],
    [[1, 1, 5, 7], 2, [1, 1, 2, 3]],
    [[2, 3, 9, 9], 3, [2, 3, 3, 3]],
  ])('maxPool2dOutputShape(%j, %d) = %j (floor, like PyTorch)', (shape, size, expected) => {
    expect(maxPool2dOutputShape(shape, size)).toEqual(expected);
  });

  it('rejects a window that does not fit or is not a whole number >= 1', () => {
    expectError(() => maxPool2dOutputShape([1, 1, 1, 4], 2), RangeError, [/^maxPool2d:/, /2x2/]);
    expectError(() => maxPool2dOutputShape([1, 1, 4, 4], 0), RangeError, [/^maxPool2d:/, /kernel size/]);
  });
});

describeEachGpuMode('11-device-features', (ctx) => {
  describe('maxPool2d(gpu, x, size)', () => {
    it('the worked example: 2x2 windows, stride 2, negative values and ties', () => {
      expect(maxPool2d(ctx.gpu(), POOL_EXAMPLE.input, 2)).toBeCloseToTensor(POOL_EXAMPLE.output, {
        ...EXACT,
        mistakes: [
          {
            name: 'the maximum started from 0 instead of the window\'s first value (negative windows came out as 0)',
            fix: "Start from x[z][top][left], the window's first cell, then take Math.max with the others.",
            output: tensor(POOL_EXAMPLE.output.shape, Array.from(POOL_EXAMPLE.output.data, (v) => Math.max(v, 0))),
          },
        ],
      });
    });

    it(`matches tf.maxPool on random shapes (tolerance FLOAT32: ${FLOAT32.atol} abs + ${FLOAT32.rtol} rel)`, () => {
      const cases = fc.record({ size: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 3, max: 9 }), w: fc.integer({ min: 3, max: 9 }) }).chain(({ size, n, c, h, w }) => fc.tuple(fc.constant(size), tensorOf([n, c, h, w])));
      checkProperty(cases, ([size, x]) => {
        expect(maxPool2d(ctx.gpu(), copyOf(x), size)).toBeCloseToTensor(referenceMaxPoolNCHW(x, size), FLOAT32);
      }, ctx.mode === 'cpu' ? 30 : 8);
    });
  });

  for (const [name, run] of [
    ['extractFeatures (one read-back)', extractFeatures],
    ['extractFeaturesStepwise (a read-back per step)', extractFeaturesStepwise],
  ] as const) {
    describe(name, () => {
      it("the MNIST net's shapes: [3, 1, 28, 28] → [3, 20, 4, 4], equal to tfjs", () => {
        const x = fc.sample(digits(3), { numRuns: 1, seed: 11 })[0];
        const got = run(ctx.gpu(), x, FEATURE_PARAMS);
        expect(got.shape).toEqual([3, 20, 4, 4]);
        expect(got).toBeCloseToTensor(referenceFeatures(x, FEATURE_PARAMS), FLOAT32);
      });

      it(`matches tfjs (conv2d, maxPool, relu) on random small nets (tolerance FLOAT32: ${FLOAT32.atol} abs + ${FLOAT32.rtol} rel)`, () => {
        checkProperty(smallNet, ({ x, params }) => {
          expect(run(ctx.gpu(), copyOf(x), copyParams(params))).toBeCloseToTensor(referenceFeatures(x, params), FLOAT32);
        }, ctx.mode === 'cpu' ? 12 : 4);
      });

      it('matches your own CPU katas 05 (conv2d), 06 (maxPool2d) and 08 (relu) on a batch of two digits', () => {
        const x = fc.sample(digits(2), { numRuns: 1, seed: 12 })[0];
        expect(run(ctx.gpu(), x, FEATURE_PARAMS)).toBeCloseToTensor(cpuFeatures(x, FEATURE_PARAMS), FLOAT32);
      });

      it('returns fresh results and leaves x and the parameters alone', () => {
        const x = fc.sample(digits(1), { numRuns: 1, seed: 13 })[0];
        const params = copyParams(FEATURE_PARAMS);
        const xCopy = copyOf(x);
        const first = run(ctx.gpu(), xCopy, params);
        const second = run(ctx.gpu(), xCopy, params);
        expect(first.data).not.toBe(second.data);
        const kept = copyOf(second);
        first.data.fill(-1);
        expect(second).toBeCloseToTensor(kept, EXACT);
        expect(xCopy).toBeCloseToTensor(x, EXACT);
        expect(params.conv2.weight).toBeCloseToTensor(FEATURE_PARAMS.conv2.weight, EXACT);
      });

      it('compiles its kernels once: a second batch of the same size makes no new kernel', () => {
        const gpu = ctx.gpu();
        const [a, b] = fc.sample(digits(2), { numRuns: 2, seed: 14 });
        run(gpu, a, FEATURE_PARAMS);
        const before = kernelCount(gpu);
        run(gpu, b, FEATURE_PARAMS);
        expect(kernelCount(gpu), 'a new kernel was made for a batch of the same size: keep one per (GPU, shapes) with cachedKernel').toBe(before);
      });

      it('bad parameters get a clear error naming the layer', () => {
        const bad = { ...FEATURE_PARAMS, conv2: { weight: tensor([20, 3, 5, 5]), bias: FEATURE_PARAMS.conv2.bias } };
        const x = tensor([1, 1, 28, 28]);
        expectError(() => run(ctx.gpu(), x, bad), RangeError, [/^extractFeatures(Stepwise)?: conv2: /, /expected input\[1, 10, 12, 12\] to have 3 channels, but got 10 channels instead/]);
        expectError(() => run(ctx.gpu(), x, { conv1: FEATURE_PARAMS.conv1 } as FeatureParams), TypeError, [/params/]);
      });
    });
  }

  it('extractFeatures keeps the intermediates on the device: every kernel it makes but the last is a pipeline kernel', () => {
    const gpu = ctx.gpu();
    // A batch size no other test uses, so every kernel of this call is made now and can be inspected.
    const x = fc.sample(digits(4), { numRuns: 1, seed: 16 })[0];
    const before = kernelCount(gpu);
    extractFeatures(gpu, x, FEATURE_PARAMS);
    const made = (gpu as unknown as { kernels: { pipeline?: boolean }[] }).kernels.slice(before);
    expect(made.length, '11-device-features: extractFeatures made no kernel on this GPU for a new batch size: run its steps as kernels on the gpu it is given').toBeGreaterThan(0);
    const readBack = made.slice(0, -1).filter((k) => k.pipeline !== true).length;
    expect(
      readBack,
      `11-device-features: extractFeatures read every intermediate back: make its kernels with { pipeline: true } and pass each result to the next (${readBack} of its first ${made.length - 1} kernels were not pipeline kernels)`,
    ).toBe(0);
  });

  it('extractFeatures and extractFeaturesStepwise give the same numbers', () => {
    const x = fc.sample(digits(2), { numRuns: 1, seed: 15 })[0];
    expect(extractFeatures(ctx.gpu(), x, FEATURE_PARAMS)).toBeCloseToTensor(extractFeaturesStepwise(ctx.gpu(), x, FEATURE_PARAMS), FLOAT32);
  });
});
