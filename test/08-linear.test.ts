/**
 * Kata 08: linear layer and activations. Lesson: docs/08-linear.md
 * Tolerances: EXACT (1e-9) for the lesson's examples (small integers and dyadic fractions, exact in
 * float32); FLOAT32 (1e-4 abs + 1e-4 rel) against tfjs (tf.matMul, tf.relu, tf.reshape,
 * tf.logSoftmax, tf.argMax) and for values that involve exp and log.
 */
import { describe, expect, it } from 'vitest';
import { argmax, flatten, linear, logSoftmax, relu } from '@kata/08-linear';
import {
  referenceArgmax,
  referenceFlatten,
  referenceLinear,
  referenceLogSoftmax,
  referenceNhwc,
  referenceRelu,
  referenceSoftmax,
} from '../lib/reference/linear';
import { LINEAR_EXAMPLE } from '../lib/testing/examples';
import { tensor, type Tensor } from '../lib/tensor';
import { EXACT, FLOAT32 } from '../lib/testing/compare';
import { expectFresh } from '../lib/testing/fresh';
import { expectError } from '../lib/testing/matchers';
import { DEFAULT_SCALES, checkProperty, fc, scalesFor, values as valuesOf, type Scale } from '../lib/testing/property';

// ---- the lesson's numbers -------------------------------------------------------------------

const { x: X_, weight: W_, bias: B_, y: Y, noBias: NO_BIAS } = LINEAR_EXAMPLE;
/** x [2, 3]: two samples of three features. */
const X = () => tensor([2, 3], X_.flat());
/** weight [out = 2, in = 3], PyTorch's layout: one row per output feature. */
const W = () => tensor([2, 3], W_.flat());
/** bias [2]. */
const B = () => tensor([2], B_);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const asNested = (t: Tensor, rows: number, cols: number) => range(rows).map((r) => Array.from(t.data.subarray(r * cols, r * cols + cols)));

// ---- random tensors -------------------------------------------------------------------------

/**
 * The scale of a case's values (lib/testing/property's `values`): fractions, whole numbers,
 * hundreds, thousands (sums of their products stay exact in float32), 1 case in 8 non-dyadic
 * decimals; negatives, zeros and ties in each. `huge` (up to ±4.3e9) where nothing is summed.
 */
const values: fc.Arbitrary<Scale> = scalesFor(1).map(([scale]) => scale);
const valuesOrHuge: fc.Arbitrary<Scale> = scalesFor(1, [...DEFAULT_SCALES, 'huge']).map(([scale]) => scale);
const tensorOf = (shape: number[], kind: Scale) => valuesOf(shape.reduce((a, b) => a * b, 1), { scales: kind }).map((d) => tensor(shape, d));
/** Values in (-1, 1) with 4 decimals, as the weights and activations of a trained net are. */
const unitTensor = (shape: number[]) => tensorOf(shape, 'decimals').map((t) => tensor(t.shape, t.data.map((v) => v / 10)));

// ---- wrong implementations, small, to name what a wrong answer looks like ------------------

/** The weight read as if it were [in, out] (no transpose): y[n][o] = sum x[n][i] * weight.data[i * out + o]. */
function linearUntransposed(x: Tensor, w: Tensor, b: Tensor | null): number[][] {
  const [n, inF] = x.shape;
  const out = w.shape[0];
  return range(n).map((s) => range(out).map((o) => (b ? b.data[o] : 0) + range(inF).reduce((acc, i) => acc + x.data[s * inF + i] * w.data[i * out + o], 0)));
}
/** A bias function of (sample, feature) added to x W^T. */
function linearWithBias(x: Tensor, w: Tensor, bias: (s: number, o: number) => number): number[][] {
  const [n, inF] = x.shape;
  const out = w.shape[0];
  return range(n).map((s) => range(out).map((o) => bias(s, o) + range(inF).reduce((acc, i) => acc + x.data[s * inF + i] * w.data[o * inF + i], 0)));
}
/** Row-wise maps on [N, K] as nested arrays. */
const rows = (x: Tensor) => asNested(x, x.shape[0], x.shape[1]);
const naiveLogSoftmax = (x: Tensor) => rows(x).map((r) => r.map((v) => v - Math.log(r.reduce((s, u) => s + Math.exp(u), 0))));
const ratioLogSoftmax = (x: Tensor) => rows(x).map((r) => r.map((v) => Math.log(Math.exp(v) / r.reduce((s, u) => s + Math.exp(u), 0))));
const maxInsideOnly = (x: Tensor) =>
  rows(x).map((r) => {
    const m = Math.max(...r);
    return r.map((v) => v - Math.log(r.reduce((s, u) => s + Math.exp(u - m), 0)));
  });
