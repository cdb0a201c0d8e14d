/**
 * Property tests with fast-check: random shapes and values, compared with an independent
 * reference (tfjs). A failing property prints the smallest counterexample fast-check could
 * shrink to, labelled with the kata's own parameter names and drawn as small grids, which is
 * usually the best hint a learner can get.
 *
 * Set KATA_SEED to replay a run (a failing property prints the seed it used).
 *
 * ## The values drawn
 *
 * `fc.double({ min: -10, max: 10 })` draws most of its values within 1e-10 of 0, so a sum that is
 * rounded to a whole number, or a running maximum that starts at 0, goes unnoticed. Every random
 * number of the kata suites comes from `values` instead (lib/test/property.test.ts measures what it
 * draws): one *scale* per tensor, and every value of that tensor is `k * 2^e` with `|k| <= 255`:
 *
 *   | scale       | values                          | e   |
 *   | ----------- | ------------------------------- | --- |
 *   | `fractions` | k/8: ±0.125 .. ±31.875 (k/2, k/4 and whole numbers among them) | -3 |
 *   | `integers`  | ±1 .. ±255                      | 0   |
 *   | `hundreds`  | multiples of 4: ±100 .. ±1020   | 2   |
 *   | `thousands` | multiples of 32: ±1024 .. ±8160 | 5   |
 *   | `huge`      | multiples of 2^24: ±1.7e8 .. ±4.3e9 (opt-in) | 24 |
 *   | `decimals`  | k/1000: ±0.001 .. ±9.999, not dyadic (opt-in) | - |
 *
 * With 8 significant bits per value, a product has at most 16 and a sum of up to 128 products
 * (C * kH * kW of every kata here) at most 23: float32 (24 bits) holds every partial sum exactly, so
 * tfjs's float32 answer and the kata's float64 one agree to the last bit whatever the order of the
 * additions, and a wrong answer can never hide in rounding noise. `decimals` are genuine
 * non-dyadic floats (0.1 is not a float32); draw them for a whole case (`scalesFor`), never next to
 * thousands, where float32 rounding of a sum that cancels could exceed the tolerance.
 *
 * Besides the scale, each tensor draws a sign mode (mixed, all negative, all positive), about 1 in
 * 10 of its values is an exact 0, and 1 tensor in 5 draws all its values from a palette of 2 or 3,
 * so that ties and repeated values are common.
 */
import fc from 'fast-check';
import { isNotStarted } from '../todo';
import { showValue, stackOutsideLibraries } from './show';

export { fc };

/** KATA_SEED, checked: a whole number, or undefined when not set. */
function seedFromEnv(): number | undefined {
  const raw = process.env.KATA_SEED;
  if (raw === undefined || raw === '') return undefined;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`KATA_SEED must be a whole number (the seed a failing property printed), but got "${raw}"`);
  return seed;
}

/**
 * Runs `predicate` on `runs` random cases. Each call gets a deep copy (`structuredClone`) of the
 * drawn case, so a function under test that writes into its arguments cannot change fast-check's
 * values under it (shrinking would then crawl until the watchdog stops the test); such a function
 * fails the suite's named "leaves its arguments unchanged" test instead.
 *
 * On failure the error says how many cases passed, the seed to replay (`KATA_SEED=...`), and
 * the smallest counterexample: when the arbitrary draws a record, each field under its own name
 * (`input`, `kernel`, ...) drawn as a grid; then the failed check's own message. fast-check's
 * hints and library stack frames are left out. A stub's "not started" error passes through as is.
 *
 * @param arbitrary what to draw; draw a record named after the kata's parameters (`{ input, kernel }`)
 *                  so that the counterexample is labelled with them
 * @param predicate throws (an `expect`) when the case fails
 * @param runs      how many cases (default 40)
 */
export function checkProperty<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, runs = 40): void {
  const seed = seedFromEnv();
  const details = fc.check(
    fc.property(arbitrary, (value) => {
      predicate(copyOf(value));
    }),
    { numRuns: runs, seed, endOnFailure: false },
  );
  if (!details.failed) return;
  const cause = details.errorInstance;
  if (isNotStarted(cause)) throw cause;
  throw propertyFailure(details.counterexample?.[0], cause, details.seed, details.numRuns, details.numShrinks);
}

