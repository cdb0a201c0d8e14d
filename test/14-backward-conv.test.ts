/**
 * Kata 14: backward of conv and pool. Lesson: docs/14-backward-conv.md
 *
 * Three kinds of check, each with its tolerance:
 * - the lesson's worked examples, EXACT (1e-9; small dyadic inputs, checked with PyTorch 1.13);
 * - gradient checks in float64: the kata's backward on Float64Array tensors against central finite
 *   differences of an independent float64 Conv2d / MaxPool2d (lib/testing/gradcheck.ts), cs231n's
 *   rel_error <= 1e-7;
 * - tfjs's autodiff (tf.grads through tf.conv2d, tf.grad through tf.maxPool) on random float32 inputs:
 *   1e-4 relative, plus 1e-6 times the size of the largest sum involved.
 *
 * PyTorch facts checked with torch 1.13 (Debian python3-torch), F.max_pool2d(...).sum().backward():
 * - a 2x2 window of four equal values [[5, 5], [5, 5]] sends the whole gradient to [0][0]:
 *   grad [[1, 0], [0, 0]] (max_pool2d's return_indices gives index 0);
 * - [[1, 3], [3, 0]] gives [[0, 1], [0, 0]] and [[2, 2], [1, 2]] gives [[1, 0], [0, 0]]: the FIRST
 *   maximum in row-major order wins (a later equal value does not replace it); a 3x3 window of ones
 *   gives 1 at [0][0] only;
 * - overlapping windows (kernel 2, stride 1) on [[1, 4, 4], [4, 2, 4], [0, 4, 1]] give
 *   [[0, 2, 0], [1, 0, 1], [0, 0, 0]]: [0][1] wins two windows and its gradients add;
 * - a NaN wins its window: [[1, NaN], [3, 2]] gives [[0, 1], [0, 0]];
 * - kernel 2, stride 2, padding 1 on the all-negative [[-5, -6], [-7, -8]] gives 1 everywhere: the
 *   -Infinity padding never wins.
 */
import { describe, expect, it } from 'vitest';
import { conv2dBackward, conv2dBackwardInput, conv2dBackwardWeight, maxPool2dBackward } from '@kata/14-backward-conv';
import { referenceConv2dBackward, referenceMaxPool2dBackward } from '../lib/reference/backward';
import { sizeOf, tensor, type FloatTensor, type Tensor } from '../lib/tensor';
import { EXACT, FLOAT32 } from '../lib/testing/compare';
import { CONV_BACKWARD_EXAMPLE, CONV_STRIDE_BACKWARD_EXAMPLE, POOL_BACKWARD_EXAMPLE } from '../lib/testing/examples';
import {
  expectGradient,
  float32Sum,
  maxAbs,
  conv2d64,
  copyOf,
  distinctTensor,
  dot,
  floatTensor,
  maxPool2d64,
  numericalGradient,
  GRADCHECK_SCALES,
} from '../lib/testing/gradcheck';
import { expectFresh } from '../lib/testing/fresh';
import { expectError } from '../lib/testing/matchers';
import { checkProperty, fc, type Scale } from '../lib/testing/property';

type Flat = { shape: number[]; data: number[] };
const t64 = (shape: number[], data: ArrayLike<number>): FloatTensor<Float64Array> => ({ shape, data: Float64Array.from(data) });
/** One H x W matrix as an [1, 1, H, W] tensor (float32). */
const image = (m: number[][]) => tensor([1, 1, m.length, m[0].length], m.flat());
/** One H x W matrix as an [1, 1, H, W] expected value. */
const as4d = (m: number[][]): Flat => ({ shape: [1, 1, m.length, m[0].length], data: m.flat() });
/** A copy of a result as it is now, to check that a later call leaves it alone (not whether it was right). */
const snap = (t: Tensor): Flat => ({ shape: [...t.shape], data: Array.from(t.data) });

// ---- wrong implementations, to name what a wrong answer looks like ---------------------------

interface ConvRule {
  padding?: number;
  stride?: number;
  /** dy placed at i + u instead of i·s + u. */
  strideIgnored?: boolean;
  /** return the padded gradient, [H + 2p, W + 2p]. */
  noCrop?: boolean;
  /** crop the top-left H x W of the padded gradient instead of the middle. */
  cropTopLeft?: boolean;
}

