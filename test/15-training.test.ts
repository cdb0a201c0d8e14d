/**
 * Kata 15: training. Lesson: docs/15-training.md
 *
 * References and their tolerances:
 * - test/fixtures/training (made by PyTorch 1.13, lib/reference/training_torch.py; its provenance says
 *   how): torch.optim.SGD step by step on two small parameters for nine option sets, held to 1e-5
 *   (float32: PyTorch and the kata round differently, measured 1.4e-7 relative at most); the lecture's net
 *   from PyTorch's initial weights trained 3 steps (lr 0.01, momentum 0.5) on 3 fixed batches of 64
 *   training images: each batch's loss (1e-5), .grad (1e-6 absolute, gradients reach 0.11; measured
 *   7e-8) and the weights after each step (1e-6; measured 1.5e-8).
 * - a gradient check of accumulateGradients against central differences of an independent float64
 *   forward of the net (lib/testing/gradcheck.ts's layers), on 4 images and 5 entries of every parameter:
 *   1e-4 relative + 1e-7 (the reference uses 2e-3 of that at most).
 * - exact counts for the shuffle: every sequence of draws from a grid of 6 values per draw, so each
 *   order of 3 items must come out the same number of times (no seed, no luck), and a chi-squared
 *   test over 24,000 shuffles of 4 items drawn with seededRandom(2024) (measured: 24.8 for Fisher–Yates,
 *   710 for the naive swap with j in 0..n-1, 28,900 for sort by random; the bound is 60, where a fair
 *   shuffle lands above it with probability 4e-5 — and the seed is fixed, so the result never changes).
 *
 * What the generators give (measured): seededRandom(1)'s first 160,000 draws fill 16 bins with chi-squared 8.7
 * (15 degrees of freedom), from 1.3e-5 to 0.99999; the SGD gradients are dyadic numbers from 0.125 to
 * 32 of both signs, with zeros, and signs that change between steps.
 */
import { describe, expect, it } from 'vitest';
import { accumulateGradients, batches, initParams, sgd, shuffle, trainStep, zerosLikeParams, type Optimizer, type SgdOptions } from '@kata/15-training';
import { loadFixture } from '../lib/fixtures';
import { loadMnist } from '../lib/mnist/node';
import { normalize } from '../lib/mnist/normalize';
import { fromRoot } from '../lib/paths';
import { seededRandom } from '../lib/random';
import { sizeOf, tensor, type Tensor } from '../lib/tensor';
import { closeTo, EXACT, type Tolerance } from '../lib/testing/compare';
import { expectFresh } from '../lib/testing/fresh';
import { conv2d64, crossEntropy64, linear64, maxPool2d64, relu64 } from '../lib/testing/gradcheck';
import { expectError, expectNoMistake, type Mistake } from '../lib/testing/matchers';

const fixture = loadFixture(fromRoot('test', 'fixtures', 'training.json'));
const provenance = fixture.manifest.provenance as {
  sgd: { steps: number; sets: SgdSet[] };
  errors: Record<string, { message: string }>;
};

type Flat = { shape: number[]; data: number[] };
const snap = (t: Tensor): Flat => ({ shape: [...t.shape], data: Array.from(t.data) });
/** Row `i` of a tensor whose first axis is the step. */
const row = (t: Tensor, i: number): Flat => {
  const shape = t.shape.slice(1);
  const n = sizeOf(shape);
  return { shape: [...shape], data: Array.from(t.data.subarray(i * n, (i + 1) * n)) };
};

/** The lecture net's parameters, as PyTorch names them (kata 12's PARAM_SHAPES). */
const NAMES = ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc.weight', 'fc.bias'] as const;
type Name = (typeof NAMES)[number];
const SHAPES: Record<Name, number[]> = { 'conv1.weight': [10, 1, 5, 5], 'conv1.bias': [10], 'conv2.weight': [20, 10, 5, 5], 'conv2.bias': [20], 'fc.weight': [10, 320], 'fc.bias': [10] };
/** 1 / sqrt(fan-in): the inputs of ONE output of the layer (weight and bias alike). */
const FAN_IN: Record<Name, number> = { 'conv1.weight': 25, 'conv1.bias': 25, 'conv2.weight': 250, 'conv2.bias': 250, 'fc.weight': 320, 'fc.bias': 320 };
const FAN_OUT: Record<Name, number> = { 'conv1.weight': 250, 'conv1.bias': 250, 'conv2.weight': 500, 'conv2.bias': 500, 'fc.weight': 10, 'fc.bias': 10 };
type Net = Record<Name, Tensor>;
const netFrom = (prefix: string): Net => Object.fromEntries(NAMES.map((k) => [k, fixture.get(`${prefix}.${k}`, SHAPES[k])])) as Net;
const zeros = (): Net => Object.fromEntries(NAMES.map((k) => [k, tensor(SHAPES[k])])) as Net;
const scaled = (net: Net, s: number): Net => Object.fromEntries(NAMES.map((k) => [k, { shape: net[k].shape, data: net[k].data.map((v) => v * s) }])) as Net;
const summed = (a: Net, b: Net): Net => Object.fromEntries(NAMES.map((k) => [k, { shape: a[k].shape, data: a[k].data.map((v, i) => v + b[k].data[i]) }])) as Net;

// ---- the MNIST images of the fixture's batches -------------------------------------------------

const train = loadMnist('train');
/** The normalised images and labels at `indices` of the training set: x [N, 1, 28, 28]. */
function batchOf(indices: ArrayLike<number>): { x: Tensor; targets: Uint8Array } {
  const n = indices.length;
  const x = tensor([n, 1, 28, 28]);
  const targets = new Uint8Array(n);
  for (let b = 0; b < n; b++) {
    const i = indices[b];
    x.data.set(normalize(train.pixels.subarray(i * 784, (i + 1) * 784)), b * 784);
    targets[b] = train.labels[i];
  }
  return { x, targets };
}
const INDICES = fixture.get('net.indices', [3, 64]);
const BATCHES = [0, 1, 2].map((s) => batchOf(INDICES.data.subarray(s * 64, (s + 1) * 64)));
const LOSS = fixture.get('net.loss', [3]);
const CORRECT = fixture.get('net.correct', [3]);
/** float32 gradients of a mean over 64 images, up to 0.11: PyTorch and the kata differ by 7e-8. */
const GRAD_TOL: Tolerance = { atol: 1e-6, rtol: 1e-4 };
const WEIGHT_TOL: Tolerance = { atol: 1e-6, rtol: 1e-5 };

