/**
 * npm run bench [-- --quick] [-- --target katas]
 * npm run bench -- train [--quick]      training, side by side with PyTorch and ConvNetJS (lib/cli/bench-train.ts)
 * npm run bench -- backward             conv2's backward pass against PyTorch (lib/cli/bench-backward.ts)
 *
 * Side by side, in one process: the MNIST net's conv2 layer ([N, 10, 12, 12] → [N, 20, 8, 8]) and
 * its whole feature extractor ([N, 1, 28, 28] → [N, 20, 4, 4]) at batch 64 and 256, computed by
 *   kata 05      nested arrays (kata 05's conv2d per image, kata 06's maxPool2d, ReLU by map)
 *   js direct    a flat-tensor loop nest in plain JavaScript (lib/bench/cpu-conv.ts)
 *   js im2col    im2col + matrix product in plain JavaScript
 *   gpu.js MODE  katas 10-11's kernels in every gpu.js mode available (chained and stepwise)
 *   tfjs cpu, tfjs wasm   TensorFlow.js (NCHW → NHWC transposes included, as a NCHW caller pays them)
 * Prints images/s, GFLOP/s and the ratio to tfjs-wasm, and writes docs/bench/bench.json and
 * docs/bench/bench.svg. A benchmark, not a test: numbers depend on the machine and its load.
 *
 * FLOPs counted: 2 per multiply-add of a convolution (conv1: 2·1·25·10·24·24 = 288,000 per image;
 * conv2: 2·10·25·20·8·8 = 640,000); pooling, ReLU and bias are not counted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import pc from 'picocolors';
import { directConv2d, im2colConv2d, poolRelu } from '../bench/cpu-conv';
import { svg, text } from '../figures/svg';
import { availableGpuModes, createGpu, gpuModesReport } from '../gpu';
import type { Batch } from '../nested';
import { fromRoot } from '../paths';
import { referenceConv2dNCHW, referenceFeatures } from '../reference/device';
import { referenceInfo, tf, useBackend } from '../reference/tf';
import { tensor, type Tensor } from '../tensor';
import { FEATURE_PARAMS } from '../testing/device-examples';

type Kata05 = typeof import('../../solutions/05-multi-kernel');
type Kata06 = typeof import('../../solutions/06-max-pooling');
type Kata10 = typeof import('../../solutions/10-conv-kernel');
type Kata11 = typeof import('../../solutions/11-device-features');

const FLOP = { conv2: 2 * 10 * 25 * 20 * 8 * 8, features: 2 * 1 * 25 * 10 * 24 * 24 + 2 * 10 * 25 * 20 * 8 * 8 };
type Workload = keyof typeof FLOP;

interface Row {
  workload: Workload;
  batch: number;
  impl: string;
  firstCallMs: number;
  msPerBatch: number;
  imagesPerSecond: number;
  gflops: number;
  vsTfjsWasm?: number;
}

/** Deterministic values in [-1, 1) (a fixed LCG), so every run measures the same numbers. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

const toBatch = (t: Tensor): Batch => {
  const [n, c, h, w] = t.shape;
  return Array.from({ length: n }, (_, a) =>
    Array.from({ length: c }, (_, b) => Array.from({ length: h }, (_, i) => Array.from(t.data.subarray(((a * c + b) * h + i) * w, ((a * c + b) * h + i + 1) * w)))),
  );
};

/** Calls `fn` once (first call: compiling, warming up), then repeatedly for at least `minMs`; returns both timings. */
function measure(fn: () => unknown, minMs: number, minReps: number): { firstCallMs: number; msPerCall: number } {
  let t = performance.now();
  fn();
  const firstCallMs = performance.now() - t;
  let reps = 0;
  t = performance.now();
  while (reps < minReps || performance.now() - t < minMs) {
    fn();
    reps++;
  }
  return { firstCallMs, msPerCall: (performance.now() - t) / reps };
}

function barChart(rows: Row[], title: string): string {
  const groups = [...new Set(rows.map((r) => `${r.workload} batch ${r.batch}`))];
  const impls = [...new Set(rows.map((r) => r.impl))];
  const max = Math.max(...rows.map((r) => r.imagesPerSecond));
  const left = 20;
  const labelW = 190;
  const barW = 520;
  const parts: string[] = [text(left, 26, title, { size: 15, bold: true }), text(left, 46, 'images per second (longer is faster); log scale', { size: 12, color: '#888888' })];
  let y = 70;
  const scale = (v: number) => (Math.log10(Math.max(v, 1)) / Math.log10(Math.max(max, 10))) * barW;
  for (const g of groups) {
    parts.push(text(left, y + 12, g, { bold: true }));
    y += 22;
    for (const impl of impls) {
      const r = rows.find((row) => `${row.workload} batch ${row.batch}` === g && row.impl === impl);
      if (!r) continue;
      const color = impl.startsWith('tfjs') ? '#2e86ab' : impl.startsWith('gpu.js') ? '#e4572e' : '#f3a712';
      parts.push(text(left, y + 11, impl, { size: 11 }));
      parts.push(`<rect x="${left + labelW}" y="${y}" width="${scale(r.imagesPerSecond).toFixed(1)}" height="13" fill="${color}"/>`);
      parts.push(text(left + labelW + scale(r.imagesPerSecond) + 6, y + 11, `${Math.round(r.imagesPerSecond)}`, { size: 11 }));
      y += 17;
    }
    y += 10;
  }
  return svg(left + labelW + barW + 90, y + 10, title, parts.join('\n'));
}

