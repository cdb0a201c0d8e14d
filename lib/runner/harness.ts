/**
 * The trusted harness: a learner's katas/ run inside a pristine copy of everything else.
 *
 * A learner controls their whole repository: the suites, lib/, the configs, test/checksums.json,
 * even the CI workflow. So the grader takes only `katas/` from their checkout and lays it into a
 * fresh temporary folder holding this repository's (or a given pristine checkout's) test/, lib/,
 * package files, tsconfig and vitest config, and runs vitest there with that config named
 * explicitly. Nothing else the learner added (a root vitest.config.ts that points `@kata/*` at
 * solutions/, an edited suite, rewritten checksums) takes part; it is reported instead
 * (lib/integrity.ts learnerChanges). Kata files are checked too (lib/runner/flags.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { curriculum } from '../curriculum';
import { ROOT } from '../paths';

/** What the harness takes from the pristine checkout: everything a run of the suites reads, nothing else. */
export const HARNESS_FILES = ['lib', 'test', 'package.json', 'package-lock.json', 'tsconfig.json', 'vitest.config.mts'];

export interface Checkout {
  /** What the person typed: a path or git URL, with an optional #ref. */
  spec: string;
  /** The folder holding the files. */
  dir: string;
  /** The commit graded, when it came from git. */
  commit?: string;
  /** Removes what was cloned (nothing for a local folder used as is). */
  cleanup(): void;
}

const git = (args: string[], cwd?: string) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }).trim();

const looksLikeUrl = (s: string) => /^([a-z][a-z0-9+.-]*:\/\/|git@|[\w.-]+@[\w.-]+:)/i.test(s) || s.endsWith('.git');

/**
 * Splits `where#ref`. A `#` is a ref separator only when the part before it exists as a folder or is a URL.
 */
export function parseCheckoutSpec(spec: string): { where: string; ref?: string } {
  const i = spec.lastIndexOf('#');
  if (i > 0) {
    const where = spec.slice(0, i);
    if (looksLikeUrl(where) || fs.existsSync(where)) return { where, ref: spec.slice(i + 1) || undefined };
  }
  return { where: spec };
}

/**
 * A checkout to read from: a local folder as it is (its working tree), or, for a git URL or a
 * `folder#ref`, a fresh clone at that ref in a temporary folder.
 */
export function openCheckout(spec: string, tmpParent = os.tmpdir()): Checkout {
  const { where, ref } = parseCheckoutSpec(spec);
  if (!looksLikeUrl(where) && !ref) {
    const dir = path.resolve(where);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${spec}: no such folder (give a checkout's folder or a git URL, optionally with #ref)`);
    let commit: string | undefined;
    try {
      commit = git(['rev-parse', 'HEAD'], dir);
    } catch {
      commit = undefined;
    }
    return { spec, dir, commit, cleanup: () => undefined };
  }
  const dir = fs.mkdtempSync(path.join(tmpParent, 'kata-clone-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const source = looksLikeUrl(where) ? where : path.resolve(where);
    git(['clone', '--quiet', '--no-checkout', source, dir]);
    git(['checkout', '--quiet', '--detach', ref ?? 'HEAD'], dir);
    return { spec, dir, commit: git(['rev-parse', 'HEAD'], dir), cleanup };
  } catch (error) {
    cleanup();
    const why = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(`cannot check out ${spec}: ${why.split('\n').pop()}`);
  }
}

export interface Harness {
  /** The folder to run vitest in (its root). */
  dir: string;
  /** The vitest config to name explicitly. */
  config: string;
  /** Entries of the learner's katas/ that were not copied: symlinks, folders of no kata, other files. */
  skipped: string[];
  cleanup(): void;
}

/**
 * Copies `<tree>/<slug>/` (tree: katas, or solutions for a check of the reference) of every kata in
 * the manifest, regular files only, from the learner's checkout into a fresh folder holding the
 * pristine HARNESS_FILES, with node_modules linked from the pristine checkout (or this repository).
 * Returns what was left out of the learner's tree.
 */
export function buildHarness(
  pristineDir: string,
  learnerDir: string,
  tree: 'katas' | 'solutions' = 'katas',
  tmpParent = fs.realpathSync(os.tmpdir()),
): Harness {
  const dir = fs.mkdtempSync(path.join(tmpParent, 'kata-harness-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    for (const entry of HARNESS_FILES) {
      const from = path.join(pristineDir, entry);
      if (!fs.existsSync(from)) continue;
      fs.cpSync(from, path.join(dir, entry), { recursive: true, filter: (src) => path.basename(src) !== 'node_modules' });
    }
    linkNodeModules(pristineDir, dir);
    const skipped = copyKatas(learnerDir, dir, tree);
    return { dir, config: path.join(dir, 'vitest.config.mts'), skipped, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/**
 * node_modules as a real folder of links to the pristine packages, so that parallel runs share the
 * packages but not vitest's and vite's caches (node_modules/.vite, .cache).
 */
function linkNodeModules(pristineDir: string, dir: string): void {
  const source = [path.join(pristineDir, 'node_modules'), path.join(ROOT, 'node_modules')].find((d) => fs.existsSync(d));
  if (!source) throw new Error(`no node_modules in ${pristineDir} or ${ROOT}: run npm ci first`);
  const target = path.join(dir, 'node_modules');
  fs.mkdirSync(target);
  for (const name of fs.readdirSync(source)) {
    if (name === '.vite' || name === '.cache' || name === '.vitest') continue;
    fs.symlinkSync(path.join(source, name), path.join(target, name));
  }
}

function copyKatas(learnerDir: string, harnessDir: string, tree: string): string[] {
  const from = path.join(learnerDir, tree);
  const to = path.join(harnessDir, tree);
  fs.mkdirSync(to, { recursive: true });
  if (!fs.existsSync(from)) return [`${tree}/ (missing)`];
  const slugs = new Set(curriculum.map((k) => k.slug));
  const skipped: string[] = [];
  const copy = (src: string, dst: string, rel: string): void => {
    const st = fs.lstatSync(src);
    if (st.isSymbolicLink()) {
      skipped.push(`${rel} (a symbolic link)`);
    } else if (st.isDirectory()) {
      if (path.basename(src) === 'node_modules') {
        skipped.push(`${rel} (a node_modules folder)`);
        return;
      }
      fs.mkdirSync(dst, { recursive: true });
      for (const name of fs.readdirSync(src).sort()) copy(path.join(src, name), path.join(dst, name), `${rel}/${name}`);
    } else if (st.isFile()) {
      fs.copyFileSync(src, dst);
    } else {
      skipped.push(`${rel} (not a regular file)`);
    }
  };
  for (const name of fs.readdirSync(from).sort()) {
    const rel = `${tree}/${name}`;
    if (!slugs.has(name)) {
      skipped.push(`${rel} (no kata of that name in the manifest)`);
      continue;
    }
    copy(path.join(from, name), path.join(to, name), rel);
  }
  return skipped;
}

/** Every file of a kata's folder in a tree (katas or solutions), relative to `root`, sorted. */
export function kataFiles(root: string, tree: 'katas' | 'solutions', slug: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    const st = fs.lstatSync(abs);
    if (st.isDirectory()) for (const name of fs.readdirSync(abs).sort()) walk(`${rel}/${name}`);
    else if (st.isFile()) out.push(rel);
  };
  walk(`${tree}/${slug}`);
  return out;
}
