/**
 * Kata 10: Conv2d as one kernel. Lesson: docs/10-conv-kernel.md
 * Runs in gpu.js's `cpu` mode and in every other mode available here (the title names it).
 * Tolerances: EXACT (1e-9) for the lecture's integer examples (float32 sums of integers below 2^24
 * are exact on every backend); FLOAT32 (1e-4 abs + 1e-4 rel) against tf.conv2d on random cases.
 */
import { describe, expect, it } from 'vitest';
import { conv2d as learnerConv2d, conv2dOutputShape } from '@kata/10-conv-kernel';
import { referenceConv2dNCHW } from '../lib/reference/device';
import { tensor, type Tensor } from '../lib/tensor';
import { EXACT, FLOAT32 } from '../lib/testing/compare';
import { CONV_EXAMPLE } from '../lib/testing/device-examples';
import { copyOf, describeEachGpuMode, kernelCount, tensorOf } from '../lib/testing/gpu';
import { expectError } from '../lib/testing/matchers';
import { checkProperty, fc } from '../lib/testing/property';

/** A random batched Conv2d case: N 1..2, C and M 1..3, kernels 1..4 a side, padding 0..2, stride 1..3, bias or null. */
const randomCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    m: fc.integer({ min: 1, max: 3 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    padding: fc.integer({ min: 0, max: 2 }),
    stride: fc.integer({ min: 1, max: 3 }),
    extraH: fc.integer({ min: 0, max: 5 }),
    extraW: fc.integer({ min: 0, max: 5 }),
    hasBias: fc.boolean(),
  })
  .chain(({ n, c, m, kh, kw, padding, stride, extraH, extraW, hasBias }) => {
    const h = Math.max(1, kh - 2 * padding + extraH);
    const w = Math.max(1, kw - 2 * padding + extraW);
    return fc.record({
      x: tensorOf([n, c, h, w]),
      weight: tensorOf([m, c, kh, kw]),
      bias: hasBias ? tensorOf([m]) : fc.constant(null),
      padding: fc.constant(padding),
      stride: fc.constant(stride),
    });
  });

/**
 * A direct convolution in plain JavaScript with one deliberate change, to name what a mistake
 * produces: `windowAt` maps (output index, kernel offset) to an input index; `plane` picks the
 * (n, m) of output plane z; `bounds` false reads outside the image as whatever `outside` says.
 */
function convWith(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  padding: number,
  stride: number,
  change: { windowAt?: (o: number, k: number) => number; plane?: (z: number, n: number, m: number) => [number, number]; outside?: number } = {},
): Tensor {
  const [n, c, h, w] = x.shape;
  const [m, , kh, kw] = weight.shape;
  const oh = Math.floor((h + 2 * padding - kh) / stride) + 1;
  const ow = Math.floor((w + 2 * padding - kw) / stride) + 1;
  const at = change.windowAt ?? ((o: number, k: number) => o * stride + k - padding);
  const out = new Float32Array(n * m * oh * ow);
  for (let z = 0; z < n * m; z++) {
    const [ni, mi] = change.plane ? change.plane(z, n, m) : [Math.floor(z / m), z % m];
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let sum = bias ? bias.data[mi] : 0;
        for (let ci = 0; ci < c; ci++) {
          for (let u = 0; u < kh; u++) {
            for (let v = 0; v < kw; v++) {
              const r = at(i, u);
              const q = at(j, v);
              const inside = r >= 0 && r < h && q >= 0 && q < w;
              const value = inside ? x.data[((ni * c + ci) * h + r) * w + q] : (change.outside ?? 0);
              sum += value * weight.data[((mi * c + ci) * kh + u) * kw + v];
            }
          }
        }
        out[(z * oh + i) * ow + j] = sum;
      }
    }
  }
  return { shape: [n, m, oh, ow], data: out };
}

describe('10-conv-kernel: conv2dOutputShape(inputShape [N, C, H, W], weightShape [M, C, kH, kW], { padding, stride })', () => {
  it.each<[number[], number[], { padding?: number; stride?: number }, number[]]>([
    [[64, 1, 28, 28], [10, 1, 5, 5], {}, [64, 10, 24, 24]],
    [[64, 10, 12, 12], [20, 10, 5, 5], {}, [64, 20, 8, 8]],
    [[2, 1, 5, 5], [2, 1, 3, 3], { padding: 1, stride: 2 }, [2, 2, 3, 3]],
    [[1, 3, 7, 4], [5, 3, 3, 2], { stride: 2 }, [1, 5, 3, 2]],
  ])('conv2dOutputShape(%j, %j, %j) = %j', (input, weight, options, expected) => {
    expect(conv2dOutputShape(input, weight, options)).toEqual(expected);
  });

  it('takes M (the output channels) from weight[0], not from the input\'s C', () => {
    const got = conv2dOutputShape([4, 3, 8, 8], [6, 3, 3, 3]);
    expect(got, got[1] === 3 ? 'the output has one channel per kernel: M = weightShape[0] = 6' : undefined).toEqual([4, 6, 6, 6]);
  });

  it("a channel mismatch is a RangeError in PyTorch's words", () => {
    expectError(() => conv2dOutputShape([64, 3, 28, 28], [10, 1, 5, 5]), RangeError, [
      /^conv2d:/,
      /weight of size \[10, 1, 5, 5\], expected input\[64, 3, 28, 28\] to have 1 channels, but got 3 channels instead/,
    ]);
  });

  it('kernels larger than the padded input, a bad padding or stride, or a shape of the wrong length are errors naming the problem', () => {
    expectError(() => conv2dOutputShape([1, 1, 4, 4], [1, 1, 5, 5]), RangeError, [/^conv2d:/, /5x5/, /4x4/]);
    expectError(() => conv2dOutputShape([1, 1, 8, 8], [1, 1, 3, 3], { stride: 0 }), RangeError, [/^conv2d:/, /stride/]);
    expectError(() => conv2dOutputShape([1, 1, 8, 8], [1, 1, 3, 3], { padding: -1 }), RangeError, [/^conv2d:/, /padding/]);
    expectError(() => conv2dOutputShape([1, 8, 8], [1, 1, 3, 3]), TypeError, [/^conv2d:/, /\[N, C, H, W\]/]);
  });
});

