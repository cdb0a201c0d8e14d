/** From a vitest run to one verdict per kata: done, failing, not started, or error. */
import fs from 'node:fs';
import path from 'node:path';
import { kataPaths, type Kata } from '../curriculum';
import type { TestReport } from './report';
import type { RunResult } from './vitest';

export type KataState = 'done' | 'failing' | 'not-started' | 'error';

export interface KataResult {
  kata: Kata;
  state: KataState;
  passed: number;
  total: number;
  tests: TestReport[];
  /** Why the kata is in error (a hang, a file that does not compile, a crash). */
  problem?: string;
  durationMs: number;
}

/** The slugs of the katas whose stubs a failed test ran into ("Kata 03-stride is not started yet"). */
const stubsHit = (t: TestReport): string[] =>
  t.state === 'failed' && t.errors.length > 0 && t.errors.every((e) => e.name === 'KataNotStartedError')
    ? t.errors.map((e) => /Kata (\S+) is not started/.exec(e.message)?.[1] ?? '')
    : [];

export function kataResult(run: RunResult, project: string, kata: Kata): KataResult {
  const testFile = kataPaths(kata).test;
  const module = run.report.modules.find((m) => m.project === project && m.file === testFile);
  const hang = run.hangs.find((h) => path.relative(run.root, h.file) === testFile || h.file.endsWith(testFile));
  // A skipped test is not a result: the "type-checks" test is skipped when there is nothing to report.
  const tests = (module?.tests ?? []).filter((t) => t.state !== 'skipped');
  const base = { kata, tests, total: tests.length, passed: tests.filter((t) => t.state === 'passed').length, durationMs: module?.durationMs ?? 0 };
  if (hang) {
    const seconds = (hang.limitMs / 1000).toFixed(1);
    // The watchdog's last line says where the loop was (an earlier kata's code, when it is there).
    const where = (hang.message?.split('\n').slice(2) ?? []).map((l) => l.replace(/^\[watchdog\] /, '')).join(' ');
    const problem = `the test "${hang.test}" ran longer than ${seconds} s and was stopped; look for a loop that never ends${where ? `. ${where}` : ''}`;
    return {
      ...base,
      state: 'error',
      problem,
      passed: 0,
      tests: tests.map((t) => ({
        ...t,
        state: 'failed',
        errors: [
          t.fullName === hang.test || hang.test.endsWith(t.fullName)
            ? { name: 'TimeoutError', message: `stopped after ${seconds} s: an infinite loop?` }
            : { name: 'NotRun', message: `not finished: the suite was stopped when "${hang.test}" hung` },
        ],
      })),
    };
  }
  if (!module) {
    const why = !fs.existsSync(path.join(run.root, testFile))
      ? `its suite ${testFile} is missing`
      : run.timedOut
        ? 'the run took too long and was stopped'
        : (run.report.unhandled[0] ?? 'vitest did not run this suite');
    return { ...base, state: 'error', problem: why };
  }
  if (module.errors.length > 0 && tests.length === 0) {
    return { ...base, state: 'error', problem: firstLines(module.errors[0], 6) };
  }
  if (base.total > 0 && base.passed === base.total) return { ...base, state: 'done' };
  const hit = tests.map(stubsHit);
  if (base.passed === 0 && tests.length > 0 && hit.every((slugs) => slugs.length > 0)) {
    const others = [...new Set(hit.flat())].filter((slug) => slug !== kata.slug);
    if (others.length === 0) return { ...base, state: 'not-started' };
    // The kata's own code runs, but calls an earlier kata that is still a stub.
    return { ...base, state: 'failing', problem: `it builds on kata ${others.join(', ')}, which is not started yet: finish that first` };
  }
  return { ...base, state: 'failing' };
}

export function firstLines(text: string, n: number): string {
  const lines = text.split('\n');
  return lines.slice(0, n).join('\n') + (lines.length > n ? '\n...' : '');
}
