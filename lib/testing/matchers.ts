/**
 * `expect(received).toBeCloseToTensor(expected, options)`: the one tensor assertion of every
 * kata suite. On failure (under the test's name, which starts with the kata) it prints the
 * expected and received shapes, the first differing index and a grid of both around it; when the
 * received value is exactly what a known mistake produces, it says which mistake first.
 */
import { expect } from 'vitest';
import { FLOAT32, closeTo, explainDifference, type Tolerance } from './compare';
import { isNotStarted } from '../todo';
import { inline } from './show';

/** A plausible wrong implementation, described for the learner, with the output it would give. */
export interface Mistake {
  /** What the mistake is, e.g. "the kernel was flipped (true convolution)". */
  name: string;
  /** Why it is wrong and what to do instead. */
  fix: string;
  output: unknown;
}

export interface TensorMatchOptions extends Partial<Tolerance> {
  /** Known wrong answers: if received matches one of them, the message names it. */
  mistakes?: readonly Mistake[];
}

interface TensorMatchers<R = unknown> {
  toBeCloseToTensor(expected: unknown, options?: TensorMatchOptions): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends TensorMatchers<T> {}
}

expect.extend({
  toBeCloseToTensor(received: unknown, expected: unknown, options: TensorMatchOptions = {}) {
    const tol: Tolerance = { atol: options.atol ?? FLOAT32.atol, rtol: options.rtol ?? FLOAT32.rtol };
    const problem = explainDifference(received, expected, tol);
    if (this.isNot) {
      return { pass: problem === undefined, message: () => 'expected a tensor different from the one received' };
    }
    const mistake =
      problem === undefined ? undefined : options.mistakes?.find((m) => !closeTo(m.output, expected, tol) && closeTo(received, m.output, tol));
    return {
      pass: problem === undefined,
      message: () =>
        [
          ...(mistake ? [`This is exactly the output of a known mistake: ${mistake.name}.`, mistake.fix, ''] : []),
          problem ?? '',
        ].join('\n'),
    };
  },
});

/**
 * For a test named after mistakes: fails only when `received` is the output of one of `mistakes`,
 * naming it and its fix. A result that is wrong in some other way passes here and is left to the main
 * tests, so a test named after one mistake never blames a learner for another.
 */
export function expectNoMistake(received: unknown, mistakes: readonly Mistake[], tol: Tolerance = FLOAT32): void {
  const mistake = mistakes.find((m) => closeTo(received, m.output, tol));
  if (mistake) expect.fail(`This is exactly the output of a known mistake: ${mistake.name}.\n${mistake.fix}`);
}

/**
 * Asserts that `call` throws an error of `type` whose message matches every pattern, e.g.
 * `expectError(() => conv2d(x, k, { stride: 0 }), RangeError, [/^conv2d:/, /stride/])`.
 * A stub's "not started" error is passed through unchanged, so the runner can say *not started*.
 */
export function expectError(call: () => unknown, type: new (...args: never[]) => Error, patterns: readonly RegExp[]): void {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    if (isNotStarted(error)) throw error;
    const err = error as Error;
    const got = `${err?.name ?? typeof err}: ${err?.message ?? String(err)}`;
    if (!(err instanceof type)) {
      throw new Error(`expected a ${type.name} for this input, but got ${got}`);
    }
    const missing = patterns.filter((p) => !p.test(err.message));
    if (missing.length > 0) {
      throw new Error(
        `the ${type.name} was thrown, but its message does not say enough.\n  message: ${err.message}\n` +
          `  it should match: ${missing.map(String).join(', ')}`,
      );
    }
    return;
  }
  throw new Error(`expected a ${type.name} for this input, but the call returned ${inline(result, 12)}`);
}