// ---- SGD: the option sets of the fixture ---------------------------------------------------------

interface SgdSet {
  name: string;
  torch: string;
  lr: number[];
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}
const SETS = Object.fromEntries(provenance.sgd.sets.map((s) => [s.name, s])) as Record<string, SgdSet>;
const STEPS = provenance.sgd.steps;
/** The options of a set as a caller writes them: defaults left out. */
function optionsOf(set: SgdSet): SgdOptions {
  const o: { -readonly [K in keyof SgdOptions]: SgdOptions[K] } = { lr: set.lr[0] };
  if (set.momentum) o.momentum = set.momentum;
  if (set.dampening) o.dampening = set.dampening;
  if (set.weightDecay) o.weightDecay = set.weightDecay;
  if (set.nesterov) o.nesterov = true;
  return o;
}
const SGD_TOL: Tolerance = { atol: 1e-5, rtol: 1e-5 };
type MakeSgd = (params: Record<string, Tensor>, grads: Record<string, Tensor>, options: SgdOptions) => Optimizer;
interface Run {
  p0: Flat[];
  p1: Flat[];
}

/** The fixture's loop with `make` as torch.optim.SGD: before each step, the step's gradients and learning rate are set. */
function drive(make: MakeSgd, set: SgdSet): Run {
  const params = { p0: fixture.get('sgd.p0.init', [2, 3]), p1: fixture.get('sgd.p1.init', [4]) };
  const grads = { p0: tensor([2, 3]), p1: tensor([4]) };
  const g0 = fixture.get('sgd.p0.grads', [STEPS, 2, 3]);
  const g1 = fixture.get('sgd.p1.grads', [STEPS, 4]);
  const optimizer = make(params, grads, optionsOf(set));
  const run: Run = { p0: [], p1: [] };
  for (let s = 0; s < STEPS; s++) {
    grads.p0.data.set(row(g0, s).data);
    grads.p1.data.set(row(g1, s).data);
    optimizer.lr = set.lr[s];
    optimizer.step();
    run.p0.push(snap(params.p0));
    run.p1.push(snap(params.p1));
  }
  return run;
}
const expected = (set: SgdSet): Run => ({
  p0: Array.from({ length: STEPS }, (_, s) => row(fixture.get(`sgd.${set.name}.p0`), s)),
  p1: Array.from({ length: STEPS }, (_, s) => row(fixture.get(`sgd.${set.name}.p1`), s)),
});

interface WrongRule {
  /** buf = μ·buf + lr·d, p -= buf: the learning rate inside the buffer. */
  lrInBuffer?: boolean;
  /** first step buf = (1 - dampening)·d, as if the buffer started at 0. */
  dampenFirst?: boolean;
  /** one buffer for every parameter. */
  sharedBuffer?: boolean;
  /** buf gathers g alone; the decay is added to the step: p -= lr·(buf + wd·p). */
  decayAfterMomentum?: boolean;
  /** the learning rate given at creation, whatever optimizer.lr says later. */
  lrFixed?: boolean;
  /** nesterov ignored: the step is buf. */
  nesterovIgnored?: boolean;
}

/** SGD done wrong, in float64, one rule at a time (with no rule: PyTorch's formula). */
function wrongSgd(rule: WrongRule): MakeSgd {
  return (params, grads, options) => {
    const { momentum: mu = 0, dampening = 0, weightDecay: wd = 0, nesterov = false } = options;
    const names = Object.keys(params);
    const buffers = new Map<string, number[]>(names.map((k) => [k, []]));
    const shared: number[] = []; // made by the first parameter's first step, as `let buf` kept outside the loop would be
    let sharedMade = false;
    let steps = 0;
    const optimizer: Optimizer = {
      lr: options.lr,
      step() {
        const lr = rule.lrFixed ? options.lr : optimizer.lr;
        const first = steps === 0;
        for (const k of names) {
          const p = params[k].data;
          const g = grads[k].data;
          const buf = rule.sharedBuffer ? shared : buffers.get(k)!;
          const fresh = rule.sharedBuffer ? !sharedMade : first;
          for (let i = 0; i < p.length; i++) {
            const d = rule.decayAfterMomentum ? g[i] : g[i] + wd * p[i];
            let step = d;
            if (mu !== 0) {
              if (rule.lrInBuffer) buf[i] = fresh ? lr * d : mu * buf[i] + lr * (1 - dampening) * d;
              else if (fresh) buf[i] = rule.dampenFirst ? (1 - dampening) * d : d;
              else buf[i] = mu * buf[i] + (1 - dampening) * d;
              step = nesterov && !rule.nesterovIgnored ? d + mu * buf[i] : buf[i];
            }
            if (rule.decayAfterMomentum) step += wd * p[i];
            p[i] -= rule.lrInBuffer && mu !== 0 ? step : lr * step;
          }
          if (mu !== 0) sharedMade = true;
        }
        steps++;
      },
      zeroGrad() {
        for (const k of names) grads[k].data.fill(0);
      },
    };
    return optimizer;
  };
}