async function main(): Promise<void> {
  const program = new Command()
    .name('npm run bench --')
    .description('Side-by-side benchmark of the conv layer and the feature extractor (not a test)')
    .option('--quick', 'a few-second version: batch 16 only, short timings')
    .option('--target <tree>', 'whose katas to run: solutions or katas', 'solutions')
    .option('--out <dir>', 'where to write bench.json and bench.svg (default docs/bench, or docs/bench/quick with --quick, which git ignores)')
    .parse(process.argv);
  const opts = program.opts<{ quick?: boolean; target: string; out?: string }>();
  if (opts.target !== 'solutions' && opts.target !== 'katas') throw new Error(`--target must be solutions or katas, not ${opts.target}`);
  const quick = opts.quick === true;
  const batches = quick ? [16] : [64, 256];
  const minMs = quick ? 150 : 1500;
  const minReps = quick ? 1 : 3;

  const load = (slug: string) => require(fromRoot(`${opts.target}/${slug}/index.ts`));
  const k05: Kata05 = load('05-multi-kernel');
  const k06: Kata06 = load('06-max-pooling');
  const k10: Kata10 = load('10-conv-kernel');
  const k11: Kata11 = load('11-device-features');

  const cpus = os.cpus();
  const header = [
    `cnn-katas bench${quick ? ' (--quick)' : ''}: ${opts.target}/, ${new Date().toISOString()}`,
    `machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machines give noisy numbers)`,
    `node ${process.version}; ${gpuModesReport()}`,
    `FLOPs per image: conv2 ${FLOP.conv2.toLocaleString('en')}, features ${FLOP.features.toLocaleString('en')} (2 per multiply-add; pooling, ReLU, bias not counted)`,
  ];
  console.log(pc.bold(header[0]));
  header.slice(1).forEach((l) => console.log(pc.dim(l)));

  const { conv1, conv2 } = FEATURE_PARAMS;
  // kata 05 takes nested arrays: the parameters are converted once, outside the timings (the input is converted inside: a nested-array caller has it so already, but the flat input is what every other row gets)
  const nested = {
    conv1: { weight: toBatch(conv1.weight), bias: Array.from(conv1.bias.data) },
    conv2: { weight: toBatch(conv2.weight), bias: Array.from(conv2.bias.data) },
  };
  const modes = availableGpuModes();
  const gpus = new Map(modes.map((m) => [m, createGpu(m).gpu]));

  type Impl = { name: string; setup?: () => Promise<unknown>; run: (w: Workload, x: Tensor) => unknown };
  const impls: Impl[] = [
    {
      name: 'kata 05 nested',
      run: (w, x) => {
        const conv = (b: Batch, p: { weight: Batch; bias: number[] }) => b.map((image) => k05.conv2d(image, p.weight, p.bias));
        const relu = (b: Batch) => b.map((v) => v.map((m) => m.map((r) => r.map((a) => (a > 0 ? a : 0)))));
        if (w === 'conv2') return conv(toBatch(x), nested.conv2);
        return relu(k06.maxPool2d(conv(relu(k06.maxPool2d(conv(toBatch(x), nested.conv1), 2)), nested.conv2), 2));
      },
    },
    {
      name: 'js direct (flat)',
      run: (w, x) => (w === 'conv2' ? directConv2d(x, conv2.weight, conv2.bias) : poolRelu(directConv2d(poolRelu(directConv2d(x, conv1.weight, conv1.bias)), conv2.weight, conv2.bias))),
    },
    {
      name: 'js im2col (flat)',
      run: (w, x) => (w === 'conv2' ? im2colConv2d(x, conv2.weight, conv2.bias) : poolRelu(im2colConv2d(poolRelu(im2colConv2d(x, conv1.weight, conv1.bias)), conv2.weight, conv2.bias))),
    },
    ...modes.flatMap((mode): Impl[] => [
      { name: `gpu.js ${mode}`, run: (w, x) => (w === 'conv2' ? k10.conv2d(gpus.get(mode)!, x, conv2.weight, conv2.bias) : k11.extractFeatures(gpus.get(mode)!, x, FEATURE_PARAMS)) },
      ...(mode === 'cpu' ? [] : [{ name: `gpu.js ${mode} stepwise`, run: (w: Workload, x: Tensor) => (w === 'conv2' ? undefined : k11.extractFeaturesStepwise(gpus.get(mode)!, x, FEATURE_PARAMS)) }]),
    ]),
    { name: 'tfjs cpu', setup: () => useBackend('cpu'), run: (w, x) => (w === 'conv2' ? referenceConv2dNCHW(x, conv2.weight, conv2.bias) : referenceFeatures(x, FEATURE_PARAMS)) },
    { name: 'tfjs wasm', setup: () => useBackend('wasm'), run: (w, x) => (w === 'conv2' ? referenceConv2dNCHW(x, conv2.weight, conv2.bias) : referenceFeatures(x, FEATURE_PARAMS)) },
  ];

  const jobs: { impl: Impl; workload: Workload; batch: number }[] = [];
  for (const impl of impls) for (const workload of ['conv2', 'features'] as Workload[]) for (const batch of batches) jobs.push({ impl, workload, batch });
  const rows: Row[] = [];
  const tty = process.stdout.isTTY;
  let done = 0;
  let lastSetup: Impl | undefined;
  for (const job of jobs) {
    done++;
    const label = `[${done}/${jobs.length}] ${job.impl.name}, ${job.workload}, batch ${job.batch}`;
    if (tty) process.stdout.write(`\r${label.padEnd(70)}`);
    else console.log(pc.dim(label));
    if (job.impl.setup && lastSetup !== job.impl) await job.impl.setup();
    lastSetup = job.impl;
    const shape = job.workload === 'conv2' ? [job.batch, 10, 12, 12] : [job.batch, 1, 28, 28];
    const x = tensor(shape, values(shape.reduce((a, b) => a * b, 1), 7 + job.batch));
    if (job.impl.run(job.workload, x) === undefined) continue; // not applicable (stepwise on one layer)
    const m = measure(() => job.impl.run(job.workload, x), minMs, minReps);
    const ips = (job.batch * 1000) / m.msPerCall;
    rows.push({ workload: job.workload, batch: job.batch, impl: job.impl.name, firstCallMs: m.firstCallMs, msPerBatch: m.msPerCall, imagesPerSecond: ips, gflops: (ips * FLOP[job.workload]) / 1e9 });
  }
  if (tty) process.stdout.write(`\r${' '.repeat(70)}\r`);
  for (const r of rows) {
    const base = rows.find((b) => b.impl === 'tfjs wasm' && b.workload === r.workload && b.batch === r.batch);
    if (base) r.vsTfjsWasm = r.imagesPerSecond / base.imagesPerSecond;
  }

  const head = `${'workload'.padEnd(9)} ${'batch'.padStart(5)}  ${'implementation'.padEnd(26)} ${'first call'.padStart(11)} ${'ms/batch'.padStart(9)} ${'images/s'.padStart(9)} ${'GFLOP/s'.padStart(8)} ${'vs tfjs-wasm'.padStart(12)}`;
  console.log(`\n${pc.bold(head)}`);
  for (const r of rows) {
    console.log(
      `${r.workload.padEnd(9)} ${String(r.batch).padStart(5)}  ${r.impl.padEnd(26)} ${`${r.firstCallMs.toFixed(0)} ms`.padStart(11)} ${r.msPerBatch.toFixed(1).padStart(9)} ${Math.round(r.imagesPerSecond).toLocaleString('en').padStart(9)} ${r.gflops.toFixed(3).padStart(8)} ${(r.vsTfjsWasm === undefined ? '-' : `${r.vsTfjsWasm.toFixed(3)}x`).padStart(12)}`,
    );
  }
  const out = path.resolve(opts.out ?? (quick ? 'docs/bench/quick' : 'docs/bench'));
  fs.mkdirSync(out, { recursive: true });
  const json = { header, quick, target: opts.target, reference: referenceInfo(), tfjs: tf.version_core, modes, flopsPerImage: FLOP, rows };
  fs.writeFileSync(path.join(out, 'bench.json'), `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(path.join(out, 'bench.svg'), barChart(rows, `Conv layer and feature extractor: images/s (${cpus.length} x ${cpus[0]?.model ?? 'CPU'})`));
  console.log(pc.dim(`\n"first call" includes compiling the kernels (gpu.js) or initialising the backend; the rest is the steady state.`));
  console.log(`Wrote ${path.relative(process.cwd(), out)}/bench.json and bench.svg`);
  for (const g of gpus.values()) g.destroy();
}

const section = process.argv[2];
const run =
  section === 'train'
    ? () => import('./bench-train').then((m) => m.benchTrain(process.argv.slice(3)))
    : section === 'backward'
      ? () => import('./bench-backward').then(() => undefined)
      : main;
run().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
