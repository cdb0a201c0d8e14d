/**
 * The reporter `npm test` prints with: vitest's own, plus two things a learner needs.
 *   - A filter that matches no suite (`npm test -- 99`) lists the katas instead of only
 *     "No test files found".
 *   - When the watchdog (lib/testing/watchdog.ts) stopped a test that never ended, vitest's
 *     "Worker exited unexpectedly ... This might cause false positive tests" is dropped: the
 *     watchdog has already said which test hung and why, and no test passed falsely.
 */
import fs from 'node:fs';
import { DefaultReporter, type TestModule, type TestRunEndReason, type Vitest } from 'vitest/node';
import { curriculum } from '../curriculum';

type Unhandled = Parameters<DefaultReporter['onTestRunEnd']>[1][number];

const WORKER_DIED = /Worker exited unexpectedly|Worker forks emitted error|Channel closed|process exited unexpectedly/i;

/** True when the watchdog stopped a test in this run (it writes one record per stop into KATA_HANG_DIR). */
export function watchdogStopped(dir = process.env.KATA_HANG_DIR): boolean {
  return !!dir && fs.existsSync(dir) && fs.readdirSync(dir).length > 0;
}

/** The unhandled errors worth showing: not the ones that only say the watchdog ended a worker. */
export function withoutWatchdogNoise<E extends { message?: string }>(errors: readonly E[], stopped = watchdogStopped()): E[] {
  return stopped ? errors.filter((e) => !WORKER_DIED.test(e.message ?? '')) : [...errors];
}

export function kataList(): string {
  const width = Math.max(...curriculum.map((k) => k.slug.length));
  return curriculum.map((k) => `  ${k.id}  ${k.slug.padEnd(width)}  ${k.title}`).join('\n');
}

export default class KataTerminalReporter extends DefaultReporter {
  private vitest?: Vitest;

  override onInit(vitest: Vitest): void {
    this.vitest = vitest;
    super.onInit(vitest);
  }

  override onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<Unhandled>, reason: TestRunEndReason): void {
    const filters = (this.vitest as unknown as { filenamePattern?: string[] } | undefined)?.filenamePattern ?? [];
    if (modules.length === 0 && filters.length > 0) {
      process.stderr.write(`\nNo test file matches ${filters.map((f) => `"${f}"`).join(', ')}. The katas are:\n${kataList()}\nRun one with: npm test -- 01\n\n`);
      process.exit(1);
    }
    super.onTestRunEnd(modules, withoutWatchdogNoise(errors), reason);
  }
}
