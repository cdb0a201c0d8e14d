/**
 * Kata 13: backward of the head. Lesson: docs/13-backward-head.md
 *
 * Three kinds of check, each with its tolerance:
 * - the lesson's worked examples, EXACT (1e-9; the inputs are small dyadic fractions);
 * - gradient checks in float64: the kata's backward on Float64Array tensors against central finite
 *   differences of an independent float64 forward (lib/testing/gradcheck.ts), cs231n's
 *   rel_error <= 1e-7;
 * - tfjs's autodiff (tf.grads, tf.valueAndGrad) on random float32 inputs: 1e-4 relative, plus an
 *   absolute 1e-6 times the size of the largest sum involved (float32 rounds each sum to ~7 digits).
 *
 * PyTorch facts checked with torch 1.13 (Debian python3-torch):
 * - torch.relu(torch.tensor([-1., 0., 2.], requires_grad=True)).sum().backward() gives grad
 *   [0, 0, 1]: relu's gradient at exactly 0 is 0.
 * - F.cross_entropy(torch.tensor([[1., 2, 3], [1000, 0, -1000]]), torch.tensor([2, 1])) is
 *   500.2038 (float32 and float64 alike) with the gradient in CROSS_ENTROPY_EXAMPLE: finite, the
 *   mean over the batch.
 */
import { describe, expect, it } from 'vitest';
import { crossEntropy, crossEntropyBackward, linearBackward, reluBackward } from '@kata/13-backward-head';
import { referenceCrossEntropy, referenceLinearBackward, referenceReluBackward } from '../lib/reference/backward';
import { tensor, type FloatArray, type FloatTensor, type Tensor } from '../lib/tensor';
import { EXACT, FLOAT32 } from '../lib/testing/compare';
import { CROSS_ENTROPY_EXAMPLE, LINEAR_BACKWARD_EXAMPLE, RELU_BACKWARD_EXAMPLE } from '../lib/testing/examples';
import {
  expectGradient,
  float32Sum,
  maxAbs,
  copyOf,
  crossEntropy64,
  dot,
  floatTensor,
  linear64,
  numericalGradient,
  relu64,
  GRADCHECK_SCALES,
  tensorFrom,
} from '../lib/testing/gradcheck';
import { expectFresh } from '../lib/testing/fresh';
import { expectError, expectNoMistake } from '../lib/testing/matchers';
import { checkProperty, fc } from '../lib/testing/property';

type T64 = FloatTensor<Float64Array>;
const t64 = (shape: number[], data: ArrayLike<number>): T64 => ({ shape, data: Float64Array.from(data) });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const flat = (m: number[][]) => m.flat();
/** A copy of a result as it is now, to check that a later call leaves it alone (not whether it was right). */
const snap = (t: Tensor) => ({ shape: [...t.shape], data: Array.from(t.data) });

// ---- wrong implementations, to name what a wrong answer looks like ---------------------------

