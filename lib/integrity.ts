/**
 * Checksums of everything that decides a grade (the suites, fixtures, lib/, the configs) and of
 * the pristine stubs, kept in test/checksums.json by `npm run sync`.
 *
 * The grader compares the working tree with it and reports any difference as tampering instead
 * of grading silently; `kata reset` uses the stub checksums to find the original stub in git.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { curriculum, kataPaths } from './curriculum';
import { ROOT } from './paths';

export const CHECKSUMS_FILE = 'test/checksums.json';

/** Paths whose every file is protected; folders are walked. */
export const PROTECTED = ['lib', 'test', '.github', 'package.json', 'tsconfig.json', 'vitest.config.mts'];

export interface Checksums {
  /** sha256 of each protected file (line endings normalised to \n). */
  protected: Record<string, string>;
  /** sha256 of each kata's stub as shipped. */
  stubs: Record<string, string>;
}

export function hashText(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

export function hashFile(rel: string, root = ROOT): string | undefined {
  const abs = path.join(root, rel);
  return fs.existsSync(abs) ? hashText(fs.readFileSync(abs, 'utf8')) : undefined;
}

/** Every file under `rel` (a file or a folder), relative to `root`, sorted; node_modules and .kata skipped. */
export function walk(rel: string, root = ROOT): string[] {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return [rel];
  return fs
    .readdirSync(abs)
    .filter((name) => name !== 'node_modules' && !name.startsWith('.kata'))
    .sort()
    .flatMap((name) => walk(path.posix.join(rel, name), root));
}

export function protectedFiles(root = ROOT): string[] {
  return PROTECTED.flatMap((p) => walk(p, root)).filter((f) => f !== CHECKSUMS_FILE);
}

export function computeChecksums(root = ROOT): Checksums {
  const protectedSums: Record<string, string> = {};
  for (const f of protectedFiles(root)) protectedSums[f] = hashFile(f, root)!;
  const stubs: Record<string, string> = {};
  for (const kata of curriculum) {
    const stub = kataPaths(kata).stub;
    const hash = hashFile(stub, root);
    if (hash) stubs[stub] = hash;
  }
  return { protected: protectedSums, stubs };
}

export function readChecksums(root = ROOT): Checksums | undefined {
  const abs = path.join(root, CHECKSUMS_FILE);
  return fs.existsSync(abs) ? (JSON.parse(fs.readFileSync(abs, 'utf8')) as Checksums) : undefined;
}

export interface Tampering {
  modified: string[];
  missing: string[];
  added: string[];
}

/** Differences between the protected files on disk and the committed checksums. */
export function checkIntegrity(expected: Checksums | undefined = readChecksums(), root = ROOT): Tampering {
  if (!expected) return { modified: [], missing: [CHECKSUMS_FILE], added: [] };
  const actual = computeChecksums(root).protected;
  return {
    modified: Object.keys(expected.protected).filter((f) => actual[f] !== undefined && actual[f] !== expected.protected[f]),
    missing: Object.keys(expected.protected).filter((f) => actual[f] === undefined),
    added: Object.keys(actual).filter((f) => expected.protected[f] === undefined),
  };
}

export const isClean = (t: Tampering) => t.modified.length + t.missing.length + t.added.length === 0;

/** Folders never compared: tools' output, learner state, version control, editor settings. */
const NOT_COMPARED = new Set(['.git', 'node_modules', '.kata', 'grading', 'coverage', '.coverage', '.vitest-dump', '.vscode', '.idea', '.gl']);

/** Everything in a checkout but those folders, relative to `root`, sorted. */
export function checkoutFiles(root: string, rel = ''): string[] {
  const abs = path.join(root, rel);
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .filter((e) => !(rel === '' && NOT_COMPARED.has(e.name)) && e.name !== 'node_modules')
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const child = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? checkoutFiles(root, child) : [child];
    });
}

/**
 * Files outside katas/ that cannot change what a run computes: the lessons, the reference
 * solutions (never loaded by a learner's run in the harness), README and LICENSE.
 */
const inert = (rel: string) => /^(docs|solutions)\//.test(rel) || /^(README|LICENSE|CHANGELOG)(\.md)?$/i.test(rel) || rel.endsWith('.log');

/**
 * What a learner changed or added outside katas/ that could influence a run of the suites, compared
 * with a pristine checkout: edited suites, lib/ or configs, an added vitest.config.ts, .npmrc, .env,
 * workflow... The trusted harness does not use any of them; they are reported so that nobody is
 * fooled by a run in the learner's own repository. `missing` lists protected files the learner deleted.
 */
export function learnerChanges(learnerRoot: string, pristineRoot: string): Tampering {
  const learner = checkoutFiles(learnerRoot).filter((f) => !f.startsWith('katas/') && !inert(f));
  const pristine = new Set(checkoutFiles(pristineRoot).filter((f) => !f.startsWith('katas/') && !inert(f)));
  const modified: string[] = [];
  const added: string[] = [];
  for (const f of learner) {
    if (!pristine.has(f)) added.push(f);
    else if (!sameFile(path.join(learnerRoot, f), path.join(pristineRoot, f))) modified.push(f);
  }
  const have = new Set(learner);
  const missing = [...pristine].filter((f) => !have.has(f) && PROTECTED.some((p) => f === p || f.startsWith(`${p}/`)));
  return { modified, missing, added };
}

function sameFile(a: string, b: string): boolean {
  try {
    const ba = fs.readFileSync(a);
    const bb = fs.readFileSync(b);
    return ba.equals(bb) || hashText(ba.toString('utf8')) === hashText(bb.toString('utf8'));
  } catch {
    return false;
  }
}

/** What belongs at the top of a checkout; anything else there (vitest.config.ts, .npmrc, .env...) could change a run. */
const ROOT_ENTRIES = new Set([
  ...PROTECTED,
  'package-lock.json',
  'katas',
  'solutions',
  'docs',
  'README.md',
  'LICENSE',
  '.gitignore',
  '.ci',
  ...NOT_COMPARED,
]);

/** Entries at the top of `root` that a checkout of this repository does not have. */
export function unexpectedRootEntries(root: string): string[] {
  return fs
    .readdirSync(root)
    .filter((name) => !ROOT_ENTRIES.has(name))
    .sort();
}
