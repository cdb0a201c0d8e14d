/**
 * `npm run bench -- train [--quick] [--target katas]`: training the lecture's net (batch 64, SGD
 * lr 0.01 momentum 0.5), side by side in one run, in images per second of training:
 *
 *   kata 15 (solutions/ or katas/)   the training loop of `npm run train`, on 1 thread and on every core
 *   PyTorch                          the lecture's own code, 1 thread and every core (when python3-torch is installed)
 *   ConvNetJS                        a plain-JavaScript CNN library from npm, the same net
 *
 * Prints each row's ratio to PyTorch on one thread, and writes docs/bench/train.json (or
 * docs/bench/quick/ with --quick). A benchmark, not a test: numbers depend on the machine and its
 * load, which is why every row is measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import pc from 'picocolors';
import { loadMnist, mnistDir } from '../mnist/node';
import { fromRoot } from '../paths';
import { train } from '../train/engine';
import type { Target } from '../train/model';

interface Row {
  name: string;
  threads: number;
  images: number;
  seconds: number;
  imagesPerSecond: number;
  note?: string;
}

const PYTHON = '/usr/bin/python3';

/** The lecture's training in PyTorch for `steps` batches, or why it could not run. */
function pytorch(threads: number, steps: number): Row | string {
  if (!fs.existsSync(PYTHON)) return `PyTorch skipped: ${PYTHON} not found`;
  const run = spawnSync(PYTHON, [fromRoot('lib', 'reference', 'mnist_torch.py'), 'curve', '--data', mnistDir(), '--steps', String(steps), '--threads', String(threads)], { encoding: 'utf8' });
  if (run.status !== 0) return `PyTorch skipped: ${(run.stderr || run.error?.message || '').trim().split('\n').at(-1)}`;
  const r = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { framework: string; threads: number; images: number; seconds: number; imagesPerSecond: number };
  return { name: `${r.framework}`, threads: r.threads, images: r.images, seconds: r.seconds, imagesPerSecond: r.imagesPerSecond };
}

interface ConvNetJs {
  Net: new () => { makeLayers(defs: object[]): void };
  Trainer: new (net: unknown, options: object) => { train(x: unknown, y: number): unknown };
  Vol: new (sx: number, sy: number, depth: number, c: number) => { w: Float64Array };
}

/** ConvNetJS training the same net, one image at a time (its API), updating every 64. */
function convnetjs(images: number): Row | string {
  let cn: ConvNetJs;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cn = require('convnetjs') as ConvNetJs;
  } catch {
    return 'ConvNetJS skipped: the npm package convnetjs is not installed';
  }
  const net = new cn.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 10, stride: 1, pad: 0 },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'relu' },
    { type: 'conv', sx: 5, filters: 20, stride: 1, pad: 0 },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ]);
  const trainer = new cn.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.5, batch_size: 64, l2_decay: 0 });
  const set = loadMnist('train', { limit: images + 64 });
  const vols = Array.from({ length: images + 64 }, (_, i) => {
    const v = new cn.Vol(28, 28, 1, 0);
    v.w.set(set.images.subarray(i * 784, (i + 1) * 784));
    return v;
  });
  for (let i = 0; i < 64; i++) trainer.train(vols[images + i], set.labels[images + i]); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < images; i++) trainer.train(vols[i], set.labels[i]);
  const seconds = (performance.now() - t0) / 1000;
  return { name: 'ConvNetJS 0.3.0 (npm convnetjs)', threads: 1, images, seconds, imagesPerSecond: images / seconds };
}

/** kata 15's training loop (lib/train/engine.ts) on `limit` images, one epoch; the test pass is not timed. */
async function kata(target: Target, threads: number, limit: number): Promise<Row> {
  const r = await train(target, { kind: 'lecture' }, { epochs: 1, lr: 0.01, momentum: 0.5, weightDecay: 0, nesterov: false, batch: 64, seed: 1, schedule: 'none', threads, limit });
  const e = r.history[0];
  return { name: `kata 15 (${target}/), npm run train`, threads: r.threads, images: limit, seconds: e.seconds, imagesPerSecond: e.imagesPerSecond };
}

export async function benchTrain(argv: string[]): Promise<void> {
  const program = new Command('bench train')
    .option('--quick', 'a few-second version (fewer images per row)')
    .option('--target <dir>', 'katas or solutions', 'solutions')
    .option('--out <dir>', 'where train.json goes (default docs/bench, or docs/bench/quick with --quick)')
    .parse(argv, { from: 'user' });
  const o = program.opts<{ quick?: boolean; target: string; out?: string }>();
  if (o.target !== 'katas' && o.target !== 'solutions') program.error(`--target must be katas or solutions, got ${o.target}`);
  const cores = os.availableParallelism();
  const images = o.quick ? 1920 : 12800;
  console.log(pc.bold(`cnn-katas bench train${o.quick ? ' (--quick)' : ''}: the lecture's net, batch 64, SGD lr 0.01 momentum 0.5; ${cores} cores, ${os.cpus()[0]?.model ?? 'unknown cpu'}, load ${os.loadavg()[0].toFixed(2)}`));
  const rows: Row[] = [];
  const notes: string[] = [];
  const add = (r: Row | string) => {
    if (typeof r === 'string') {
      notes.push(r);
      console.log(pc.dim(r));
    } else {
      rows.push(r);
      console.log(`  ${r.name.padEnd(40)} ${String(r.threads).padStart(2)} thread${r.threads > 1 ? 's' : ' '}  ${Math.round(r.imagesPerSecond).toLocaleString('en').padStart(7)} images/s  (${r.images} images, ${r.seconds.toFixed(1)} s)`);
    }
  };
  add(await kata(o.target as Target, 1, images));
  if (cores > 1) add(await kata(o.target as Target, cores, images));
  add(pytorch(1, o.quick ? 30 : 200));
  if (cores > 1) add(pytorch(cores, o.quick ? 30 : 200));
  add(convnetjs(o.quick ? 128 : 640));
  const base = rows.find((r) => r.name.startsWith('PyTorch') && r.threads === 1);
  if (base) {
    console.log(`\nratios to ${base.name} on 1 thread (same run):`);
    for (const r of rows) console.log(`  ${`${r.name}, ${r.threads} thread${r.threads > 1 ? 's' : ''}`.padEnd(48)} ${(r.imagesPerSecond / base.imagesPerSecond).toFixed(3)}x`);
  }
  const out = path.resolve(o.out ?? fromRoot('docs', 'bench', ...(o.quick ? ['quick'] : [])));
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, 'train.json');
  fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), quick: Boolean(o.quick), target: o.target, cores, cpu: os.cpus()[0]?.model, load: os.loadavg()[0], rows, notes }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}