/** dx by scattering each dy[i][j] · kernel into a padded buffer, with every rule switchable. */
function scatterDx(dy: Tensor, w: Tensor, xShape: number[], { padding: p = 0, stride: s = 1, strideIgnored = false, noCrop = false, cropTopLeft = false }: ConvRule): Flat {
  const [n, c, h, wd] = xShape;
  const [m, , kh, kw] = w.shape;
  const [, , oh, ow] = dy.shape;
  const [ph, pw] = [h + 2 * p, wd + 2 * p];
  const padded = new Float64Array(n * c * ph * pw);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < m; o++)
      for (let ch = 0; ch < c; ch++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const r = (strideIgnored ? i : i * s) + u;
                const q = (strideIgnored ? j : j * s) + v;
                if (r < ph && q < pw) padded[((b * c + ch) * ph + r) * pw + q] += dy.data[((b * m + o) * oh + i) * ow + j] * w.data[((o * c + ch) * kh + u) * kw + v];
              }
  if (noCrop) return { shape: [n, c, ph, pw], data: Array.from(padded) };
  const off = cropTopLeft ? 0 : p;
  const data: number[] = [];
  for (let plane = 0; plane < n * c; plane++) for (let r = 0; r < h; r++) for (let q = 0; q < wd; q++) data.push(padded[(plane * ph + r + off) * pw + q + off]);
  return { shape: [...xShape], data };
}

/** dx gathered as a correlation of the (stride-spread, zero-surrounded) dy with the kernel NOT flipped. */
function gatherDxNoFlip(dy: Tensor, w: Tensor, xShape: number[], p: number, s: number): Flat {
  const [n, c, h, wd] = xShape;
  const [m, , kh, kw] = w.shape;
  const [, , oh, ow] = dy.shape;
  const spread = (b: number, o: number, r: number, q: number) => (r >= 0 && q >= 0 && r % s === 0 && q % s === 0 && r / s < oh && q / s < ow ? dy.data[((b * m + o) * oh + r / s) * ow + q / s] : 0);
  const data: number[] = [];
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let r = 0; r < h; r++)
        for (let q = 0; q < wd; q++) {
          let acc = 0;
          for (let o = 0; o < m; o++)
            for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) acc += spread(b, o, r + p - (kh - 1) + u, q + p - (kw - 1) + v) * w.data[((o * c + ch) * kh + u) * kw + v];
          data.push(acc);
        }
  return { shape: [...xShape], data };
}

type PoolRule = 'spread' | 'every cell' | 'every tie' | 'last tie' | 'overwrite';

/** Max-pool backward done wrong, on [N, C, H, W] with kernel k, stride s, padding p. */
function poolWrong(dy: Tensor, x: Tensor, k: number, s: number, p: number, rule: PoolRule): Flat {
  const [n, c, h, w] = x.shape;
  const [, , oh, ow] = dy.shape;
  const dx = new Array<number>(sizeOf(x.shape)).fill(0);
  for (let plane = 0; plane < n * c; plane++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const g = dy.data[(plane * oh + i) * ow + j];
        const cells: number[] = [];
        for (let u = 0; u < k; u++)
          for (let v = 0; v < k; v++) {
            const [r, q] = [i * s + u - p, j * s + v - p];
            if (r >= 0 && r < h && q >= 0 && q < w) cells.push((plane * h + r) * w + q);
          }
        const best = Math.max(...cells.map((at) => x.data[at]));
        const ties = cells.filter((at) => x.data[at] === best);
        if (rule === 'spread') for (const at of cells) dx[at] += g / (k * k);
        if (rule === 'every cell') for (const at of cells) dx[at] += g;
        if (rule === 'every tie') for (const at of ties) dx[at] += g;
        if (rule === 'last tie') dx[ties[ties.length - 1]] += g;
        if (rule === 'overwrite') dx[ties[0]] = g;
      }
  return { shape: [...x.shape], data: dx };
}

// ---- random cases ------------------------------------------------------------------------------

interface ConvCase<D extends Float32Array | Float64Array> {
  x: FloatTensor<D>;
  weight: FloatTensor<D>;
  bias: FloatTensor<D>;
  dy: FloatTensor<D>;
  padding: number;
  stride: number;
}

/** N 1-2, C 1-3, M 1-6, kernels 1-4 a side (kH != kW included), padding 0-2, stride 1-3, an input the kernel fits. */
function convCase<D extends Float32Array | Float64Array>(kind: new (values: number[]) => D, scales?: readonly Scale[]): fc.Arbitrary<ConvCase<D>> {
  return fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 1, max: 3 }),
      m: fc.integer({ min: 1, max: 6 }), // 4 and more too: fast solutions handle kernels in blocks of four
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      padding: fc.integer({ min: 0, max: 2 }),
      stride: fc.integer({ min: 1, max: 3 }),
      extraH: fc.integer({ min: 0, max: 4 }),
      extraW: fc.integer({ min: 0, max: 4 }),
    })
    .chain(({ n, c, m, kh, kw, padding, stride, extraH, extraW }) => {
      const h = Math.max(1, kh - 2 * padding + extraH);
      const w = Math.max(1, kw - 2 * padding + extraW);
      const oh = Math.floor((h + 2 * padding - kh) / stride) + 1;
      const ow = Math.floor((w + 2 * padding - kw) / stride) + 1;
      const t = (shape: number[]) => floatTensor(shape, kind, { scales });
      return fc.record({
        x: t([n, c, h, w]),
        weight: t([m, c, kh, kw]),
        bias: t([m]),
        dy: t([n, m, oh, ow]),
        padding: fc.constant(padding),
        stride: fc.constant(stride),
      });
    });
}

