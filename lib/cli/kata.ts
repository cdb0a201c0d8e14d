/**
 * The learner's and instructor's command line: `npm run kata -- <command>`.
 *
 *   (no command)     the curriculum: each kata's state, a progress bar, and what to open next
 *   watch [kata]     rerun the current kata on every save under katas/, move on when it passes
 *   hint <kata>      reveal the kata's hints one tier at a time
 *   reset <kata>     back up your file, then restore the original stub
 *   diff <a> [b]     your kata against the solution, or solution a against solution b
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import pc from 'picocolors';
import { gpuModesReport } from '../gpu';
import { curriculum, findKata, kataPaths, type Kata } from '../curriculum';
import { fromRoot } from '../paths';
import { kataResult, type KataResult } from '../runner/results';
import { runVitest } from '../runner/vitest';
import { coloredDiff } from './diff';
import { originalStub } from './git';
import { readState, writeState } from './state';

const stateLabel: Record<KataResult['state'], (r: KataResult) => string> = {
  done: () => pc.green('done'),
  failing: (r) => pc.yellow(`failing: ${r.passed} of ${r.total} tests pass`),
  'not-started': () => pc.dim('not started'),
  error: () => pc.red('error'),
};

export function progressBar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `${pc.green('█'.repeat(filled))}${pc.dim('░'.repeat(width - filled))}`;
}

async function results(katas: readonly Kata[]): Promise<KataResult[]> {
  const run = await runVitest({ projects: ['katas'], files: katas.map((k) => kataPaths(k).test) });
  return katas.map((k) => kataResult(run, 'katas', k));
}

function nextSteps(kata: Kata): string {
  const p = kataPaths(kata);
  return [
    `${pc.bold('Next:')} ${kata.id} ${kata.title}: ${kata.concept}`,
    `  lesson  ${p.lesson}`,
    `  edit    ${p.stub}`,
    `  test    npm test -- ${kata.id}      hint: npm run kata -- hint ${kata.id}      watch: npm run kata -- watch`,
  ].join('\n');
}

async function list(): Promise<void> {
  const tty = process.stdout.isTTY;
  if (tty) process.stdout.write(pc.dim(`Running ${curriculum.length} kata suites against katas/ ...\r`));
  const all = await results(curriculum);
  if (tty) process.stdout.write(`${' '.repeat(60)}\r`);
  const done = all.filter((r) => r.state === 'done');
  const points = done.reduce((s, r) => s + r.kata.points, 0);
  const maxPoints = curriculum.reduce((s, k) => s + k.points, 0);
  console.log(
    `${pc.bold('cnn-katas')}  ${progressBar(done.length, all.length)}  ${done.length} of ${all.length} katas done, ${points} of ${maxPoints} points\n`,
  );
  const width = Math.max(...curriculum.map((k) => k.title.length));
  for (const r of all) {
    const mark = r.state === 'done' ? pc.green('✓') : r.state === 'error' ? pc.red('!') : r.state === 'failing' ? pc.yellow('…') : ' ';
    console.log(`  ${mark} ${r.kata.id}  ${r.kata.title.padEnd(width)}  ${stateLabel[r.state](r)}`);
    if (r.problem) console.log(pc.red(`        ${r.problem.split('\n').join('\n        ')}`));
  }
  const next = all.find((r) => r.state !== 'done');
  console.log();
  console.log(next ? nextSteps(next.kata) : pc.green('Every kata passes. Well done!'));
  console.log(pc.dim(`\n${gpuModesReport()}`));
}

/** One line per test, then the first failure in full: what `watch` shows after each save. */
function printResult(r: KataResult): void {
  if (r.state === 'not-started') {
    console.log(`Not started yet: write your code in ${kataPaths(r.kata).stub}. The lesson is ${kataPaths(r.kata).lesson}.`);
    return;
  }
  if (r.problem) console.log(pc.red(r.problem));
  for (const t of r.tests) console.log(`  ${t.state === 'passed' ? pc.green('✓') : pc.red('✗')} ${t.fullName.replace(/^[^:]*: /, '')}`);
  console.log(`\n${r.passed} of ${r.total} tests pass`);
  // A failure that names a known mistake teaches most; otherwise the first one.
  const failures = r.tests.filter((t) => t.state !== 'passed');
  const first = failures.find((t) => t.errors.some((e) => e.message.includes('known mistake'))) ?? failures[0];
  if (first && r.state !== 'error') {
    console.log(`\n${pc.red(pc.bold(`✗ ${first.fullName}`))}`);
    for (const e of first.errors) console.log(e.name === 'AssertionError' || e.name === 'Error' ? e.message : `${e.name}: ${e.message}`);
  }
}