/** Compares a run of the kata's sgd with PyTorch's, step by step, naming `mistakes` (each a wrong rule's run). */
function expectRun(got: Run, want: Run, mistakes: readonly { name: string; fix: string; run: Run }[] = []): void {
  for (let s = 0; s < STEPS; s++) {
    for (const p of ['p0', 'p1'] as const) {
      const named: Mistake[] = mistakes.map((m) => ({ name: m.name, fix: m.fix, output: m.run[p][s] }));
      expect(got[p][s], `${p} after step ${s + 1} of ${STEPS}`).toBeCloseToTensor(want[p][s], { ...SGD_TOL, mistakes: named });
    }
  }
}
/** The mistakes of SGD: each wrong rule, named for the learner. */
const MISTAKES: Record<keyof WrongRule, { name: string; fix: string }> = {
  lrInBuffer: {
    name: 'buf = momentum·buf + lr·g; p -= buf (the learning rate inside the buffer)',
    fix: 'PyTorch keeps buf = momentum·buf + (1 - dampening)·g and steps p -= lr·buf with the CURRENT lr: when a schedule changes lr, the whole buffer is scaled by the new one.',
  },
  lrFixed: { name: 'the learning rate given to sgd was used at every step', fix: 'Read optimizer.lr inside step(): a schedule changes it between steps.' },
  dampenFirst: {
    name: 'the first step did buf = momentum·0 + (1 - dampening)·g (a buffer that started at zero)',
    fix: 'PyTorch sets buf = g (a copy, not dampened) on the first step, and buf = momentum·buf + (1 - dampening)·g on later ones.',
  },
  sharedBuffer: {
    name: 'one momentum buffer was shared by every parameter',
    fix: "Keep a buffer per parameter (a Map from the parameter's name to a Float32Array of its size): p1's momentum is not p0's.",
  },
  decayAfterMomentum: {
    name: 'the weight decay was added after momentum: p -= lr·(buf + weightDecay·p)',
    fix: 'PyTorch adds weightDecay·p to the gradient first, and that sum goes into the buffer.',
  },
  nesterovIgnored: { name: 'nesterov was ignored: the step was buf', fix: 'With nesterov, the step is d + momentum·buf (after updating buf).' },
};
/** A mistake with its run on `set`, which must show it (else its test could not fail). */
const named = (rule: keyof WrongRule, set: SgdSet) => ({ ...MISTAKES[rule], run: shows(set, { [rule]: true }) });

/** A whole run (every step, both parameters) as one flat tensor. */
const flatRun = (run: Run): Flat => {
  const data = [...run.p0, ...run.p1].flatMap((t) => t.data);
  return { shape: [data.length], data };
};
/**
 * A test named after mistakes fails only when the kata's run IS one of theirs (every step of both
 * parameters), naming it; a run that is wrong in another way is left to the option-set tests above.
 */
function expectNotNamed(got: Run, mistakes: readonly { name: string; fix: string; run: Run }[]): void {
  expectNoMistake(flatRun(got), mistakes.map((m) => ({ name: m.name, fix: m.fix, output: flatRun(m.run) })), SGD_TOL);
}
/** A mistake the fixture's numbers must show (else its test could not fail). */
function shows(set: SgdSet, rule: WrongRule): Run {
  const run = drive(wrongSgd(rule), set);
  const want = expected(set);
  if (run.p0.every((t, s) => closeTo(t, want.p0[s], SGD_TOL)) && run.p1.every((t, s) => closeTo(t, want.p1[s], SGD_TOL))) {
    throw new Error(`the fixture's set ${set.name} does not show the mistake ${JSON.stringify(rule)}`);
  }
  return run;
}

