/**
 * npm run grade [-- options]: grades katas in a trusted harness and writes, to grading/ by default,
 *   results.json  exercism test-runner results (version 3) plus each kata's points and flags
 *   junit.xml     one <testsuite> per kata
 *   summary.md    a table for people; also appended to $GITHUB_STEP_SUMMARY when that is set
 * With --class, grades many learners side by side and writes one class report (lib/cli/class-report.ts).
 *
 * The learner's katas/ run inside a pristine copy of test/, lib/ and the configs
 * (lib/runner/harness.ts); whatever else they changed is reported, and kata files that import
 * what they may not or that are the reference solution are flagged and earn nothing.
 * Every option is checked before any work. Exits 0 unless --fail-under (or --fail-on-flags) is
 * given and not met; when grading itself fails, the three files say `error`, together.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import ts from 'typescript';
import { gpuModesReport } from '../gpu';
import { curriculum, findKata, kataPaths, type Kata, type Target } from '../curriculum';
import { isClean, type Tampering } from '../integrity';
import { ROOT } from '../paths';
import type { KataFlag } from '../runner/flags';
import { checkLearner, gradeLearner, type LearnerGrade } from '../runner/grader';
import type { TestReport } from '../runner/report';
import type { KataResult } from '../runner/results';
import { writeClassReport, type ClassRow } from './class-report';

export interface GradedTest {
  name: string;
  status: 'pass' | 'fail' | 'error';
  message: string | null;
  output: string | null;
  test_code: string;
  task_id: number;
}

export interface GradedKata {
  task_id: number;
  slug: string;
  title: string;
  status: 'pass' | 'fail' | 'not-started' | 'error';
  passed: number;
  total: number;
  points: number;
  earned: number;
  problem: string | null;
  duration_ms: number;
  /** Why this kata earns nothing whatever its tests say (imports it may not, the reference solution copied). */
  flags: KataFlag[];
}

export interface Results {
  version: 3;
  status: 'pass' | 'fail' | 'error';
  message: string | null;
  score: number;
  max_score: number;
  target: Target;
  seed: number;
  /** The command that reruns this grade with the same random cases. */
  replay: string;
  /** What the learner changed outside katas/ (not used by the harness, reported), and what katas/ held that was not taken. */
  integrity: Tampering & { clean: boolean; skipped: string[] };
  /** Whose code, at which commit, graded against which pristine checkout ("in place": the learner's own). */
  learner?: LearnerGrade['learner'];
  harness?: LearnerGrade['harness'];
  katas: GradedKata[];
  tests: GradedTest[];
  /** Which gpu.js mode the GPU katas ran in, and why better ones were skipped (lib/gpu.ts). */
  gpu_modes?: string;
}

export interface ResultsContext {
  target: Target;
  seed: number;
  tampering: Tampering;
  flags?: Record<string, KataFlag[]>;
  skipped?: string[];
  learner?: LearnerGrade['learner'];
  harness?: LearnerGrade['harness'];
  replay?: string;
}