const lastOnTies = (x: Tensor) => rows(x).map((r) => r.reduce((best, v, j) => (v >= r[best] ? j : best), 0));
const startAtZero = (x: Tensor, start = 0) =>
  rows(x).map((r) => {
    let max = start;
    let at = 0;
    r.forEach((v, j) => {
      if (v > max) [max, at] = [v, j];
    });
    return at;
  });

describe('08-linear: linear(x, weight, bias)', () => {
  describe('worked examples', () => {
    it("the lesson's example: x [2, 3], weight [2, 3], bias [2] give [[15, 23], [21, 29]]", () => {
      expect(linear(X(), W(), B())).toBeCloseToTensor(Y, EXACT);
    });

    it('bias null (Linear(..., bias=False)) gives x W^T alone: [[5, 3], [11, 9]]', () => {
      expect(linear(X(), W(), null)).toBeCloseToTensor(NO_BIAS, EXACT);
    });

    it("the MNIST net's last layer: Linear(320, 10) on a [64, 320] batch gives [64, 10], as tf.matMul does", () => {
      const x = tensor([64, 320], range(64 * 320).map((i) => ((i * 37) % 17) - 8));
      const w = tensor([10, 320], range(10 * 320).map((i) => ((i * 13) % 11) - 5));
      const b = tensor([10], range(10).map((i) => i - 4.5));
      expect(linear(x, w, b)).toBeCloseToTensor(referenceLinear(x, w, b), EXACT);
    });
  });

  it('matches tf.matMul(x, weight, false, true) + bias on random shapes, batches and values: fractions, up to ±8160, negatives, ties (tolerance 1e-4)', () => {
    const cases = fc
      .record({ n: fc.integer({ min: 1, max: 5 }), inF: fc.integer({ min: 1, max: 8 }), out: fc.integer({ min: 1, max: 6 }), kind: values, withBias: fc.boolean() })
      .chain(({ n, inF, out, kind, withBias }) =>
        fc.record({ x: tensorOf([n, inF], kind), weight: tensorOf([out, inF], kind), bias: withBias ? tensorOf([out], kind) : fc.constant(null) }),
      );
    checkProperty(cases, ({ x, weight, bias }) => {
      expect(linear(x, weight, bias)).toBeCloseToTensor(referenceLinear(x, weight, bias), FLOAT32);
    });
  });

  describe('plausible mistakes', () => {
    it('uses weight as PyTorch stores it, [out, in]: y = x W^T, not x W', () => {
      expect(linear(X(), W(), B())).toBeCloseToTensor(Y, {
        ...EXACT,
        mistakes: [
          {
            name: 'the weight was read as [in, out] (weight.data[i * out + o]), without the transpose',
            fix: 'weight is [out, in]: row o holds the in weights of output feature o, so y[n][o] = bias[o] + sum over i of x[n][i] * weight.data[o * in + i].',
            output: linearUntransposed(X(), W(), B()),
          },
        ],
      });
    });

    it('adds bias[o] to output feature o of every sample', () => {
      expect(linear(X(), W(), B())).toBeCloseToTensor(Y, {
        ...EXACT,
        mistakes: [
          {
            name: 'the bias was added along the wrong axis: bias[n] to sample n instead of bias[o] to feature o',
            fix: 'The bias has one entry per OUTPUT feature: y[n][o] += bias[o], for every sample n.',
            output: linearWithBias(X(), W(), (s) => B().data[s]),
          },
          {
            name: 'the bias was added to the first sample only',
            fix: 'Every sample gets the bias: add bias[o] inside the loop over n, not once before or after it.',
            output: linearWithBias(X(), W(), (s, o) => (s === 0 ? B().data[o] : 0)),
          },
        ],
      });
    });

    it('in != out: a [3, 4] input and a [2, 4] weight give [3, 2]', () => {
      const x = tensor([3, 4], [1, 0, 2, -1, 0, 1, 1, 1, 3, -2, 0, 1]);
      const w = tensor([2, 4], [1, 2, 3, 4, -1, 0, 1, 0]);
      const b = tensor([2], [0.5, -0.5]);
      expect(linear(x, w, b)).toBeCloseToTensor(referenceLinear(x, w, b), {
        ...EXACT,
        mistakes: [
          {
            name: 'the weight was read as [in, out], without the transpose',
            fix: 'y[n][o] = bias[o] + sum over i of x[n][i] * weight.data[o * in + i].',
            output: linearUntransposed(x, w, b),
          },
        ],
      });
    });

    it('a batch of 0 samples gives [0, out]', () => {
      expect(linear(tensor([0, 3]), W(), B())).toBeCloseToTensor({ shape: [0, 2], data: new Float32Array(0) }, EXACT);
    });

    it('adds fractions exactly: halves and quarters are not rounded away', () => {
      const x = tensor([2, 3], [0.5, -1.25, 2, 0.125, 3, -0.75]);
      const w = tensor([2, 3], [0.5, 1, -0.25, 2, 0.75, 1.5]);
      const b = tensor([2], [0.125, -0.5]);
      const expected = referenceLinear(x, w, b);
      expect(linear(x, w, b)).toBeCloseToTensor(expected, {
        ...EXACT,
        mistakes: [
          {
            name: 'each sum was rounded to a whole number',
            fix: 'Keep the sums as they are: features, weights and biases hold fractions.',
            output: { shape: expected.shape, data: expected.data.map(Math.round) },
          },
        ],
      });
    });

    it('returns a fresh tensor and leaves its arguments unchanged (no output buffer kept between calls)', () => {
      expectFresh(linear, { x: X(), weight: W(), bias: B() });
      expectFresh(linear, { x: X(), weight: W(), bias: null });
      expectFresh(linear, { x: tensor([2, 1], [3, 4]), weight: tensor([1, 1], [1]), bias: null }); // y equals x
    });
  });

  describe('bad input gets a clear error', () => {
    it('in-features that disagree are a RangeError worded as PyTorch words it: mat1 and mat2 shapes cannot be multiplied (2x320 and 300x10)', () => {
      expectError(() => linear(tensor([2, 320]), tensor([10, 300]), tensor([10])), RangeError, [
        /^linear:/,
        /mat1 and mat2 shapes cannot be multiplied \(2x320 and 300x10\)/,
      ]);
    });

    it('a bias whose size is not out is a RangeError naming bias and both sizes', () => {
      expectError(() => linear(X(), W(), tensor([3], [1, 2, 3])), RangeError, [/^linear:/, /bias/, /\[2\]/, /\[3\]/]);
    });

    it('an image batch [N, C, H, W] that was not flattened is a TypeError that gives its shape and says to flatten', () => {
      expectError(() => linear(tensor([64, 20, 4, 4]), tensor([10, 320]), null), TypeError, [/^linear:/, /\[64, 20, 4, 4\]/, /flatten/]);
    });

    it('a weight that is not rank 2, or a bias that is not rank 1, is a TypeError naming it', () => {
      expectError(() => linear(X(), tensor([3], [1, 2, 3]), null), TypeError, [/^linear:/, /weight/, /\[out, in\]/]);
      expectError(() => linear(X(), W(), tensor([1, 2], [1, 2])), TypeError, [/^linear:/, /bias/]);
    });

    it('nested arrays or a missing bias are TypeErrors: the arguments are Tensors, and bias is a Tensor or null', () => {
      expectError(() => linear([[1, 2, 3]] as unknown as Tensor, W(), null), TypeError, [/^linear:/, /x/, /Tensor/]);
      expectError(() => linear(X(), W(), undefined as unknown as null), TypeError, [/^linear:/, /bias/]);
    });
  });
});