describe('15-training: sgd(params, grads, options), as torch.optim.SGD steps (PyTorch 1.13)', () => {
  describe.each(Object.values(SETS).map((s) => [s.name, s.torch, s] as const))('option set %s: %s', (_, __, set) => {
    it(`the parameters after each of ${STEPS} steps equal PyTorch's (learning rates ${set.lr.join(', ')})`, () => {
      const mistakes = (Object.keys(MISTAKES) as (keyof WrongRule)[]).map((rule) => ({ ...MISTAKES[rule], run: drive(wrongSgd({ [rule]: true }), set) }));
      expectRun(drive(sgd, set), expected(set), mistakes);
      // (the suite's own float64 rules, with no mistake switched on, give PyTorch's numbers too: each named mistake below differs from PyTorch in its rule only)
      expectRun(drive(wrongSgd({}), set), expected(set));
    });
  });

  describe('plausible mistakes', () => {
    it('the learning rate multiplies the step, not the momentum buffer: a changed lr does not rescale what the buffer gathered', () => {
      const set = SETS.schedule;
      expectNotNamed(drive(sgd, set), [named('lrInBuffer', set), named('lrFixed', set)]);
    });

    it('the first step COPIES the gradient into the buffer: dampening does not apply to it', () => {
      expectNotNamed(drive(sgd, SETS.dampening), [named('dampenFirst', SETS.dampening)]);
    });

    it('each parameter has a momentum buffer of its own', () => {
      for (const set of [SETS.momentum, SETS.everything]) expectNotNamed(drive(sgd, set), [named('sharedBuffer', set)]);
    });

    it('weight decay is added to the gradient BEFORE momentum (d = g + weightDecay·p goes into the buffer)', () => {
      for (const set of [SETS['weight-decay'], SETS.everything]) expectNotNamed(drive(sgd, set), [named('decayAfterMomentum', set)]);
    });

    it('nesterov steps along g + momentum·buf, not along buf', () => {
      for (const set of [SETS.nesterov, SETS['nesterov-decay']]) expectNotNamed(drive(sgd, set), [named('nesterovIgnored', set)]);
    });

    it('two optimizers keep their own buffers (no state shared between them, or at module level)', () => {
      const set = SETS.momentum;
      const make = () => ({ params: { p0: fixture.get('sgd.p0.init'), p1: fixture.get('sgd.p1.init') }, grads: { p0: tensor([2, 3]), p1: tensor([4]) } });
      const a = make();
      const b = make();
      const g0 = fixture.get('sgd.p0.grads');
      const g1 = fixture.get('sgd.p1.grads');
      const optA = sgd(a.params, a.grads, optionsOf(set));
      const optB = sgd(b.params, b.grads, optionsOf(set));
      const want = expected(set);
      for (let s = 0; s < STEPS; s++) {
        for (const { grads } of [a, b]) {
          grads.p0.data.set(row(g0, s).data);
          grads.p1.data.set(row(g1, s).data);
        }
        optA.step();
        optB.step();
        expect(a.params.p0, `the first optimizer's p0 after step ${s + 1}`).toBeCloseToTensor(want.p0[s], SGD_TOL);
        expect(b.params.p1, `the second optimizer's p1 after step ${s + 1}`).toBeCloseToTensor(want.p1[s], SGD_TOL);
      }
    });
  });

  describe('the optimizer object', () => {
    it('step() updates the parameters in place (the same tensors and arrays) and reads the gradients afresh at every step; it never writes the gradients', () => {
      const params = { w: tensor([3], [1, 2, 3]) };
      const grads = { w: tensor([3], [1, 1, 1]) };
      const data = params.w.data;
      const opt = sgd(params, grads, { lr: 0.5 });
      opt.step();
      expect(params.w.data, 'params.w.data must be the same Float32Array after step()').toBe(data);
      expect(params.w).toBeCloseToTensor([0.5, 1.5, 2.5], EXACT);
      expect(grads.w, 'step() changed the gradients').toBeCloseToTensor([1, 1, 1], EXACT);
      grads.w.data.set([2, 0, -2]);
      opt.step();
      expect(params.w, 'the second step must use the gradients as they are now').toBeCloseToTensor([-0.5, 1.5, 3.5], EXACT);
    });

    it("zeroGrad() fills every gradient with 0 in place (PyTorch 1.13's zero_grad()), and leaves the parameters alone", () => {
      const params = { a: tensor([2], [1, 2]), b: tensor([1, 2], [3, 4]) };
      const grads = { a: tensor([2], [5, 6]), b: tensor([1, 2], [7, 8]) };
      const arrays = [grads.a.data, grads.b.data];
      const opt = sgd(params, grads, { lr: 0.1, momentum: 0.9 });
      opt.zeroGrad();
      expect(grads.a).toBeCloseToTensor([0, 0], EXACT);
      expect(grads.b).toBeCloseToTensor([[0, 0]], EXACT);
      expect(grads.a.data, 'zeroGrad must fill the same arrays (a trainer holds them), not put new ones in the record').toBe(arrays[0]);
      expect(grads.b.data).toBe(arrays[1]);
      expect(params.a).toBeCloseToTensor([1, 2], EXACT);
    });

    it('exposes the learning rate as optimizer.lr (a schedule sets it between steps)', () => {
      const opt = sgd({ w: tensor([1], [1]) }, { w: tensor([1], [1]) }, { lr: 0.25 });
      expect(opt.lr).toBe(0.25);
    });

    it('leaves its arguments unchanged when it is made, and never writes into the options', () => {
      const make = (params: Record<string, Tensor>, grads: Record<string, Tensor>, options: SgdOptions) => {
        sgd(params, grads, options);
        return null;
      };
      expectFresh(make, { params: { w: tensor([2], [1, 2]) }, grads: { w: tensor([2], [3, 4]) }, options: { lr: 0.1 } }, { name: 'sgd' });
      expectFresh(make, { params: { w: tensor([2], [1, 2]) }, grads: { w: tensor([2], [3, 4]) }, options: { lr: 0.1, momentum: 0.9, nesterov: true } }, { name: 'sgd' });
      const options = { lr: 0.1, momentum: 0.9 };
      const params = { w: tensor([2], [1, 2]) };
      const grads = { w: tensor([2], [3, 4]) };
      const opt = sgd(params, grads, options);
      opt.step();
      opt.lr = 0.01;
      opt.step();
      expect(options, 'step() or a changed optimizer.lr wrote into the options object').toEqual({ lr: 0.1, momentum: 0.9 });
    });
  });

  describe('bad input gets a clear error (PyTorch\'s words)', () => {
    it(`a negative learning rate, momentum or weight decay is a RangeError: "${provenance.errors.lr.message}"`, () => {
      expectError(() => sgd({ w: tensor([1]) }, { w: tensor([1]) }, { lr: -1 }), RangeError, [/^sgd:/, /Invalid learning rate: -1\b/]);
      expectError(() => sgd({ w: tensor([1]) }, { w: tensor([1]) }, { lr: 0.1, momentum: -0.5 }), RangeError, [/^sgd:/, /Invalid momentum value: -0.5/]);
      expectError(() => sgd({ w: tensor([1]) }, { w: tensor([1]) }, { lr: 0.1, weightDecay: -1 }), RangeError, [/^sgd:/, /Invalid weight_decay value: -1/]);
      expectError(() => sgd({ w: tensor([1]) }, { w: tensor([1]) }, { lr: NaN }), RangeError, [/^sgd:/, /Invalid learning rate: NaN/]);
      // PyTorch's own messages, recorded in the fixture
      expect(provenance.errors.lr.message).toBe('Invalid learning rate: -1');
      expect(provenance.errors.momentum.message).toBe('Invalid momentum value: -0.5');
      expect(provenance.errors.weightDecay.message).toBe('Invalid weight_decay value: -1');
    });

    it(`nesterov without momentum, or with dampening, is a RangeError: "${provenance.errors.nesterov.message}"`, () => {
      expect(provenance.errors.nesterov.message).toBe('Nesterov momentum requires a momentum and zero dampening');
      expect(provenance.errors.nesterovDampening.message).toBe('Nesterov momentum requires a momentum and zero dampening');
      expectError(() => sgd({ w: tensor([1]) }, { w: tensor([1]) }, { lr: 0.1, nesterov: true }), RangeError, [/^sgd:/, /Nesterov momentum requires a momentum and zero dampening/]);
      expectError(() => sgd({ w: tensor([1]) }, { w: tensor([1]) }, { lr: 0.1, momentum: 0.9, dampening: 0.5, nesterov: true }), RangeError, [/^sgd:/, /Nesterov momentum requires a momentum and zero dampening/]);
    });

    it('a learning rate set to a negative number later is refused by step(), before any parameter changes', () => {
      const params = { w: tensor([2], [1, 2]) };
      const opt = sgd(params, { w: tensor([2], [1, 1]) }, { lr: 0.1 });
      opt.lr = -1;
      expectError(() => opt.step(), RangeError, [/^sgd:/, /Invalid learning rate: -1\b/]);
      expect(params.w, 'a refused step changed the parameters').toBeCloseToTensor([1, 2], EXACT);
    });

    it('grads that do not match the parameters (a name missing or extra, another shape) are a RangeError naming it', () => {
      expectError(() => sgd({ a: tensor([2]), b: tensor([3]) }, { a: tensor([2]) }, { lr: 0.1 }), RangeError, [/^sgd:/, /grads/, /missing: b/]);
      expectError(() => sgd({ a: tensor([2]) }, { a: tensor([2]), c: tensor([1]) }, { lr: 0.1 }), RangeError, [/^sgd:/, /grads/, /c/]);
      expectError(() => sgd({ a: tensor([2, 3]) }, { a: tensor([3, 2]) }, { lr: 0.1 }), RangeError, [/^sgd:/, /a/, /\[2, 3\]/, /\[3, 2\]/]);
    });
  });
});

