/**
 * npm run bench:backward [-- --target katas|solutions] [--batch 64] [--seconds 3] [--no-torch]
 *
 * Images per second of the backward pass of the MNIST net's second convolution,
 * Conv2d(10, 20, 5): x [64, 10, 12, 12] -> y [64, 20, 8, 8], side by side in one run:
 *   - the chosen target's conv2dBackward (kata 14), float32, alone and after a forward pass
 *     (the forward here is a plain loop with the same hoisted index arithmetic: a yardstick, not a kata);
 *   - tfjs's kernels for the same work (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter: what its
 *     autodiff runs) on the current backend (cpu unless tfjs-node is installed);
 *   - PyTorch 1.13 on one thread (torch.set_num_threads(1)), when /usr/bin/python3 has torch.
 * Ours are measured round-robin (fair ratios on a machine whose load changes); tfjs and PyTorch after.
 * Prints ratios to the first line. Benchmarks are not tests: nothing here fails on a slow machine.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Command } from 'commander';
import { ROOT } from '../paths';
import { referenceInfo, tf } from '../reference/tf';
import type { FloatTensor, Tensor } from '../tensor';

interface Kata14 {
  conv2dBackward(dy: Tensor, x: Tensor, weight: Tensor, options?: { padding?: number; stride?: number }): { dx: Tensor; dWeight: Tensor; dBias: Tensor };
  conv2dBackwardWeight(dy: Tensor, x: Tensor, weightShape: readonly number[], options?: { padding?: number; stride?: number }): { dWeight: Tensor; dBias: Tensor };
}

/** y = conv(x, w) + b, stride 1, no padding: the forward pass timed with the backward. */
function conv2dForward(x: FloatTensor<Float32Array>, w: FloatTensor<Float32Array>, b: FloatTensor<Float32Array>): Float32Array {
  const [n, c, h, wd] = x.shape;
  const [m, , kh, kw] = w.shape;
  const [oh, ow] = [h - kh + 1, wd - kw + 1];
  const y = new Float32Array(n * m * oh * ow);
  const row = new Float64Array(ow);
  for (let s = 0; s < n; s++)
    for (let o = 0; o < m; o++)
      for (let i = 0; i < oh; i++) {
        row.fill(b.data[o]);
        for (let ch = 0; ch < c; ch++)
          for (let u = 0; u < kh; u++) {
            const xr = ((s * c + ch) * h + i + u) * wd;
            const wr = ((o * c + ch) * kh + u) * kw;
            for (let v = 0; v < kw; v++) {
              const k = w.data[wr + v];
              for (let j = 0; j < ow; j++) row[j] += x.data[xr + j + v] * k;
            }
          }
        y.set(row, ((s * m + o) * oh + i) * ow);
      }
  return y;
}

const random = (shape: number[], scale: number): Tensor => {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: size }, (_, i) => (((i * 2654435761) % 1000) / 1000 - 0.5) * scale) };
};

/**
 * Runs the steps (one batch each) round-robin for about `seconds` each, after a warm-up, and returns
 * images per second for each: interleaving keeps the ratios fair on a machine whose load changes.
 */
function rates(batch: number, seconds: number, steps: (() => void)[]): number[] {
  for (const step of steps) for (let i = 0; i < 2; i++) step();
  const spent = steps.map(() => 0);
  const runs = steps.map(() => 0);
  const budget = seconds * steps.length;
  while (spent.reduce((a, b) => a + b, 0) < budget) {
    steps.forEach((step, k) => {
      const start = process.hrtime.bigint();
      step();
      spent[k] += Number(process.hrtime.bigint() - start) / 1e9;
      runs[k]++;
    });
  }
  return runs.map((r, k) => (r * batch) / spent[k]);
}

function torchRate(batch: number, seconds: number): number | string {
  const script = `
import time, torch
torch.set_num_threads(1)
x = torch.randn(${batch}, 10, 12, 12, requires_grad=True)
conv = torch.nn.Conv2d(10, 20, 5)
dy = torch.randn(${batch}, 20, 8, 8)
def step():
    x.grad = None; conv.zero_grad()
    conv(x).backward(dy)
for _ in range(3): step()
runs, start = 0, time.perf_counter()
while time.perf_counter() - start < ${seconds}:
    step(); runs += 1
print(runs * ${batch} / (time.perf_counter() - start))
`;
  const run = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) return (run.stderr || run.error?.message || 'failed').trim().split('\n').pop() ?? 'failed';
  return Number(run.stdout.trim());
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--target <dir>', 'katas or solutions', 'solutions')
    .option('--batch <n>', 'images per batch', '64')
    .option('--seconds <s>', 'seconds per measurement', '3')
    .option('--no-torch', 'skip PyTorch')
    .parse(process.argv.filter((a, i) => !(i === 2 && a === 'backward'))) // also run as `npm run bench -- backward`
    .opts<{ target: string; batch: string; seconds: string; torch: boolean }>();
  const batch = Number(opts.batch);
  const seconds = Number(opts.seconds);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kata = require(path.join(ROOT, opts.target, '14-backward-conv')) as Kata14;
  const x = random([batch, 10, 12, 12], 2);
  const w = random([20, 10, 5, 5], 0.2);
  const b = random([20], 0.2);
  const dy = random([batch, 20, 8, 8], 0.01);

  console.log(`Conv2d(10, 20, 5) backward, x [${batch}, 10, 12, 12] -> [${batch}, 20, 8, 8], float32, ${seconds} s each`);
  // tfjs's own kernels, as its autodiff would run them (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter)
  const tfStep = () =>
    tf.tidy(() => {
      const xt = tf.tensor4d(x.data, [batch, 12, 12, 10]);
      const wt = tf.tensor4d(w.data, [5, 5, 10, 20]);
      const dyt = tf.tensor4d(dy.data, [batch, 8, 8, 20]);
      const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined };
      tf.conv2d(xt, wt, 1, 'valid').dataSync();
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy: dyt, filter: wt }, { ...attrs, inputShape: xt.shape } as never) as tf.Tensor;
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { ...attrs, filterShape: wt.shape } as never) as tf.Tensor;
      dx.dataSync();
      dw.dataSync();
    });
  const steps: [string, () => void][] = [
    [
      `${opts.target}: forward + conv2dBackward (dx, dW, db)`,
      () => {
        conv2dForward(x, w, b);
        kata.conv2dBackward(dy, x, w, { padding: 0, stride: 1 });
      },
    ],
    [`${opts.target}: conv2dBackward alone`, () => void kata.conv2dBackward(dy, x, w)],
    [`${opts.target}: conv2dBackwardWeight alone (a first layer)`, () => void kata.conv2dBackwardWeight(dy, x, w.shape)],
    [`the forward pass alone (a plain loop, for scale)`, () => void conv2dForward(x, w, b)],
  ];
  const measured = rates(batch, seconds, steps.map(([, step]) => step));
  const rows: [string, number | string][] = steps.map(([name], k) => [name, measured[k]]);
  rows.push([`tfjs (${referenceInfo()}): Conv2D + Conv2DBackpropInput + Conv2DBackpropFilter kernels`, rates(batch, Math.min(seconds, 3), [tfStep])[0]]);
  if (opts.torch) rows.push(['PyTorch, 1 thread: forward + backward', torchRate(batch, seconds)]);

  const first = rows[0][1] as number;
  for (const [name, value] of rows) {
    const shown = typeof value === 'number' ? `${value.toFixed(0).padStart(7)} images/s   ${(value / first).toFixed(2)}x` : `   n/a   (${value})`;
    console.log(`  ${name.padEnd(72)} ${shown}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
