/**
 * The learner template (npm run template): written to a temporary folder, with node_modules linked
 * from this repository, it has no solutions/, consistent checksums, and the learner's commands work.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTemplate } from '../cli/template';
import { curriculum, kataPaths } from '../curriculum';
import { checkIntegrity, isClean, readChecksums, unexpectedRootEntries } from '../integrity';
import { fromRoot } from '../paths';
import { makeTemp } from './learners';

describe('npm run template <dir>', { timeout: 60_000 }, () => {
  let tmp: string;
  let dir: string;
  const kata = (...args: string[]) =>
    spawnSync(process.execPath, [fromRoot('node_modules/ts-node/dist/bin.js'), 'lib/cli/kata.ts', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });

  beforeAll(() => {
    tmp = makeTemp('kata-template-');
    dir = path.join(tmp, 'learner');
    writeTemplate(dir);
    fs.symlinkSync(fromRoot('node_modules'), path.join(dir, 'node_modules'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes every kata, suite, lesson and lib/, and no solutions/ or maintainer CI', () => {
    for (const k of curriculum) {
      const p = kataPaths(k);
      for (const f of [p.stub, p.test, p.lesson]) expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
      expect(fs.readFileSync(path.join(dir, p.stub), 'utf8')).toBe(fs.readFileSync(fromRoot(p.stub), 'utf8'));
    }
    for (const f of ['solutions', '.ci', '.kata', 'grading']) expect(fs.existsSync(path.join(dir, f)), f).toBe(false);
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'vitest.config.mts', 'lib/curriculum.ts', '.github/workflows/classroom.yml']) {
      expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    }
    expect(unexpectedRootEntries(dir)).toEqual([]);
  });

  it('has checksums that hold for its own tree (the Classroom integrity step passes)', () => {
    expect(isClean(checkIntegrity(readChecksums(dir), dir))).toBe(true);
  });

  it('is a git repository with one commit, so reset finds the original stub', () => {
    const stub = path.join(dir, 'katas/01-single-channel/index.ts');
    const original = fs.readFileSync(stub, 'utf8');
    fs.writeFileSync(stub, `${original}\n// my attempt\n`);
    const r = kata('reset', '01');
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(stub, 'utf8')).toBe(original);
    expect(r.stdout).toMatch(/saved in \.kata\/backups\/01-single-channel/);
  });

  it('diff says the solutions are not included instead of printing a deleted file', () => {
    const r = kata('diff', '02');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/solutions\/02-padding\/index\.ts: the reference solutions are not included/);
    expect(r.stdout).not.toMatch(/^-/m);
  });

  it('hint works, and --again re-reads without revealing more', () => {
    expect(kata('hint', '03').stdout).toMatch(/1 of 3 shown/);
    expect(kata('hint', '03').stdout).toMatch(/2 of 3 shown/);
    expect(kata('hint', '03', '--again').stdout).toMatch(/2 of 3 shown/);
  });

  it('npm run verify says it is a maintainer command', () => {
    const r = spawnSync(process.execPath, [fromRoot('node_modules/ts-node/dist/bin.js'), 'lib/cli/verify.ts'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/maintainer command/);
  });

  it('npm test -- 01 runs kata 01 against the stub: every test fails with "not started"', () => {
    const r = spawnSync(process.execPath, [fromRoot('node_modules/vitest/vitest.mjs'), 'run', '--project', 'katas', '01'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/KataNotStartedError/);
    expect(r.stdout + r.stderr).toMatch(/Tests\s+\d+ failed/);
  }, 120_000);
});