// ---- initParams, zerosLikeParams ----------------------------------------------------------------

/** A random source that plays `values` over and over. */
const scripted = (values: readonly number[]) => {
  let i = 0;
  return () => values[i++ % values.length];
};
const SCRIPT = [0, 0.5, 0.25, 0.75, 0.125, 0.999999, 0.0625, 0.875];
/** What `(2·r − 1)·bound` gives for every parameter, drawn in PARAM_SHAPES order, with `bound` of each name. */
function expectedInit(bound: (name: Name) => number): Net {
  const r = scripted(SCRIPT);
  return Object.fromEntries(NAMES.map((k) => [k, { shape: SHAPES[k], data: Float32Array.from({ length: sizeOf(SHAPES[k]) }, () => (2 * r() - 1) * bound(k)) }])) as unknown as Net;
}

describe('15-training: initParams(random), PyTorch\'s default initialisation', () => {
  it('gives every parameter of the lecture net, with PyTorch\'s names and shapes, as Float32Array tensors', () => {
    const p = initParams(seededRandom(1));
    expect(Object.keys(p).sort()).toEqual([...NAMES].sort());
    for (const k of NAMES) {
      expect(p[k].shape, k).toEqual(SHAPES[k]);
      expect(p[k].data, k).toBeInstanceOf(Float32Array);
      expect(p[k].data.length, k).toBe(sizeOf(SHAPES[k]));
    }
  });

  it('draws every weight AND bias as (2·random() − 1) / sqrt(fanIn), fanIn = inputs of one output: 25, 250, 320 (bounds 0.2, 0.063, 0.056)', () => {
    const p = initParams(scripted(SCRIPT));
    const want = expectedInit((k) => 1 / Math.sqrt(FAN_IN[k]));
    const fanOut = expectedInit((k) => 1 / Math.sqrt(FAN_OUT[k]));
    const zeroBias = expectedInit((k) => (k.endsWith('bias') ? 0 : 1 / Math.sqrt(FAN_IN[k])));
    for (const k of NAMES) {
      expect(p[k], k).toBeCloseToTensor(want[k], {
        atol: 1e-7,
        rtol: 1e-6,
        mistakes: [
          { name: 'the bound used the fan-OUT (outputs · kH · kW)', fix: "PyTorch's kaiming_uniform_(a = sqrt(5)) comes to 1 / sqrt(fanIn): the number of inputs one output sums (in_channels · kH · kW, or in_features).", output: fanOut[k] },
          { name: 'the biases were left at 0', fix: 'PyTorch draws the biases too, uniform in ±1 / sqrt(fanIn) of their layer.', output: zeroBias[k] },
        ],
      });
    }
  });

  it('is uniform within the bounds, not normal: with seededRandom(1), every value inside ±bound, spread evenly over it (chi-squared over 10 bins)', () => {
    const p = initParams(seededRandom(1));
    for (const k of ['conv2.weight', 'fc.weight'] as const) {
      const bound = 1 / Math.sqrt(FAN_IN[k]);
      const bins = new Array<number>(10).fill(0);
      for (const v of p[k].data) {
        expect(Math.abs(v), `${k}: ${v} is outside ±${bound.toFixed(4)} (a normal distribution has no bound)`).toBeLessThanOrEqual(bound * (1 + 1e-6));
        bins[Math.min(9, Math.floor(((v / bound + 1) / 2) * 10))]++;
      }
      const e = p[k].data.length / 10;
      const chi2 = bins.reduce((s, c) => s + (c - e) ** 2 / e, 0);
      // 9 degrees of freedom: a fair uniform exceeds 40 with probability 8e-6; a normal squeezed into the bounds gives hundreds
      expect(chi2, `${k}: values per tenth of the range ${bins.join(', ')}: not uniform (chi-squared ${chi2.toFixed(1)})`).toBeLessThan(40);
    }
  });

  it('depends on random alone: the same seed gives the same parameters, another seed others', () => {
    const a = initParams(seededRandom(7));
    const b = initParams(seededRandom(7));
    const c = initParams(seededRandom(8));
    for (const k of NAMES) expect(a[k], k).toBeCloseToTensor(snap(b[k]), EXACT);
    expect(c['conv1.weight'], 'seeds 7 and 8 gave the same conv1.weight: is random used?').not.toBeCloseToTensor(snap(a['conv1.weight']), EXACT);
  });

  it('returns new tensors on every call, and a TypeError for a random that is not a function', () => {
    expectFresh(initParams, { random: seededRandom(3) });
    expectError(() => initParams(0.5 as unknown as () => number), TypeError, [/^initParams:/, /random/]);
  });
});

describe('15-training: zerosLikeParams(params)', () => {
  it('gives zero Float32Array tensors with the names and shapes of any record of tensors', () => {
    const z = zerosLikeParams({ a: tensor([2, 3], [1, 2, 3, 4, 5, 6]), 'b.bias': tensor([4], [1, 1, 1, 1]) });
    expect(Object.keys(z).sort()).toEqual(['a', 'b.bias']);
    expect(z.a).toBeCloseToTensor([[0, 0, 0], [0, 0, 0]], EXACT);
    expect(z['b.bias']).toBeCloseToTensor([0, 0, 0, 0], EXACT);
    expect(z.a.data).toBeInstanceOf(Float32Array);
  });

  it('leaves params alone and shares no storage with them', () => {
    expectFresh(zerosLikeParams, { params: { w: tensor([2, 2], [1, 2, 3, 4]), b: tensor([2], [5, 6]) } });
  });

  it('a params that is not a record of tensors is a TypeError naming it', () => {
    expectError(() => zerosLikeParams(null as unknown as Record<string, Tensor>), TypeError, [/^zerosLikeParams:/, /params/]);
    expectError(() => zerosLikeParams({ w: [1, 2] } as unknown as Record<string, Tensor>), TypeError, [/zerosLikeParams/, /w/]);
  });
});

// ---- accumulateGradients ----------------------------------------------------------------------