/** The source of the test callback that starts on `line` of `file` (for exercism's test_code). */
function testCode(file: string, line: number | undefined): string {
  const abs = path.join(ROOT, file);
  if (!line || !fs.existsSync(abs)) return '';
  const source = ts.createSourceFile(file, fs.readFileSync(abs, 'utf8'), ts.ScriptTarget.ES2022, true);
  let found = '';
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 === line) {
      const fn = node.arguments.find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
      if (fn) {
        found = (fn as ts.ArrowFunction).body.getText(source);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.replace(/^\{\n?|\n?\s*\}$/g, '').replace(/^ {4,6}/gm, '');
}

function gradeTest(r: KataResult, t: TestReport, taskId: number): GradedTest {
  const status = t.state === 'passed' ? 'pass' : t.errors.some((e) => e.name === 'TimeoutError' || e.name === 'NotRun') ? 'error' : 'fail';
  return {
    name: t.fullName,
    status,
    message: status === 'pass' ? null : t.errors.map((e) => `${e.name}: ${e.message}`).join('\n') || 'failed',
    output: null,
    test_code: testCode(kataPaths(r.kata).test, t.line),
    task_id: taskId,
  };
}

export function buildResults(katas: KataResult[], context: ResultsContext): Results {
  const { target, seed, tampering } = context;
  const skipped = context.skipped ?? [];
  const graded: GradedKata[] = katas.map((r) => ({
    task_id: Number(r.kata.id),
    slug: r.kata.slug,
    title: r.kata.title,
    status: r.state === 'done' ? 'pass' : r.state === 'failing' ? 'fail' : r.state,
    passed: r.passed,
    total: r.total,
    points: r.kata.points,
    earned: r.state === 'done' && (context.flags?.[r.kata.slug] ?? []).length === 0 ? r.kata.points : 0,
    problem: r.problem ?? null,
    duration_ms: Math.round(r.durationMs),
    flags: context.flags?.[r.kata.slug] ?? [],
  }));
  const tests = katas.flatMap((r) =>
    r.tests.length > 0
      ? r.tests.map((t) => gradeTest(r, t, Number(r.kata.id)))
      : [{ name: `${r.kata.id} ${r.kata.title}`, status: 'error' as const, message: r.problem ?? 'no tests ran', output: null, test_code: '', task_id: Number(r.kata.id) }],
  );
  const score = graded.reduce((s, k) => s + k.earned, 0);
  const maxScore = graded.reduce((s, k) => s + k.points, 0);
  const clean = isClean(tampering) && skipped.length === 0;
  const errors = graded.filter((k) => k.status === 'error');
  const messages = [
    ...(clean ? [] : [tamperingMessage(tampering, skipped, context.harness)]),
    ...graded.flatMap((k) => k.flags.map((f) => `${k.slug}: ${f.message}; its ${k.points} points are withheld until a person has looked`)),
    ...errors.map((k) => `${k.task_id.toString().padStart(2, '0')} ${k.title}: ${k.problem}`),
  ];
  return {
    version: 3,
    status: errors.length === graded.length ? 'error' : tests.every((t) => t.status === 'pass') ? 'pass' : 'fail',
    message: messages.length > 0 ? messages.join('\n') : null,
    score,
    max_score: maxScore,
    target,
    seed,
    replay: context.replay ?? `KATA_SEED=${seed} npm run grade`,
    integrity: { clean, ...tampering, skipped },
    ...(context.learner ? { learner: context.learner } : {}),
    ...(context.harness ? { harness: context.harness } : {}),
    katas: graded,
    tests,
  };
}

/** One sentence on what differs outside katas/, and what it means for this grade. */
export function tamperingMessage(t: Tampering, skipped: readonly string[], harness?: LearnerGrade['harness']): string {
  const what = [describeTampering(t), skipped.length ? `not taken from katas/: ${skipped.join(', ')}` : ''].filter(Boolean).join('; ');
  return harness && !harness.inPlace
    ? `Changed outside katas/: ${what}. The grade used pristine copies instead, so these did not count; a run in the learner's own repository would have used them.`
    : `Protected files differ from test/checksums.json: ${what}. Graded in the learner's own checkout, so the grade below may not be trustworthy: grade with --learner from a pristine copy.`;
}

export function describeTampering(t: Tampering): string {
  return [
    t.modified.length ? `modified ${t.modified.join(', ')}` : '',
    t.missing.length ? `missing ${t.missing.join(', ')}` : '',
    t.added.length ? `added ${t.added.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

const xml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // characters XML 1.0 cannot hold (ANSI escapes and other control characters)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitXml(results: Results): string {
  const suites = results.katas.map((k) => {
    const tests = results.tests.filter((t) => t.task_id === k.task_id);
    const flagCases = k.flags.map(
      (f) => `    <testcase classname="${xml(k.slug)}" name="${xml(`flag: ${f.kind}`)}">\n      <failure message="${xml(f.message)}">${xml(f.message)}</failure>\n    </testcase>`,
    );
    const cases = tests.map((t) => {
      const body =
        t.status === 'pass'
          ? ''
          : `\n      <${t.status === 'error' ? 'error' : 'failure'} message="${xml((t.message ?? '').split('\n')[0])}">${xml(t.message ?? '')}</${t.status === 'error' ? 'error' : 'failure'}>\n    `;
      return `    <testcase classname="${xml(k.slug)}" name="${xml(t.name)}">${body}</testcase>`;
    });
    const failures = tests.filter((t) => t.status === 'fail').length + k.flags.length;
    const errors = tests.filter((t) => t.status === 'error').length;
    return `  <testsuite name="${xml(`${k.slug}`)}" tests="${tests.length + k.flags.length}" failures="${failures}" errors="${errors}" time="${(k.duration_ms / 1000).toFixed(3)}">\n${[...flagCases, ...cases].join('\n')}\n  </testsuite>`;
  });
  const flagCount = results.katas.reduce((n, k) => n + k.flags.length, 0);
  const integrity = results.integrity.clean
    ? ''
    : `  <testsuite name="integrity" tests="1" failures="1" errors="0">\n    <testcase classname="integrity" name="nothing changed outside katas/">\n      <failure message="${xml(tamperingMessage(results.integrity, results.integrity.skipped, results.harness))}"/>\n    </testcase>\n  </testsuite>\n`;
  const total = results.tests.length + flagCount + (results.integrity.clean ? 0 : 1);
  const failures = results.tests.filter((t) => t.status === 'fail').length + flagCount + (results.integrity.clean ? 0 : 1);
  const errors = results.tests.filter((t) => t.status === 'error').length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cnn-katas" tests="${total}" failures="${failures}" errors="${errors}">\n${integrity}${suites.join('\n')}\n</testsuites>\n`;
}

export function summaryMarkdown(results: Results): string {
  const icon = { pass: '✅', fail: '❌', 'not-started': '⬜', error: '⚠️' } as const;
  const rows = results.katas.map(
    (k) =>
      `| ${String(k.task_id).padStart(2, '0')} | ${k.title} | ${icon[k.status]} ${k.status}${k.flags.length ? ' ⚑ flagged' : ''} | ${k.passed} / ${k.total} | ${k.earned} / ${k.points} |`,
  );
  const notes = [
    ...(results.integrity.clean ? [] : [`> **Warning:** ${tamperingMessage(results.integrity, results.integrity.skipped, results.harness)}`]),
    ...results.katas.flatMap((k) => k.flags.map((f) => `- ⚑ **${k.slug}**: ${f.message}; its ${k.points} points are withheld until a person has looked.`)),
    ...results.katas.filter((k) => k.problem).map((k) => `- **${k.slug}**: ${k.problem!.split('\n')[0]}`),
  ];
  const who = results.learner
    ? `Learner: \`${results.learner.spec}\`${results.learner.commit ? ` at ${results.learner.commit.slice(0, 12)}` : ''}; suites, lib/ and configs from ${results.harness?.inPlace ? 'the same checkout (in place: only as trustworthy as that checkout)' : `\`${results.harness?.spec}\`${results.harness?.commit ? ` at ${results.harness.commit.slice(0, 12)}` : ''}`}.`
    : '';
  return [
    `## cnn-katas: ${results.score} / ${results.max_score} points`,
    '',
    '| # | Kata | Status | Tests passing | Points |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(notes.length ? [...notes, ''] : []),
    ...(who ? [who, ''] : []),
    `Graded against \`${results.target}/\` with seed ${results.seed} (replay: \`${results.replay}\`). A kata earns its points when every one of its tests passes and nothing flags it.`,
    '',
  ].join('\n');
}


