/**
 * The MNIST fixture held against PyTorch itself: lib/reference/mnist_torch.py loads the stored
 * weights into the lecture's nn.Module and compares its logits with the stored tfjs logits.
 * Needs /usr/bin/python3 with torch (Debian: apt-get install python3-torch; .ci/run installs it).
 * On a learner's machine without torch the test is skipped with a message; with CI=true it is required.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mnistDir } from '../mnist/node';
import { fromRoot } from '../paths';
import { MNIST_FIXTURE } from '../reference/make-mnist-fixtures';

const PYTHON = process.env.KATA_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
const torch = probe.status === 0 ? probe.stdout.trim() : undefined;
const required = process.env.CI === 'true';
if (!torch && !required) {
  console.log(`[lib/test/pytorch] skipped: no PyTorch at ${PYTHON} (apt-get install python3-torch); CI runs this check`);
}

describe('test/fixtures/mnist-net against PyTorch', () => {
  it.skipIf(!torch && !required)(`PyTorch ${torch ?? '(missing)'} gives the fixture's logits for its weights (|Δ| ≤ 1e-5 · max(1, |logit|))`, () => {
    expect(torch, `CI=true requires PyTorch at ${PYTHON}: ${probe.stderr || probe.error?.message}`).toBeDefined();
    const run = spawnSync(PYTHON, [fromRoot('lib/reference/mnist_torch.py'), 'check', '--data', mnistDir(), '--fixture', path.resolve(MNIST_FIXTURE)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop() as string) as { maxAbsDiff: number; maxScaledDiff: number; accuracy: number };
    expect(result.maxScaledDiff).toBeLessThanOrEqual(1e-5);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.987);
  }, 60_000);
});