/** dW computed as xᵀ · dy: [in, out], the transpose of the right [out, in]. */
function dWeightTransposed(dy: number[][], x: number[][]): number[][] {
  return range(x[0].length).map((i) => range(dy[0].length).map((o) => x.reduce((s, row, n) => s + row[i] * dy[n][o], 0)));
}
/** Softmax of each row, from the given (possibly unstabilised) exp. */
const softmaxRows = (z: number[][], stable: boolean) =>
  z.map((row) => {
    const m = stable ? Math.max(...row) : 0;
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
const ceGrad = (z: number[][], t: number[], { stable = true, divide = true, sign = 1 } = {}) =>
  softmaxRows(z, stable).map((p, n) => p.map((v, k) => (sign * (v - (k === t[n] ? 1 : 0))) / (divide ? z.length : 1)));

// ---- linearBackward ----------------------------------------------------------------------------

describe('13-backward-head: linearBackward(dy, x, weight)', () => {
  const E = LINEAR_BACKWARD_EXAMPLE;
  const X = () => tensor([2, 3], flat(E.x));
  const W = () => tensor([2, 3], flat(E.weight));
  const DY = () => tensor([2, 2], flat(E.dy));

  describe('worked examples', () => {
    it("the lesson's example: dx = dy·W, dWeight = dyᵀ·x, dBias = dy summed over the batch", () => {
      const g = linearBackward(DY(), X(), W());
      expect(g.dx, 'dx').toBeCloseToTensor(E.dx, EXACT);
      expect(g.dWeight, 'dWeight').toBeCloseToTensor(E.dWeight, EXACT);
      expect(g.dBias, 'dBias').toBeCloseToTensor(E.dBias, EXACT);
    });

    it('the same example in float64 gives the same numbers, as Float64Array data', () => {
      const g = linearBackward(t64([2, 2], flat(E.dy)), t64([2, 3], flat(E.x)), t64([2, 3], flat(E.weight)));
      for (const [name, t] of Object.entries(g)) expect(t.data, `${name} should be a Float64Array`).toBeInstanceOf(Float64Array);
      expect(g.dx).toBeCloseToTensor(E.dx, EXACT);
      expect(g.dWeight).toBeCloseToTensor(E.dWeight, EXACT);
      expect(g.dBias).toBeCloseToTensor(E.dBias, EXACT);
    });
  });

  it('gradient check in float64: dx, dWeight and dBias agree with central differences of a float64 Linear (rel_error <= 1e-7)', () => {
    const cases = fc
      .record({ n: fc.integer({ min: 1, max: 4 }), inF: fc.integer({ min: 1, max: 6 }), out: fc.integer({ min: 1, max: 5 }) })
      .chain(({ n, inF, out }) => {
        // values up to 255: every sum of products stays exact in float64, so the differences are
        // exact too; hundreds and thousands are in the float32 test against tfjs below
        const t = (shape: number[]) => floatTensor(shape, Float64Array, { scales: GRADCHECK_SCALES });
        return fc.record({ dy: t([n, out]), x: t([n, inF]), weight: t([out, inF]), bias: t([out]) });
      });
    checkProperty(
      cases,
      ({ x, weight: w, bias: b, dy }) => {
        const g = linearBackward(copyOf(dy), copyOf(x), copyOf(w));
        const loss = () => dot(dy.data, linear64(x, w, b));
        expectGradient('dx', g.dx, numericalGradient(loss, x.data));
        expectGradient('dWeight', g.dWeight, numericalGradient(loss, w.data));
        expectGradient('dBias', g.dBias, numericalGradient(loss, b.data));
      },
      30,
    );
  });

  it('matches tf.grads of tf.matMul(x, weight, false, true) + bias on random float32 inputs (tolerance 1e-4 rel + 1e-6 of the largest sum)', () => {
    const cases = fc
      .record({ n: fc.integer({ min: 1, max: 5 }), inF: fc.integer({ min: 1, max: 8 }), out: fc.integer({ min: 1, max: 6 }) })
      .chain(({ n, inF, out }) => {
        const t = (shape: number[]) => floatTensor(shape, Float32Array);
        return fc.record({ dy: t([n, out]), x: t([n, inF]), weight: t([out, inF]), bias: t([out]) });
      });
    checkProperty(cases, ({ x, weight: w, bias: b, dy }) => {
      const want = referenceLinearBackward(dy, x, w, b);
      const got = linearBackward(copyOf(dy), copyOf(x), copyOf(w));
      const [n, inF] = x.shape;
      const out = w.shape[0];
      expect(got.dx, 'dx').toBeCloseToTensor(want.dx, float32Sum(out * maxAbs(dy) * maxAbs(w)));
      expect(got.dWeight, 'dWeight').toBeCloseToTensor(want.dWeight, float32Sum(n * maxAbs(dy) * maxAbs(x)));
      expect(got.dBias, 'dBias').toBeCloseToTensor(want.dBias, float32Sum(n * maxAbs(dy)));
      expect(inF).toBe(got.dx.shape[1]);
    });
  });

  describe('plausible mistakes', () => {
    it('dWeight has the weight\'s shape [out, in] (dyᵀ·x), not [in, out] (xᵀ·dy)', () => {
      expect(linearBackward(DY(), X(), W()).dWeight).toBeCloseToTensor(E.dWeight, {
        ...EXACT,
        mistakes: [
          {
            name: 'the weight gradient is transposed: xᵀ·dy gives [in, out] = [3, 2]',
            fix: 'The gradient of a parameter has the parameter\'s shape: dWeight[o][i] = sum over n of dy[n][o] * x[n][i], stored at o * in + i.',
            output: dWeightTransposed(E.dy, E.x),
          },
        ],
      });
    });

    it('dWeight is not transposed when in = out either (a square layer, where both shapes agree)', () => {
      const x = [
        [1, 2],
        [3, -1],
        [0.5, 4],
      ];
      const dy = [
        [2, -1],
        [1, 0.5],
        [-3, 1],
      ];
      const w = [
        [1, 0],
        [2, -1],
      ];
      const want = [
        [3.5, -9],
        [1, 1.5],
      ]; // dyᵀ·x
      expect(linearBackward(tensor([3, 2], flat(dy)), tensor([3, 2], flat(x)), tensor([2, 2], flat(w))).dWeight).toBeCloseToTensor(want, {
        ...EXACT,
        mistakes: [
          {
            name: 'the weight gradient is transposed (xᵀ·dy): with in = out the shape looks right, but dWeight[o][i] holds the value of dWeight[i][o]',
            fix: 'dWeight[o][i] = sum over n of dy[n][o] * x[n][i]: row o belongs to output feature o, as in the weight.',
            output: dWeightTransposed(dy, x),
          },
        ],
      });
    });

    it('dBias sums dy over the batch (every sample used the same bias)', () => {
      expect(linearBackward(DY(), X(), W()).dBias).toBeCloseToTensor(E.dBias, {
        ...EXACT,
        mistakes: [
          { name: 'dBias is the first sample\'s dy only (not summed over the batch)', fix: 'dBias[o] = sum over n of dy[n][o].', output: E.dy[0] },
          { name: 'dBias is the last sample\'s dy only (overwritten in the loop instead of added up)', fix: 'Accumulate: dBias[o] += dy[n][o] for every n.', output: E.dy[1] },
          {
            name: 'dBias is the MEAN of dy over the batch, not the sum',
            fix: 'The 1/N of a mean loss is already inside dy (the loss\'s backward divides by N); the layer only sums.',
            output: E.dBias.map((v) => v / 2),
          },
        ],
      });
    });

    it('dx is dy·W ([N, in]), the gradient that flows to the layer before', () => {
      expect(linearBackward(DY(), X(), W()).dx).toBeCloseToTensor(E.dx, {
        ...EXACT,
        mistakes: [
          {
            name: 'dx was left at zero (only the parameter gradients were computed)',
            fix: 'dx[n][i] = sum over o of dy[n][o] * weight[o][i]: without it no gradient reaches the earlier layers.',
            output: [
              [0, 0, 0],
              [0, 0, 0],
            ],
          },
        ],
      });
    });

    it('a batch of one sample, and a layer with one output, work like any other', () => {
      const g = linearBackward(tensor([1, 1], [2]), tensor([1, 3], [1, -2, 0.5]), tensor([1, 3], [3, 1, -1]));
      expect(g.dx).toBeCloseToTensor([[6, 2, -2]], EXACT);
      expect(g.dWeight).toBeCloseToTensor([[2, -4, 1]], EXACT);
      expect(g.dBias).toBeCloseToTensor([2], EXACT);
    });

    it('leaves its arguments unchanged, and a second call leaves the first results alone', () => {
      expectFresh(linearBackward, { dy: DY(), x: X(), weight: W() });
      const [dy, x, w] = [DY(), X(), W()];
      const first = linearBackward(dy, x, w);
      const before = { dx: snap(first.dx), dWeight: snap(first.dWeight), dBias: snap(first.dBias) };
      expect(dy, 'dy was modified').toBeCloseToTensor(E.dy, EXACT);
      expect(x, 'x was modified').toBeCloseToTensor(E.x, EXACT);
      expect(w, 'weight was modified').toBeCloseToTensor(E.weight, EXACT);
      linearBackward(tensor([2, 2], [9, 9, 9, 9]), X(), W());
      expect(first.dx, 'the first call\'s dx changed when linearBackward was called again').toBeCloseToTensor(before.dx, EXACT);
      expect(first.dWeight, 'the first call\'s dWeight changed').toBeCloseToTensor(before.dWeight, EXACT);
      expect(first.dBias, 'the first call\'s dBias changed').toBeCloseToTensor(before.dBias, EXACT);
    });
  });

  describe('bad input gets a clear error', () => {
    it('x and weight whose in sizes disagree are a RangeError giving both shapes', () => {
      expectError(() => linearBackward(tensor([2, 10]), tensor([2, 320]), tensor([10, 300])), RangeError, [/^linearBackward:/, /\[2, 320\]/, /\[10, 300\]/]);
    });

    it('a dy that is not [N, out] is a RangeError naming dy, the shape expected and the one received', () => {
      expectError(() => linearBackward(tensor([2, 3]), X(), W()), RangeError, [/^linearBackward:/, /dy/, /\[2, 2\]/, /\[2, 3\]/]);
      expectError(() => linearBackward(tensor([3, 2]), X(), W()), RangeError, [/^linearBackward:/, /dy/, /\[3, 2\]/]);
    });

    it('float32 and float64 tensors mixed in one call are a TypeError naming both types', () => {
      expectError(() => linearBackward(t64([2, 2], flat(E.dy)) as unknown as Tensor, X(), W()), TypeError, [/^linearBackward:/, /Float64Array/, /Float32Array/]);
    });

    it('a nested array instead of a Tensor, or a rank-4 x, is a TypeError', () => {
      expectError(() => linearBackward(DY(), E.x as unknown as Tensor, W()), TypeError, [/^linearBackward:/, /x/, /Tensor/]);
      expectError(() => linearBackward(DY(), tensor([2, 3, 1, 1]), W()), TypeError, [/^linearBackward:/, /x/, /\[2, 3, 1, 1\]/]);
    });
  });
});

// ---- reluBackward ------------------------------------------------------------------------------

describe('13-backward-head: reluBackward(dy, x)', () => {
  const E = RELU_BACKWARD_EXAMPLE;
  const X = () => tensor([5], E.x);
  const DY = () => tensor([5], E.dy);

  it("the lesson's example: dy passes where x > 0 and stops where x <= 0", () => {
    expect(reluBackward(DY(), X())).toBeCloseToTensor(E.dx, EXACT);
  });

  it('gradient check in float64 on tensors of rank 1 to 4, away from the kink at 0 (rel_error <= 1e-7)', () => {
    // x without zeros (the smallest |x| is then 1/8): the central difference at the kink gives 1/2,
    // the average of the two slopes, so x = 0 has its own test with PyTorch's answer.
    const cases = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
      .chain((shape) =>
        fc.record({ x: floatTensor(shape, Float64Array, { scales: GRADCHECK_SCALES, zeros: false }), dy: floatTensor(shape, Float64Array, { scales: GRADCHECK_SCALES }) }),
      );
    checkProperty(cases, ({ x, dy }) => {
      const dx = reluBackward(copyOf(dy), copyOf(x));
      expectGradient('dx', dx, numericalGradient(() => dot(dy.data, relu64(x)), x.data));
    });
  });

  it('matches tf.grad(tf.relu) on random float32 tensors, zeros included (exact)', () => {
    const cases = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
      .chain((shape) => fc.record({ x: floatTensor(shape, Float32Array), dy: floatTensor(shape, Float32Array) }));
    checkProperty(cases, ({ x, dy }) => expect(reluBackward(copyOf(dy), copyOf(x))).toBeCloseToTensor(referenceReluBackward(dy, x), EXACT));
  });

  describe('plausible mistakes', () => {
    it('the gradient at exactly x = 0 is 0, as PyTorch gives (checked with torch 1.13)', () => {
      expect(reluBackward(DY(), X())).toBeCloseToTensor(E.dx, {
        ...EXACT,
        mistakes: [
          {
            name: 'the gradient passed at x = 0 (x >= 0 instead of x > 0)',
            fix: 'relu is flat for x <= 0; at the kink PyTorch (and tfjs) choose the slope 0. Test x > 0.',
            output: E.x.map((v, i) => (v >= 0 ? E.dy[i] : 0)),
          },
        ],
      });
    });

    it('the mask comes from the forward input x, not from the sign of dy', () => {
      expect(reluBackward(DY(), X())).toBeCloseToTensor(E.dx, {
        ...EXACT,
        mistakes: [
          { name: 'the gradient was masked by dy > 0 (relu applied to dy)', fix: 'Whether the gradient passes depends on what relu SAW: x[i] > 0.', output: E.dy.map((g) => (g > 0 ? g : 0)) },
          { name: 'relu was applied to dy after masking by x (negative gradients dropped)', fix: 'A gradient may be negative: dx[i] = dy[i] where x[i] > 0, whatever its sign.', output: E.x.map((v, i) => (v > 0 ? Math.max(0, E.dy[i]) : 0)) },
          { name: 'the result is relu(x), the forward output, not a gradient', fix: 'Multiply: dx[i] = dy[i] * (x[i] > 0 ? 1 : 0).', output: E.x.map((v) => Math.max(0, v)) },
        ],
      });
    });

    it('keeps any shape: [2, 1, 2, 2] in, [2, 1, 2, 2] out', () => {
      const x = tensor([2, 1, 2, 2], [1, -1, 0, 2, -3, 3, 0, 4]);
      const dy = tensor([2, 1, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
      expect(reluBackward(dy, x)).toBeCloseToTensor({ shape: [2, 1, 2, 2], data: [1, 0, 0, 4, 0, 6, 0, 8] }, EXACT);
    });

    it('leaves its arguments unchanged and returns a new tensor each call (not dy itself, not a buffer kept between calls)', () => {
      expectFresh(reluBackward, { dy: DY(), x: X() });
      const [dy, x] = [DY(), X()];
      const dx = reluBackward(dy, x);
      expect(dy, 'dy was modified (the mask was written into it)').toBeCloseToTensor(E.dy, EXACT);
      expect(x, 'x was modified').toBeCloseToTensor(E.x, EXACT);
      expect(dx.data, 'reluBackward returned dy\'s own data array').not.toBe(dy.data);
    });
  });

  describe('bad input gets a clear error', () => {
    it('a dy whose shape is not x\'s is a RangeError giving both', () => {
      expectError(() => reluBackward(tensor([2, 3]), tensor([3, 2])), RangeError, [/^reluBackward:/, /\[3, 2\]/, /\[2, 3\]/]);
    });

    it('a nested array instead of a Tensor is a TypeError', () => {
      expectError(() => reluBackward(DY(), E.x as unknown as Tensor), TypeError, [/^reluBackward:/, /Tensor/]);
    });
  });
});

// ---- crossEntropy and crossEntropyBackward --------------------------------------------------------

describe('13-backward-head: crossEntropy(logits, targets) and crossEntropyBackward(logits, targets)', () => {
  const E = CROSS_ENTROPY_EXAMPLE;
  const Z = () => tensor([2, 3], flat(E.logits));

  describe('worked examples', () => {
    it(`the lesson's example: logits [[1, 2, 3], [1000, 0, -1000]], targets [2, 1] give loss ${E.loss.toFixed(4)} (tolerance 1e-4)`, () => {
      expect(crossEntropy(Z(), E.targets)).toBeCloseTo(E.loss, 3);
    });

    it('and the gradient (softmax - onehot) / 2: [[0.0450, 0.1224, -0.1674], [0.5, -0.5, 0]] (tolerance 1e-4)', () => {
      expect(crossEntropyBackward(Z(), E.targets)).toBeCloseToTensor(E.dLogits, FLOAT32);
    });

    it('equal logits: the loss is log K and the gradient (1/K - onehot) / N', () => {
      const z = tensor([2, 4], new Array(8).fill(0));
      expect(crossEntropy(z, [0, 3])).toBeCloseTo(Math.log(4), 6);
      expect(crossEntropyBackward(z, [0, 3])).toBeCloseToTensor(
        [
          [-0.375, 0.125, 0.125, 0.125],
          [0.125, 0.125, 0.125, -0.375],
        ],
        EXACT,
      );
    });
  });

  // Logits k/4 in [-4, 4] for the finite differences: much wider logits make some probabilities so
  // small that the float64 rounding of the loss (1e-16 of it) swamps their gradients in the
  // difference. Measured: with h = 2^-8 the worst rel_error of the exact gradient over 3000 such
  // cases was 4e-9.
  const logitCase = <D extends FloatArray>(logits: (shape: number[]) => fc.Arbitrary<FloatTensor<D>>) =>
    fc
      .record({ n: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 1, max: 10 }) })
      .chain(({ n, k }) => fc.record({ logits: logits([n, k]), targets: fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n, maxLength: n }) }));

  it('gradient check in float64: crossEntropyBackward agrees with central differences of a float64 cross-entropy (rel_error <= 1e-7)', () => {
    const small = fc.integer({ min: -16, max: 16 }).map((k) => k / 4);
    checkProperty(logitCase((shape) => tensorFrom(shape, Float64Array, small)), ({ logits: z, targets: t }) => {
      const g = crossEntropyBackward(copyOf(z), [...t]);
      expectGradient('dlogits', g, numericalGradient(() => crossEntropy64(z, t), z.data, 2 ** -8));
      expect(crossEntropy(copyOf(z), [...t]), 'the loss').toBeCloseTo(crossEntropy64(z, t), 12);
    });
  });

  it('matches tf.valueAndGrad of -mean(sum(onehot * tf.logSoftmax(logits))) on random float32 logits up to 8160 (tolerance 1e-4)', () => {
    checkProperty(logitCase((shape) => floatTensor(shape, Float32Array)), ({ logits: z, targets: t }) => {
      const want = referenceCrossEntropy(z, t);
      const loss = crossEntropy(copyOf(z), [...t]);
      expect(Math.abs(loss - want.loss), `the loss: expected ${want.loss}, received ${loss}`).toBeLessThanOrEqual(FLOAT32.atol + FLOAT32.rtol * Math.abs(want.loss));
      expect(crossEntropyBackward(copyOf(z), [...t])).toBeCloseToTensor(want.dLogits, FLOAT32);
    });
  });

  describe('plausible mistakes', () => {
    it('the loss is the MEAN over the batch, and so its gradient is divided by N', () => {
      const [z, t] = [Z(), E.targets];
      expectNoMistake(crossEntropyBackward(z, t), [
        {
          name: 'the gradient was not divided by N: softmax - onehot is the gradient of the SUM of the losses',
          fix: 'CrossEntropyLoss averages over the batch, so every entry of the gradient carries a factor 1/N.',
          output: ceGrad(E.logits, t, { divide: false }),
        },
      ]);
      const loss = crossEntropy(z, t);
      expect(Math.abs(loss - 2 * E.loss) < 1e-3, `the loss is ${loss}, the sum over the batch (not divided by N = 2); the mean is ${E.loss.toFixed(4)}`).toBe(false);
    });

    it('logits of 1000 give a finite loss and gradient: the softmax subtracts the row maximum first', () => {
      const z = Z();
      const loss = crossEntropy(z, E.targets);
      expect(Number.isFinite(loss), `the loss is ${loss}: exp(1000) overflowed (subtract the row maximum m: log(sum exp(x)) = m + log(sum exp(x - m)))`).toBe(true);
      const g = crossEntropyBackward(z, E.targets);
      const bad = Array.from(g.data).findIndex((v) => !Number.isFinite(v));
      expect(
        bad,
        `the gradient has ${g.data[bad]} at flat index ${bad}: the softmax was not stabilised (exp(1000) is Infinity, and Infinity / Infinity is NaN). ` +
          'With m = the row\'s maximum, softmax(x)[k] = exp(x[k] - m) / sum over j of exp(x[j] - m): the same value, and every exp is at most 1.',
      ).toBe(-1);
    });

    it('the gradient is softmax MINUS onehot (it pushes the right class up), not the other way round, and not the softmax alone', () => {
      expectNoMistake(crossEntropyBackward(Z(), E.targets), [
        { name: 'the sign is flipped: (onehot - softmax) / N is the gradient of -loss', fix: 'd loss / d logits[k] = (softmax[k] - [k is the target]) / N.', output: ceGrad(E.logits, E.targets, { sign: -1 }) },
        {
          name: 'the onehot was never subtracted: softmax / N',
          fix: 'The target\'s own logit appears in the loss as -logits[target]: subtract 1 at the target.',
          output: softmaxRows(E.logits, true).map((p) => p.map((v) => v / 2)),
        },
      ]);
    });

    it('each row of the gradient sums to 0 (softmax sums to 1, onehot sums to 1)', () => {
      const z = tensor([3, 4], [0.5, -1, 2, 0, 3, 3, 3, 3, -2, 0, 0, 1]);
      const g = crossEntropyBackward(z, [2, 0, 3]);
      for (let r = 0; r < 3; r++) {
        const sum = g.data.subarray(r * 4, r * 4 + 4).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum), `row ${r} of the gradient sums to ${sum}`).toBeLessThan(1e-6);
      }
    });

    it('leaves its arguments unchanged (targets included), and gives a new gradient each call', () => {
      expectFresh(crossEntropyBackward, { logits: Z(), targets: [...E.targets] });
      expectFresh(crossEntropy, { logits: Z(), targets: [...E.targets] });
      const [z, t] = [Z(), [...E.targets]];
      crossEntropy(z, t);
      const first = crossEntropyBackward(z, t);
      const before = snap(first);
      expect(z, 'logits were modified').toBeCloseToTensor(E.logits, EXACT);
      expect(t, 'targets were modified').toEqual(E.targets);
      crossEntropyBackward(tensor([2, 3], [0, 0, 0, 0, 0, 0]), [0, 0]);
      expect(first, 'the first gradient changed when crossEntropyBackward was called again').toBeCloseToTensor(before, EXACT);
    });

    it('float64 logits give a Float64Array gradient', () => {
      expect(crossEntropyBackward(t64([2, 3], flat(E.logits)), E.targets).data).toBeInstanceOf(Float64Array);
    });
  });

  describe('bad input gets a clear error', () => {
    it('a target outside 0..K-1 is a RangeError worded as PyTorch words it: Target 10 is out of bounds', () => {
      const z = tensor([2, 10]);
      expectError(() => crossEntropy(z, [3, 10]), RangeError, [/^crossEntropy:/, /Target 10 is out of bounds/, /0\.\.9/]);
      expectError(() => crossEntropyBackward(z, [-1, 0]), RangeError, [/^crossEntropyBackward:/, /Target -1 is out of bounds/]);
      expectError(() => crossEntropy(z, [0.5, 1]), RangeError, [/^crossEntropy:/, /Target 0\.5/, /whole number/]);
    });

    it('not one target per sample is a RangeError giving both counts', () => {
      expectError(() => crossEntropy(tensor([3, 10]), [1, 2]), RangeError, [/^crossEntropy:/, /3 targets/, /got 2/]);
      expectError(() => crossEntropyBackward(tensor([3, 10]), [1, 2, 3, 4]), RangeError, [/^crossEntropyBackward:/, /3 targets/, /got 4/]);
    });

    it('an empty batch has no mean loss: RangeError', () => {
      expectError(() => crossEntropy(tensor([0, 10]), []), RangeError, [/^crossEntropy:/, /empty/]);
    });

    it('logits that are not [N, K] are a TypeError giving the shape', () => {
      expectError(() => crossEntropy(tensor([10], range(10)), [3]), TypeError, [/^crossEntropy:/, /\[N, K\]/, /\[10\]/]);
      expectError(() => crossEntropyBackward(E.logits as unknown as Tensor, E.targets), TypeError, [/^crossEntropyBackward:/, /Tensor/]);
    });
  });
});