/** Writes results.json, junit.xml and summary.md so that they always describe the same run: all to temporary names, then renamed together. */
export function writeReports(outDir: string, results: Results): string {
  const out = path.resolve(outDir);
  fs.mkdirSync(out, { recursive: true });
  const summary = summaryMarkdown(results);
  const files: [string, string][] = [
    ['results.json', `${JSON.stringify(results, null, 2)}\n`],
    ['junit.xml', junitXml(results)],
    ['summary.md', summary],
  ];
  const stamp = `.tmp-${process.pid}-${Date.now()}`;
  for (const [name, text] of files) fs.writeFileSync(path.join(out, name + stamp), text);
  for (const [name] of files) fs.renameSync(path.join(out, name + stamp), path.join(out, name));
  return summary;
}

/** The three reports for a grade that could not be made: status `error`, the reason, no tests. */
export function errorResults(message: string, context: Omit<ResultsContext, 'tampering'> & { katas: readonly Kata[] }): Results {
  const results = buildResults([], { ...context, tampering: { modified: [], missing: [], added: [] } });
  return { ...results, status: 'error', message, max_score: context.katas.reduce((s, k) => s + k.points, 0) };
}

// ---- options: every one checked before any work -------------------------------------------------

const invalid = (why: string) => new InvalidArgumentError(why);

export function parseSeed(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) > 2 ** 31 - 1) throw invalid('a seed is a whole number from 0 to 2147483647.');
  return Number(value);
}

