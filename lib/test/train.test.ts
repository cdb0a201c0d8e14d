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
    const h = cli('homework', ['--configs', 'lecture', '--epochs', '1', '--seeds', '1', '--out', path.join(tmp, 'stub', 'homework.md')]);
    expect(h.status).toBe(1);
    expect(h.stderr).toContain('not started');
    expect(h.stderr).toContain('npm run homework -- --solutions');
  }, 120_000);

  it("uses CosineAnnealingLR's per-epoch rates for the cosine recipe", () => {
    const s = { lr: 0.05, schedule: 'cosine' as const, epochs: 10 };
    expect(learningRate(s, 0)).toBe(0.05);
    expect(learningRate(s, 5)).toBeCloseTo(0.025, 12);
    expect(learningRate(s, 1)).toBeCloseTo(0.048776412907378844, 12); // PyTorch 1.13's CosineAnnealingLR, epoch 2
    expect(learningRate({ ...s, schedule: 'none' }, 7)).toBe(0.05);
  });
});

describe('npm run homework', () => {
  it('trains the chosen configurations with several seeds and writes the page, its plots and results.json', () => {
    const page = path.join(tmp, 'hw', 'homework.md');
    const r = cli('homework', ['--solutions', '--configs', 'lecture,stride-2', '--limit', '320', '--test-limit', '200', '--epochs', '1', '--seeds', '2', '--out', page]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const text = fs.readFileSync(page, 'utf8');
    expect(text).toMatch(/\| `lecture` \| .* \| 8,490 \| 0\.93 \| \d+ \(\d+–\d+\) \| \*\*\d+\.\d\d\*\* ± \d+\.\d\d \|/);
    expect(text).toMatch(/\| `stride-2` \| .* \| 8,490 \| 0\.24 \|/);
    expect(text).toContain('the first 320 MNIST training images');
    expect(text).toContain('## What the numbers show');
    const results = JSON.parse(fs.readFileSync(path.join(tmp, 'hw', 'homework', 'results.json'), 'utf8')) as { configs: { name: string; runs: { seed: number }[] }[] };
    expect(results.configs.map((c) => [c.name, c.runs.map((run) => run.seed)])).toEqual([
      ['lecture', [1, 2]],
      ['stride-2', [1, 2]],
    ]);
    for (const f of ['accuracy.svg', 'time.svg']) expect(fs.readFileSync(path.join(tmp, 'hw', 'homework', f), 'utf8')).toContain('<svg');

    fs.rmSync(page);
    const again = cli('homework', ['--render', '--out', page]);
    expect(again.status, again.stderr).toBe(0);
    expect(fs.readFileSync(page, 'utf8')).toBe(text);
  }, 180_000);

  it("takes the learner's own network from --config, and stops before training when it does not fit together", () => {
    const good = path.join(tmp, 'my-net.ts');
    fs.writeFileSync(
      good,
      "export default { input: [1, 28, 28], layers: [{ type: 'conv', in: 1, out: 4, kernel: 3, stride: 2 }, { type: 'relu' }, { type: 'flatten' }, { type: 'linear', in: 676, out: 10 }] };\n",
    );
    const page = path.join(tmp, 'mine', 'homework.md');
    const r = cli('homework', ['--solutions', '--config', good, '--limit', '128', '--test-limit', '100', '--epochs', '1', '--seeds', '1', '--out', page]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(fs.readFileSync(page, 'utf8')).toMatch(/\| `lecture` \|[\s\S]*\| `my-net` \| your network/);

    const bad = path.join(tmp, 'bad-net.ts');
    fs.writeFileSync(bad, "export default { input: [1, 28, 28], layers: [{ type: 'conv', in: 1, out: 20, kernel: 5 }, { type: 'flatten' }, { type: 'linear', in: 500, out: 10 }] };\n");
    const b = cli('homework', ['--solutions', '--config', bad, '--epochs', '1', '--seeds', '1', '--out', path.join(tmp, 'bad', 'homework.md')]);
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/layer 2 \(linear\) expects 500 inputs, but the previous layer gives 11520/);
    expect(fs.existsSync(path.join(tmp, 'bad', 'homework.md'))).toBe(false);
  }, 180_000);
});
