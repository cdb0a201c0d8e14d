/**
 * Fresh results, untouched arguments: the check every kata suite makes of every function.
 *
 * A function under test must
 *   - leave its arguments alone: no value written into the caller's arrays, tensors or options
 *     objects (not even a default filled in: `options.stride ??= kernelSize`);
 *   - return a result of its own: not an argument (`permute` by the identity returning `t`), not
 *     a view of one (`reshape` sharing `t.data`), not storage it keeps between calls (an output
 *     buffer at module level, which the next call overwrites).
 */
import type { FloatArray, FloatTensor } from '../tensor';
import { isNotStarted } from '../todo';
import { inline } from './show';

/** Written into the second result to see what else it changes: exact in float32, unlikely in a result. */
export const SENTINEL = 1234567.5;

/** Stands for a key an object does not have, in a Difference. */
export const ABSENT: unique symbol = Symbol('absent');

/** Where two values first differ, or undefined when they are deeply equal (NaN equals NaN). */
export interface Difference {
  /** e.g. `[1][0]`, `.data[3]`, `.stride` */
  path: string;
  was: unknown;
  now: unknown;
}

const isTyped = (v: unknown): v is ArrayLike<number> & ArrayBufferView => ArrayBuffer.isView(v) && !(v instanceof DataView);

/**
 * The first place where `now` differs from `was` (a deep comparison: arrays, typed arrays, plain
 * objects and their keys, numbers by `Object.is`, so NaN equals NaN), or undefined.
 */
