/**
 * The "not implemented" marker every stub calls. The runner and the grader recognise this error
 * and report the kata as *not started* rather than *failing*.
 */
export class KataNotStartedError extends Error {
  override readonly name = 'KataNotStartedError';
  constructor(readonly kata: string) {
    const id = kata.slice(0, 2);
    super(
      `Kata ${kata} is not started yet. Write your code in katas/${kata}/index.ts, ` +
        `read the lesson in docs/${kata}.md, and ask for a hint with: npm run kata -- hint ${id}`,
    );
    // No stack trace: every test of a kata not started fails with this, and the frames say nothing new.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** Marks a function body the learner still has to write. */
export function todo(kata: string): never {
  throw new KataNotStartedError(kata);
}

/** True when `error` (or anything in its `cause` chain) is a stub's "not started" error. */
export function isNotStarted(error: unknown): error is KataNotStartedError {
  for (let e = error, depth = 0; e != null && depth < 10; depth++) {
    if (e instanceof KataNotStartedError || (e as { name?: unknown }).name === 'KataNotStartedError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
