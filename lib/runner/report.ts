/** The JSON that lib/runner/reporter.ts writes for one vitest run. */

export interface TestReport {
  name: string;
  /** Suite names and test name, joined by " > ". */
  fullName: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  errors: { name: string; message: string }[];
  durationMs: number;
  line?: number;
}

export interface ModuleReport {
  /** vitest project: katas, solutions or lib. */
  project: string;
  /** Test file, relative to the repository root. */
  file: string;
  state: string;
  /** Errors outside any test: a file that does not compile, an import that fails, a crash. */
  errors: string[];
  durationMs: number;
  tests: TestReport[];
}

export interface RunReport {
  modules: ModuleReport[];
  unhandled: string[];
}

/** The name of the test that lib/runner/typecheck-setup.ts adds to each kata suite. */
export const TYPECHECK_TEST = 'type-checks (tsc)';