describe('08-linear: relu(x)', () => {
  const input = () => tensor([1, 5], [-2, -0.5, 0, 0.5, 3]);
  const output = [[0, 0, 0, 0.5, 3]];

  it('the lesson\'s example: [-2, -0.5, 0, 0.5, 3] becomes [0, 0, 0, 0.5, 3]', () => {
    expect(relu(input())).toBeCloseToTensor(output, EXACT);
  });

  it('matches tf.relu on tensors of rank 1 to 4 (tolerance 1e-4)', () => {
    const cases = fc
      .record({ shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), kind: values })
      .chain(({ shape, kind }) => tensorOf(shape, kind));
    checkProperty(cases.map((x) => ({ x })), ({ x }) => expect(relu(x)).toBeCloseToTensor(referenceRelu(x), FLOAT32));
  });

  describe('plausible mistakes', () => {
    it('zeroes the negatives and keeps the positives', () => {
      expect(relu(input())).toBeCloseToTensor(output, {
        ...EXACT,
        mistakes: [
          { name: 'the negatives were kept (relu returned x as it is)', fix: 'relu(v) = max(0, v): every negative becomes 0.', output: [[-2, -0.5, 0, 0.5, 3]] },
          { name: 'the comparison is the wrong way round: min(0, v) keeps the negatives and zeroes the positives', fix: 'relu(v) = max(0, v).', output: [[-2, -0.5, 0, 0, 0]] },
          { name: 'the negatives were flipped (|v|) instead of set to 0', fix: 'relu(v) = max(0, v): -2 becomes 0, not 2.', output: [[2, 0.5, 0, 0.5, 3]] },
        ],
      });
    });

    it('keeps the shape: [2, 1, 2, 2] in, [2, 1, 2, 2] out', () => {
      const x = tensor([2, 1, 2, 2], [1, -1, 2, -2, -3, 3, -4, 4]);
      expect(relu(x)).toBeCloseToTensor({ shape: [2, 1, 2, 2], data: [1, 0, 2, 0, 0, 3, 0, 4] }, EXACT);
    });

    it('NaN stays NaN, as in PyTorch (a NaN is not below 0)', () => {
      expect(relu(tensor([3], [NaN, -1, 1]))).toBeCloseToTensor([NaN, 0, 1], EXACT);
    });

    it('leaves its argument unchanged and returns a new tensor (not in place)', () => {
      const x = input();
      const y = relu(x);
      expect(x, 'relu wrote into its input').toBeCloseToTensor(input(), {
        ...EXACT,
        mistakes: [
          {
            name: 'relu wrote its result into x.data (in place, like F.relu(x, inplace=True))',
            fix: 'Make a new tensor of the same shape, e.g. tensor(x.shape), and write max(0, v) into its data.',
            output: output,
          },
        ],
      });
      expectFresh(relu, { x: input() });
      expectFresh(relu, { x: tensor([2, 2], [1, 2, 0, 3]) }); // nothing negative: still a new tensor, not x
    });
  });

  describe('bad input gets a clear error', () => {
    it('a nested array instead of a Tensor is a TypeError', () => {
      expectError(() => relu([[1, -1]] as unknown as Tensor), TypeError, [/^relu:/, /x/, /Tensor/]);
    });

    it('a tensor whose data length does not match its shape is a TypeError', () => {
      expectError(() => relu({ shape: [2, 3], data: new Float32Array(5) }), TypeError, [/^relu:/, /shape/]);
    });
  });
});

