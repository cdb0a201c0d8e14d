/**
 * Property tests with fast-check: random shapes and values, compared with an independent
 * reference (tfjs). A failing property prints the smallest counterexample fast-check could
 * shrink to, which is usually the best hint a learner can get.
 *
 * Set KATA_SEED to replay a run (the grader prints the seed it used).
 */
import fc from 'fast-check';

export { fc };

const seed = process.env.KATA_SEED ? Number(process.env.KATA_SEED) : undefined;

/** Runs `predicate` on `runs` random cases; a stub's "not started" error is passed through as is. */
export function checkProperty<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, runs = 40): void {
  try {
    fc.assert(fc.property(arbitrary, (value) => void predicate(value)), { numRuns: runs, seed, endOnFailure: false });
  } catch (error) {
    throw notStartedIn(error) ?? error;
  }
}

/** The stub's "not started" error somewhere in fast-check's cause chain, if any. */
function notStartedIn(error: unknown): Error | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e.name === 'KataNotStartedError') return e;
  }
  return undefined;
}

/** A matrix of `rows` x `cols` small integers, or of floats when `floats` is set. */
export function matrix(rows: number, cols: number, floats = false): fc.Arbitrary<number[][]> {
  const value = floats ? fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }) : fc.integer({ min: -9, max: 9 });
  return fc.array(fc.array(value, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
}

/** A convolution case: input, kernel, padding and stride such that at least one window fits. */
export function convCase(options: { padding?: boolean; stride?: boolean } = {}) {
  return fc
    .record({
      kh: fc.integer({ min: 1, max: 5 }),
      kw: fc.integer({ min: 1, max: 5 }),
      padding: options.padding ? fc.integer({ min: 0, max: 3 }) : fc.constant(0),
      stride: options.stride ? fc.integer({ min: 1, max: 4 }) : fc.constant(1),
      extraH: fc.integer({ min: 0, max: 7 }),
      extraW: fc.integer({ min: 0, max: 7 }),
      floats: fc.boolean(),
    })
    .chain(({ kh, kw, padding, stride, extraH, extraW, floats }) => {
      // the padded input is at least as large as the kernel
      const h = Math.max(1, kh - 2 * padding + extraH);
      const w = Math.max(1, kw - 2 * padding + extraW);
      return fc.record({
        input: matrix(h, w, floats),
        kernel: matrix(kh, kw, floats),
        padding: fc.constant(padding),
        stride: fc.constant(stride),
      });
    });
}
