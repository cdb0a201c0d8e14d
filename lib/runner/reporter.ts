/**
 * A vitest reporter that writes what the CLI, the grader and `verify` need to one JSON file
 * (KATA_REPORT_FILE): per test file, its project, state and load errors; per test, its full name,
 * state, error messages, duration and line. See lib/runner/vitest.ts for the reading side.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters as plain } from 'node:util';
import type { Reporter, TestModule, TestCase } from 'vitest/node';
import type { ModuleReport, RunReport, TestReport } from './report';

function testReport(test: TestCase): TestReport {
  const result = test.result();
  return {
    name: test.name,
    fullName: test.fullName,
    state: result.state,
    errors: (result.errors ?? []).map((e) => ({ name: e.name ?? 'Error', message: plain(e.message ?? String(e)) })),
    durationMs: test.diagnostic()?.duration ?? 0,
    line: test.location?.line,
  };
}

export default class KataReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message?: string; name?: string }>): void {
    const file = process.env.KATA_REPORT_FILE;
    if (!file) return;
    const report: RunReport = {
      modules: modules.map(
        (m): ModuleReport => ({
          project: m.project.name,
          file: path.relative(m.project.config.root ?? process.cwd(), m.moduleId),
          state: m.state(),
          errors: m.errors().map((e) => plain(`${e.name ?? 'Error'}: ${e.message}`)),
          durationMs: m.diagnostic().duration,
          tests: [...m.children.allTests()].map(testReport),
        }),
      ),
      unhandled: unhandled.map((e) => plain(`${e.name ?? 'Error'}: ${e.message ?? ''}`)),
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(report, null, 1));
  }
}
