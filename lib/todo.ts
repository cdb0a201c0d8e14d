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
  const error = new KataNotStartedError(kata);
  // The stub that called todo(), for messages like "mnistNet still calls todo()" (V8 stacks only).
  const caller = new Error().stack?.split('\n')[2]?.match(/^\s*at (?:Object\.|Module\.)?([\w$]+)[ (]/)?.[1];
  if (caller) Object.defineProperty(error, 'stub', { value: caller });
  throw error;
}

/** The name of the function whose body still calls todo(), when the stack said. */
export function stubName(error: unknown): string | undefined {
  for (let e = error, depth = 0; e != null && depth < 10; depth++) {
    if ((e as { name?: unknown }).name === 'KataNotStartedError') return (e as { stub?: string }).stub;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when `error` (or anything in its `cause` chain) is a stub's "not started" error. */
export function isNotStarted(error: unknown): error is KataNotStartedError {
  for (let e = error, depth = 0; e != null && depth < 10; depth++) {
    if (e instanceof KataNotStartedError || (e as { name?: unknown }).name === 'KataNotStartedError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