export function firstChange(was: unknown, now: unknown, path = ''): Difference | undefined {
  if (Object.is(was, now)) return undefined;
  if (typeof was !== 'object' || typeof now !== 'object' || was === null || now === null) return { path, was, now };
  if (isTyped(was) || isTyped(now)) {
    if (!isTyped(was) || !isTyped(now) || was.constructor !== now.constructor) return { path, was, now };
    if (was.length !== now.length) return { path: `${path}.length`, was: was.length, now: now.length };
    for (let i = 0; i < was.length; i++) if (!Object.is(was[i], now[i])) return { path: `${path}[${i}]`, was: was[i], now: now[i] };
    return undefined;
  }
  if (Array.isArray(was) !== Array.isArray(now)) return { path, was, now };
  if (Array.isArray(was) && Array.isArray(now)) {
    if (was.length !== now.length) return { path: `${path}.length`, was: was.length, now: now.length };
    for (let i = 0; i < was.length; i++) {
      const d = firstChange(was[i], now[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  const a = was as Record<string, unknown>;
  const b = now as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!(key in b)) return { path: `${path}.${key}`, was: a[key], now: ABSENT };
    if (!(key in a)) return { path: `${path}.${key}`, was: ABSENT, now: b[key] };
    const d = firstChange(a[key], b[key], `${path}.${key}`);
    if (d) return d;
  }
  return undefined;
}

/** Writes SENTINEL into every number held in arrays, typed arrays and objects of `value` (what can be written). */
function overwrite(value: unknown, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (isTyped(value)) {
    (value as unknown as { fill(v: number): void }).fill(SENTINEL);
    return;
  }
  const record = value as Record<string | number, unknown>;
  for (const key of Object.keys(record)) {
    try {
      if (typeof record[key] === 'number') record[key] = SENTINEL;
      else overwrite(record[key], seen);
    } catch {
      // a frozen or read-only part of the result: nothing else can see a write there
    }
  }
}

const clone = <T>(v: T): T => structuredClone(v);
const shown = (v: unknown) => (v === ABSENT ? 'absent' : inline(v, 8));

export interface FreshOptions {
  /** The function's name for the messages (default `fn.name`). */
  name?: string;
  /** Arguments passed as they are, not copied nor compared (e.g. `['gpu']`); see expectFresh. */
  shared?: readonly string[];
}

/** Plain data: primitives, arrays, typed arrays and plain objects (what structuredClone copies faithfully). */
function isData(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return typeof v !== 'function' && typeof v !== 'symbol';
  if (Array.isArray(v) || isTyped(v)) return true;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Calls `fn` twice with deep copies of `args` and fails, with a message that names the argument
 * and the first place that changed, when
 *
 *   1. the call wrote into an argument (arrays, nested arrays, Tensor data and shape, options
 *      objects: a key added, changed or deleted counts);
 *   2. writing into the second result changes the first result (the results share storage: an
 *      output buffer kept at module level, or a cache);
 *   3. the second result IS an argument, or writing into it changes an argument (a view of
 *      one: `reshape` or `flatten` sharing `t.data`, `permute` by the identity returning `t`,
 *      `pad2d(m, 0)` returning `m`'s rows).
 *
 * Arguments are deep-copied (structuredClone) for each call. An argument that is not plain data
 * (a class instance such as a gpu.js `GPU`, a function), or whose name is in `options.shared`, is
 * passed as it is to both calls and not compared: `expectFresh(conv, { gpu, x, params })`.
 *
 * Pass options objects as the kata's callers would, defaults left out (`{}`, `{ padding: 1 }`),
 * so that a function that fills its defaults into the caller's object is caught. A stub's "not
 * started" error, or any error `fn` throws, passes through: a function that throws never passes.
 *
 * @param fn   the function under test
 * @param args its arguments by name, in call order: the names appear in the messages
 * @returns the result of the first call (unchanged), for further checks
 *
 * @example
 * expectFresh(conv2d, { input: LECTURE_INPUT, kernel: LECTURE_KERNEL, options: {} });
 * expectFresh(permute, { t: tensor([2, 3], [1, 2, 3, 4, 5, 6]), dims: [0, 1] });
 */
export function expectFresh(fn: (...args: never[]) => unknown, args: Readonly<Record<string, unknown>>, options: FreshOptions = {}): unknown {
  const name = options.name ?? (fn.name || 'the function');
  const names = Object.keys(args);
  const passed = names.map((k) => !isData(args[k]) || (options.shared ?? []).includes(k));
  const originals = names.map((k, i) => (passed[i] ? args[k] : clone(args[k])));
  const call = (): [unknown[], unknown] => {
    const copies = originals.map((v, i) => (passed[i] ? v : clone(v)));
    try {
      return [copies, (fn as (...a: unknown[]) => unknown)(...copies)];
    } catch (error) {
      if (isNotStarted(error)) throw error;
      throw new Error(`${name} threw on arguments it should accept: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, {
        cause: error,
      });
    }
  };
  const changedArgument = (copies: unknown[], why: (arg: string, d: Difference) => string): void => {
    copies.forEach((copy, i) => {
      if (passed[i]) return;
      const d = firstChange(originals[i], copy);
      if (d) throw new Error(why(names[i], d));
    });
  };

  const [first, r1] = call();
  changedArgument(
    first,
    (arg, d) =>
      `${name} changed its input: it wrote into its argument \`${arg}\` (${arg}${d.path} was ${shown(d.was)}, now ${shown(d.now)}). ` +
      'The caller still needs its values: read the arguments, and put results in new arrays.',
  );
  const kept = clone(r1);
  const [second, r2] = call();
  const itself = second.findIndex((copy, i) => !passed[i] && copy === r2 && typeof r2 === 'object' && r2 !== null);
  if (itself >= 0) {
    throw new Error(
      `${name} returned its argument \`${names[itself]}\` itself: the caller's ${names[itself]} and the result are one object, ` +
        'so writing into either changes the other. Return a new one (a copy), even when no value changes.',
    );
  }
  overwrite(r2);
  const d1 = firstChange(kept, r1);
  if (d1) {
    throw new Error(
      `${name} returned results that share storage: writing into the second call's result changed the first call's result ` +
        `(result${d1.path} was ${shown(d1.was)}, now ${shown(d1.now)}). Build a new result on every call, ` +
        'not one array kept at module level and reused.',
    );
  }
  changedArgument(
    second,
    (arg, d) =>
      `${name} returned a result that shares storage with its argument \`${arg}\`: writing into the result changed ` +
      `${arg}${d.path} (was ${shown(d.was)}, now ${shown(d.now)}). Return new arrays (a copy), never the argument itself or a view of its data.`,
  );
  return r1;
}

/** A copy of a tensor with its own storage and the same float type: hand the code under test copies inside properties. */
export function copyOf<D extends FloatArray>(t: FloatTensor<D>): FloatTensor<D> {
  return { shape: [...t.shape], data: t.data.slice() as D };
}
