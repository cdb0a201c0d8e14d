/**
 * Grades one learner in the trusted harness (lib/runner/harness.ts): checks out their repository,
 * flags their kata files (lib/runner/flags.ts) and everything else they changed (lib/integrity.ts),
 * runs the pristine suites against their katas/ only, and returns the results the reports are
 * written from (lib/cli/grade.ts).
 */
import path from 'node:path';
import { curriculum, type Kata, type Target } from '../curriculum';
import { checkIntegrity, isClean, learnerChanges, readChecksums, unexpectedRootEntries, type Tampering } from '../integrity';
import { ROOT } from '../paths';
import { kataFlags, type KataFlag } from './flags';
import { buildHarness, openCheckout, type Checkout } from './harness';
import { kataResult, type KataResult } from './results';
import { runVitest } from './vitest';

export interface GradeOptions {
  /** The learner's checkout: a folder or git URL, optionally #ref. */
  learner: string;
  /** The pristine checkout the suites, lib/ and configs come from (default: this repository). */
  harness?: string;
  /** Which katas (default: every kata in the manifest). */
  katas?: readonly Kata[];
  target?: Target;
  seed: number;
  testTimeoutMs?: number;
  wallTimeoutMs?: number;
  maxWorkers?: number;
  /** Extra environment for the suites (the rest of the grader's environment is passed through). */
  env?: Record<string, string>;
}

export interface LearnerGrade {
  katas: KataResult[];
  flags: Record<string, KataFlag[]>;
  /** What the learner changed outside katas/ (or, graded in place, what differs from test/checksums.json). */
  tampering: Tampering;
  /** Entries of katas/ the harness did not take. */
  skipped: string[];
  learner: { spec: string; commit?: string };
  harness: { spec: string; commit?: string; inPlace: boolean };
  wallMs: number;
}

/**
 * The same folder graded as learner and harness (a learner grading their own checkout, the
 * Classroom workflow): the harness still runs the pristine-looking copy with an explicit config,
 * but the only reference for "pristine" is the learner's own test/checksums.json.
 */
export async function gradeLearner(options: GradeOptions): Promise<LearnerGrade> {
  const started = Date.now();
  const target = options.target ?? 'katas';
  const katas = options.katas ?? curriculum;
  const opened: Checkout[] = [];
  try {
    const pristine = openCheckout(options.harness ?? ROOT);
    opened.push(pristine);
    const learner = target === 'solutions' ? pristine : openCheckout(options.learner);
    if (learner !== pristine) opened.push(learner);
    const inPlace = path.resolve(learner.dir) === path.resolve(pristine.dir);

    const { tampering, flags } = inspect(learner.dir, pristine.dir, inPlace, target, katas);
    const harness = buildHarness(pristine.dir, learner.dir, target);
    try {
      const run = await runVitest({
        root: harness.dir,
        config: harness.config,
        projects: [target],
        files: katas.map((k) => `test/${k.slug}.test.ts`),
        testTimeoutMs: options.testTimeoutMs,
        wallTimeoutMs: options.wallTimeoutMs,
        maxWorkers: options.maxWorkers,
        env: { ...options.env, KATA_SEED: String(options.seed), KATA_TYPECHECK: '1' },
      });
      return {
        katas: katas.map((k) => kataResult(run, target, k)),
        flags,
        tampering,
        skipped: harness.skipped,
        learner: { spec: learner.spec, commit: learner.commit },
        harness: { spec: pristine.spec, commit: pristine.commit, inPlace },
        wallMs: Date.now() - started,
      };
    } finally {
      harness.cleanup();
    }
  } finally {
    for (const c of opened) c.cleanup();
  }
}

/** What differs outside katas/, and the flags of each kata's files: everything but the test run. */
function inspect(learnerDir: string, pristineDir: string, inPlace: boolean, target: Target, katas: readonly Kata[]) {
  let tampering: Tampering;
  if (target === 'solutions') tampering = { modified: [], missing: [], added: [] };
  else if (inPlace) {
    const sums = checkIntegrity(readChecksums(learnerDir), learnerDir);
    tampering = { ...sums, added: [...sums.added, ...unexpectedRootEntries(learnerDir)] };
  } else tampering = learnerChanges(learnerDir, pristineDir);
  const flags: Record<string, KataFlag[]> = {};
  if (target === 'katas') for (const k of katas) flags[k.slug] = kataFlags(k, learnerDir, pristineDir);
  return { tampering, flags };
}

/** The checks of gradeLearner without the test run (seconds, not minutes): for a CI step that must fail on tampering. */
export function checkLearner(options: Pick<GradeOptions, 'learner' | 'harness' | 'katas'>): Pick<LearnerGrade, 'flags' | 'tampering' | 'learner' | 'harness'> {
  const pristine = openCheckout(options.harness ?? ROOT);
  const learner = openCheckout(options.learner);
  try {
    const inPlace = path.resolve(learner.dir) === path.resolve(pristine.dir);
    const { tampering, flags } = inspect(learner.dir, pristine.dir, inPlace, 'katas', options.katas ?? curriculum);
    return { tampering, flags, learner: { spec: learner.spec, commit: learner.commit }, harness: { spec: pristine.spec, commit: pristine.commit, inPlace } };
  } finally {
    learner.cleanup();
    pristine.cleanup();
  }
}

export const isTampered = (g: Pick<LearnerGrade, 'tampering' | 'skipped'>) => !isClean(g.tampering) || g.skipped.length > 0;