// ---- the head together --------------------------------------------------------------------------

describe('13-backward-head: the chain rule through the head', () => {
  it('linear -> relu -> linear -> cross-entropy: chaining the four backward functions gives every gradient (float64, rel_error <= 1e-7)', () => {
    const v = fc.integer({ min: -8, max: 8 }).map((k) => k / 8);
    const cases = fc.record({
      x: tensorFrom([3, 4], Float64Array, v),
      w1: tensorFrom([5, 4], Float64Array, v),
      // odd multiples of 1/128: every hidden unit is then at least 1/128 away from relu's kink,
      // further than any finite-difference step can move it
      b1: tensorFrom([5], Float64Array, fc.integer({ min: -64, max: 63 }).map((k) => (2 * k + 1) / 128)),
      w2: tensorFrom([3, 5], Float64Array, v),
      b2: tensorFrom([3], Float64Array, v),
      t: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
    });
    checkProperty(
      cases,
      ({ x, w1, b1, w2, b2, t }) => {
        const h = t64([3, 5], linear64(x, w1, b1));
        const a = t64([3, 5], relu64(h));
        const z = t64([3, 3], linear64(a, w2, b2));
        const dz = crossEntropyBackward(z, t);
        const g2 = linearBackward(dz, a, w2);
        const dh = reluBackward(g2.dx, h);
        const g1 = linearBackward(dh, x, w1);
        const loss = () => crossEntropy64(t64([3, 3], linear64(t64([3, 5], relu64(t64([3, 5], linear64(x, w1, b1)))), w2, b2)), t);
        expectGradient('dx', g1.dx, numericalGradient(loss, x.data));
        expectGradient('dWeight of the first layer', g1.dWeight, numericalGradient(loss, w1.data));
        expectGradient('dBias of the first layer', g1.dBias, numericalGradient(loss, b1.data));
        expectGradient('dWeight of the second layer', g2.dWeight, numericalGradient(loss, w2.data));
      },
      20,
    );
  });
});
