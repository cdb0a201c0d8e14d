/**
 * `npm run train` and `npm run homework` as a learner runs them (child processes), on small slices
 * of MNIST so they take seconds: the weights they save load in `npm run mnist -- --weights`, worker
 * threads give the one-thread result, Ctrl-C keeps what was learnt, bad settings and a stub get a
 * clear message. The full runs and their figures are in the README and docs/homework.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures';
import { ROOT } from '../paths';
import { learningRate } from '../train/engine';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-train-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cli = (script: string, args: string[]) =>
  spawnSync(process.execPath, ['-r', 'ts-node/register', `lib/cli/${script}.ts`, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined }, timeout: 120_000 });
const SMALL = ['--limit', '320', '--test-limit', '200'];

interface Saved {
  history: { epoch: number; trainLoss: number; testAccuracy: number; partial?: boolean }[];
  settings: { lr: number; momentum: number; batch: number };
  stopped: boolean;
  threads: number;
}

describe('npm run train', () => {
  it('trains the reference on a slice, tests after every epoch, and saves weights that npm run mnist -- --weights loads', () => {
    const out = path.join(tmp, 'two.json');
    const r = cli('train', ['--solutions', ...SMALL, '--epochs', '2', '--threads', '2', '--out', out, '--reports', tmp]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/epoch {2}1 .*test acc \d+\.\d\d%/);
    expect(r.stdout).toMatch(/epoch {2}2 /);
    const w = loadFixture(out);
    expect(w.manifest.tensors.map((t) => t.name)).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc.weight', 'fc.bias']);
    expect(w.get('conv2.weight').shape).toEqual([20, 10, 5, 5]);
    const p = w.manifest.provenance as unknown as Saved;
    expect(p.history).toHaveLength(2);
    expect(p.settings).toMatchObject({ lr: 0.01, momentum: 0.5, batch: 64 });
    expect(p.history[1].trainLoss).toBeLessThan(p.history[0].trainLoss);
    expect(fs.readFileSync(path.join(tmp, 'reference-lecture-seed1.svg'), 'utf8')).toContain('<svg');

    const m = cli('mnist', ['--solutions', '--weights', out, '--limit', '100', '--no-compare', '--no-report']);
    expect(m.status, m.stderr + m.stdout).toBe(0);
    expect(m.stdout).toContain(`weights: ${out}`);
    expect(m.stdout).toMatch(/accuracy \d+\.\d\d% .*tfjs .* with the same weights/);
  }, 120_000);

  it('gives the one-thread result on two worker threads (each share weighted by its size)', () => {
    const one = path.join(tmp, 'one-thread.json');
    const two = path.join(tmp, 'two-threads.json');
    // 330 images: the last batch (10) is split 5 + 5, the others 32 + 32.
    for (const [file, threads] of [[one, '1'], [two, '2']] as const) {
      const r = cli('train', ['--solutions', '--limit', '330', '--test-limit', '200', '--epochs', '1', '--threads', threads, '--out', file, '--reports', tmp]);
      expect(r.status, r.stderr + r.stdout).toBe(0);
    }
    const a = (loadFixture(one).manifest.provenance as unknown as Saved).history[0];
    const b = (loadFixture(two).manifest.provenance as unknown as Saved).history[0];
    expect(Math.abs(a.trainLoss - b.trainLoss)).toBeLessThan(1e-4 * a.trainLoss);
    const wa = loadFixture(one).get('fc.weight').data;
    const wb = loadFixture(two).get('fc.weight').data;
    let worst = 0;
    for (let i = 0; i < wa.length; i++) worst = Math.max(worst, Math.abs(wa[i] - wb[i]));
    expect(worst).toBeLessThan(1e-4);
  }, 120_000);

  it('stops cleanly on Ctrl-C: tests and saves the weights learnt so far', async () => {
    const out = path.join(tmp, 'stopped.json');
    const child = spawn(process.execPath, ['-r', 'ts-node/register', 'lib/cli/train.ts', '--solutions', '--limit', '6400', '--test-limit', '200', '--epochs', '3', '--threads', '1', '--out', out, '--reports', tmp], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && /epoch 1\/3: /.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr + stdout).toBe(0);
    expect(stderr).toContain('Ctrl-C: stopping after this batch');
    expect(stdout).toContain('(stopped)');
    const p = loadFixture(out).manifest.provenance as unknown as Saved;
    expect(p.stopped).toBe(true);
    expect(p.history).toHaveLength(1);
    expect(p.history[0].partial).toBe(true);
  }, 120_000);

  it('says so when the loss diverges, instead of training on NaN', () => {
    const r = cli('train', ['--solutions', ...SMALL, '--epochs', '1', '--threads', '1', '--lr', '1e30', '--no-save', '--reports', tmp]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/diverged: the loss became (NaN|Infinity) in epoch 1 .*lower --lr/);
  }, 120_000);

  it('refuses bad settings with what it expected, before loading anything', () => {
    const lr = cli('train', ['--solutions', '--lr', '-1']);
    expect(lr.status).not.toBe(0);
    expect(lr.stderr).toContain('--lr must be a number >= 0, got "-1"');
    const recipe = cli('train', ['--solutions', '--recipe', 'fast']);
    expect(recipe.stderr).toContain('--recipe must be one of lecture, cosine, got "fast"');
    const batch = cli('train', ['--solutions', '--batch', '0']);
    expect(batch.stderr).toContain('--batch must be a whole number >= 1, got "0"');
  }, 120_000);

  it('says a stub is not started, and how to train the reference', () => {
    const r = cli('train', [...SMALL, '--epochs', '1', '--no-save', '--reports', tmp]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not started');
    expect(r.stderr).toContain('npm run train -- --solutions');
  }, 120_000);

  it("uses CosineAnnealingLR's per-epoch rates for the cosine recipe", () => {
    const s = { lr: 0.05, schedule: 'cosine' as const, epochs: 10 };
    expect(learningRate(s, 0)).toBe(0.05);
    expect(learningRate(s, 5)).toBeCloseTo(0.025, 12);
    expect(learningRate(s, 1)).toBeCloseTo(0.048776412907378844, 12); // PyTorch 1.13's CosineAnnealingLR, epoch 2
    expect(learningRate({ ...s, schedule: 'none' }, 7)).toBe(0.05);
  });
});
