/**
 * What the grader flags in a learner's kata files, whatever the tests say:
 *   imports  a file imports something other than lib/, its own folder, the earlier katas its
 *            manifest entry depends on, or a package its reference solution does not use
 *            (`export * from '../../solutions/02-padding'`, tfjs, vitest...);
 *   copied   the kata's files are the reference solution's, up to formatting (whitespace,
 *            comments, quotes, semicolons, trailing commas).
 * A flagged kata earns no points until a person has looked at it (results say why).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Kata } from '../curriculum';
import { importViolations, packagesOf, sameUpToFormatting } from '../structure';
import { kataFiles } from './harness';

export interface KataFlag {
  kind: 'imports' | 'copied';
  message: string;
}

/**
 * Flags for one kata of the learner's checkout (`learnerDir`), judged against a pristine checkout
 * (`pristineDir`: its stub and, when present, its reference solution).
 */
export function kataFlags(kata: Kata, learnerDir: string, pristineDir: string): KataFlag[] {
  const read = (root: string, rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
  const mine = kataFiles(learnerDir, 'katas', kata.slug).filter((f) => /\.[cm]?[jt]sx?$/.test(f));
  const reference = kataFiles(pristineDir, 'solutions', kata.slug);
  const stub = kataFiles(pristineDir, 'katas', kata.slug);
  const packages = new Set<string>();
  for (const [root, files] of [
    [pristineDir, reference],
    [pristineDir, stub],
  ] as const) {
    for (const f of files) for (const p of packagesOf(f, read(root, f))) packages.add(p);
  }
  const flags: KataFlag[] = [];
  for (const f of mine) {
    for (const problem of importViolations(kata, f, read(learnerDir, f), packages)) flags.push({ kind: 'imports', message: problem });
  }
  if (reference.length > 0 && mine.length > 0) {
    const same = reference.every((sol) => {
      const rel = sol.replace(/^solutions\//, 'katas/');
      return fs.existsSync(path.join(learnerDir, rel)) && sameUpToFormatting(read(learnerDir, rel), read(pristineDir, sol));
    });
    if (same) flags.push({ kind: 'copied', message: `katas/${kata.slug}/ is the reference solution, up to formatting` });
  }
  return flags;
}
