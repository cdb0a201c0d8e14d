/**
 * Runs kata suites in a child vitest process and reads back what happened, including tests the
 * watchdog had to stop. Used by `npm run kata`, `npm run grade` and `npm run verify`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../paths';
import type { HangRecord } from '../testing/watchdog';
import type { RunReport } from './report';

/** What the watchdog (lib/testing/watchdog.ts) records when it stops a test: older records lack `message`. */
export type Hang = Omit<HangRecord, 'message'> & { message?: string };

export interface RunOptions {
  /** vitest projects to run: katas, solutions, lib. */
  projects: readonly string[];
  /** Test files (relative paths); all of the projects' files when empty. */
  files?: readonly string[];
  /** Print vitest's own report (colours and all) while it runs, for a person to read. */
  show?: boolean;
  /** Per-test limit for the watchdog. */
  testTimeoutMs?: number;
  /** Limit for the whole run; the process is killed past it. */
  wallTimeoutMs?: number;
  env?: Record<string, string>;
  /** The folder to run in (default: this repository); a trusted harness's folder when grading. */
  root?: string;
  /** The vitest config to use, named explicitly so that no other config file in `root` can take its place. */
  config?: string;
  /** At most this many vitest workers (the class grader runs several vitests side by side). */
  maxWorkers?: number;
}

export interface RunResult {
  report: RunReport;
  hangs: Hang[];
  exitCode: number | null;
  /** What vitest printed, when it was not shown. */
  output: string;
  timedOut: boolean;
  wallMs: number;
  /** The folder it ran in. */
  root: string;
}

const vitestBin = path.join(path.dirname(require.resolve('vitest/package.json', { paths: [ROOT] })), 'vitest.mjs');

export async function runVitest(options: RunOptions): Promise<RunResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-run-'));
  const reportFile = path.join(tmp, 'report.json');
  const hangDir = path.join(tmp, 'hangs');
  const root = options.root ?? ROOT;
  const args = [
    vitestBin,
    'run',
    '--root',
    root,
    '--config',
    options.config ?? path.join(root, 'vitest.config.mts'),
    ...options.projects.flatMap((p) => ['--project', p]),
    ...(options.maxWorkers ? ['--maxWorkers', String(options.maxWorkers)] : []),
    '--reporter',
    path.join(root, 'lib/runner/reporter.ts'),
    ...(options.show ? ['--reporter', 'default'] : []),
    ...(options.files ?? []),
  ];
  const env = {
    ...process.env,
    ...options.env,
    KATA_REPORT_FILE: reportFile,
    KATA_HANG_DIR: hangDir,
    ...(options.testTimeoutMs ? { KATA_TEST_TIMEOUT_MS: String(options.testTimeoutMs) } : {}),
    ...(options.show ? {} : { FORCE_COLOR: '0' }),
  };
  const started = Date.now();
  let output = '';
  let timedOut = false;
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: options.show ? 'inherit' : 'pipe' });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const timer = options.wallTimeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.wallTimeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  const report: RunReport = fs.existsSync(reportFile)
    ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as RunReport)
    : { modules: [], unhandled: [`vitest ended without a report (exit code ${exitCode})`] };
  const hangs: Hang[] = fs.existsSync(hangDir)
    ? fs.readdirSync(hangDir).map((f) => JSON.parse(fs.readFileSync(path.join(hangDir, f), 'utf8')) as Hang)
    : [];
  fs.rmSync(tmp, { recursive: true, force: true });
  return { report, hangs, exitCode, output, timedOut, wallMs: Date.now() - started, root };
}
