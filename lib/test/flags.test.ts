import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findKata } from '../curriculum';
import { fromRoot } from '../paths';
import { cachedResults, cacheKey, kataFolders } from '../runner/cache';
import type { KataResult } from '../runner/results';
import { withoutWatchdogNoise } from '../runner/terminal';
import { importViolations, sameUpToFormatting } from '../structure';
import { learnerRepo, makeTemp, write } from './learners';

const k02 = findKata('02');
const k05 = findKata('05');

describe('the import rule the grader flags', () => {
  const v = (text: string, kata = k02, packages = new Set<string>()) => importViolations(kata, `katas/${kata.slug}/index.ts`, text, packages);

  it('allows lib/, its own folder, the katas in dependsOn (and theirs) and type-only imports', () => {
    expect(v(`import { todo } from '../../lib/todo';\nimport { conv2d } from '../01-single-channel';\nimport { h } from './helper';\nimport type { GPU } from 'gpu.js';`)).toEqual([]);
    expect(v(`import { conv2d } from '../01-single-channel/index';`, k05)).toEqual([]); // 05 → 04 → 03 → 02 → 01
  });

  it('flags the reference solutions, later or unrelated katas, packages the reference does not use, and computed requires', () => {
    expect(v(`export * from '../../solutions/02-padding';`)).toEqual(['katas/02-padding/index.ts imports ../../solutions/02-padding (the reference solutions)']);
    expect(v(`export { conv2d } from '../03-stride';`)[0]).toMatch(/not in 02-padding's dependsOn/);
    expect(v(`import * as tf from '@tensorflow/tfjs-core';`)[0]).toMatch(/the package "@tensorflow\/tfjs-core"/);
    expect(v(`import * as tf from '@tensorflow/tfjs-core';`, k02, new Set(['@tensorflow/tfjs-core']))).toEqual([]);
    expect(v(`const m = require('../../solutions/' + 'x');`)[0]).toMatch(/chosen at run time/);
    expect(v(`const m = await import('../../solutions/02-padding');`)[0]).toMatch(/reference solutions/);
    expect(v(`import x = require('vitest');`)[0]).toMatch(/package "vitest"/);
  });
});

describe('equal to the reference up to formatting', () => {
  const solution = fs.readFileSync(fromRoot('solutions/02-padding/index.ts'), 'utf8');

  it('sees through whitespace, comments, quotes, semicolons and trailing commas', () => {
    const reformatted = solution
      .replace(/\/\*\*[^]*?\*\//g, '/* mine */')
      .replace(/;$/gm, '')
      .replace(/\n\s*/g, '\n    ');
    expect(sameUpToFormatting(solution, reformatted)).toBe(true);
    expect(sameUpToFormatting("f('a', [b, c,],)", 'f("a", [b, c]);')).toBe(true);
  });

  it('tells a different program apart', () => {
    expect(sameUpToFormatting(solution, solution.replace('padding: number', 'pad: number').replace(/\bpadding\b/g, 'pad'))).toBe(false);
    expect(sameUpToFormatting('a - b', 'b - a')).toBe(false);
  });
});

describe('the verdict cache of npm run kata', () => {
  const verdict = (kata: typeof k02): KataResult => ({ kata, state: 'done', passed: 1, total: 1, tests: [], durationMs: 1 });

  it('reruns exactly the katas whose files changed, including the ones that import them', async () => {
    const tmp = makeTemp('kata-cache-');
    try {
      const root = learnerRepo(tmp, 'r');
      const k01 = findKata('01');
      const k07 = findKata('07');
      expect(kataFolders(k02, root)).toEqual(['01-single-channel', '02-padding']);
      const runs: string[][] = [];
      const run = async (stale: readonly (typeof k02)[]) => {
        runs.push(stale.map((k) => k.id));
        return stale.map(verdict);
      };
      const all = [k01, k02, k07];
      await cachedResults(all, run, root);
      const again = await cachedResults(all, run, root);
      expect(again.cached.map((k) => k.id)).toEqual(['01', '02', '07']);
      write(root, 'katas/01-single-channel/index.ts', '// changed\n');
      await cachedResults(all, run, root);
      write(root, 'lib/matrix.ts', `${fs.readFileSync(path.join(root, 'lib/matrix.ts'), 'utf8')}\n// changed\n`);
      await cachedResults(all, run, root);
      expect(runs).toEqual([['01', '02', '07'], ['01', '02'], ['01', '02', '07']]);
      const before = cacheKey(k07, root);
      process.env.KATA_TF_BACKEND_TEST_ONLY = 'x';
      expect(cacheKey(k07, root)).not.toBe(before);
      delete process.env.KATA_TF_BACKEND_TEST_ONLY;
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 30_000);
});

describe("npm test's reporter", () => {
  it("drops vitest's 'Worker exited unexpectedly' only when the watchdog stopped a test", () => {
    const errors = [{ message: 'Worker exited unexpectedly' }, { message: 'TypeError: x is undefined' }];
    expect(withoutWatchdogNoise(errors, true)).toEqual([{ message: 'TypeError: x is undefined' }]);
    expect(withoutWatchdogNoise(errors, false)).toEqual(errors);
  });
});
