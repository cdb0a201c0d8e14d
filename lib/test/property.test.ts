/**
 * What the kata suites' random values are (measured), and what a failing property prints.
 */
import { describe, expect, it } from 'vitest';
import { checkProperty, convCase, fc, layerCase, values, type Scale } from '../testing/property';
import { showValue } from '../testing/show';
import { KataNotStartedError } from '../todo';

const SAMPLES = 200;
/** 2,000 values from `values(10)` with a fixed seed: 200 tensors of 10. */
const sample = (arb: fc.Arbitrary<number[]>) => fc.sample(arb, { numRuns: SAMPLES, seed: 42 });
const share = (xs: number[], test: (v: number) => boolean) => xs.filter(test).length / xs.length;

describe('values: the numbers every kata suite draws', () => {
  const tensors = sample(values(10));
  const all = tensors.flat();

  it('draws 2,000 values of which a stated share are fractions, large, negative, zero, and none near-zero noise', () => {
    expect(all).toHaveLength(2000);
    const stats = {
      nonInteger: share(all, (v) => !Number.isInteger(v)),
      large: share(all, (v) => Math.abs(v) >= 100),
      thousands: share(all, (v) => Math.abs(v) >= 1000),
      negative: share(all, (v) => v < 0),
      zero: share(all, (v) => v === 0),
      tiny: share(all, (v) => v !== 0 && Math.abs(v) < 0.1),
    };
    // measured with seed 42: nonInteger 0.314, large 0.446, thousands 0.112, negative 0.470, zero 0.090, tiny 0
    // (fc.double({ min: -10, max: 10 }) with the same seed: nonInteger 0.991, large 0, 89% within 1e-10 of 0)
    expect(stats.nonInteger).toBeGreaterThan(0.25);
    expect(stats.nonInteger).toBeLessThan(0.5);
    expect(stats.large).toBeGreaterThan(0.25);
    expect(stats.large).toBeLessThan(0.5);
    expect(stats.thousands).toBeGreaterThan(0.05);
    expect(stats.negative).toBeGreaterThan(0.35);
    expect(stats.negative).toBeLessThan(0.65);
    expect(stats.zero).toBeGreaterThan(0.04);
    expect(stats.zero).toBeLessThan(0.15);
    expect(stats.tiny).toBe(0);
  });

  it('every value is k * 2^e with |k| <= 255 (8 significant bits), so float32 sums of up to 128 products are exact', () => {
    for (const v of all) {
      if (v === 0) continue;
      let k = Math.abs(v);
      while (!Number.isInteger(k)) k *= 2;
      while (k % 2 === 0) k /= 2;
      expect(k).toBeLessThanOrEqual(255);
      expect(Math.fround(v)).toBe(v);
    }
  });

  it('gives ties: at least 1 tensor in 6 repeats a nonzero value, and some rows are all negative', () => {
    const withTies = share(
      tensors.map((t) => (new Set(t.filter((v) => v !== 0)).size < t.filter((v) => v !== 0).length ? 1 : 0)),
      (x) => x === 1,
    );
    expect(withTies).toBeGreaterThan(1 / 6);
    expect(share(tensors.map((t) => (t.every((v) => v <= 0) ? 1 : 0)), (x) => x === 1)).toBeGreaterThan(0.1);
  });

  it('draws each scale in its own range', () => {
    const ranges: Record<Scale, [number, number]> = {
      fractions: [0.125, 31.875],
      integers: [1, 255],
      hundreds: [100, 1020],
      thousands: [1024, 8160],
      huge: [2 ** 24 * 10, 2 ** 24 * 255],
      decimals: [0.001, 9.999],
    };
    for (const [scale, [lo, hi]] of Object.entries(ranges) as [Scale, [number, number]][]) {
      const xs = sample(values(10, { scales: scale, zeros: false })).flat();
      expect(Math.min(...xs.map(Math.abs)), scale).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...xs.map(Math.abs)), scale).toBeLessThanOrEqual(hi);
    }
    expect(share(sample(values(10, { scales: 'decimals', zeros: false })).flat(), (v) => Math.fround(v) !== v)).toBeGreaterThan(0.9);
  });

  it('layerCase: the inputs and weights of convolution cases hold fractions, large values and negatives too', () => {
    const cases = fc.sample(layerCase({ maxChannels: 2, maxKernels: 2, bias: true }), { numRuns: 300, seed: 7 });
    const xs = cases.flatMap((c) => [...c.input.flat(2), ...c.weight.flat(3)]);
    // measured with seed 7 (20,242 values): nonInteger 0.398, large 0.374, negative 0.458, not float32 0.140
    expect(share(xs, (v) => !Number.isInteger(v))).toBeGreaterThan(0.25);
    expect(share(xs, (v) => Math.abs(v) >= 100)).toBeGreaterThan(0.2);
    expect(share(xs, (v) => v < 0)).toBeGreaterThan(0.3);
    expect(share(xs, (v) => Math.fround(v) !== v)).toBeGreaterThan(0.02); // the decimal cases
  });

  it('a case has only the settings asked for: kata 01 draws input and kernel, no padding or stride', () => {
    const [one] = fc.sample(convCase(), { numRuns: 1, seed: 1 });
    expect(Object.keys(one)).toEqual(['input', 'kernel']);
    const [three] = fc.sample(convCase({ padding: true, stride: true }), { numRuns: 1, seed: 1 });
    expect(Object.keys(three)).toEqual(['input', 'kernel', 'padding', 'stride']);
  });
});