interface PoolCase<D extends Float32Array | Float64Array> {
  x: FloatTensor<D>;
  dy: FloatTensor<D>;
  kernelSize: number;
  stride: number;
  padding: number;
}

/** N, C 1-2, kernel 1-3, stride 1-3, padding up to k / 2, distinct input values (no ties), simple dy. */
function poolCase<D extends Float32Array | Float64Array>(kind: new (values: number[]) => D): fc.Arbitrary<PoolCase<D>> {
  return fc
    .record({ n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 2 }), k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 3 }), extraH: fc.integer({ min: 0, max: 4 }), extraW: fc.integer({ min: 0, max: 4 }) })
    .chain(({ n, c, k, stride, extraH, extraW }) =>
      fc.integer({ min: 0, max: Math.floor(k / 2) }).chain((padding) => {
        const h = Math.max(1, k - 2 * padding + extraH);
        const w = Math.max(1, k - 2 * padding + extraW);
        const oh = Math.floor((h + 2 * padding - k) / stride) + 1;
        const ow = Math.floor((w + 2 * padding - k) / stride) + 1;
        return fc.record({
          x: distinctTensor([n, c, h, w], kind),
          dy: floatTensor([n, c, oh, ow], kind),
          kernelSize: fc.constant(k),
          stride: fc.constant(stride),
          padding: fc.constant(padding),
        });
      }),
    );
}

// ---- conv2dBackward -------------------------------------------------------------------------