/**
 * The learner's conv2d, with webasm's trap for a read outside its memory (a WebAssembly RuntimeError thrown
 * from inside gpu.js, with no word about the kata) turned into an error that names the mistake.
 */
const conv2d = (...args: Parameters<typeof learnerConv2d>): ReturnType<typeof learnerConv2d> => {
  try {
    return learnerConv2d(...args);
  } catch (err) {
    const trap = err instanceof Error && err.name === 'RuntimeError' && /out of bounds/.test(err.message); // WebAssembly.RuntimeError
    if (!trap) throw err;
    throw new Error(
      'kata 10: reading outside the input (memory access out of bounds in webasm mode): the padded read is not bounds-checked — ' +
        'read x only when 0 <= row < H and 0 <= col < W',
      { cause: err },
    );
  }
};

describeEachGpuMode('10-conv-kernel: conv2d(gpu, x, weight, bias, { padding, stride })', (ctx) => {
  const { input, weight, bias } = CONV_EXAMPLE;

  describe("the lecture's worked examples (5x5 input, 3x3 kernel 1..9), two images and two kernels", () => {
    it('no padding, stride 1: [2, 2, 3, 3]', () => {
      expect(conv2d(ctx.gpu(), input, weight, bias)).toBeCloseToTensor(CONV_EXAMPLE.valid, EXACT);
    });
    it('padding 1: [2, 2, 5, 5], as large as the input', () => {
      expect(conv2d(ctx.gpu(), input, weight, bias, { padding: 1 })).toBeCloseToTensor(CONV_EXAMPLE.padded, EXACT);
    });
    it('padding 1, stride 2: [2, 2, 3, 3]', () => {
      expect(conv2d(ctx.gpu(), input, weight, bias, { padding: 1, stride: 2 })).toBeCloseToTensor(CONV_EXAMPLE.paddedStrided, EXACT);
    });
  });

  it(`matches tf.conv2d (NHWC, HWIO filter, explicit padding) on random shapes, paddings, strides and biases (tolerance FLOAT32: ${FLOAT32.atol} abs + ${FLOAT32.rtol} rel)`, () => {
    checkProperty(randomCase, ({ x, weight: w, bias: b, padding, stride }) => {
      const got = conv2d(ctx.gpu(), copyOf(x), copyOf(w), b && copyOf(b), { padding, stride });
      expect(got).toBeCloseToTensor(referenceConv2dNCHW(x, w, b, { padding, stride }), FLOAT32);
    }, ctx.mode === 'cpu' ? 30 : 8);
  });

  describe('plausible mistakes', () => {
    it('bounds-checks the padded read: cells outside the image count as 0', () => {
      const x = tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const w = tensor([1, 1, 3, 3], [1, 1, 1, 1, 1, 1, 1, 1, 1]);
      const got = conv2d(ctx.gpu(), x, w, null, { padding: 1 });
      expect(got).toBeCloseToTensor(referenceConv2dNCHW(x, w, null, { padding: 1 }), {
        ...EXACT,
        mistakes: [
          {
            name: 'the padded read was not bounds-checked: the window read past the image edge (NaN in cpu mode, an edge or neighbouring value on GL)',
            fix: 'Read x only when 0 <= row < H and 0 <= col < W; outside, the padding contributes 0.',
            output: convWith(x, w, null, 1, 1, { outside: NaN }),
          },
        ],
      });
      expect(Array.from(got.data).every(Number.isFinite), 'every output must be a number: a read outside the image is NaN in cpu mode').toBe(true);
    });

    it('moves the window by the stride, but not the offset inside it (row = y * stride + u - padding, not (y + u) * stride)', () => {
      const x = tensor([1, 1, 7, 7], Array.from({ length: 49 }, (_, i) => (i * 7) % 11));
      const w = tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(conv2d(ctx.gpu(), x, w, null, { stride: 2 })).toBeCloseToTensor(referenceConv2dNCHW(x, w, null, { stride: 2 }), {
        ...EXACT,
        mistakes: [
          {
            name: 'the stride was applied to the kernel offset too: (y + u) * stride',
            fix: 'The window starts at y * stride; inside it, kernel cell u is the next row, not the next stride: y * stride + u - padding.',
            output: convWith(x, w, null, 0, 2, { windowAt: (o, k) => (o + k) * 2 }),
          },
        ],
      });
    });

    it('takes the output channel m from z = n * M + m (z mod M), not from z mod C or z itself', () => {
      const x = tensor([2, 2, 3, 3], Array.from({ length: 36 }, (_, i) => (i % 5) - 2));
      const w = tensor([3, 2, 2, 2], Array.from({ length: 24 }, (_, i) => (i % 7) - 3));
      const b = tensor([3], [100, 200, 300]);
      expect(conv2d(ctx.gpu(), x, w, b)).toBeCloseToTensor(referenceConv2dNCHW(x, w, b), {
        ...EXACT,
        mistakes: [
          {
            name: 'the output channel was taken from the wrong axis: m = z mod C (the input channels) instead of z mod M',
            fix: 'The output has M channels (one per kernel): n = Math.floor(z / M), m = z - n * M.',
            output: convWith(x, w, b, 0, 1, { plane: (z) => [Math.floor(z / 3), z % 2] }),
          },
          {
            name: 'the image n was taken as z mod N and the channel as floor(z / N)',
            fix: 'z = n * M + m: the image is Math.floor(z / M), the channel what is left over.',
            output: convWith(x, w, b, 0, 1, { plane: (z) => [z % 2, Math.floor(z / 2)] }),
          },
        ],
      });
    });

    it('splits z = n * M + m with whole-number arithmetic, not from the fraction of z / M (3 images x 49 kernels: float32 reads 26.99998 as kernel 26 on GL)', () => {
      const x = tensor([3, 1, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      const w = tensor([49, 1, 1, 1], Array.from({ length: 49 }, (_, m) => m + 1));
      const b = tensor([49], Array.from({ length: 49 }, (_, m) => 1000 * m));
      const f = Math.fround;
      expect(conv2d(ctx.gpu(), x, w, b)).toBeCloseToTensor(referenceConv2dNCHW(x, w, b), {
        ...EXACT,
        mistakes: [
          {
            name: 'the kernel m was taken from the fractional part of z / M in float32, (z / M - Math.floor(z / M)) * M: 27/49 comes back as 26.99998, read as kernel 26 (NaN in cpu mode)',
            fix: 'Stay in whole numbers: n = Math.floor(z / M), m = z - n * M.',
            output: convWith(x, w, b, 0, 1, { plane: (z) => [Math.floor(z / 49), Math.trunc(f(f(f(z / 49) - Math.floor(f(z / 49))) * 49))] }),
          },
        ],
      });
    });

    it('uses kH for rows and kW for columns (a 3x1 kernel on a 4x5 image)', () => {
      const x = tensor([1, 1, 4, 5], Array.from({ length: 20 }, (_, i) => i));
      const w = tensor([1, 1, 3, 1], [1, 10, 100]);
      expect(conv2d(ctx.gpu(), x, w, null)).toBeCloseToTensor(referenceConv2dNCHW(x, w, null), EXACT);
    });
  });

  it('returns fresh results, leaves its arguments alone, and never writes into the options', () => {
    const x = copyOf(input);
    const w = copyOf(weight);
    const b = copyOf(bias);
    const options = Object.freeze({ padding: 1 });
    const first = conv2d(ctx.gpu(), x, w, b, options);
    const second = conv2d(ctx.gpu(), x, w, b, options);
    expect(first.data).not.toBe(second.data);
    first.data.fill(0);
    expect(second).toBeCloseToTensor(CONV_EXAMPLE.padded, EXACT);
    expect(x).toBeCloseToTensor(input, EXACT);
    expect(w).toBeCloseToTensor(weight, EXACT);
    expect(b).toBeCloseToTensor(bias, EXACT);
  });

  it('compiles one kernel per (shapes, padding, stride), not one per call', () => {
    const gpu = ctx.gpu();
    conv2d(gpu, input, weight, bias, { padding: 1 });
    const before = kernelCount(gpu);
    conv2d(gpu, copyOf(input), weight, null, { padding: 1 });
    expect(kernelCount(gpu), 'conv2d made a new kernel for the same shapes: keep one per (GPU, shapes, options) with cachedKernel').toBe(before);
  });

  it('bad input gets a clear error', () => {
    expectError(() => conv2d(ctx.gpu(), tensor([1, 3, 5, 5]), weight, bias), RangeError, [/^conv2d:/, /to have 1 channels, but got 3 channels instead/]);
    expectError(() => conv2d(ctx.gpu(), input, weight, tensor([3])), RangeError, [/^conv2d:/, /bias/, /\[3\]/]);
    expectError(() => conv2d(ctx.gpu(), tensor([5, 5]), weight, bias), TypeError, [/^conv2d:/, /\[N, C, H, W\]/]);
  });
});