describe('checkProperty: what a failing property prints', () => {
  const failure = (run: () => void): Error => {
    try {
      run();
    } catch (error) {
      return error as Error;
    }
    throw new Error('the property did not fail');
  };

  it('labels the counterexample with the parameter names, draws matrices as grids, and leaves out fast-check\'s hints and library frames', () => {
    const error = failure(() =>
      checkProperty(convCase(), ({ input, kernel }) => {
        if (input.flat().some((v) => !Number.isInteger(v)) || kernel.length > 1) throw new Error('the check that failed');
      }),
    );
    expect(error.message).toMatch(/^failed on a random case after \d+ passed \(replay with KATA_SEED=-?\d+; shrunk \d+ times?\)/);
    expect(error.message).toMatch(/\n {2}input \(\d+x\d+\):\n/);
    expect(error.message).toMatch(/\n {2}kernel \(\d+x\d+\):\n/);
    expect(error.message).not.toMatch(/padding|stride/);
    expect(error.message).toContain('the check that failed');
    expect(error.message).not.toMatch(/Hint|verbose|Counterexample|Shrunk/);
    expect(error.stack).not.toMatch(/node_modules/);
    expect(error.stack).toMatch(/property\.test\.ts/);
  });

  it('passes a stub\'s "not started" error through unchanged', () => {
    const error = failure(() => checkProperty(fc.integer(), () => { throw new KataNotStartedError('01-single-channel'); }));
    expect(error).toBeInstanceOf(KataNotStartedError);
  });

  it('hands the predicate a copy: writing into it does not change what fast-check shrinks', () => {
    let seen = 0;
    const error = failure(() =>
      checkProperty(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 3, maxLength: 3 }), (xs) => {
        seen++;
        xs.push(...xs, ...xs); // a mutating function under test
        throw new Error('always fails');
      }),
    );
    expect(error.message).toMatch(/case \[3\] = \[\d, \d, \d\]/);
    expect(seen).toBeLessThan(100);
  });

  it('rejects a KATA_SEED that is not a whole number, instead of running with seed NaN', () => {
    const saved = process.env.KATA_SEED;
    process.env.KATA_SEED = 'abc';
    try {
      expect(() => checkProperty(fc.integer(), () => undefined)).toThrow(/KATA_SEED must be a whole number/);
    } finally {
      if (saved === undefined) delete process.env.KATA_SEED;
      else process.env.KATA_SEED = saved;
    }
  });
});

describe('showValue: values in failure messages', () => {
  it('writes NaN, Infinity and -Infinity as such, never null', () => {
    expect(showValue('kernel', [[1, 0.5], [NaN, -Infinity]])).toEqual(['kernel (2x2):', '          1        0.5', '        NaN  -Infinity']);
    expect(showValue('bias', [Infinity, NaN])).toEqual(['bias [2] = [Infinity, NaN]']);
    expect(showValue('options', { padding: NaN })).toEqual(['options = { padding: NaN }']);
  });

  it('draws a tensor by shape, one grid per leading index', () => {
    expect(showValue('x', { shape: [2, 1, 2], data: new Float32Array([1, 2, 3, 4]) })).toEqual([
      'x: Tensor of shape [2, 1, 2]:',
      '[0, :, :]',
      '  1  2',
      '[1, :, :]',
      '  3  4',
    ]);
  });
});
