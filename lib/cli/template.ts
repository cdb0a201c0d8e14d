/**
 * npm run template -- <dir> [--no-git] [--force]: writes the repository as learners get it (a
 * GitHub Classroom template, say): everything but solutions/ and the maintainers' CI script, with
 * test/checksums.json and the generated files written for that tree, and, unless --no-git, a git
 * repository with one commit (so that `npm run kata -- reset` can find the original stubs).
 *
 * In that tree everything learner-facing works: npm test, npm run kata (list, watch, hint, reset),
 * and `diff` says that the solutions are not included. `verify` and `coverage`, which need
 * solutions/, say so; lib/test/structure.test.ts skips the stub-against-solution checks.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { generatedFiles } from '../generate';
import { CHECKSUMS_FILE, computeChecksums } from '../integrity';
import { ROOT } from '../paths';

/** Left out of a learner's copy: the reference, and the maintainers' CI (it runs verify, which needs the reference). */
export const NOT_FOR_LEARNERS = [/^solutions\//, /^\.ci\//];

/** The files of this repository as git tracks them (the working tree's content), or every file but ignored folders without git. */
function repositoryFiles(): string[] {
  try {
    const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\0')
      .filter(Boolean);
    return tracked.filter((f) => fs.existsSync(path.join(ROOT, f)));
  } catch {
    const skip = new Set(['node_modules', '.git', '.kata', 'grading', 'coverage', '.coverage']);
    const walk = (rel: string): string[] =>
      fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true }).flatMap((e) => {
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (skip.has(e.name)) return [];
        return e.isDirectory() ? walk(child) : [child];
      });
    return walk('');
  }
}

export function learnerFiles(): string[] {
  return repositoryFiles()
    .filter((f) => !NOT_FOR_LEARNERS.some((re) => re.test(f)))
    .sort();
}

/** Writes the learner template into `dir` (which must be empty or absent unless `force`); returns the files written. */
export function writeTemplate(dir: string, options: { git?: boolean; force?: boolean } = {}): string[] {
  const out = path.resolve(dir);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0 && !options.force) throw new Error(`${dir} is not empty (--force writes into it anyway)`);
  if (out === ROOT || out.startsWith(`${ROOT}${path.sep}`)) throw new Error(`${dir} is inside this repository; write the template somewhere else`);
  const files = learnerFiles();
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(out, f));
  }
  // generated files and checksums, for this tree
  for (const [rel, content] of Object.entries(generatedFiles())) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), content);
  }
  fs.writeFileSync(path.join(out, CHECKSUMS_FILE), `${JSON.stringify(computeChecksums(out), null, 2)}\n`);
  if (options.git !== false) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: out, stdio: ['ignore', 'pipe', 'pipe'] });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('-c', 'user.name=cnn-katas', '-c', 'user.email=cnn-katas@localhost', 'commit', '-qm', 'cnn-katas: learner template');
  }
  return files;
}

function main(argv: string[]): void {
  const program = new Command('template')
    .description('Write the repository as learners get it: no solutions/, checksums and generated files for that tree')
    .argument('<dir>', 'where to write it (empty or new)')
    .option('--no-git', 'do not make it a git repository with one commit')
    .option('--force', 'write into a folder that is not empty')
    .showHelpAfterError('usage: npm run template -- <dir> [--no-git] [--force]')
    .parse(argv);
  const opts = program.opts<{ git: boolean; force?: boolean }>();
  const dir = program.args[0];
  const files = writeTemplate(dir, opts);
  console.log(`Wrote the learner template to ${dir}: ${files.length} files, no solutions/.`);
  console.log(`Try it: cd ${dir} && npm ci && npm run kata`);
}

if (require.main === module) {
  try {
    main(process.argv);
  } catch (error) {
    console.error(`template: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
