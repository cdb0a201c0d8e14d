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

/** A matrix of `rows` x `cols` small integers (-9..9), or of floats in [-10, 10] when `floats` is set. */
export function matrix(rows: number, cols: number, floats = false): fc.Arbitrary<number[][]> {
  const value = floats ? fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }) : fc.integer({ min: -9, max: 9 });
  return fc.array(fc.array(value, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
}

/** `count` matrices of `rows` x `cols`: a [C, H, W] volume. */
export function volume(count: number, rows: number, cols: number, floats = false): fc.Arbitrary<number[][][]> {
  return fc.array(matrix(rows, cols, floats), { minLength: count, maxLength: count });
}

/** `count` x `rows` x `cols` whole numbers in [min, max]: images of pixels, or weights, at full scale. */
function intVolume(count: number, rows: number, cols: number, min: number, max: number): fc.Arbitrary<number[][][]> {
  const row = fc.array(fc.integer({ min, max }), { minLength: cols, maxLength: cols });
  return fc.array(fc.array(row, { minLength: rows, maxLength: rows }), { minLength: count, maxLength: count });
}

export interface LayerCaseOptions {
  /** Input channels C are drawn from 1..maxChannels (default 1). */
  maxChannels?: number;
  /** Kernels M are drawn from 1..maxKernels (default 1). */
  maxKernels?: number;
  /** Draw a padding in 0..3 (default: no padding). */
  padding?: boolean;
  /** Draw a stride in 1..4 (default: stride 1). */
  stride?: boolean;
  /** Draw a bias of M values, or null (default: always null). */
  bias?: boolean;
  /** `large`: pixels 0..255, weights -255..255, biases -1000..1000, instead of small values. */
  values?: 'small' | 'large';
}

export interface LayerCase {
  /** [C, H, W] */
  input: number[][][];
  /** [M, C, kH, kW] */
  weight: number[][][][];
  bias: number[] | null;
  padding: number;
  stride: number;
}

/**
 * A random Conv2d case: kernels of 1..5 on each side (1x1 included, H != W and kH != kW
 * included), and an input that the kernel fits in once padded, exactly so when the extra size
 * drawn is 0.
 */
export function layerCase(options: LayerCaseOptions = {}): fc.Arbitrary<LayerCase> {
  const large = options.values === 'large';
  return fc
    .record({
      c: fc.integer({ min: 1, max: options.maxChannels ?? 1 }),
      m: fc.integer({ min: 1, max: options.maxKernels ?? 1 }),
      kh: fc.integer({ min: 1, max: 5 }),
      kw: fc.integer({ min: 1, max: 5 }),
      padding: options.padding ? fc.integer({ min: 0, max: 3 }) : fc.constant(0),
      stride: options.stride ? fc.integer({ min: 1, max: 4 }) : fc.constant(1),
      extraH: fc.integer({ min: 0, max: 6 }),
      extraW: fc.integer({ min: 0, max: 6 }),
      floats: fc.boolean(),
      hasBias: options.bias ? fc.boolean() : fc.constant(false),
    })
    .chain(({ c, m, kh, kw, padding, stride, extraH, extraW, floats, hasBias }) => {
      const h = Math.max(1, kh - 2 * padding + extraH);
      const w = Math.max(1, kw - 2 * padding + extraW);
      const biasValue = large ? fc.integer({ min: -1000, max: 1000 }) : floats ? fc.double({ min: -10, max: 10, noNaN: true }) : fc.integer({ min: -9, max: 9 });
      return fc.record({
        input: large ? intVolume(c, h, w, 0, 255) : volume(c, h, w, floats),
        weight: fc.array(large ? intVolume(c, kh, kw, -255, 255) : volume(c, kh, kw, floats), { minLength: m, maxLength: m }),
        bias: hasBias ? fc.array(biasValue, { minLength: m, maxLength: m }) : fc.constant(null),
        padding: fc.constant(padding),
        stride: fc.constant(stride),
      });
    });
}

/** A one-channel convolution case (katas 01-03): input, kernel, padding and stride such that a window fits. */
export function convCase(options: Pick<LayerCaseOptions, 'padding' | 'stride' | 'values'> = {}) {
  return layerCase(options).map(({ input, weight, padding, stride }) => ({ input: input[0], kernel: weight[0][0], padding, stride }));
}