describe('14-backward-conv: conv2dBackward(dy, x, weight, options), conv2dBackwardInput, conv2dBackwardWeight', () => {
  const A = CONV_BACKWARD_EXAMPLE;
  const B = CONV_STRIDE_BACKWARD_EXAMPLE;
  const bOptions = { padding: B.padding, stride: B.stride };

  describe('worked examples', () => {
    it("the lesson's example, stride 1: dx is each dy[i][j] times the kernel added in at (i, j); dWeight correlates x with dy; dBias sums dy", () => {
      const g = conv2dBackward(image(A.dy), image(A.x), image(A.weight));
      expect(g.dx, 'dx').toBeCloseToTensor(as4d(A.dx), EXACT);
      expect(g.dWeight, 'dWeight').toBeCloseToTensor(as4d(A.dWeight), EXACT);
      expect(g.dBias, 'dBias').toBeCloseToTensor([A.dBias], EXACT);
    });

    it("the lesson's example with stride 2 and padding 1 (4x4 input, 3x3 kernel, 2x2 output)", () => {
      const g = conv2dBackward(image(B.dy), image(B.x), image(B.weight), bOptions);
      expect(g.dx, 'dx').toBeCloseToTensor(as4d(B.dx), EXACT);
      expect(g.dWeight, 'dWeight').toBeCloseToTensor(as4d(B.dWeight), EXACT);
      expect(g.dBias, 'dBias').toBeCloseToTensor([B.dBias], EXACT);
    });

    it('conv2dBackwardInput and conv2dBackwardWeight give the same gradients on their own (torch.nn.grad.conv2d_input / conv2d_weight)', () => {
      expect(conv2dBackwardInput(image(B.dy), image(B.weight), [1, 1, 4, 4], bOptions)).toBeCloseToTensor(as4d(B.dx), EXACT);
      const g = conv2dBackwardWeight(image(B.dy), image(B.x), [1, 1, 3, 3], bOptions);
      expect(g.dWeight).toBeCloseToTensor(as4d(B.dWeight), EXACT);
      expect(g.dBias).toBeCloseToTensor([B.dBias], EXACT);
      // the JSDoc's examples
      expect(conv2dBackwardInput(tensor([1, 1, 2, 2], [1, 0, 0, 0]), tensor([1, 1, 2, 2], [1, 2, 3, 4]), [1, 1, 3, 3])).toBeCloseToTensor(as4d([[1, 2, 0], [3, 4, 0], [0, 0, 0]]), EXACT);
      expect(conv2dBackwardWeight(tensor([1, 1, 2, 2], [1, 1, 1, 1]), tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 2, 2]).dWeight).toBeCloseToTensor(as4d([[12, 16], [24, 28]]), EXACT);
    });
  });

  it('gradient check in float64: dx, dWeight and dBias agree with central differences of a float64 Conv2d, with padding and stride (rel_error <= 1e-7)', () => {
    // values up to 255: every sum stays exact in float64, so the differences are exact; hundreds
    // and thousands are in the float32 test against tfjs
    checkProperty(
      convCase(Float64Array, GRADCHECK_SCALES),
      ({ x, weight: w, bias: b, dy, padding, stride }) => {
        const g = conv2dBackward(copyOf(dy), copyOf(x), copyOf(w), { padding, stride });
        const loss = () => dot(dy.data, conv2d64(x, w, b, padding, stride));
        expectGradient('dx', g.dx, numericalGradient(loss, x.data));
        expectGradient('dWeight', g.dWeight, numericalGradient(loss, w.data));
        expectGradient('dBias', g.dBias, numericalGradient(loss, b.data));
      },
      25,
    );
  });

  it('matches tf.grads through tf.conv2d (Conv2DBackpropInput, Conv2DBackpropFilter) on random float32 inputs (tolerance 1e-4 rel + 1e-6 of the largest sum)', () => {
    checkProperty(
      convCase(Float32Array),
      ({ x, weight: w, bias: b, dy, padding, stride }) => {
        const want = referenceConv2dBackward(dy, x, w, b, padding, stride);
        const got = conv2dBackward(copyOf(dy), copyOf(x), copyOf(w), { padding, stride });
        const [n, c, h, wd] = x.shape;
        const [m, , kh, kw] = w.shape;
        expect(got.dx, 'dx').toBeCloseToTensor(want.dx, float32Sum(m * kh * kw * maxAbs(dy) * maxAbs(w)));
        expect(got.dWeight, 'dWeight').toBeCloseToTensor(want.dWeight, float32Sum(n * h * wd * maxAbs(dy) * maxAbs(x)));
        expect(got.dBias, 'dBias').toBeCloseToTensor(want.dBias, float32Sum(sizeOf(dy.shape) * maxAbs(dy)));
        expect(c).toBe(got.dx.shape[1]);
      },
      25,
    );
  });

  it("the MNIST net's second conv: [2, 10, 12, 12] -> Conv2d(10, 20, 5) -> [2, 20, 8, 8], as tf.grads gives it (tolerance 1e-4 rel + 1e-6 of the largest sum)", () => {
    const pattern = (shape: number[], a: number, b: number) => tensor(shape, Array.from({ length: sizeOf(shape) }, (_, i) => (((i * a) % b) - (b >> 1)) / 8));
    const x = pattern([2, 10, 12, 12], 37, 17);
    const w = pattern([20, 10, 5, 5], 13, 11);
    const b = pattern([20], 7, 5);
    const dy = pattern([2, 20, 8, 8], 29, 13);
    const want = referenceConv2dBackward(dy, x, w, b, 0, 1);
    const got = conv2dBackward(dy, x, w);
    expect(got.dx, 'dx').toBeCloseToTensor(want.dx, float32Sum(20 * 25 * maxAbs(dy) * maxAbs(w)));
    expect(got.dWeight, 'dWeight').toBeCloseToTensor(want.dWeight, float32Sum(2 * 64 * maxAbs(dy) * maxAbs(x)));
    expect(got.dBias, 'dBias').toBeCloseToTensor(want.dBias, float32Sum(128 * maxAbs(dy)));
  });

  describe('plausible mistakes', () => {
    it('dx is a FULL convolution of dy with the FLIPPED kernel (each dy[i][j] · kernel, added in at (i, j))', () => {
      const [dy, w] = [image(A.dy), image(A.weight)];
      expect(conv2dBackward(dy, image(A.x), w).dx).toBeCloseToTensor(as4d(A.dx), {
        ...EXACT,
        mistakes: [
          {
            name: 'dx was gathered with the kernel NOT flipped: sliding the kernel over dy as in the forward pass correlates, it does not send each product back where it came from',
            fix: 'Either scatter (for every output cell and kernel cell, dx[i·s + u - p][j·s + v - p] += dy[i][j] · w[u][v]) or gather with w[kH-1-u][kW-1-v].',
            output: gatherDxNoFlip(dy, w, [1, 1, 3, 3], 0, 1),
          },
        ],
      });
    });

    it('dx honours the stride: dy[i][j] goes back to the window at (i·s, j·s), not (i, j)', () => {
      const [dy, w] = [image(B.dy), image(B.weight)];
      expect(conv2dBackwardInput(dy, w, [1, 1, 4, 4], bOptions)).toBeCloseToTensor(as4d(B.dx), {
        ...EXACT,
        mistakes: [
          {
            name: 'the stride was ignored in dx: dy[i][j] was added in at (i, j) as if the stride were 1',
            fix: 'Window (i, j) of the forward pass starts at input cell (i·s - p, j·s - p): its gradient goes back there.',
            output: scatterDx(dy, w, [1, 1, 4, 4], { ...bOptions, strideIgnored: true }),
          },
          {
            name: 'dx was gathered with the kernel not flipped',
            fix: 'Scatter dy[i][j] · w[u][v] to x cell (i·s + u - p, j·s + v - p).',
            output: gatherDxNoFlip(dy, w, [1, 1, 4, 4], B.padding, B.stride),
          },
        ],
      });
    });

    it('dx has the input\'s shape: the padding is cropped off (and from the middle)', () => {
      const [dy, w] = [image(B.dy), image(B.weight)];
      expect(conv2dBackwardInput(dy, w, [1, 1, 4, 4], bOptions)).toBeCloseToTensor(as4d(B.dx), {
        ...EXACT,
        mistakes: [
          {
            name: 'the padding was not cropped from dx: [1, 1, 6, 6] is the gradient of the PADDED input',
            fix: 'Padding cells are constants, not inputs: keep rows and columns p .. p + H - 1 of the padded gradient (or skip cells outside x).',
            output: scatterDx(dy, w, [1, 1, 4, 4], { ...bOptions, noCrop: true }),
          },
          {
            name: 'the padded gradient was cropped at the top left instead of p cells in',
            fix: 'Input cell (r, q) is padded cell (r + p, q + p).',
            output: scatterDx(dy, w, [1, 1, 4, 4], { ...bOptions, cropTopLeft: true }),
          },
        ],
      });
    });

    it('dBias sums dy over the batch N and over every position H\' x W\' of its channel', () => {
      // N = 2 images, M = 2 kernels, 2x2 outputs: dy[n][m] is a 2x2 block
      const dyValues = [1, 2, 3, 4, -1, 0, 0.5, 0.5, 10, 20, 30, 40, 2, 2, 2, 2];
      const dy = tensor([2, 2, 2, 2], dyValues);
      const x = tensor([2, 1, 3, 3], Array.from({ length: 18 }, (_, i) => (i % 5) - 2));
      const g = conv2dBackwardWeight(dy, x, [2, 1, 2, 2]);
      const block = (n: number, m: number) => dyValues.slice((n * 2 + m) * 4, (n * 2 + m) * 4 + 4);
      const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
      expect(g.dBias).toBeCloseToTensor([110, 8], {
        ...EXACT,
        mistakes: [
          { name: 'dBias was summed over H\' and W\' of the first image only (not over the batch)', fix: 'Every image used the same bias: add up all N images.', output: [sum(block(0, 0)), sum(block(0, 1))] },
          {
            name: 'dBias was summed over the batch only: [M, H\', W\'], one value per position',
            fix: 'The bias is one number per output channel, added at every position: sum over N, H\' and W\'.',
            output: { shape: [2, 2, 2], data: [0, 1, 2, 3].map((k) => block(0, 0)[k] + block(1, 0)[k]).concat([0, 1, 2, 3].map((k) => block(0, 1)[k] + block(1, 1)[k])) },
          },
          { name: 'dBias is the MEAN of dy, not the sum', fix: 'Gradients of a shared parameter add up; the 1/N of the loss is already inside dy.', output: [110 / 8, 8 / 8] },
        ],
      });
    });

    it('dWeight adds up over the whole batch, and over every window position', () => {
      const dy = tensor([2, 1, 2, 2], [1, 1, 1, 1, 2, 0, 0, 1]);
      const x = tensor([2, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
      // image 0: [[12, 16], [24, 28]]; image 1: 2·[[1, 0], [0, 1]] + 1·[[1, 0], [0, 1]] = [[3, 0], [0, 3]]
      expect(conv2dBackwardWeight(dy, x, [1, 1, 2, 2]).dWeight).toBeCloseToTensor(as4d([[15, 16], [24, 31]]), {
        ...EXACT,
        mistakes: [{ name: 'dWeight holds the first image\'s gradient only', fix: 'Sum over n as well as over the output positions.', output: as4d([[12, 16], [24, 28]]) }],
      });
    });

    it('several input channels and kernels: dx sums over the M kernels, dWeight keeps each [m][c] slice apart', () => {
      const x = tensor([1, 2, 2, 2], [1, 2, 3, 4, -1, 0, 2, 1]);
      const w = tensor([2, 2, 1, 1], [1, 2, -1, 3]); // 1x1 kernels: w[m][c]
      const dy = tensor([1, 2, 2, 2], [1, 0, 2, 1, 0.5, 1, 0, -1]);
      const g = conv2dBackward(dy, x, w);
      // dx[c] = sum over m of w[m][c] · dy[m]
      expect(g.dx, 'dx').toBeCloseToTensor({ shape: [1, 2, 2, 2], data: [0.5, -1, 2, 2, 3.5, 3, 4, -1] }, EXACT);
      // dWeight[m][c] = sum of dy[m] · x[c]
      expect(g.dWeight, 'dWeight').toBeCloseToTensor({ shape: [2, 2, 1, 1], data: [11, 4, -1.5, -1.5] }, EXACT);
    });

    it('leaves its arguments unchanged, and a second call leaves the first results alone', () => {
      expectFresh(conv2dBackward, { dy: image(B.dy), x: image(B.x), weight: image(B.weight), options: { padding: 1, stride: 2 } });
      expectFresh(conv2dBackwardInput, { dy: image(B.dy), weight: image(B.weight), inputShape: [1, 1, 4, 4], options: { padding: 1, stride: 2 } });
      expectFresh(conv2dBackwardWeight, { dy: image(A.dy), x: image(A.x), weightShape: [1, 1, 2, 2], options: {} });
      const [dy, x, w] = [image(B.dy), image(B.x), image(B.weight)];
      const options = { ...bOptions };
      const first = conv2dBackward(dy, x, w, options);
      const before = { dx: snap(first.dx), dWeight: snap(first.dWeight) };
      expect(dy, 'dy was modified').toBeCloseToTensor(as4d(B.dy), EXACT);
      expect(x, 'x was modified').toBeCloseToTensor(as4d(B.x), EXACT);
      expect(w, 'weight was modified').toBeCloseToTensor(as4d(B.weight), EXACT);
      expect(options, 'options were modified').toEqual(bOptions);
      conv2dBackward(image([[9, 9], [9, 9]]), image(B.x), image(B.weight), bOptions);
      expect(first.dx, 'the first call\'s dx changed when conv2dBackward was called again').toBeCloseToTensor(before.dx, EXACT);
      expect(first.dWeight, 'the first call\'s dWeight changed').toBeCloseToTensor(before.dWeight, EXACT);
    });

    it('float64 in gives float64 out, for all three gradients', () => {
      const g = conv2dBackward(t64([1, 1, 2, 2], A.dy.flat()), t64([1, 1, 3, 3], A.x.flat()), t64([1, 1, 2, 2], A.weight.flat()));
      for (const [name, t] of Object.entries(g)) expect(t.data, name).toBeInstanceOf(Float64Array);
    });
  });

  describe('bad input gets a clear error', () => {
    it("channel counts that differ are a RangeError in PyTorch's words", () => {
      expectError(() => conv2dBackward(tensor([64, 20, 8, 8]), tensor([64, 3, 12, 12]), tensor([20, 10, 5, 5])), RangeError, [
        /^conv2dBackward:/,
        /weight of size \[20, 10, 5, 5\], expected input\[64, 3, 12, 12\] to have 10 channels, but got 3 channels instead/,
      ]);
    });

    it("a dy that is not the conv's output shape is a RangeError naming dy and both shapes", () => {
      expectError(() => conv2dBackward(tensor([1, 1, 3, 3]), image(B.x), image(B.weight), bOptions), RangeError, [/^conv2dBackward:/, /dy/, /\[1, 1, 2, 2\]/, /\[1, 1, 3, 3\]/]);
      expectError(() => conv2dBackwardInput(tensor([1, 1, 3, 3]), image(B.weight), [1, 1, 4, 4], bOptions), RangeError, [/^conv2dBackwardInput:/, /dy/, /\[1, 1, 2, 2\]/]);
    });

    it('a bad stride or padding, or a kernel larger than the padded input, is a RangeError naming it', () => {
      expectError(() => conv2dBackward(image(A.dy), image(A.x), image(A.weight), { stride: 0 }), RangeError, [/^conv2dBackward:/, /stride/]);
      expectError(() => conv2dBackwardWeight(image(A.dy), image(A.x), [1, 1, 2, 2], { padding: -1 }), RangeError, [/^conv2dBackwardWeight:/, /padding/]);
      expectError(() => conv2dBackward(tensor([1, 1, 1, 1]), tensor([1, 1, 2, 2]), tensor([1, 1, 3, 3])), RangeError, [/^conv2dBackward:/, /3x3/, /2x2/]);
    });

    it('float32 and float64 tensors mixed, or a tensor that is not rank 4, are a TypeError', () => {
      expectError(() => conv2dBackward(t64([1, 1, 2, 2], A.dy.flat()) as unknown as Tensor, image(A.x), image(A.weight)), TypeError, [/^conv2dBackward:/, /Float64Array/, /Float32Array/]);
      expectError(() => conv2dBackward(image(A.dy), tensor([3, 3], A.x.flat()), image(A.weight)), TypeError, [/^conv2dBackward:/, /x/, /\[3, 3\]/]);
      expectError(() => conv2dBackwardInput(image(A.dy), image(A.weight), [3, 3] as unknown as number[]), TypeError, [/^conv2dBackwardInput:/, /inputShape/]);
    });
  });
});

// ---- maxPool2dBackward -----------------------------------------------------------------------

describe('14-backward-conv: maxPool2dBackward(dy, x, kernelSize, options)', () => {
  const P = POOL_BACKWARD_EXAMPLE;
  const X = () => image(P.x);
  const DY = () => image(P.dy);

  it("the lesson's example: each dy goes to its window's maximum, the first one on a tie", () => {
    expect(maxPool2dBackward(DY(), X(), 2)).toBeCloseToTensor(as4d(P.dx), EXACT);
  });

  it('gradient check in float64 on inputs without ties, with stride and -Infinity padding (rel_error <= 1e-7)', () => {
    checkProperty(poolCase(Float64Array), ({ x, dy, kernelSize: k, stride, padding }) => {
      const dx = maxPool2dBackward(copyOf(dy), copyOf(x), k, { stride, padding });
      expectGradient('dx', dx, numericalGradient(() => dot(dy.data, maxPool2d64(x, k, stride, padding)), x.data));
    });
  });

  it('matches tf.grad through tf.maxPool on random float32 inputs without ties (exact)', () => {
    checkProperty(poolCase(Float32Array), ({ x, dy, kernelSize: k, stride, padding }) => {
      expect(maxPool2dBackward(copyOf(dy), copyOf(x), k, { stride, padding })).toBeCloseToTensor(referenceMaxPool2dBackward(dy, x, k, stride, padding), EXACT);
    });
  });

  describe('plausible mistakes', () => {
    it('the whole gradient goes to the one maximum of the window, not spread over the window', () => {
      const [dy, x] = [DY(), X()];
      expect(maxPool2dBackward(dy, x, 2)).toBeCloseToTensor(as4d(P.dx), {
        ...EXACT,
        mistakes: [
          { name: 'the gradient was spread over the window (dy / k² to every cell, as for AVERAGE pooling)', fix: 'Only the maximum reached the output; the other cells had no effect on it, so their gradient is 0.', output: poolWrong(dy, x, 2, 2, 0, 'spread') },
          { name: 'every cell of the window got the whole dy', fix: 'Find the position of the window\'s maximum and give dy to that cell alone.', output: poolWrong(dy, x, 2, 2, 0, 'every cell') },
        ],
      });
    });

    it('on a tie, the whole gradient goes to the FIRST maximum (row by row), as PyTorch does: not to every tied cell, nor the last', () => {
      const [dy, x] = [DY(), X()];
      expect(maxPool2dBackward(dy, x, 2)).toBeCloseToTensor(as4d(P.dx), {
        ...EXACT,
        mistakes: [
          { name: 'every tied maximum got the whole dy: the gradient was counted two or four times', fix: 'Keep ONE position per window: replace it only when a value is strictly larger (v > best).', output: poolWrong(dy, x, 2, 2, 0, 'every tie') },
          { name: 'the LAST tied maximum got the gradient (v >= best)', fix: 'PyTorch keeps the first maximum in row-major order: compare with >, not >=.', output: poolWrong(dy, x, 2, 2, 0, 'last tie') },
        ],
      });
    });

    it("PyTorch's tie cases: [[5, 5], [5, 5]] gives [[1, 0], [0, 0]]; [[2, 2], [1, 2]] gives [[1, 0], [0, 0]]; a 3x3 window of ones gives 1 at [0][0] only", () => {
      expect(maxPool2dBackward(tensor([1, 1, 1, 1], [1]), image([[5, 5], [5, 5]]), 2)).toBeCloseToTensor(as4d([[1, 0], [0, 0]]), EXACT);
      expect(maxPool2dBackward(tensor([1, 1, 1, 1], [1]), image([[2, 2], [1, 2]]), 2)).toBeCloseToTensor(as4d([[1, 0], [0, 0]]), EXACT);
      expect(maxPool2dBackward(tensor([1, 1, 1, 1], [1]), image([[1, 1, 1], [1, 1, 1], [1, 1, 1]]), 3)).toBeCloseToTensor(as4d([[1, 0, 0], [0, 0, 0], [0, 0, 0]]), EXACT);
    });

    it('overlapping windows (kernel 2, stride 1): a cell that wins two windows gets both gradients added', () => {
      const x = image([
        [1, 4, 4],
        [4, 2, 4],
        [0, 4, 1],
      ]);
      const dy = tensor([1, 1, 2, 2], [1, 1, 1, 1]);
      expect(maxPool2dBackward(dy, x, 2, { stride: 1 })).toBeCloseToTensor(as4d([[0, 2, 0], [1, 0, 1], [0, 0, 0]]), {
        ...EXACT,
        mistakes: [{ name: 'a second window\'s gradient overwrote the first (= instead of +=)', fix: 'Accumulate: dx[at] += dy[i][j].', output: poolWrong(dy, x, 2, 1, 0, 'overwrite') }],
      });
    });

    it('padding is -Infinity and never wins, even over negative values (kernel 2, stride 2, padding 1)', () => {
      const dy = tensor([1, 1, 2, 2], [1, 2, 3, 4]);
      expect(maxPool2dBackward(dy, image([[-5, -6], [-7, -8]]), 2, { padding: 1 })).toBeCloseToTensor(as4d([[1, 2], [3, 4]]), EXACT);
    });

    it('a NaN wins its window and takes the gradient, as in PyTorch', () => {
      expect(maxPool2dBackward(tensor([1, 1, 1, 1], [1]), image([[1, NaN], [3, 2]]), 2)).toBeCloseToTensor(as4d([[0, 1], [0, 0]]), EXACT);
    });

    it('pools every channel of every image on its own ([2, 2, 2, 2], kernel 2)', () => {
      const x = tensor([2, 2, 2, 2], [1, 2, 3, 4, 8, 7, 6, 5, 0, 9, 0, 0, -1, -2, -3, -4]);
      const dy = tensor([2, 2, 1, 1], [10, 20, 30, 40]);
      expect(maxPool2dBackward(dy, x, 2)).toBeCloseToTensor({ shape: [2, 2, 2, 2], data: [0, 0, 0, 10, 20, 0, 0, 0, 0, 30, 0, 0, 40, 0, 0, 0] }, EXACT);
    });

    it('leaves its arguments unchanged, returns float64 for float64, and a second call leaves the first result alone', () => {
      expectFresh(maxPool2dBackward, { dy: DY(), x: X(), kernelSize: 2, options: {} });
      expectFresh(maxPool2dBackward, { dy: tensor([1, 1, 3, 3]), x: X(), kernelSize: 2, options: { stride: 1 } });
      const [dy, x] = [DY(), X()];
      const options = { stride: 2 };
      const first = maxPool2dBackward(dy, x, 2, options);
      const before = snap(first);
      expect(dy, 'dy was modified').toBeCloseToTensor(as4d(P.dy), EXACT);
      expect(x, 'x was modified').toBeCloseToTensor(as4d(P.x), EXACT);
      expect(options, 'options were modified').toEqual({ stride: 2 });
      maxPool2dBackward(image([[9, 9], [9, 9]]), X(), 2);
      expect(first, 'the first result changed when maxPool2dBackward was called again').toBeCloseToTensor(before, EXACT);
      expect(maxPool2dBackward(t64([1, 1, 2, 2], P.dy.flat()), t64([1, 1, 4, 4], P.x.flat()), 2).data).toBeInstanceOf(Float64Array);
    });
  });

  describe('bad input gets a clear error', () => {
    it('a dy that is not the pooled shape is a RangeError naming dy and both shapes', () => {
      expectError(() => maxPool2dBackward(tensor([1, 1, 4, 4]), X(), 2), RangeError, [/^maxPool2dBackward:/, /dy/, /\[1, 1, 2, 2\]/, /\[1, 1, 4, 4\]/]);
    });

    it('padding above kernelSize / 2, or a bad kernelSize or stride, is a RangeError naming it', () => {
      expectError(() => maxPool2dBackward(DY(), X(), 2, { padding: 2 }), RangeError, [/^maxPool2dBackward:/, /padding/, /half/]);
      expectError(() => maxPool2dBackward(DY(), X(), 0), RangeError, [/^maxPool2dBackward:/, /kernelSize/]);
      expectError(() => maxPool2dBackward(DY(), X(), 2, { stride: 1.5 }), RangeError, [/^maxPool2dBackward:/, /stride/]);
    });

    it('mixed float types, or a tensor that is not [N, C, H, W], are a TypeError', () => {
      expectError(() => maxPool2dBackward(t64([1, 1, 2, 2], P.dy.flat()) as unknown as Tensor, X(), 2), TypeError, [/^maxPool2dBackward:/, /Float64Array/, /Float32Array/]);
      expectError(() => maxPool2dBackward(DY(), tensor([4, 4], P.x.flat()), 2), TypeError, [/^maxPool2dBackward:/, /x/, /\[4, 4\]/]);
    });
  });
});
