/**
 * Type errors in the learner's katas as a failing test (vitest `globalSetup` for the katas and
 * solutions projects; lib/runner/typecheck-setup.ts adds the test to each kata suite).
 *
 * Vitest strips types without checking them, so `const x: number = 'a'` would pass every test.
 * This type-checks every file under the project's tree (katas/ or solutions/) with the
 * repository's tsconfig through the TypeScript API, in a worker thread of vitest's main process,
 * while the suites load; the suite's "type-checks" test waits for it. Results are cached in
 * .kata/cache/ keyed by the content of every file the check reads, so an unchanged tree costs
 * nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the type-check worker writes `{ [slug]: string[] }` (formatted errors per kata). */
    kataTypecheckFile: string;
  }
}

/** The worker: plain JavaScript, so it runs without a TypeScript loader. */
const WORKER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { root, tree, out } = workerData;
const write = (result) => {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out + '.tmp', JSON.stringify(result));
  fs.renameSync(out + '.tmp', out);
};
(() => { try {
  const walk = (rel) => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return [];
    const st = fs.statSync(abs);
    if (!st.isDirectory()) return [rel];
    return fs.readdirSync(abs).filter((n) => n !== 'node_modules').sort().flatMap((n) => walk(rel + '/' + n));
  };
  const sources = walk(tree).filter((f) => /\\.[cm]?tsx?$/.test(f));
  const inputs = [...sources, ...walk('lib').filter((f) => /\\.[cm]?tsx?$/.test(f)), 'tsconfig.json', 'package-lock.json'];
  const hash = crypto.createHash('sha256');
  for (const f of inputs) {
    hash.update(f + '\\0');
    try { hash.update(fs.readFileSync(path.join(root, f))); } catch { hash.update('(missing)'); }
  }
  const key = hash.digest('hex');
  const cacheFile = path.join(root, '.kata', 'cache', 'typecheck-' + tree + '.json');
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    if (cached.key === key) { write(cached.result); return; }
  } catch {}
  const ts = require(require.resolve('typescript', { paths: [root] }));
  const configFile = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config ?? {}, ts.sys, root);
  const program = ts.createProgram(sources.map((f) => path.join(root, f)), { ...parsed.options, noEmit: true });
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\\n' };
  const result = {};
  for (const f of sources) {
    const file = program.getSourceFile(path.join(root, f));
    if (!file) continue;
    const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    if (diagnostics.length === 0) continue;
    const slug = f.split('/')[1];
    result[slug] = (result[slug] ?? []).concat(diagnostics.map((d) => ts.formatDiagnostic(d, host).trim()));
  }
  write(result);
  fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
  fs.writeFileSync(cacheFile, JSON.stringify({ key, result }));
} catch (error) {
  write({ '*': ['the type check could not run: ' + (error && error.stack || error)] });
} })();
`;

/** vitest globalSetup: start the type check of the project's tree and tell the suites where to find the result. */
export default function setup(project: TestProject): (() => Promise<void>) | void {
  if (process.env.KATA_TYPECHECK === '0') return; // opt out: the suites then run without the check
  const root = project.config.root;
  const tree = project.name === 'solutions' ? 'solutions' : 'katas';
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'kata-tsc-'));
  const out = path.join(dir, 'result.json');
  project.provide('kataTypecheckFile', out);
  const worker = new Worker(WORKER, { eval: true, workerData: { root, tree, out } });
  worker.on('error', (error) => fs.writeFileSync(out, JSON.stringify({ '*': [`the type check could not run: ${error.message}`] })));
  worker.unref();
  return async () => {
    await worker.terminate();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
