import { execFileSync } from 'node:child_process';
import { readChecksums, hashText, CHECKSUMS_FILE } from '../integrity';
import { ROOT } from '../paths';

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * The stub as shipped: the version of `file` in git history whose checksum is the one recorded
 * in test/checksums.json. Throws a clear error when there is no git history to take it from.
 */
export function originalStub(file: string): string {
  const wanted = readChecksums()?.stubs[file];
  if (!wanted) throw new Error(`${CHECKSUMS_FILE} has no checksum for ${file}: is this a cnn-katas checkout?`);
  let commits: string[];
  try {
    commits = git('log', '--format=%H', '--', file).split('\n').filter(Boolean);
  } catch {
    throw new Error(`Cannot restore ${file}: this needs the repository's git history (git log failed). Copy the stub from a fresh clone instead.`);
  }
  for (const commit of commits) {
    const text = git('show', `${commit}:${file}`);
    if (hashText(text) === wanted) return text;
  }
  throw new Error(`Cannot restore ${file}: no commit in this repository's history holds the original stub.`);
}