/** The lecture net in float64 (lib/testing/gradcheck's layers, independent of the katas): the mean cross-entropy. */
function loss64(params: Record<Name, Float64Array>, x: Float64Array, n: number, targets: ArrayLike<number>): number {
  const t = (shape: number[], data: Float64Array) => ({ shape, data });
  const c1 = conv2d64(t([n, 1, 28, 28], x), t(SHAPES['conv1.weight'], params['conv1.weight']), t([10], params['conv1.bias']), 0, 1);
  const r1 = relu64(t([n, 10, 12, 12], maxPool2d64(t([n, 10, 24, 24], c1), 2, 2, 0)));
  const c2 = conv2d64(t([n, 10, 12, 12], r1), t(SHAPES['conv2.weight'], params['conv2.weight']), t([20], params['conv2.bias']), 0, 1);
  const r2 = relu64(t([n, 20, 4, 4], maxPool2d64(t([n, 20, 8, 8], c2), 2, 2, 0)));
  const logits = linear64(t([n, 320], r2), t([10, 320], params['fc.weight']), t([10], params['fc.bias']));
  return crossEntropy64(t([n, 10], logits), targets);
}

describe('15-training: accumulateGradients(params, x, targets, grads), loss.backward() of the lecture net', () => {
  const init = () => netFrom('net.init');

  it("on the fixture's first batch of 64 images: the mean loss, the number right and every parameter's gradient equal PyTorch's", () => {
    const grads = zeros();
    const { x, targets } = BATCHES[0];
    const result = accumulateGradients(init(), x, targets, grads);
    expect(result.loss, 'the mean cross-entropy of the batch').toBeCloseTo(LOSS.data[0], 5);
    expect(result.correct, 'images of the batch predicted right').toBe(CORRECT.data[0]);
    const want = netFrom('net.grad.0');
    for (const k of NAMES) expect(grads[k], `grads['${k}']`).toBeCloseToTensor(want[k], GRAD_TOL);
  });

  it('the gradients are those of the MEAN loss over the batch, not of the sum', () => {
    const grads = zeros();
    const { x, targets } = BATCHES[1];
    const result = accumulateGradients(netFrom('net.step.0'), x, targets, grads);
    expect(Math.abs(result.loss - 64 * LOSS.data[1]) < 1e-3, `the loss is ${result.loss}: the SUM over the 64 images; the mean is ${LOSS.data[1].toFixed(5)}`).toBe(false);
    const sum = scaled(netFrom('net.grad.1'), 64);
    for (const k of NAMES) {
      expectNoMistake(grads[k], [{ name: `grads['${k}'] is 64 times PyTorch's: the gradients were not divided by N (the gradient of the SUM of the losses)`, fix: 'The loss is the mean over the batch: the 1/N is in crossEntropyBackward; do not add up per-image gradients of per-image means.', output: sum[k] }], GRAD_TOL);
    }
  });

  it('ADDS into grads, as backward adds into .grad: a second call on the same batch doubles them', () => {
    const { x, targets } = BATCHES[0];
    const once = zeros();
    accumulateGradients(netFrom('net.init'), x, targets, once);
    const twice = zeros();
    accumulateGradients(netFrom('net.init'), x, targets, twice);
    accumulateGradients(netFrom('net.init'), x, targets, twice);
    const doubled = scaled(once, 2);
    for (const k of NAMES) {
      expect(twice[k], `grads['${k}'] after two calls, against twice the gradient of one call`).toBeCloseToTensor(doubled[k], {
        ...GRAD_TOL,
        mistakes: [{ name: 'the gradients were written over, not added', fix: 'grads[name].data[i] += ...: PyTorch adds every backward into .grad; zeroGrad empties it.', output: snap(once[k]) }],
      });
    }
  });

  it('a gradient check: 5 entries of every parameter against central differences of an independent float64 net (4 images)', () => {
    const n = 4;
    const { x, targets } = batchOf(INDICES.data.subarray(0, n));
    const params = init();
    const grads = zeros();
    accumulateGradients(params, x, targets, grads);
    const p64 = Object.fromEntries(NAMES.map((k) => [k, Float64Array.from(params[k].data)])) as Record<Name, Float64Array>;
    const x64 = Float64Array.from(x.data);
    const h = 1e-5;
    for (const k of NAMES) {
      const size = p64[k].length;
      for (const i of [0, 1, Math.floor(size / 3), Math.floor((2 * size) / 3), size - 1]) {
        const was = p64[k][i];
        p64[k][i] = was + h;
        const up = loss64(p64, x64, n, targets);
        p64[k][i] = was - h;
        const down = loss64(p64, x64, n, targets);
        p64[k][i] = was;
        const numerical = (up - down) / (2 * h);
        const analytic = grads[k].data[i];
        // a float32 analytic gradient against a float64 numerical one: 1e-4 relative + 1e-7 (the reference: 2e-3 of that at most)
        expect(Math.abs(analytic - numerical), `grads['${k}'][${i}] is ${analytic}, the numerical gradient ${numerical}`).toBeLessThanOrEqual(1e-7 + 1e-4 * Math.abs(numerical));
      }
    }
  });

  it('leaves params, x and targets unchanged, and returns a new result', () => {
    const { x, targets } = batchOf(INDICES.data.subarray(0, 2));
    const call = (params: Net, x: Tensor, targets: number[]) => accumulateGradients(params, x, targets, zeros());
    expectFresh(call, { params: init(), x, targets: Array.from(targets) }, { name: 'accumulateGradients' });
  });

  it('grads without one of the parameters, or of another shape, is an error naming it', () => {
    const { x, targets } = batchOf(INDICES.data.subarray(0, 2));
    const { 'fc.bias': _, ...missing } = zeros();
    expectError(() => accumulateGradients(init(), x, targets, missing as Net), TypeError, [/^accumulateGradients:/, /fc\.bias/]);
    expectError(() => accumulateGradients(init(), x, targets, { ...zeros(), 'conv2.bias': tensor([10]) }), RangeError, [/^accumulateGradients:/, /conv2\.bias/, /\[20\]/, /\[10\]/]);
  });
});

// ---- trainStep: the lecture's loop -------------------------------------------------------------