/** A deep copy of a drawn case (as is when it holds something that cannot be cloned, e.g. a function). */
function copyOf<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

/** The error a failed property throws: counterexample, replay line, the failed check, and no library noise. */
export function propertyFailure(counterexample: unknown, cause: unknown, seed: number, numRuns: number, numShrinks: number): Error {
  const inner = cause instanceof Error ? cause : new Error(String(cause));
  const passed = Math.max(0, numRuns - 1);
  const lines = [
    `failed on a random case after ${passed} passed (replay with KATA_SEED=${seed}; shrunk ${numShrinks} time${numShrinks === 1 ? '' : 's'}).`,
    '',
    'The smallest case that fails:',
    ...counterexampleLines(counterexample).map((l) => `  ${l}`),
    '',
    inner.message,
  ];
  const error = new Error(lines.join('\n'));
  error.name = inner.name === 'AssertionError' || inner.name === 'Error' ? 'PropertyFailed' : inner.name;
  error.stack = `${error.name}: ${error.message}\n${stackOutsideLibraries(inner.stack ?? '')}`;
  return error;
}

/** The drawn case, each field of a record under its own name. */
function counterexampleLines(value: unknown): string[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value) && !isTensorLike(value)) {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .flatMap(([k, v]) => showValue(k, v));
  }
  return showValue('case', value);
}

const isTensorLike = (v: object): boolean => 'shape' in v && 'data' in v;

// ---- values ----------------------------------------------------------------------------------

/** How large the values of one tensor are (see the table at the top of this file). */
export type Scale = 'fractions' | 'integers' | 'hundreds' | 'thousands' | 'huge' | 'decimals';

/** The sign of a tensor's values: `mixed` (both signs), or all `negative`, or all `positive` (0 allowed in each). */
export type SignMode = 'mixed' | 'negative' | 'positive';

/** unit and the smallest |k| of each dyadic scale; k goes up to 255. */
const DYADIC: Record<Exclude<Scale, 'decimals'>, { unit: number; minK: number }> = {
  fractions: { unit: 1 / 8, minK: 1 },
  integers: { unit: 1, minK: 1 },
  hundreds: { unit: 4, minK: 25 },
  thousands: { unit: 32, minK: 32 },
  huge: { unit: 2 ** 24, minK: 10 },
};

/** The scales `values` draws from unless told otherwise, with their weights: every product sum exact in float32. */
export const DEFAULT_SCALES: readonly Scale[] = ['fractions', 'fractions', 'fractions', 'integers', 'integers', 'hundreds', 'hundreds', 'thousands'];

export interface ValuesOptions {
  /** One scale, or a list to pick one from per tensor (repeat an entry to weight it). Default DEFAULT_SCALES. */
  scales?: Scale | readonly Scale[];
  /** Force a sign mode; default: mixed 6 times in 10, all negative 2, all positive 2. */
  sign?: SignMode;
  /** Allow exact zeros (default true: about 1 value in 10). */
  zeros?: boolean;
}

/** One nonzero value of a scale and sign (`positive`/`negative` only; mixed picks a sign per value). */
function nonzero(scale: Scale, sign: SignMode): fc.Arbitrary<number> {
  const magnitude =
    scale === 'decimals'
      ? fc.integer({ min: 1, max: 9999 }).map((k) => k / 1000)
      : fc.integer({ min: DYADIC[scale].minK, max: 255 }).map((k) => k * DYADIC[scale].unit);
  if (sign === 'positive') return magnitude;
  if (sign === 'negative') return magnitude.map((v) => -v);
  return fc.tuple(fc.boolean(), magnitude).map(([negative, v]) => (negative ? -v : v));
}

