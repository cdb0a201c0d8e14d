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
import { fromRoot, ROOT } from './paths';

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

export function hashFile(rel: string): string | undefined {
  const abs = fromRoot(rel);
  return fs.existsSync(abs) ? hashText(fs.readFileSync(abs, 'utf8')) : undefined;
}

function walk(rel: string): string[] {
  const abs = fromRoot(rel);
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return [rel];
  return fs
    .readdirSync(abs)
    .filter((name) => name !== 'node_modules' && !name.startsWith('.kata'))
    .sort()
    .flatMap((name) => walk(path.posix.join(rel, name)));
}

export function protectedFiles(): string[] {
  return PROTECTED.flatMap(walk).filter((f) => f !== CHECKSUMS_FILE);
}

export function computeChecksums(): Checksums {
  const protectedSums: Record<string, string> = {};
  for (const f of protectedFiles()) protectedSums[f] = hashFile(f)!;
  const stubs: Record<string, string> = {};
  for (const kata of curriculum) {
    const stub = kataPaths(kata).stub;
    const hash = hashFile(stub);
    if (hash) stubs[stub] = hash;
  }
  return { protected: protectedSums, stubs };
}

export function readChecksums(): Checksums | undefined {
  const abs = path.join(ROOT, CHECKSUMS_FILE);
  return fs.existsSync(abs) ? (JSON.parse(fs.readFileSync(abs, 'utf8')) as Checksums) : undefined;
}

export interface Tampering {
  modified: string[];
  missing: string[];
  added: string[];
}

/** Differences between the protected files on disk and the committed checksums. */
export function checkIntegrity(expected: Checksums | undefined = readChecksums()): Tampering {
  if (!expected) return { modified: [], missing: [CHECKSUMS_FILE], added: [] };
  const actual = computeChecksums().protected;
  return {
    modified: Object.keys(expected.protected).filter((f) => actual[f] !== undefined && actual[f] !== expected.protected[f]),
    missing: Object.keys(expected.protected).filter((f) => actual[f] === undefined),
    added: Object.keys(actual).filter((f) => expected.protected[f] === undefined),
  };
}

export const isClean = (t: Tampering) => t.modified.length + t.missing.length + t.added.length === 0;
