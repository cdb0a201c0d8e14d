/**
 * npm run coverage: runs lib's tests and every suite against solutions/ under c8, and reports
 * line and branch coverage of solutions/ and lib/ in TypeScript line numbers (text summary on
 * the terminal, HTML in coverage/index.html). See lib/runner/capture.ts for how the source maps
 * reach c8.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromRoot, ROOT } from '../paths';

const work = fromRoot('.coverage');
const v8Dir = path.join(work, 'v8');
const captureDir = path.join(work, 'capture');

interface ScriptCoverage {
  url: string;
  functions: { ranges: { startOffset: number; count: number }[] }[];
}

/**
 * Where vite's export preamble ends: the lines `__vite_ssr_exportName__("f", () => ...)` it puts
 * before the module's own code. Their getters all map to line 1, and their never-run `catch {}`
 * blocks would show line 1 of every module as uncovered.
 */
function preambleEnd(code: string): number {
  const re = /^(?:'use strict';async \([^)]*\)=>\{\{)?__vite_ssr_exportName__\(.*\n/gm;
  let end = 0;
  for (let m = re.exec(code); m && m.index === end; m = re.exec(code)) end = m.index + m[0].length;
  return end;
}

/**
 * Adds the recorded source maps to each V8 coverage file, as Node would for modules it loads,
 * and drops the getters of vite's export preamble (their `catch {}` blocks never run).
 */
function injectSourceMaps(): number {
  const cache: Record<string, { lineLengths: number[]; data: unknown }> = {};
  const preambles: Record<string, number> = {};
  for (const f of fs.readdirSync(captureDir)) {
    const { filename, code } = JSON.parse(fs.readFileSync(path.join(captureDir, f), 'utf8')) as { filename: string; code: string };
    const match = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/m.exec(code);
    if (!match) continue;
    preambles[pathToFileURL(filename).href] = preambleEnd(code);
    cache[pathToFileURL(filename).href] = {
      lineLengths: code.split('\n').map((line) => line.length),
      data: JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')),
    };
  }
  for (const f of fs.readdirSync(v8Dir)) {
    const file = path.join(v8Dir, f);
    const coverage = JSON.parse(fs.readFileSync(file, 'utf8')) as { result: ScriptCoverage[]; [key: string]: unknown };
    for (const script of coverage.result) {
      const end = preambles[script.url];
      if (end) script.functions = script.functions.filter((f) => f.ranges[0].startOffset === 0 || f.ranges[0].startOffset >= end);
    }
    coverage['source-map-cache'] = { ...(coverage['source-map-cache'] as object), ...cache };
    fs.writeFileSync(file, JSON.stringify(coverage));
  }
  return Object.keys(cache).length;
}

function main(): void {
  if (!fs.existsSync(fromRoot('solutions'))) {
    console.error('npm run coverage is a maintainer command: it measures solutions/, which this copy does not include.');
    process.exit(1);
  }
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(v8Dir, { recursive: true });
  const vitest = path.join(path.dirname(require.resolve('vitest/package.json', { paths: [ROOT] })), 'vitest.mjs');
  console.log('Running lib and solutions suites with V8 coverage ...');
  const run = spawnSync(process.execPath, [vitest, 'run', '--project', 'solutions', '--project', 'lib', '--pool', 'threads'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_V8_COVERAGE: v8Dir, KATA_COVERAGE_CAPTURE: captureDir },
  });
  if (run.status !== 0) {
    console.error('The suites failed; coverage is reported anyway.');
  }
  const maps = injectSourceMaps();
  console.log(`\nCoverage of solutions/ and lib/ (${maps} TypeScript modules mapped back to their source lines):`);
  const c8 = path.join(path.dirname(require.resolve('c8/package.json', { paths: [ROOT] })), 'bin', 'c8.js');
  const report = spawnSync(
    process.execPath,
    [
      c8,
      'report',
      '--temp-directory', v8Dir,
      '--reports-dir', fromRoot('coverage'),
      '--reporter', 'text',
      '--reporter', 'html',
      '--reporter', 'json-summary',
      // --all: files no suite loads (the CLI entry points) count as uncovered instead of vanishing
      '--all',
      '--src', fromRoot('lib'),
      '--src', fromRoot('solutions'),
      '--include', 'solutions/**',
      '--include', 'lib/**',
      '--exclude', 'lib/test/**',
      '--exclude-after-remap',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  console.log('HTML report: coverage/index.html');
  process.exitCode = run.status === 0 && report.status === 0 ? 0 : 1;
}

main();
