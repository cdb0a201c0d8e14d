/**
 * Kata 16's fixture held against PyTorch itself: lib/reference/network_torch.py check rebuilds every
 * stored spec as nn.Sequential, loads the stored parameters, and compares the output shapes, parameter
 * counts, logits, loss and gradients on the stored batch with the fixture.
 * Needs /usr/bin/python3 with torch (Debian: apt-get install python3-torch; .ci/run installs it).
 * On a learner's machine without torch the test is skipped with a message; with CI=true it is required.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../paths';

const PYTHON = process.env.KATA_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
const torch = probe.status === 0 ? probe.stdout.trim() : undefined;
const required = process.env.CI === 'true';
if (!torch && !required) {
  console.log(`[lib/test/pytorch-network] skipped: no PyTorch at ${PYTHON} (apt-get install python3-torch); CI runs this check`);
}

describe('test/fixtures/your-network against PyTorch', () => {
  it.skipIf(!torch && !required)(`PyTorch ${torch ?? '(missing)'} gives the fixture's shapes, logits, loss and gradients for its specs (|Δ| ≤ 1e-5)`, () => {
    expect(torch, `CI=true requires PyTorch at ${PYTHON}: ${probe.stderr || probe.error?.message}`).toBeDefined();
    const run = spawnSync(PYTHON, [fromRoot('lib/reference/network_torch.py'), 'check', '--fixture', fromRoot('test', 'fixtures', 'your-network.json')], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop() as string) as { maxAbsDiff: number; networks: { name: string }[] };
    expect(result.networks.map((n) => n.name)).toEqual(['lecture', 'padded', 'strided', 'deep']);
    expect(result.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  }, 60_000);
});
