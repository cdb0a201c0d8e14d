/**
 * npm run verify: the repository's own proof, run by .ci/run.
 *   1. type-check everything (tsc)
 *   2. run lib/'s tests, every suite against solutions/, and every suite against the stubs in katas/
 *   3. check: lib passes; every solution test passes; every stub test fails
 *   4. the lab in Chromium (lib/lab/check.ts; skipped without Chromium unless CI=true)
 * Ends with one line "verify: N passed, M failed", counting the type-check once and every test once per
 * run: a lib test, a suite's test against solutions/ (it must pass) and against the stub (it must fail).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import pc from 'picocolors';
import { curriculum, kataPaths } from '../curriculum';
import { gpuModesReport, missingRequiredGpuModes } from '../gpu';
import { fromRoot, ROOT } from '../paths';
import { referenceInfo } from '../reference/tf';
import { runLabCheck } from '../lab/check';
import { firstLines, kataResult } from '../runner/results';
import { runVitest } from '../runner/vitest';

interface Check {
  name: string;
  ok: boolean;
  detail?: string;
  /** How many tests the check covers, and how many of them broke it (default: 1 and 0 or 1). */
  tests?: number;
  broken?: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  if (!fs.existsSync(fromRoot('solutions'))) {
    console.error('npm run verify is a maintainer command: it proves every suite against solutions/, which this copy does not include (learner copies ship without it).\nLearners: npm test -- NN and npm run kata.');
    process.exit(1);
  }
  const checks: Check[] = [];
  const started = Date.now();

  console.log(pc.bold('1. Type-check (tsc --noEmit)'));
  const tscStart = Date.now();
  // The root project, then the lab page's (browser code: DOM types, lib/lab/page/tsconfig.json).
  let tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', ROOT], { cwd: ROOT, encoding: 'utf8' });
  if (tsc.status === 0) tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'lib/lab/page'], { cwd: ROOT, encoding: 'utf8' });
  checks.push({ name: 'type-check', ok: tsc.status === 0, detail: tsc.status === 0 ? undefined : firstLines(tsc.stdout + tsc.stderr, 30) });
  console.log(`   ${tsc.status === 0 ? pc.green('ok') : pc.red('FAILED')} (${seconds(Date.now() - tscStart)})`);

  console.log(pc.bold(`2. Suites: lib, solutions/ and katas/ (reference: ${referenceInfo()})`));
  console.log(`   ${gpuModesReport()}`);
  for (const missing of missingRequiredGpuModes()) {
    checks.push({ name: `gpu.js mode ${missing.mode} runs (KATA_REQUIRE_GPU_MODE=${process.env.KATA_REQUIRE_GPU_MODE})`, ok: false, detail: missing.why });
    console.log(pc.red(`   KATA_REQUIRE_GPU_MODE requires ${missing.mode}, which cannot run here: ${missing.why}`));
  }
  const run = await runVitest({ projects: ['lib', 'solutions', 'katas'], wallTimeoutMs: 20 * 60_000 });
  console.log(`   ran in ${seconds(run.wallMs)}`);
  const gpuModesRan = [...new Set(run.report.modules.flatMap((m) => m.tests.filter((t) => !/KATA_REQUIRE_GPU_MODE requires/.test(t.fullName)).map((t) => /\[gpu\.js (\w+)\]/.exec(t.fullName)?.[1]).filter((x): x is string => !!x)))];
  console.log(`   GPU suites ran in gpu.js modes: ${gpuModesRan.length ? gpuModesRan.join(', ') : 'none'}`);

  for (const m of run.report.modules.filter((m) => m.project === 'lib')) {
    const failed = m.tests.filter((t) => t.state !== 'passed');
    checks.push({
      name: `lib: ${m.file}`,
      ok: failed.length === 0 && m.errors.length === 0 && m.tests.length > 0,
      tests: Math.max(1, m.tests.length),
      broken: m.tests.length === 0 ? 1 : failed.length + (m.errors.length > 0 ? 1 : 0),
      detail: [...m.errors, ...failed.map((t) => `${t.fullName}\n${t.errors.map((e) => e.message).join('\n')}`)].join('\n') || undefined,
    });
  }
  if (!run.report.modules.some((m) => m.project === 'lib')) checks.push({ name: 'lib tests ran', ok: false, detail: run.output.slice(-3000) });

  console.log(pc.bold('3. Every solution passes, every stub fails'));
  console.log(pc.dim(`   ${'kata'.padEnd(22)} ${'tests'.padStart(5)}  solutions  stubs      time (solutions)`));
  for (const kata of curriculum) {
    const sol = kataResult(run, 'solutions', kata);
    const stub = kataResult(run, 'katas', kata);
    const stubPassing = stub.tests.filter((t) => t.state === 'passed');
    const solOk = sol.state === 'done';
    const stubOk = stub.tests.length > 0 && stubPassing.length === 0 && stub.state !== 'error';
    const sameCount = sol.total === stub.total;
    checks.push({
      name: `${kata.slug}: every test passes against solutions/`,
      ok: solOk,
      tests: Math.max(1, sol.total),
      broken: solOk ? 0 : Math.max(1, sol.total - sol.passed),
      detail: solOk ? undefined : sol.problem ?? sol.tests.filter((t) => t.state !== 'passed').map((t) => `${t.fullName}\n${t.errors.map((e) => e.message).join('\n')}`).join('\n\n'),
    });
    checks.push({
      name: `${kata.slug}: every test fails against the stub`,
      ok: stubOk && sameCount,
      tests: Math.max(1, stub.total),
      broken: stubOk && sameCount ? 0 : Math.max(1, stubPassing.length),
      detail: stubOk
        ? sameCount
          ? undefined
          : `${stub.total} tests ran against the stub but ${sol.total} against the solution`
        : stub.problem ?? `these tests pass against the stub (they cannot fail): ${stubPassing.map((t) => t.fullName).join('; ')}`,
    });
    console.log(
      `   ${kata.slug.padEnd(22)} ${String(sol.total).padStart(5)}  ${solOk ? pc.green('all pass ') : pc.red('FAILING  ')}  ${stubOk ? pc.green('all fail ') : pc.red('PASSING  ')}  ${seconds(sol.durationMs)}`,
    );
  }

  console.log(pc.bold('4. The lab in a browser (npm run lab -- check: Chromium, solutions/ and the stubs)'));
  const lab = await runLabCheck({ log: (line) => console.log(line) }).catch((error: Error) => {
    checks.push({ name: 'lab: browser test ran', ok: false, detail: error.stack ?? error.message });
    return { checks: [] };
  });
  if ('skipped' in lab && lab.skipped) {
    // A learner's machine without Chromium skips this step; CI must run it.
    if (process.env.CI === 'true') checks.push({ name: 'lab: browser test', ok: false, detail: `${lab.skipped}; required when CI=true` });
  } else {
    for (const c of lab.checks) checks.push({ name: `lab: ${c.name}`, ok: c.ok, detail: c.detail });
  }

  const failed = checks.filter((c) => !c.ok);
  for (const c of failed) {
    console.log(`\n${pc.red(`✗ ${c.name}`)}${c.detail ? `\n${c.detail.replace(/^/gm, '    ')}` : ''}`);
  }
  if (run.report.unhandled.length > 0) console.log(pc.yellow(`\nvitest reported: ${run.report.unhandled.join('\n')}`));
  console.log(`\nverify took ${seconds(Date.now() - started)}; GPU suites ran in gpu.js modes: ${gpuModesRan.join(', ') || 'none'}`);
  const total = checks.reduce((n, c) => n + (c.tests ?? 1), 0);
  const broken = checks.reduce((n, c) => n + (c.broken ?? (c.ok ? 0 : 1)), 0);
  console.log(`${checks.length - failed.length} of ${checks.length} checks hold`);
  console.log(`verify: ${total - broken} passed, ${broken} failed`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