describe('15-training: trainStep(params, grads, optimizer, x, targets), the lecture\'s loop', () => {
  it("three steps (lr 0.01, momentum 0.5) on the fixture's three batches: each loss, and the weights after each step, equal PyTorch's", () => {
    const params = netFrom('net.init');
    const grads = zeros();
    const optimizer = sgd(params, grads, { lr: 0.01, momentum: 0.5 });
    for (let s = 0; s < 3; s++) {
      const { x, targets } = BATCHES[s];
      const result = trainStep(params, grads, optimizer, x, targets);
      expect(result.loss, `the loss of batch ${s + 1} (before its step)`).toBeCloseTo(LOSS.data[s], 5);
      expect(result.correct, `images right in batch ${s + 1}`).toBe(CORRECT.data[s]);
      const want = netFrom(`net.step.${s}`);
      for (const k of NAMES) expect(params[k], `${k} after step ${s + 1}`).toBeCloseToTensor(want[k], WEIGHT_TOL);
    }
  });

  it('zeroGrad before each backward: the gradients of batch 2 alone, not piled on those of batch 1', () => {
    const params = netFrom('net.init');
    const grads = zeros();
    const optimizer = sgd(params, grads, { lr: 0.01, momentum: 0.5 });
    trainStep(params, grads, optimizer, BATCHES[0].x, BATCHES[0].targets);
    const first = Object.fromEntries(NAMES.map((k) => [k, snap(grads[k])])) as unknown as Net;
    const before = Object.fromEntries(NAMES.map((k) => [k, { shape: params[k].shape, data: params[k].data.slice() }])) as Net;
    trainStep(params, grads, optimizer, BATCHES[1].x, BATCHES[1].targets);
    // batch 2's own gradient, at the weights it was computed at, by your accumulateGradients
    const alone = zeros();
    accumulateGradients(before, BATCHES[1].x, BATCHES[1].targets, alone);
    const piled = summed(first, alone);
    for (const k of NAMES) {
      expect(grads[k], `grads['${k}'] after the second step`).toBeCloseToTensor(snap(alone[k]), {
        ...GRAD_TOL,
        mistakes: [{ name: 'zeroGrad was forgotten: the gradients of batch 1 and batch 2 piled up', fix: "Call optimizer.zeroGrad() before accumulateGradients: backward ADDS into grads (PyTorch's optimizer.zero_grad()).", output: piled[k] }],
      });
    }
  });

  it('the loss falls: 3 epochs over 320 training images (batches of 32, seeded shuffles, lr 0.05, momentum 0.9)', () => {
    const params = initParams(seededRandom(1));
    const grads = zerosLikeParams(params);
    const optimizer = sgd(params, grads, { lr: 0.05, momentum: 0.9 });
    const all = batchOf(Uint32Array.from({ length: 320 }, (_, i) => i));
    const epochLoss: number[] = [];
    for (let epoch = 1; epoch <= 3; epoch++) {
      let total = 0;
      const order = shuffle(320, seededRandom(epoch));
      const list = batches(order, 32);
      for (const batch of list) {
        const x = tensor([batch.length, 1, 28, 28]);
        const targets = new Uint8Array(batch.length);
        batch.forEach((i, b) => {
          x.data.set(all.x.data.subarray(i * 784, (i + 1) * 784), b * 784);
          targets[b] = all.targets[i];
        });
        total += trainStep(params, grads, optimizer, x, targets).loss;
      }
      epochLoss.push(total / list.length);
    }
    // measured with the reference solution: 1.99, 0.81, 0.49
    expect(epochLoss[0], `mean loss of epoch 1: ${epochLoss[0].toFixed(3)}; a fresh net starts near ln 10 = 2.3`).toBeGreaterThan(1.5);
    expect(epochLoss[2], `mean losses per epoch ${epochLoss.map((l) => l.toFixed(3)).join(', ')}: the loss should fall below half of epoch 1's`).toBeLessThan(epochLoss[0] / 2);
  });

  it('leaves x and targets unchanged, and returns a new result', () => {
    const { x, targets } = batchOf(INDICES.data.subarray(0, 2));
    const call = (x: Tensor, targets: number[]) => {
      const params = netFrom('net.init');
      const grads = zeros();
      return trainStep(params, grads, sgd(params, grads, { lr: 0.01 }), x, targets);
    };
    expectFresh(call, { x, targets: Array.from(targets) }, { name: 'trainStep' });
  });
});

// ---- shuffle and batches -------------------------------------------------------------------------

/**
 * Every sequence of `draws` values from the grid (k + 0.5) / 6, k = 0..5, played to `shuffle` (over and
 * over when it draws more): how often each order of 0..n-1 comes out. With 6 values per draw, a fair
 * shuffle of 3 (whose draws pick one of 3, then one of 2) gives every order equally often.
 */
function exactCounts(fn: (n: number, random: () => number) => ArrayLike<number>, n = 3, draws = 3): Map<string, number> {
  const k = 6;
  const counts = new Map<string, number>();
  for (let code = 0; code < k ** draws; code++) {
    const digits = Array.from({ length: draws }, (_, d) => Math.floor(code / k ** d) % k);
    let at = 0;
    const order = Array.from(fn(n, () => (digits[at++ % draws] + 0.5) / k)).join(', ');
    counts.set(order, (counts.get(order) ?? 0) + 1);
  }
  return counts;
}
const naiveShuffle = (n: number, random: () => number) => {
  const o = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = Math.floor(random() * n);
    [o[i], o[j]] = [o[j], o[i]];
  }
  return o;
};
const sortShuffle = (n: number, random: () => number) => Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
const shown = (counts: Map<string, number>) => [...counts.entries()].sort().map(([o, c]) => `[${o}] ${c}`).join(', ');