export function parsePositive(unit: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw invalid(`give a number of ${unit} greater than 0.`);
    return n;
  };
}

export function parseFailUnder(value: string): { value: number; percent: boolean } {
  const percent = value.trim().endsWith('%');
  const n = Number(value.trim().replace(/%$/, ''));
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (percent && n > 100)) throw invalid('give a number of points (30) or a percentage (80%).');
  return { value: n, percent };
}

export function parseKatas(value: string): Kata[] {
  const katas = value
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean)
    .map((q) => {
      try {
        return findKata(q);
      } catch (error) {
        throw invalid((error as Error).message);
      }
    });
  if (katas.length === 0) throw invalid('list katas by number or slug, separated by commas: 01,02');
  return curriculum.filter((k) => katas.includes(k)); // manifest order, no repeats
}

/** `--class a b c`, or `--class list.txt` (one repository per line; # starts a comment). */
export function readClassList(entries: readonly string[]): string[] {
  const specs = entries.flatMap((e) => {
    if (entries.length === 1 && fs.existsSync(e) && fs.statSync(e).isFile()) {
      return fs
        .readFileSync(e, 'utf8')
        .split('\n')
        .map((l) => l.replace(/^\s*#.*$/, '').replace(/\s+#.*$/, '').trim())
        .filter(Boolean);
    }
    return [e];
  });
  if (specs.length === 0) throw invalid('no repositories to grade');
  return specs;
}

export interface GradeCli {
  learner: string;
  class?: string[];
  harness: string;
  katas: Kata[];
  target: Target;
  out?: string;
  testTimeout: number;
  timeout: number;
  seed: number;
  seedGiven: boolean;
  failUnder?: { value: number; percent: boolean };
  failOnFlags: boolean;
  checkOnly: boolean;
  jobs: number;
}

export function gradeCommand(): Command {
  return new Command('grade')
    .description('Grade katas in a trusted harness; write results.json, junit.xml and summary.md (or, with --class, a class report)')
    .usage('[options]   e.g. npm run grade -- --learner ../alice   or   npm run grade -- --class alice/ bob/ https://host/carol.git#main')
    .option('--learner <repo>', "the learner's checkout: a folder, or a git URL or folder with #ref (default: this checkout)", '.')
    .option('--class <repos...>', 'grade many learners (folders, git URLs, or one file listing them) into one class report')
    .option('--harness <repo>', 'where the pristine suites, lib/ and configs come from: a folder, or a git URL or folder with #ref', ROOT)
    .addOption(new Option('--katas <list>', 'only these katas, by number or slug: 01,02 (default: all)').argParser(parseKatas))
    .addOption(new Option('--target <tree>', 'katas (the learner\'s code) or solutions (a check of the reference)').choices(['katas', 'solutions']).default('katas'))
    .option('--out <dir>', 'where to write the reports (default: grading/, or grading/class/ with --class)')
    .addOption(new Option('--test-timeout <seconds>', 'time limit for one test').argParser(parsePositive('seconds')).default(10))
    .addOption(new Option('--timeout <minutes>', 'time limit for one learner\'s whole run').argParser(parsePositive('minutes')).default(15))
    .addOption(new Option('--seed <n>', 'fast-check seed (default: $KATA_SEED, else random; recorded in the results)').argParser(parseSeed))
    .addOption(new Option('--fail-under <points>', 'exit 1 when the score is below this many points (or percent, as 80%)').argParser(parseFailUnder))
    .option('--fail-on-flags', 'exit 1 when anything is flagged or changed outside katas/', false)
    .option('--check-only', 'only check what changed outside katas/ and what kata files import or copy (no tests run); exit 1 when anything is found', false)
    .addOption(
      new Option('--jobs <n>', 'learners graded side by side with --class (default: the number of cores)')
        .argParser((v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1) throw invalid('give a whole number of jobs, 1 or more.');
          return n;
        })
        .default(Math.max(1, os.availableParallelism())),
    )
    .showHelpAfterError('usage: npm run grade -- [--learner <repo> | --class <repos...>] [--harness <repo>] [--katas 01,02] [--seed n] [--fail-under n] [--out dir]   (--help: every option)')
    .allowExcessArguments(false);
}

/** Parses and checks the command line; throws (through commander) before any grading starts. */
export function parseGradeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env, command = gradeCommand()): GradeCli {
  command.parse(argv);
  const o = command.opts<Omit<GradeCli, 'seed' | 'seedGiven' | 'class' | 'katas'> & { seed?: number; class?: string[]; katas?: Kata[] }>();
  let seed = o.seed;
  if (seed === undefined && env.KATA_SEED !== undefined && env.KATA_SEED !== '') {
    try {
      seed = parseSeed(env.KATA_SEED);
    } catch {
      command.error(`error: KATA_SEED=${env.KATA_SEED} is not a seed: a seed is a whole number from 0 to 2147483647.`, { exitCode: 2 });
    }
  }
  const cls = o.class ? readClassListOrFail(o.class, command) : undefined;
  if (cls && o.target === 'solutions') command.error('error: --class grades learners\' katas; it cannot be combined with --target solutions', { exitCode: 2 });
  if (cls && command.getOptionValueSource('learner') === 'cli') command.error('error: give either --learner or --class, not both', { exitCode: 2 });
  return {
    ...o,
    class: cls,
    katas: o.katas ?? [...curriculum],
    seed: seed ?? Math.floor(Math.random() * 2 ** 31),
    seedGiven: seed !== undefined,
  };
}