/** One value of a scale and sign, 0 about 1 time in 10 when `zeros`. */
function valueOf(scale: Scale, sign: SignMode, zeros: boolean): fc.Arbitrary<number> {
  const v = nonzero(scale, sign);
  return zeros ? fc.oneof({ weight: 9, arbitrary: v }, { weight: 1, arbitrary: fc.constant(0) }) : v;
}

const scaleList = (scales: ValuesOptions['scales']): readonly Scale[] =>
  scales === undefined ? DEFAULT_SCALES : typeof scales === 'string' ? [scales] : scales;

const signMode: fc.Arbitrary<SignMode> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<SignMode>('mixed') },
  { weight: 2, arbitrary: fc.constant<SignMode>('negative') },
  { weight: 2, arbitrary: fc.constant<SignMode>('positive') },
);

/**
 * `count` numbers for one tensor: one scale and one sign mode for all of them, exact zeros, and
 * 1 time in 5 only 2 or 3 distinct values (ties). See the top of this file for the scales.
 *
 * @example
 * values(6)                                     // e.g. [0.375, -12.5, 0, 3.25, -0.125, 7]
 * values(4, { scales: 'thousands', sign: 'negative' }) // e.g. [-1056, -8160, -4096, 0]
 */
export function values(count: number, options: ValuesOptions = {}): fc.Arbitrary<number[]> {
  const scales = scaleList(options.scales);
  const zeros = options.zeros ?? true;
  return fc
    .record({
      scale: fc.constantFrom(...scales),
      sign: options.sign === undefined ? signMode : fc.constant(options.sign),
      palette: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    })
    .chain(({ scale, sign, palette }) => {
      const one = valueOf(scale, sign, zeros);
      if (!palette || count < 2) return fc.array(one, { minLength: count, maxLength: count });
      return fc
        .array(one, { minLength: 2, maxLength: 3 })
        .chain((pool) => fc.array(fc.constantFrom(...pool), { minLength: count, maxLength: count }));
    });
}

/**
 * One scale per tensor of a case with `count` tensors (input, weight, bias, ...): 1 case in 8
 * is all `decimals` (non-dyadic floats, small), the others pick each tensor's scale from
 * `scales` (default DEFAULT_SCALES) on its own.
 */
export function scalesFor(count: number, scales: readonly Scale[] = DEFAULT_SCALES): fc.Arbitrary<Scale[]> {
  return fc.oneof(
    { weight: 7, arbitrary: fc.array(fc.constantFrom(...scales), { minLength: count, maxLength: count }) },
    { weight: 1, arbitrary: fc.constant(new Array<Scale>(count).fill('decimals')) },
  );
}

/** Nested arrays of the given shape (a plain number for []), filled by `values`. */
export function nested(shape: readonly number[], options: ValuesOptions = {}): fc.Arbitrary<unknown> {
  const size = shape.reduce((a, b) => a * b, 1);
  return values(size, options).map((flat) => nest(shape, flat));
}

/** `flat` (row-major) as nested arrays of `shape`. */
export function nest(shape: readonly number[], flat: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => nest(shape.slice(1), flat.slice(i * inner, (i + 1) * inner)));
}

/** A `rows` x `cols` matrix of `values`. */
export function matrix(rows: number, cols: number, options: ValuesOptions = {}): fc.Arbitrary<number[][]> {
  return nested([rows, cols], options) as fc.Arbitrary<number[][]>;
}

/** `count` matrices of `rows` x `cols`: a [C, H, W] volume of `values`. */
export function volume(count: number, rows: number, cols: number, options: ValuesOptions = {}): fc.Arbitrary<number[][][]> {
  return nested([count, rows, cols], options) as fc.Arbitrary<number[][][]>;
}

/** `count` x `rows` x `cols` whole numbers in [min, max]: images of pixels, or weights, at full scale. */
function intVolume(count: number, rows: number, cols: number, min: number, max: number): fc.Arbitrary<number[][][]> {
  const row = fc.array(fc.integer({ min, max }), { minLength: cols, maxLength: cols });
  return fc.array(fc.array(row, { minLength: rows, maxLength: rows }), { minLength: count, maxLength: count });
}

