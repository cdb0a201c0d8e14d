/**
 * Three projects share the kata suites in test/:
 *   katas      the suites against the learner's code in katas/ (`npm test`)
 *   solutions  the same suites against the reference in solutions/ (`npm run verify` checks both)
 *   lib        the tests of lib/ itself
 * A suite imports the code under test as `@kata/NN-slug`; the project decides which tree that is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Where the watchdog records a test it stopped (the runner sets its own); lib/runner/terminal.ts reads it.
process.env.KATA_HANG_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'kata-hangs-'));

const kataProject = (target: 'katas' | 'solutions'): TestProjectInlineConfiguration => ({
  extends: true,
  resolve: { alias: [{ find: /^@kata\/(.*)$/, replacement: `${root}${target}/$1/index.ts` }] },
  test: {
    name: target,
    include: ['test/*.test.ts'],
    setupFiles: ['lib/runner/capture.ts', 'lib/testing/setup.ts', 'lib/runner/typecheck-setup.ts'],
    globalSetup: ['lib/runner/typecheck.ts'],
  },
});

export default defineConfig({
  test: {
    projects: [
      kataProject('katas'),
      kataProject('solutions'),
      { extends: true, test: { name: 'lib', include: ['lib/**/*.test.ts'], setupFiles: ['lib/runner/capture.ts'] } },
    ],
    // Async tests time out here; synchronous infinite loops are stopped by lib/testing/watchdog.ts.
    testTimeout: 10_000,
    includeTaskLocation: true,
    // vitest's own report, plus the list of katas for a filter that matches none and no false alarm after the watchdog
    reporters: [`${root}lib/runner/terminal.ts`],
  },
});