function readClassListOrFail(entries: string[], command: Command): string[] {
  try {
    return readClassList(entries);
  } catch (error) {
    return command.error(`error: --class: ${(error as Error).message}`, { exitCode: 2 });
  }
}

/** The command line that grades the same code again with the same random cases. */
export function replayLine(cli: Pick<GradeCli, 'katas' | 'target' | 'harness'>, seed: number, learner?: string): string {
  const args = [
    ...(learner && learner !== '.' ? ['--learner', quote(learner)] : []),
    ...(cli.harness !== ROOT ? ['--harness', quote(cli.harness)] : []),
    ...(cli.katas.length !== curriculum.length ? ['--katas', cli.katas.map((k) => k.id).join(',')] : []),
    ...(cli.target !== 'katas' ? ['--target', cli.target] : []),
  ];
  return `KATA_SEED=${seed} npm run grade${args.length ? ` -- ${args.join(' ')}` : ''}`;
}

const quote = (s: string) => (/^[\w./:@#+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export async function gradeOne(cli: GradeCli, learner: string, extra: { maxWorkers?: number } = {}): Promise<Results> {
  const context = { target: cli.target, seed: cli.seed, replay: replayLine(cli, cli.seed, learner) };
  try {
    const g = await gradeLearner({
      learner,
      harness: cli.harness,
      katas: cli.katas,
      target: cli.target,
      seed: cli.seed,
      testTimeoutMs: cli.testTimeout * 1000,
      wallTimeoutMs: cli.timeout * 60_000,
      maxWorkers: extra.maxWorkers,
    });
    return buildResults(g.katas, { ...context, tampering: g.tampering, flags: g.flags, skipped: g.skipped, learner: g.learner, harness: g.harness });
  } catch (error) {
    return errorResults(`The grader could not grade ${learner}: ${(error as Error).message}`, { ...context, katas: cli.katas, learner: { spec: learner } });
  }
}

function meetsBar(results: Results, bar: GradeCli['failUnder']): boolean {
  if (!bar) return true;
  const score = bar.percent ? (100 * results.score) / Math.max(1, results.max_score) : results.score;
  return score >= bar.value;
}

const flagged = (r: Results) => !r.integrity.clean || r.katas.some((k) => k.flags.length > 0);

async function main(argv: string[]): Promise<void> {
  const cli = parseGradeArgs(argv);
  if (cli.class) {
    const out = cli.out ?? 'grading/class';
    const rows: ClassRow[] = await gradeClass(cli, cli.class, out);
    const failing = rows.filter((r) => !meetsBar(r.results, cli.failUnder) || (cli.failOnFlags && flagged(r.results)));
    if (failing.length > 0 && (cli.failUnder || cli.failOnFlags)) process.exitCode = 1;
    return;
  }
  if (cli.checkOnly) {
    const c = checkLearner({ learner: cli.learner, harness: cli.harness, katas: cli.katas });
    const problems = [
      ...(isClean(c.tampering) ? [] : [tamperingMessage(c.tampering, [], c.harness)]),
      ...Object.entries(c.flags).flatMap(([slug, fs]) => fs.map((f) => `${slug}: ${f.message}`)),
    ];
    if (problems.length === 0) console.log(`Integrity: nothing changed outside katas/ and every kata file keeps the rules (${cli.katas.length} katas checked).`);
    else {
      console.error(`Integrity: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      process.exitCode = 1;
    }
    return;
  }
  const out = cli.out ?? 'grading';
  console.log(`Grading ${cli.katas.length} kata${cli.katas.length === 1 ? '' : 's'} of ${cli.learner === '.' ? 'this checkout' : cli.learner} against ${cli.target}/ (seed ${cli.seed}) ...`);
  const gpuModes = gpuModesReport();
  console.log(gpuModes);
  const started = Date.now();
  const results: Results = { ...(await gradeOne(cli, cli.learner)), gpu_modes: gpuModes };
  const summary = writeReports(out, results);
  if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, summary);
  console.log(`\n${summary}`);
  console.log(`Wrote ${path.relative(process.cwd(), path.resolve(out)) || '.'}/results.json, junit.xml, summary.md (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (!meetsBar(results, cli.failUnder)) {
    console.error(`Score ${results.score} / ${results.max_score} is below --fail-under ${cli.failUnder!.value}${cli.failUnder!.percent ? '%' : ''}.`);
    process.exitCode = 1;
  }
  if (cli.failOnFlags && flagged(results)) {
    console.error('Something is flagged or changed outside katas/ (see above); --fail-on-flags makes that a failure.');
    process.exitCode = 1;
  }
}

/** Grades every learner, `jobs` at a time, with a progress bar; writes each one's reports and the class report. */
export async function gradeClass(cli: GradeCli, specs: readonly string[], out: string, log: (line: string) => void = console.log): Promise<ClassRow[]> {
  const names = learnerNames(specs);
  const jobs = Math.min(cli.jobs, specs.length);
  const maxWorkers = Math.max(1, Math.floor(os.availableParallelism() / jobs));
  const rows: ClassRow[] = new Array(specs.length);
  const started = Date.now();
  let done = 0;
  const tty = process.stderr.isTTY && log === console.log;
  const progress = (last?: string) => {
    const width = 24;
    const filled = Math.round((done / specs.length) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const line = `Grading ${specs.length} learners (${jobs} at a time)  ${bar}  ${done}/${specs.length}  ${((Date.now() - started) / 1000).toFixed(0)} s${last ? `  last: ${last}` : ''}`;
    if (tty) process.stderr.write(`\r${line.padEnd(process.stderr.columns ? process.stderr.columns - 1 : line.length)}`);
    else if (last) log(line);
  };
  progress();
  const ticker = tty ? setInterval(() => progress(), 1000) : undefined;
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      const t0 = Date.now();
      const results = await gradeOne(cli, specs[i], { maxWorkers });
      writeReports(path.join(out, names[i]), results);
      rows[i] = { name: names[i], spec: specs[i], results, seconds: (Date.now() - t0) / 1000 };
      done++;
      progress(`${names[i]} ${results.score}/${results.max_score}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    clearInterval(ticker);
    if (tty) process.stderr.write('\n');
  }
  const written = writeClassReport(out, rows, { seed: cli.seed, katas: cli.katas, wallSeconds: (Date.now() - started) / 1000 });
  log(`\n${written.markdown}`);
  log(`Wrote ${written.files.map((f) => path.relative(process.cwd(), f)).join(', ')} and one folder per learner (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return rows;
}

/** Short, unique, file-name-safe names for learners: the last part of each path or URL. */
export function learnerNames(specs: readonly string[]): string[] {
  const base = specs.map((s) => {
    const { where, ref } = parseSpecName(s);
    const name = path.basename(where.replace(/\/+$/, '').replace(/\.git$/, '')) || 'learner';
    return (ref ? `${name}@${ref}` : name).replace(/[^\w.@-]+/g, '_');
  });
  return base.map((n, i) => (base.filter((b) => b === n).length > 1 ? `${n}-${base.slice(0, i + 1).filter((b) => b === n).length}` : n));
}

function parseSpecName(spec: string): { where: string; ref?: string } {
  const i = spec.lastIndexOf('#');
  return i > 0 ? { where: spec.slice(0, i), ref: spec.slice(i + 1) } : { where: spec };
}

if (require.main === module) {
  main(process.argv).catch((error: Error) => {
    console.error(`The grader could not finish: ${error.stack ?? error.message}`);
    process.exitCode = 2;
  });
}
