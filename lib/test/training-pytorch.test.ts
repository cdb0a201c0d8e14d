/**
 * Kata 15's fixture (test/fixtures/training) remade by PyTorch and compared with the stored one:
 * lib/reference/training_torch.py writes a fresh copy into a temporary folder, and every tensor must
 * agree (one thread, fixed seeds: measured bit for bit), as must the option sets and PyTorch's error
 * messages in the provenance. Needs /usr/bin/python3 with torch (apt-get install python3-torch); on a
 * machine without it the test is skipped with a message; with CI=true it is required.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures';
import { mnistDir } from '../mnist/node';
import { fromRoot } from '../paths';

const PYTHON = process.env.KATA_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
const torch = probe.status === 0 ? probe.stdout.trim() : undefined;
const required = process.env.CI === 'true';
if (!torch && !required) {
  console.log(`[lib/test/training-pytorch] skipped: no PyTorch at ${PYTHON} (apt-get install python3-torch); CI runs this check`);
}

describe('test/fixtures/training against PyTorch', () => {
  it.skipIf(!torch && !required)(`PyTorch ${torch ?? '(missing)'} remakes every tensor of the fixture (|Δ| ≤ 1e-6 · max(1, |value|))`, () => {
    expect(torch, `CI=true requires PyTorch at ${PYTHON}: ${probe.stderr || probe.error?.message}`).toBeDefined();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-training-'));
    try {
      const run = spawnSync(PYTHON, [fromRoot('lib/reference/training_torch.py'), '--data', mnistDir(), '--out', dir], {
        encoding: 'utf8',
        env: { ...process.env, OMP_NUM_THREADS: '1' },
      });
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      const stored = loadFixture(fromRoot('test', 'fixtures', 'training.json'));
      const fresh = loadFixture(path.join(dir, 'training.json'));
      expect(fresh.names).toEqual(stored.names);
      for (const name of stored.names) {
        const a = stored.get(name);
        const b = fresh.get(name, a.shape);
        let worst = 0;
        for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]) / Math.max(1, Math.abs(a.data[i])));
        expect(worst, `${name}: PyTorch now gives values that differ from the stored ones by up to ${worst}`).toBeLessThanOrEqual(1e-6);
      }
      const p = (f: typeof stored) => f.manifest.provenance as { sgd: unknown; errors: unknown; net: { loss: number[]; correct: number[] } };
      expect(p(fresh).sgd, 'the option sets').toEqual(p(stored).sgd);
      expect(p(fresh).errors, "PyTorch's error messages").toEqual(p(stored).errors);
      expect(p(fresh).net.correct).toEqual(p(stored).net.correct);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