describe('08-linear: flatten(x)', () => {
  /** [2, 2, 2, 3] holding 0..23: two samples of two 2x3 channels. */
  const images = () => tensor([2, 2, 2, 3], range(24));

  it('the lesson\'s example: [2, 2, 2, 3] holding 0..23 becomes [2, 12], sample by sample, channel by channel', () => {
    expect(flatten(images())).toBeCloseToTensor([range(12), range(12).map((i) => i + 12)], EXACT);
  });

  it("the MNIST net's shapes: [64, 20, 4, 4] becomes [64, 320], as tf.reshape(x, [64, -1]) does", () => {
    const x = tensor([64, 20, 4, 4], range(64 * 320).map((i) => (i % 97) - 48));
    expect(flatten(x)).toBeCloseToTensor(referenceFlatten(x), EXACT);
  });

  it('matches tf.reshape(x, [N, -1]) on tensors of rank 1 to 5 (exact)', () => {
    const cases = fc
      .record({ shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }), kind: values })
      .chain(({ shape, kind }) => tensorOf(shape, kind));
    checkProperty(cases.map((x) => ({ x })), ({ x }) => expect(flatten(x)).toBeCloseToTensor(referenceFlatten(x), EXACT));
  });

  describe('plausible mistakes', () => {
    it('joins the axes in NCHW order (as x.view(N, -1)), not NHWC', () => {
      const x = images();
      expect(flatten(x)).toBeCloseToTensor(referenceFlatten(x), {
        ...EXACT,
        mistakes: [
          {
            name: 'the values were read in NHWC order (the channels of each pixel together), as a tfjs or Keras Flatten does',
            fix: 'PyTorch flattens [N, C, H, W] channel by channel: all of channel 0 (row by row), then channel 1. Row-major data is already in that order: keep it.',
            output: referenceFlatten(referenceNhwc(x)),
          },
        ],
      });
    });

    it('keeps the batch axis: [N, rest], not one long row', () => {
      const x = images();
      expect(flatten(x)).toBeCloseToTensor(referenceFlatten(x), {
        ...EXACT,
        mistakes: [
          {
            name: 'the batch axis was flattened too (x.view(-1)), giving [24] instead of [2, 12]',
            fix: 'Keep the first axis: the shape is [N, product of the other sizes].',
            output: range(24),
          },
        ],
      });
    });

    it('a [N] vector becomes [N, 1], as x.view(N, -1) does', () => {
      expect(flatten(tensor([3], [7, 8, 9]))).toBeCloseToTensor([[7], [8], [9]], EXACT);
    });

    it('returns a fresh tensor and leaves its argument unchanged: a copy of the data, not a view of it (unlike x.view)', () => {
      expectFresh(flatten, { x: images() });
      expectFresh(flatten, { x: tensor([2, 3], [1, 2, 3, 4, 5, 6]) }); // already [N, features]: still a new tensor
      expectFresh(flatten, { x: tensor([3], [7, 8, 9]) });
    });
  });

  describe('bad input gets a clear error', () => {
    it('a scalar (shape []) has no batch axis: TypeError', () => {
      expectError(() => flatten(tensor([], [5])), TypeError, [/^flatten:/, /batch/, /\[\]/]);
    });

    it('a nested array instead of a Tensor is a TypeError', () => {
      expectError(() => flatten([[[1]]] as unknown as Tensor), TypeError, [/^flatten:/, /Tensor/]);
    });
  });
});

