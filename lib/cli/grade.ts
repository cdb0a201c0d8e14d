/**
 * npm run grade [-- options]: grades every kata and writes, to grading/ by default,
 *   results.json  exercism test-runner results (version 3) plus each kata's points
 *   junit.xml     one <testsuite> per kata
 *   summary.md    a table for people; also appended to $GITHUB_STEP_SUMMARY when that is set
 *
 * Each test has a time limit (a learner's infinite loop is stopped and reported as an error for
 * that kata; the other katas are still graded). Protected files (suites, fixtures, lib/, configs)
 * are compared with test/checksums.json and any difference is reported.
 * Exits 0 unless --fail-under is given and the score is below it (even when it cannot grade:
 * then results.json says `error`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import ts from 'typescript';
import { gpuModesReport } from '../gpu';
import { curriculum, kataPaths, type Target } from '../curriculum';
import { checkIntegrity, isClean, type Tampering } from '../integrity';
import { fromRoot } from '../paths';
import type { TestReport } from '../runner/report';
import { kataResult, type KataResult } from '../runner/results';
import { runVitest } from '../runner/vitest';

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
}

export interface Results {
  version: 3;
  status: 'pass' | 'fail' | 'error';
  message: string | null;
  score: number;
  max_score: number;
  target: Target;
  seed: number;
  integrity: Tampering & { clean: boolean };
  katas: GradedKata[];
  tests: GradedTest[];
}

/** The source of the test callback that starts on `line` of `file` (for exercism's test_code). */
function testCode(file: string, line: number | undefined): string {
  if (!line || !fs.existsSync(fromRoot(file))) return '';
  const source = ts.createSourceFile(file, fs.readFileSync(fromRoot(file), 'utf8'), ts.ScriptTarget.ES2022, true);
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

export function buildResults(katas: KataResult[], target: Target, seed: number, tampering: Tampering): Results {
  const graded: GradedKata[] = katas.map((r, i) => ({
    task_id: i + 1,
    slug: r.kata.slug,
    title: r.kata.title,
    status: r.state === 'done' ? 'pass' : r.state === 'failing' ? 'fail' : r.state,
    passed: r.passed,
    total: r.total,
    points: r.kata.points,
    earned: r.state === 'done' ? r.kata.points : 0,
    problem: r.problem ?? null,
    duration_ms: Math.round(r.durationMs),
  }));
  const tests = katas.flatMap((r, i) =>
    r.tests.length > 0
      ? r.tests.map((t) => gradeTest(r, t, i + 1))
      : [{ name: `${r.kata.id} ${r.kata.title}`, status: 'error' as const, message: r.problem ?? 'no tests ran', output: null, test_code: '', task_id: i + 1 }],
  );
  const score = graded.reduce((s, k) => s + k.earned, 0);
  const maxScore = graded.reduce((s, k) => s + k.points, 0);
  const clean = isClean(tampering);
  const errors = graded.filter((k) => k.status === 'error');
  const messages = [
    ...(clean ? [] : [`Protected files differ from test/checksums.json: ${describeTampering(tampering)}. The grade below may not be trustworthy.`]),
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
    integrity: { clean, ...tampering },
    katas: graded,
    tests,
  };
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
    const cases = tests.map((t) => {
      const body =
        t.status === 'pass'
          ? ''
          : `\n      <${t.status === 'error' ? 'error' : 'failure'} message="${xml((t.message ?? '').split('\n')[0])}">${xml(t.message ?? '')}</${t.status === 'error' ? 'error' : 'failure'}>\n    `;
      return `    <testcase classname="${xml(k.slug)}" name="${xml(t.name)}">${body}</testcase>`;
    });
    const failures = tests.filter((t) => t.status === 'fail').length;
    const errors = tests.filter((t) => t.status === 'error').length;
    return `  <testsuite name="${xml(`${k.slug}`)}" tests="${tests.length}" failures="${failures}" errors="${errors}" time="${(k.duration_ms / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const total = results.tests.length;
  const failures = results.tests.filter((t) => t.status === 'fail').length;
  const errors = results.tests.filter((t) => t.status === 'error').length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cnn-katas" tests="${total}" failures="${failures}" errors="${errors}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export function summaryMarkdown(results: Results): string {
  const icon = { pass: '✅', fail: '❌', 'not-started': '⬜', error: '⚠️' } as const;
  const rows = results.katas.map(
    (k) => `| ${String(k.task_id).padStart(2, '0')} | ${k.title} | ${icon[k.status]} ${k.status} | ${k.passed} / ${k.total} | ${k.earned} / ${k.points} |`,
  );
  const notes = [
    ...(results.integrity.clean ? [] : [`> **Warning:** protected files differ from \`test/checksums.json\`: ${describeTampering(results.integrity)}.`]),
    ...results.katas.filter((k) => k.problem).map((k) => `- **${k.slug}**: ${k.problem!.split('\n')[0]}`),
  ];
  return [
    `## cnn-katas: ${results.score} / ${results.max_score} points`,
    '',
    '| # | Kata | Status | Tests passing | Points |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(notes.length ? [...notes, ''] : []),
    `Graded against \`${results.target}/\` with seed ${results.seed} (replay: \`KATA_SEED=${results.seed} npm run grade\`). A kata earns its points when every one of its tests passes.`,
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('grade')
    .description('Grade every kata; write results.json, junit.xml and summary.md')
    .option('--target <tree>', 'katas (the learner\'s code) or solutions', 'katas')
    .option('--out <dir>', 'where to write the reports', 'grading')
    .option('--test-timeout <seconds>', 'time limit for one test', '10')
    .option('--timeout <minutes>', 'time limit for the whole run', '15')
    .option('--seed <n>', 'fast-check seed (default: random, recorded in the results)')
    .option('--fail-under <points>', 'exit 1 when the score is below this many points (or percent, as 80%)')
    .parse(argv);
  const opts = program.opts<{ target: Target; out: string; testTimeout: string; timeout: string; seed?: string; failUnder?: string }>();
  if (opts.target !== 'katas' && opts.target !== 'solutions') throw new Error(`--target must be katas or solutions, not ${opts.target}`);
  const seed = opts.seed ? Number(opts.seed) : Math.floor(Math.random() * 2 ** 31);
  const tampering = checkIntegrity();
  console.log(`Grading ${curriculum.length} katas against ${opts.target}/ (seed ${seed}) ...`);
  const gpuModes = gpuModesReport();
  console.log(gpuModes);
  const run = await runVitest({
    projects: [opts.target],
    files: curriculum.map((k) => kataPaths(k).test),
    testTimeoutMs: Number(opts.testTimeout) * 1000,
    wallTimeoutMs: Number(opts.timeout) * 60_000,
    env: { KATA_SEED: String(seed) },
  });
  const results = buildResults(
    curriculum.map((k) => kataResult(run, opts.target, k)),
    opts.target,
    seed,
    tampering,
  );
  const out = path.resolve(opts.out);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'results.json'), `${JSON.stringify({ ...results, gpu_modes: gpuModes }, null, 2)}\n`);
  fs.writeFileSync(path.join(out, 'junit.xml'), junitXml(results));
  const summary = summaryMarkdown(results);
  fs.writeFileSync(path.join(out, 'summary.md'), summary);
  if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, summary);
  console.log(`\n${summary}`);
  console.log(`Wrote ${path.relative(process.cwd(), out) || '.'}/results.json, junit.xml, summary.md (${(run.wallMs / 1000).toFixed(1)} s)`);

  if (opts.failUnder !== undefined) {
    const percent = opts.failUnder.endsWith('%');
    const bar = Number(opts.failUnder.replace('%', ''));
    const score = percent ? (100 * results.score) / results.max_score : results.score;
    if (!Number.isFinite(bar)) throw new Error(`--fail-under takes a number of points or a percentage, not ${opts.failUnder}`);
    if (score < bar) {
      console.error(`Score ${results.score} / ${results.max_score} is below --fail-under ${opts.failUnder}.`);
      process.exitCode = 1;
    }
  }
}

if (require.main === module) {
  main(process.argv).catch((error: Error) => {
    // The grader's own failure is still a result: an exercism-style `error`, and exit 0.
    console.error(`The grader could not finish: ${error.message}`);
    const out = path.resolve(process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'grading');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'results.json'), `${JSON.stringify({ version: 3, status: 'error', message: error.message, tests: [] }, null, 2)}\n`);
  });
}