async function watch(query?: string): Promise<void> {
  const chokidar = await import('chokidar');
  let current: Kata | undefined = query ? findKata(query) : undefined;
  if (!current) {
    const all = await results(curriculum);
    current = all.find((r) => r.state !== 'done')?.kata;
    if (!current) {
      console.log(pc.green('Every kata passes already. Well done!'));
      return;
    }
  }
  let running = false;
  let again = false;
  const runCurrent = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      const kata: Kata = current!;
      console.clear();
      console.log(pc.bold(`Kata ${kata.id}: ${kata.title}`) + pc.dim(`   (${kataPaths(kata).stub}, lesson ${kataPaths(kata).lesson})\n`));
      const [r] = await results([kata]);
      printResult(r);
      if (r.state === 'done') {
        const i = curriculum.indexOf(kata);
        const rest = curriculum.slice(i + 1);
        console.log(pc.green(`\n✓ Kata ${kata.id} passes: ${kata.concept}`));
        if (rest.length === 0) {
          console.log(pc.green('That was the last kata. Well done!'));
          process.exit(0);
        }
        current = rest[0];
        console.log(`\n${nextSteps(current)}\n`);
        again = true;
      } else {
        console.log(pc.dim(`\nWatching katas/ for changes (Ctrl-C to stop). Stuck? npm run kata -- hint ${kata.id}`));
      }
      if (again && r.state === 'done') await new Promise((res) => setTimeout(res, 1500));
    } while (again);
    running = false;
  };
  let timer: NodeJS.Timeout | undefined;
  chokidar
    .watch(fromRoot('katas'), { ignoreInitial: true })
    .on('all', () => {
      clearTimeout(timer);
      timer = setTimeout(() => void runCurrent(), 150);
    });
  await runCurrent();
}

function hint(query: string): void {
  const kata = findKata(query);
  const state = readState();
  const shown = Math.min(kata.hints.length, (state.hints[kata.slug] ?? 0) + 1);
  state.hints[kata.slug] = shown;
  writeState(state);
  console.log(pc.bold(`Hints for ${kata.id} ${kata.title} (${shown} of ${kata.hints.length} shown)\n`));
  kata.hints.slice(0, shown).forEach((h, i) => {
    const text = `${i + 1}. ${h}`;
    console.log(i + 1 === shown ? text : pc.dim(text));
    console.log();
  });
  console.log(
    shown < kata.hints.length
      ? pc.dim(`Run the same command again for hint ${shown + 1}.`)
      : pc.dim(`That was the last hint. The lesson (${kataPaths(kata).lesson}) and the test names list the usual mistakes.`),
  );
}

function reset(query: string): void {
  const kata = findKata(query);
  const file = kataPaths(kata).stub;
  const stub = originalStub(file);
  const current = fs.existsSync(fromRoot(file)) ? fs.readFileSync(fromRoot(file), 'utf8') : undefined;
  if (current === stub) {
    console.log(`${file} is already the original stub; nothing to do.`);
    return;
  }
  if (current !== undefined) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const backup = path.join('.kata', 'backups', kata.slug, stamp, 'index.ts');
    fs.mkdirSync(path.dirname(fromRoot(backup)), { recursive: true });
    fs.writeFileSync(fromRoot(backup), current);
    console.log(`Your work is saved in ${backup}`);
  }
  fs.writeFileSync(fromRoot(file), stub);
  console.log(`${file} is the original stub again. Start over with: npm run kata -- watch ${kata.id}`);
}

function diff(a: string, b?: string): void {
  const ka = findKata(a);
  const [left, right] = b ? [kataPaths(ka).solution, kataPaths(findKata(b)).solution] : [kataPaths(ka).stub, kataPaths(ka).solution];
  const read = (rel: string) => (fs.existsSync(fromRoot(rel)) ? fs.readFileSync(fromRoot(rel), 'utf8') : '');
  const patch = coloredDiff(left, read(left), right, read(right));
  console.log(patch || `${left} and ${right} are identical.`);
}

export function main(argv: string[]): Promise<void> {
  const program = new Command('kata')
    .description('Work through the cnn-katas curriculum')
    .action(list)
    .showHelpAfterError();
  program.command('list').description("show every kata's state and what to open next").action(list);
  program
    .command('watch [kata]')
    .description('rerun the current kata whenever a file under katas/ is saved; move on when it passes')
    .action(watch);
  program.command('hint <kata>').description('reveal the next hint for a kata (its number or slug)').action(hint);
  program.command('reset <kata>').description('back up your kata file, then restore the original stub').action(reset);
  program
    .command('diff <kata> [other]')
    .description('your kata against the solution; with two katas, one solution against the next')
    .action(diff);
  return program.parseAsync(argv).then(() => undefined);
}

if (require.main === module) {
  main(process.argv).catch((error: Error) => {
    console.error(pc.red(error.message));
    process.exit(1);
  });
}