describe('08-linear: logSoftmax(x)', () => {
  /** Row 0: ordinary logits; row 1: logits of size 1000, where a naive exp overflows. */
  const logits = () => tensor([2, 3], [1, 2, 3, 1000, 0, -1000]);
  const expected = [
    [-2.4076059644, -1.4076059644, -0.4076059644],
    [0, -1000, -2000],
  ];

  it('the lesson\'s example: [1, 2, 3] gives [-2.4076, -1.4076, -0.4076]; [1000, 0, -1000] gives [0, -1000, -2000] (tolerance 1e-4)', () => {
    expect(logSoftmax(logits())).toBeCloseToTensor(expected, FLOAT32);
  });

  it('equal logits give log(1/K) everywhere: [0, 0] gives [-0.6931, -0.6931] (tolerance 1e-4)', () => {
    expect(logSoftmax(tensor([1, 2], [0, 0]))).toBeCloseToTensor([[-Math.LN2, -Math.LN2]], FLOAT32);
  });

  it('matches tf.logSoftmax on random batches, with logits from fractions up to ±4.3e9, all-negative rows and ties (tolerance 1e-4)', () => {
    const cases = fc
      .record({ n: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 1, max: 10 }), kind: valuesOrHuge })
      .chain(({ n, k, kind }) => tensorOf([n, k], kind));
    checkProperty(cases.map((x) => ({ x })), ({ x }) => expect(logSoftmax(x)).toBeCloseToTensor(referenceLogSoftmax(x), FLOAT32));
  });

  describe('plausible mistakes', () => {
    it('subtracts the row maximum first: logits of 1000 give finite numbers, not NaN or -Infinity', () => {
      const x = logits();
      expect(logSoftmax(x)).toBeCloseToTensor(expected, {
        ...FLOAT32,
        mistakes: [
          {
            name: 'exp(1000) overflowed to Infinity: log(sum exp(x)) was computed without subtracting the row maximum, so x - Infinity = -Infinity',
            fix: 'With m = the row\'s maximum: y = (x - m) - log(sum over j of exp(x[j] - m)). Every exp is then at most exp(0) = 1.',
            output: naiveLogSoftmax(x),
          },
          {
            name: 'exp(1000) / Infinity = NaN: log(softmax) was computed as log(exp(x) / sum exp(x)) without subtracting the row maximum',
            fix: 'Never form exp(x) of a raw logit: y = (x - m) - log(sum over j of exp(x[j] - m)), with m the row\'s maximum.',
            output: ratioLogSoftmax(x),
          },
        ],
      });
    });

    it('subtracts the maximum from x too, not only inside exp', () => {
      const x = logits();
      expect(logSoftmax(x)).toBeCloseToTensor(expected, {
        ...FLOAT32,
        mistakes: [
          {
            name: 'the row maximum was subtracted inside exp but not from x: every value of the row is off by m',
            fix: 'log(sum exp(x)) = m + log(sum exp(x - m)), so y = x - m - log(sum exp(x - m)).',
            output: maxInsideOnly(x),
          },
        ],
      });
    });

    it('returns log-probabilities (<= 0), not probabilities', () => {
      const x = logits();
      expect(logSoftmax(x)).toBeCloseToTensor(expected, {
        ...FLOAT32,
        mistakes: [
          {
            name: 'this is the softmax (probabilities that sum to 1), not its log',
            fix: 'F.log_softmax returns log(softmax(x)): compute it directly as (x - m) - log(sum exp(x - m)).',
            output: referenceSoftmax(x),
          },
        ],
      });
    });

    it('normalises each row (dim=1), not each column', () => {
      const x = tensor([2, 2], [1, 2, 3, 5]);
      const byColumn = [
        [1 - Math.log(Math.exp(1) + Math.exp(3)), 2 - Math.log(Math.exp(2) + Math.exp(5))],
        [3 - Math.log(Math.exp(1) + Math.exp(3)), 5 - Math.log(Math.exp(2) + Math.exp(5))],
      ];
      expect(logSoftmax(x)).toBeCloseToTensor(referenceLogSoftmax(x), {
        ...FLOAT32,
        mistakes: [
          {
            name: 'the softmax ran down the columns (across the batch) instead of along each row',
            fix: 'Each sample is one row of K class scores: take the maximum and the sum over that row only.',
            output: byColumn,
          },
        ],
      });
    });

    it('subtracts the row\'s own maximum, found from its values: logits below -1e9 still give finite log-probabilities', () => {
      const x = tensor([2, 3], [-2e9, -3e9, -2.5e9, -1000, -1001, -1003]);
      const expected = referenceLogSoftmax(x);
      expect(logSoftmax(x)).toBeCloseToTensor(expected, {
        ...FLOAT32,
        mistakes: [
          {
            name: 'the running maximum started at 0 or at a large negative number (-1e9), not at the row\'s first value: every exp(x - max) underflowed to 0 and log(0) is -Infinity',
            fix: 'Start the maximum at the row\'s first value (or -Infinity): no finite constant is below every logit.',
            output: { shape: [2, 3], data: new Float32Array(6).fill(Infinity) },
          },
        ],
      });
    });

    it('returns a fresh tensor and leaves its argument unchanged', () => {
      expectFresh(logSoftmax, { x: logits() });
    });
  });

  describe('bad input gets a clear error', () => {
    it('a rank-1 vector is a TypeError that asks for [N, K]', () => {
      expectError(() => logSoftmax(tensor([3], [1, 2, 3])), TypeError, [/^logSoftmax:/, /\[N, K\]/, /\[3\]/]);
    });

    it('a nested array instead of a Tensor is a TypeError', () => {
      expectError(() => logSoftmax([[1, 2]] as unknown as Tensor), TypeError, [/^logSoftmax:/, /Tensor/]);
    });
  });
});

