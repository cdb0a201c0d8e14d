/**
 * Small learner repositories for the grader's tests, built in a temporary folder from this
 * repository's stubs and solutions: each one is a copy of the repository as a learner has it
 * (no node_modules), then changed the way a learner might, honestly or not.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../paths';

/** What a fresh learner checkout holds (what the template ships, plus solutions/ where the learner has them). */
const COPIED = ['katas', 'lib', 'test', 'docs', '.github', 'package.json', 'package-lock.json', 'tsconfig.json', 'vitest.config.mts', 'README.md', '.gitignore'];

export function makeTemp(prefix: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), prefix));
}

/** A learner repository `name` under `parent`: the stubs as shipped; `withSolutions` copies solutions/ too. */
export function learnerRepo(parent: string, name: string, withSolutions = false): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of [...COPIED, ...(withSolutions ? ['solutions'] : [])]) {
    if (fs.existsSync(path.join(ROOT, entry))) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true, filter: (src) => !src.includes('node_modules') });
  }
  return dir;
}

export const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
export const write = (dir: string, rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};

/** The reference solution of a kata, reworded so that it is the learner's own (not a copy up to formatting). */
export function ownSolution(slug: string): string {
  return `${read(ROOT, `solutions/${slug}/index.ts`)}\n/** Written by the learner. */\nexport const author = 'learner';\n`;
}

/** Turns the folder into a git repository with one commit (for git URLs and refs). */
export function commitAll(dir: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=learner', '-c', 'user.email=learner@example.com', 'commit', '-qm', 'work');
  return git('rev-parse', 'HEAD');
}