// ---- convolution cases -----------------------------------------------------------------------

export interface LayerCaseOptions {
  /** Input channels C are drawn from 1..maxChannels (default 1). */
  maxChannels?: number;
  /** Kernels M are drawn from 1..maxKernels (default 1). */
  maxKernels?: number;
  /** Draw a padding in 0..3 (default: no padding, and no `padding` field in the case). */
  padding?: boolean;
  /** Draw a stride in 1..4 (default: stride 1, and no `stride` field in the case). */
  stride?: boolean;
  /** Draw a bias of M values, or null (default: no `bias` field). */
  bias?: boolean;
  /**
   * `mixed` (default): each tensor's values from `values` (scales per `scalesFor`);
   * `large`: pixels 0..255, weights -255..255, biases -1000..1000, as real images and layers have.
   */
  values?: 'mixed' | 'large';
}

export interface LayerCase {
  /** [C, H, W] */
  input: number[][][];
  /** [M, C, kH, kW] */
  weight: number[][][][];
  /** M values or null; present only when drawn (`bias: true`). */
  bias?: number[] | null;
  /** Present only when drawn (`padding: true`). */
  padding?: number;
  /** Present only when drawn (`stride: true`). */
  stride?: number;
}

/** The fields a layerCase of options O has: input and weight, and each setting asked for. */
export type Drawn<O extends LayerCaseOptions> = Pick<LayerCase, 'input' | 'weight'> &
  (O['bias'] extends true ? { bias: number[] | null } : unknown) &
  (O['padding'] extends true ? { padding: number } : unknown) &
  (O['stride'] extends true ? { stride: number } : unknown);

/**
 * A random Conv2d case: kernels of 1..5 on each side (1x1 included, H != W and kH != kW
 * included), and an input that the kernel fits in once padded, exactly so when the extra size
 * drawn is 0. Only the settings asked for appear in the case (and so in a counterexample).
 */
export function layerCase<O extends LayerCaseOptions>(options: O = {} as O): fc.Arbitrary<Drawn<O>> {
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
      scales: scalesFor(3),
      hasBias: options.bias ? fc.boolean() : fc.constant(false),
    })
    .chain(({ c, m, kh, kw, padding, stride, extraH, extraW, scales, hasBias }) => {
      const h = Math.max(1, kh - 2 * padding + extraH);
      const w = Math.max(1, kw - 2 * padding + extraW);
      const [inScale, wScale, bScale] = scales;
      const input = large ? intVolume(c, h, w, 0, 255) : volume(c, h, w, { scales: inScale });
      const weight = large
        ? fc.array(intVolume(c, kh, kw, -255, 255), { minLength: m, maxLength: m })
        : (nested([m, c, kh, kw], { scales: wScale }) as fc.Arbitrary<number[][][][]>);
      const bias = large ? fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: m, maxLength: m }) : values(m, { scales: bScale });
      return fc.record({
        input,
        weight,
        ...(options.bias ? { bias: hasBias ? bias : fc.constant(null) } : {}),
        ...(options.padding ? { padding: fc.constant(padding) } : {}),
        ...(options.stride ? { stride: fc.constant(stride) } : {}),
      }) as fc.Arbitrary<LayerCase>;
    }) as fc.Arbitrary<Drawn<O>>;
}

/** A one-channel convolution case (katas 01-03): `input` and `kernel`, and `padding`/`stride` only when asked for. */
export function convCase<O extends Pick<LayerCaseOptions, 'padding' | 'stride' | 'values'>>(
  options: O = {} as O,
): fc.Arbitrary<{ input: number[][]; kernel: number[][] } & (O['padding'] extends true ? { padding: number } : unknown) & (O['stride'] extends true ? { stride: number } : unknown)> {
  return (layerCase(options) as fc.Arbitrary<LayerCase>).map(({ input, weight, padding, stride }) => ({
    input: input[0],
    kernel: weight[0][0],
    ...(padding === undefined ? {} : { padding }),
    ...(stride === undefined ? {} : { stride }),
  })) as never;
}