describe('08-linear: argmax(x)', () => {
  const scores = () => tensor([2, 3], [0.25, 0.75, 0.5, 3, -1, 3]);

  it('the lesson\'s example: rows [0.25, 0.75, 0.5] and [3, -1, 3] give [1, 0] (the first of a tie)', () => {
    expect(argmax(scores())).toBeCloseToTensor([1, 0], EXACT);
  });

  it('matches tf.argMax(x, 1) on random batches, ties, all-negative rows and values beyond ±1e9 included (exact)', () => {
    const cases = fc
      .record({ n: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 10 }), kind: valuesOrHuge })
      .chain(({ n, k, kind }) => tensorOf([n, k], kind));
    checkProperty(cases.map((x) => ({ x })), ({ x }) => expect(argmax(x)).toBeCloseToTensor(referenceArgmax(x), EXACT));
  });

  it('argmax(logSoftmax(x)) is argmax(x): log-softmax keeps the order of each row (the predicted digit)', () => {
    const x = tensor([3, 10], range(30).map((i) => ((i * 7) % 10) * 100 - ((i * 3) % 4)));
    expect(argmax(logSoftmax(x))).toBeCloseToTensor(referenceArgmax(x), EXACT);
  });

  describe('plausible mistakes', () => {
    it('returns the index of the largest value, not the value', () => {
      expect(argmax(scores())).toBeCloseToTensor([1, 0], {
        ...EXACT,
        mistakes: [{ name: 'the largest VALUE of each row was returned, not its index', fix: 'Keep the position j of the best value, and return that.', output: [0.75, 3] }],
      });
    });

    it('returns the FIRST index on ties, as torch.argmax does', () => {
      const x = tensor([2, 4], [2, 7, 7, 1, 5, 5, 5, 5]);
      expect(argmax(x)).toBeCloseToTensor([1, 0], {
        ...EXACT,
        mistakes: [{ name: 'the LAST index of a tie was returned (>= instead of >)', fix: 'Replace the best only when a value is strictly larger: v > best.', output: lastOnTies(x) }],
      });
    });

    it('handles rows where every value is negative (the running maximum starts at the first value, not 0)', () => {
      const x = tensor([2, 3], [-3, -1, -2, -0.5, -4, -0.25]);
      expect(argmax(x)).toBeCloseToTensor([1, 2], {
        ...EXACT,
        mistakes: [
          {
            name: 'the running maximum started at 0, so no negative value ever won and index 0 came back',
            fix: 'Start with best = 0 and max = the row\'s FIRST value (or -Infinity), not max = 0.',
            output: startAtZero(x),
          },
        ],
      });
    });

    it('takes the maximum along each row (one index per sample), not down each column', () => {
      const x = tensor([2, 3], [1, 9, 2, 8, 0, 3]);
      expect(argmax(x)).toBeCloseToTensor([1, 0], {
        ...EXACT,
        mistakes: [{ name: 'the maximum was taken down each column (dim=0): K indices instead of N', fix: 'Row n holds the K scores of sample n: return one index per row.', output: [1, 0, 1] }],
      });
    });

    it('starts the running maximum at the first value, not at a large negative number: rows below -1e9', () => {
      const x = tensor([2, 3], [-3e9, -2e9, -2.5e9, -4e9, -5e9, -1.5e9]);
      expect(argmax(x)).toBeCloseToTensor([1, 2], {
        ...EXACT,
        mistakes: [
          {
            name: 'the running maximum started at a large negative constant (-1e9), which beat every value, so index 0 came back',
            fix: 'Start with best = 0 and max = the row\'s FIRST value (or -Infinity): no finite constant is below every score.',
            output: startAtZero(x, -1e9),
          },
        ],
      });
    });

    it('treats NaN as the largest value, as torch.argmax does: the first NaN of a row wins', () => {
      // torch 1.13.0 (Debian python3-torch):
      //   torch.argmax(torch.tensor([1.0, float('nan'), 3.0]))                                  -> tensor(1)
      //   torch.argmax(torch.tensor([[1, nan, 3, nan], [nan, 1, 2, 3], [1, 2, 3, 4]]), dim=1) -> tensor([1, 0, 3])
      //   torch.argmax(torch.tensor([[inf, nan], [-inf, -inf]]), dim=1)                      -> tensor([1, 0])
      // (tf.argMax skips a NaN after index 0: it gives [2, 0, 3] for the second case, so the suite checks NaN against torch)
      const x = tensor([3, 4], [1, NaN, 3, NaN, NaN, 1, 2, 3, 1, 2, 3, 4]);
      expect(argmax(x)).toBeCloseToTensor([1, 0, 3], {
        ...EXACT,
        mistakes: [
          {
            name: 'NaN was skipped: `v > max` is false for NaN, so the largest number won',
            fix: 'torch.argmax counts NaN as larger than every number: take the first NaN of a row if there is one (Number.isNaN).',
            output: [2, 0, 3],
          },
          {
            name: 'the LAST NaN of the row won',
            fix: 'Once a NaN is the best, nothing replaces it: the first NaN wins.',
            output: [3, 0, 3],
          },
        ],
      });
      expect(argmax(tensor([1, 3], [1, NaN, 3]))).toBeCloseToTensor([1], EXACT);
      expect(argmax(tensor([2, 2], [Infinity, NaN, -Infinity, -Infinity]))).toBeCloseToTensor([1, 0], EXACT);
    });

    it('returns a new array each call and leaves its argument unchanged', () => {
      expectFresh(argmax, { x: scores() });
    });
  });

  describe('bad input gets a clear error', () => {
    it('a tensor that is not [N, K] is a TypeError that gives its shape', () => {
      expectError(() => argmax(tensor([2, 2, 2])), TypeError, [/^argmax:/, /\[N, K\]/, /\[2, 2, 2\]/]);
    });

    it('empty rows ([2, 0]) are a RangeError, as in PyTorch: Expected reduction dim 1 to have non-zero size', () => {
      expectError(() => argmax(tensor([2, 0])), RangeError, [/^argmax:/, /non-zero size/, /\[2, 0\]/]);
    });
  });
});

describe('08-linear: the head of the MNIST net', () => {
  /** Values in [-1, 1], as the weights and activations of a trained net are. */
  const unit = unitTensor;

  it('flatten -> linear -> relu -> linear -> logSoftmax -> argmax on [4, 2, 2, 2] images matches tfjs (tolerance 1e-4)', () => {
    checkProperty(
      fc.record({ x: unit([4, 2, 2, 2]), w1: unit([5, 8]), b1: unit([5]), w2: unit([3, 5]), b2: unit([3]) }),
      ({ x, w1, b1, w2, b2 }) => {
        const hidden = referenceRelu(referenceLinear(referenceFlatten(x), w1, b1));
        const expected = referenceLogSoftmax(referenceLinear(hidden, w2, b2));
        const got = logSoftmax(linear(relu(linear(flatten(x), w1, b1)), w2, b2));
        expect(got).toBeCloseToTensor(expected, FLOAT32);
        expect(argmax(got), 'the predicted classes').toEqual(referenceArgmax(got));
      },
      20,
    );
  });
});