describe('15-training: shuffle(n, random), a Fisher–Yates permutation', () => {
  it('returns each of 0..n-1 exactly once, as a Uint32Array (n = 0, 1, 2, 10, 1000)', () => {
    for (const n of [0, 1, 2, 10, 1000]) {
      const order = shuffle(n, seededRandom(n));
      expect(order, `shuffle(${n})`).toBeInstanceOf(Uint32Array);
      expect(Array.from(order).sort((a, b) => a - b), `shuffle(${n}) must hold each index once`).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('every order of 3 items comes out equally often over every sequence of draws: 36 of 216 each (exact, no seed)', () => {
    const counts = exactCounts(shuffle);
    const fair = 'each of the 6 orders 36 times';
    const got = shown(counts);
    const naive = shown(exactCounts(naiveShuffle));
    const sorted = shown(exactCounts(sortShuffle));
    expect(counts.size, `orders seen: ${got}; want ${fair}`).toBe(6);
    const message =
      got === naive
        ? `${got}: this is the naive shuffle (swap position i with j drawn from ALL of 0..n-1): its n^n equally likely draw sequences cannot fall evenly on n! orders. Draw j from 0..i only (Fisher–Yates).`
        : got === sorted
          ? `${got}: this is sort by a random comparison (sort(() => random() - 0.5)): the sort's comparisons are not fair coin flips of the orders. Use Fisher–Yates.`
          : `orders seen: ${got}; want ${fair}`;
    for (const c of counts.values()) expect(c, message).toBe(36);
    // (the suite sees the two known biased shuffles: their counts are uneven)
    expect(new Set(exactCounts(naiveShuffle).values()).size).toBeGreaterThan(1);
    expect(new Set(exactCounts(sortShuffle).values()).size).toBeGreaterThan(1);
  });

  it('24,000 shuffles of 4 items with seededRandom(2024): every one of the 24 orders about 1,000 times (chi-squared < 60, 23 degrees of freedom)', () => {
    const random = seededRandom(2024);
    const counts = new Map<string, number>();
    for (let t = 0; t < 24_000; t++) {
      const key = Array.from(shuffle(4, random)).join(', ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    let chi2 = (24 - counts.size) * 1000;
    for (const c of counts.values()) chi2 += (c - 1000) ** 2 / 1000;
    // measured: 24.8 for Fisher–Yates, 710 for the naive swap, 28,900 for sort by random, 72,000 for Sattolo's (j < i)
    expect(chi2, `orders seen ${counts.size} of 24, chi-squared ${chi2.toFixed(1)}: the shuffle favours some orders`).toBeLessThan(60);
  });

  it('uses random: one generator gives a new order every epoch, another seed another order, the same seed the same order', () => {
    const random = seededRandom(1);
    const epoch1 = Array.from(shuffle(100, random));
    const epoch2 = Array.from(shuffle(100, random));
    expect(epoch2, 'two epochs drawn from one generator gave the same order: shuffle must draw from the random it is given').not.toEqual(epoch1);
    expect(Array.from(shuffle(100, seededRandom(1))), 'the same seed must give the same order').toEqual(epoch1);
    expect(Array.from(shuffle(100, seededRandom(2)))).not.toEqual(epoch1);
    expect(epoch1, 'the order was not shuffled').not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('draws j = floor(random() · (i + 1)) for i = n-1 down to 1: the order npm run train replays for a seed', () => {
    // random() = 0 always: each i swaps with 0: [0, 1, 2, 3] -> i=3: [3, 1, 2, 0] -> i=2: [2, 1, 3, 0] -> i=1: [1, 2, 3, 0]
    expect(Array.from(shuffle(4, () => 0))).toEqual([1, 2, 3, 0]);
    // random() just below 1: j = i, nothing moves
    expect(Array.from(shuffle(4, () => 0.9999))).toEqual([0, 1, 2, 3]);
    // i=4: j=floor(0.5·5)=2 -> [0, 1, 4, 3, 2]; i=3: j=floor(0.1·4)=0 -> [3, 1, 4, 0, 2]; i=2: j=floor(0.9·3)=2 (stays); i=1: j=floor(0.3·2)=0 -> [1, 3, 4, 0, 2]
    expect(Array.from(shuffle(5, scripted([0.5, 0.1, 0.9, 0.3])))).toEqual([1, 3, 4, 0, 2]);
  });

  it('returns a new array each call; a bad n or random is an error naming it', () => {
    expectFresh(shuffle, { n: 5, random: seededRandom(4) });
    expectError(() => shuffle(-1, seededRandom(1)), RangeError, [/^shuffle:/, /n/, /-1/]);
    expectError(() => shuffle(2.5, seededRandom(1)), RangeError, [/^shuffle:/, /2\.5/]);
    expectError(() => shuffle(3, 7 as unknown as () => number), TypeError, [/^shuffle:/, /random/]);
    // a swap with position i + 1 would write past the end: a Uint32Array drops the write, and the order silently loses an index
    expectError(() => shuffle(5, () => 1), RangeError, [/^shuffle:/, /random/, /\[0, 1\)/]);
    expectError(() => shuffle(5, () => NaN), RangeError, [/^shuffle:/, /random/, /NaN/]);
  });
});

describe('15-training: batches(order, size), the batches of one epoch', () => {
  it('cuts the order into pieces of size, in order; the last one shorter, never dropped (60,000 images: 937 batches of 64 and one of 32)', () => {
    const list = batches(Uint32Array.of(4, 0, 3, 1, 2), 2);
    expect(list.map((b) => Array.from(b)), 'batches([4, 0, 3, 1, 2], 2)').toEqual([[4, 0], [3, 1], [2]]);
    const epoch = batches(shuffle(60_000, seededRandom(1)), 64);
    expect(epoch.length, 'batches of 64 from 60,000 images: the last 32 images are a batch of their own (DataLoader keeps it)').toBe(938);
    expect(epoch[937].length).toBe(32);
    expect(epoch[0].length).toBe(64);
    expect(batches(Uint32Array.of(1, 2, 3), 8).map((b) => Array.from(b))).toEqual([[1, 2, 3]]);
    expect(batches(new Uint32Array(0), 64)).toEqual([]);
  });

  it('gives copies, not views of order (so a batch survives the next shuffle into the same array)', () => {
    expectFresh(batches, { order: Uint32Array.of(5, 3, 1, 0, 2, 4), size: 4 });
  });

  it('a size that is not a whole number >= 1 is a RangeError naming it', () => {
    expectError(() => batches(Uint32Array.of(1, 2), 0), RangeError, [/^batches:/, /size/]);
    expectError(() => batches(Uint32Array.of(1, 2), 1.5), RangeError, [/^batches:/, /size/, /1\.5/]);
  });
});
