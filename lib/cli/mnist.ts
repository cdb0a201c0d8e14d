/**
 * `npm run mnist`: the learner's net (kata 12) on the real MNIST test set, with the trained
 * weights of test/fixtures/mnist-net.
 *
 *   npm run mnist                        your katas/12-mnist-net on the 10,000 test images (cpu)
 *   npm run mnist -- --solutions         the reference solution
 *   npm run mnist -- --device gpu        the gpu device (kata 11's kernels, lib/gpu.ts picks the mode)
 *   npm run mnist -- --image digit.png   classify your own handwriting
 *   npm run mnist -- --weights FILE.json weights in the fixture format, e.g. saved by `npm run train`
 *
 * Prints accuracy next to the fixture's tfjs accuracy, the predictions that differ from tfjs's,
 * per-class accuracy, the confusion matrix, throughput next to tfjs cpu and wasm measured in the
 * same run, and a few misclassified digits; writes an HTML report under reports/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import pc from 'picocolors';
import type { GPU } from 'gpu.js';
import { loadFixture, type Fixture } from '../fixtures';
import { loadMnist, type MnistSet } from '../mnist/node';
import { encodeGrayPng, readPng } from '../mnist/png';
import { preprocess } from '../mnist/preprocess';
import { fromRoot } from '../paths';
import { MNIST_FIXTURE, PARAM_NAMES } from '../reference/make-mnist-fixtures';
import { tfMnistNet } from '../reference/mnist';
import { tf, useBackend } from '../reference/tf';
import type { Tensor } from '../tensor';
import { isNotStarted, stubName } from '../todo';

const SLUG = '12-mnist-net';

/** What the job needs from kata 12 (its exported API). */
interface Kata12 {
  mnistNet(params: Record<string, Tensor>, device?: 'cpu' | GPU): { forward(x: Tensor): Tensor; predict(x: Tensor): number[] };
  toInput(pixels: ArrayLike<number>): Tensor;
}

interface Options {
  solutions?: boolean;
  weights?: string;
  device: string;
  image?: string;
  limit?: string;
  threads: string;
  bench: string;
  compare: boolean;
  report: boolean;
  out: string;
}

class Stop extends Error {}

/** True when some of kata 12's functions already run (written, not todo()): the kata is started, not finished. */
function partlyWritten(target: string): boolean {
  let kata: Record<string, unknown>;
  try {
    kata = require(fromRoot(target, SLUG, 'index.ts')) as Record<string, unknown>;
  } catch {
    return false;
  }
  const x = { shape: [1, 1, 2, 2], data: new Float32Array([1, -2, 3, -4]) };
  const probes: [string, unknown[]][] = [
    ['toInput', [new Uint8Array(784)]],
    ['relu', [x]],
    ['maxPool2d', [x, 2]],
    ['conv2d', [x, { shape: [1, 1, 1, 1], data: new Float32Array([1]) }, { shape: [1], data: new Float32Array([0]) }]],
    ['checkInput', [x]],
  ];
  return probes.some(([name, args]) => {
    if (typeof kata[name] !== 'function') return false;
    try {
      (kata[name] as (...a: unknown[]) => unknown)(...args);
      return true;
    } catch (error) {
      return !isNotStarted(error);
    }
  });
}

function notStarted(target: string, error: unknown): never {
  const stub = stubName(error);
  const kata = (error as { kata?: unknown }).kata;
  if (target === 'katas' && (kata === undefined || kata === SLUG) && partlyWritten(target)) {
    console.error(
      `${pc.yellow(`kata 12 is not finished: ${stub ?? 'one of its functions'} still calls todo()`)}: finish katas/${SLUG}/index.ts (lesson docs/${SLUG}.md, tests: npm test -- 12), or run the reference: npm run mnist -- --solutions`,
    );
    throw new Stop();
  }
  console.error(
    target === 'katas'
      ? `${pc.yellow('Kata 12 is not started yet')}: write katas/${SLUG}/index.ts (lesson docs/${SLUG}.md, tests: npm test -- 12), or run the reference: npm run mnist -- --solutions`
      : `${pc.red('The reference solution is incomplete')}: solutions/${SLUG} (or a kata it imports) still throws "not started"`,
  );
  throw new Stop();
}

/** Runs `fn`, turning a stub's "not started" error (anywhere in the kata chain) into one clear line. */
function guarded<T>(target: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isNotStarted(error)) notStarted(target, error);
    throw error;
  }
}

const percent = (a: number, digits = 2) => `${(a * 100).toFixed(digits)}%`;
const rate = (n: number, ms: number) => (n / ms) * 1000;
const SHADES = [' ', '░', '▒', '▓', '█'];

/** A 28x28 digit (0..255) as 14 lines of shaded blocks, two pixel rows per line. */
function drawDigit(pixels: ArrayLike<number>, offset = 0): string[] {
  const lines: string[] = [];
  for (let y = 0; y < 28; y += 2) {
    let line = '';
    for (let x = 0; x < 28; x++) {
      const v = (pixels[offset + y * 28 + x] + pixels[offset + (y + 1) * 28 + x]) / 2;
      line += SHADES[Math.min(4, Math.round((v / 255) * 4))];
    }
    lines.push(line);
  }
  return lines;
}

function softmax(row: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(row));
  const e = Array.from(row, (v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function loadKata(target: 'katas' | 'solutions'): Kata12 {
  return guarded(target, () => require(fromRoot(target, SLUG, 'index.ts')) as Kata12);
}

function weightsOf(fixture: Fixture): Record<string, Tensor> {
  return Object.fromEntries(PARAM_NAMES.map((k) => [k, fixture.get(k)]));
}

/** The reference fixture, or the weights named by --weights (checked: all six parameters, right shapes). */
function loadWeights(file: string | undefined): Fixture {
  if (file === undefined) return loadFixture(MNIST_FIXTURE);
  const manifest = path.resolve(file);
  if (!fs.existsSync(manifest)) {
    const saved = fs.existsSync(fromRoot('.kata', 'weights')) ? fs.readdirSync(fromRoot('.kata', 'weights')).filter((f) => f.endsWith('.json')) : [];
    console.error(`--weights: ${file} does not exist${saved.length ? `; weights saved by npm run train: ${saved.map((f) => `.kata/weights/${f}`).join(', ')}` : ' (npm run train saves weights in .kata/weights/)'}`);
    throw new Stop();
  }
  let fixture: Fixture;
  try {
    fixture = loadFixture(manifest);
  } catch (error) {
    console.error(`--weights: ${file} is not a readable fixture: ${(error as Error).message}`);
    throw new Stop();
  }
  const names = fixture.manifest.tensors.map((t) => t.name);
  const missing = PARAM_NAMES.filter((k) => !names.includes(k));
  if (missing.length) {
    console.error(`--weights: ${file} lacks ${missing.join(', ')}; the lecture net needs ${PARAM_NAMES.join(', ')} (PyTorch's state_dict names)`);
    throw new Stop();
  }
  return fixture;
}

/** Where the weights came from, for the report: the reference's provenance keeps it under `weights`. */
function weightsInfo(fixture: Fixture): { framework: string; epoch: string } {
  const p = fixture.manifest.provenance as Record<string, unknown>;
  const w = (typeof p.weights === 'object' && p.weights !== null ? p.weights : p) as Record<string, unknown>;
  return { framework: String(w.framework ?? ''), epoch: String(w.epoch ?? '') };
}

async function makeDevice(name: string): Promise<{ device: 'cpu' | GPU; label: string; done(): void }> {
  if (name === 'cpu') return { device: 'cpu', label: 'cpu', done: () => undefined };
  if (name !== 'gpu') {
    console.error(`--device must be cpu or gpu, got ${name}`);
    throw new Stop();
  }
  const { createGpu } = await import('../gpu');
  const made = createGpu();
  console.log(pc.dim(made.report));
  return { device: made.gpu, label: `gpu (gpu.js ${made.mode})`, done: () => made.gpu.destroy() };
}

/** Classifies one PNG of a handwritten digit. */
function classifyImage(kata: Kata12, target: string, params: Record<string, Tensor>, device: 'cpu' | GPU, file: string): void {
  const image = readPng(file);
  const pre = preprocess(image);
  const x = guarded(target, () => kata.toInput(pre.pixels));
  const logits = guarded(target, () => kata.mnistNet(params, device).forward(x));
  const probs = softmax(logits.data);
  const best = probs.indexOf(Math.max(...probs));
  console.log(`${file}: ${image.width}x${image.height}${pre.inverted ? ', light background (inverted)' : ''}; ink box ${pre.box.width}x${pre.box.height} at (${pre.box.x}, ${pre.box.y}), scaled into 20x20 and centred by mass in 28x28:`);
  const drawn = drawDigit(pre.pixels);
  const bars = probs.map((p, d) => `${d === best ? pc.bold(pc.green(String(d))) : String(d)}  ${'█'.repeat(Math.round(p * 40)).padEnd(40, '·')} ${percent(p, 1).padStart(6)}`);
  for (let i = 0; i < Math.max(drawn.length, bars.length); i++) console.log(`  ${pc.cyan(drawn[i] ?? ' '.repeat(28))}   ${bars[i] ?? ''}`);
  console.log(`\nprediction: ${pc.bold(String(best))} (${percent(probs[best], 1)})`);
}

interface Timing {
  name: string;
  images: number;
  perSecond: number;
}

/** tfjs on `backend` over the first `n` images: images per second (after one warm-up batch). */
async function timeTfjs(backend: 'cpu' | 'wasm', params: Record<string, Tensor>, set: MnistSet, n: number): Promise<Timing | string> {
  try {
    await useBackend(backend);
  } catch (error) {
    return `tfjs ${backend}: ${(error as Error).message}`;
  }
  const net = tfMnistNet(params, {}, 250);
  const x = { shape: [n, 1, 28, 28], data: set.images.subarray(0, n * 784) };
  net.logits({ shape: [50, 1, 28, 28], data: set.images.subarray(0, 50 * 784) });
  const t0 = performance.now();
  net.logits(x);
  const ms = performance.now() - t0;
  net.dispose();
  return { name: `tfjs ${backend} (${tf.version_core})`, images: n, perSecond: rate(n, ms) };
}

function confusionOf(pred: ArrayLike<number>, labels: ArrayLike<number>): number[][] {
  const m = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][pred[i]]++;
  return m;
}

function htmlReport(o: {
  target: string;
  device: string;
  accuracy: number;
  tfjsAccuracy: number;
  confusion: number[][];
  perClass: { digit: number; correct: number; total: number }[];
  wrong: number[];
  pred: number[];
  set: MnistSet;
  timings: Timing[];
  differ: number[];
  weightsFile: string;
  weightsFramework: string;
  weightsEpoch: string;
}): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
  const max = Math.max(...o.confusion.flatMap((r, i) => r.filter((_, j) => j !== i)), 1);
  const cell = (v: number, i: number, j: number) => {
    const diag = i === j;
    const t = diag ? v / Math.max(1, o.perClass[i].total) : v / max;
    const bg = diag ? `rgba(46,125,50,${(0.15 + 0.85 * t).toFixed(3)})` : v === 0 ? '#fff' : `rgba(198,40,40,${(0.1 + 0.9 * t).toFixed(3)})`;
    return `<td style="background:${bg};color:${t > 0.6 ? '#fff' : '#222'}" title="true ${i}, predicted ${j}: ${v}">${v}</td>`;
  };
  const table = `<table class="cm"><tr><th>true \\ predicted</th>${o.confusion.map((_, j) => `<th>${j}</th>`).join('')}</tr>${o.confusion
    .map((r, i) => `<tr><th>${i}</th>${r.map((v, j) => cell(v, i, j)).join('')}</tr>`)
    .join('')}</table>`;
  const bars = o.perClass
    .map((c) => {
      const a = c.correct / c.total;
      return `<div class="bar"><span class="d">${c.digit}</span><span class="track"><span class="fill" style="width:${(a * 100).toFixed(2)}%"></span></span><span>${percent(a)} (${c.correct}/${c.total})</span></div>`;
    })
    .join('');
  const digits = o.wrong
    .slice(0, 120)
    .map((i) => {
      const png = encodeGrayPng(o.set.pixels.subarray(i * 784, i * 784 + 784), 28, 28, 2, true).toString('base64');
      return `<figure><img src="data:image/png;base64,${png}" width="56" height="56" alt="test image ${i}"><figcaption>#${i}<br>true <b>${o.set.labels[i]}</b> → <b class="bad">${o.pred[i]}</b></figcaption></figure>`;
    })
    .join('');
  const timing = o.timings.map((t) => `<tr><td>${esc(t.name)}</td><td>${Math.round(t.perSecond).toLocaleString('en')}</td><td>${t.images}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MNIST: kata 12 (${esc(o.target)})</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#222}h1{font-size:1.5em}table.cm{border-collapse:collapse}table.cm td,table.cm th{border:1px solid #ddd;padding:.3em .5em;text-align:right;min-width:2.6em}
.bar{display:flex;gap:.6em;align-items:center;margin:.15em 0}.bar .d{width:1em;font-weight:bold}.track{display:inline-block;width:24em;height:1em;background:#eee}.fill{display:block;height:100%;background:#2e7d32}
figure{display:inline-block;margin:.3em;text-align:center;font-size:12px}img{image-rendering:pixelated;border:1px solid #ccc}.bad{color:#c62828}table.t td{padding:.2em .8em}</style></head><body>
<h1>Kata 12 on the MNIST test set</h1>
<p>Target <b>${esc(o.target)}</b>, device <b>${esc(o.device)}</b>, weights from <code>${esc(o.weightsFile)}</code> (${esc(o.weightsFramework)}, epoch ${esc(o.weightsEpoch)}).</p>
<p>Accuracy <b>${percent(o.accuracy)}</b> on ${o.set.count.toLocaleString('en')} images; tfjs with the same weights: ${percent(o.tfjsAccuracy)}. Predictions that differ from tfjs's: ${o.differ.length}${o.differ.length ? ` (images ${o.differ.slice(0, 20).join(', ')}${o.differ.length > 20 ? ', ...' : ''})` : ''}.</p>
<h2>Confusion matrix</h2>${table}
<h2>Accuracy per digit</h2>${bars}
<h2>Throughput</h2><table class="t"><tr><th>what</th><th>images/s</th><th>images timed</th></tr>${timing}</table>
<h2>Misclassified digits (${o.wrong.length}${o.wrong.length > 120 ? ', first 120 shown' : ''})</h2><div>${digits}</div>
<p><small>Generated ${new Date().toISOString()} by npm run mnist.</small></p></body></html>
`;
}

const BATCH = 500;

let tfjsBackendUsed: string | undefined;

/** tfjs's predictions with these weights (weights other than the reference carry none of their own). */
async function tfjsPredictions(params: Record<string, Tensor>, set: MnistSet): Promise<Float32Array> {
  tfjsBackendUsed = await useBackend('wasm');
  const net = tfMnistNet(params);
  try {
    return Float32Array.from(net.predict({ shape: [set.count, 1, 28, 28], data: set.images }));
  } finally {
    net.dispose();
  }
}

/** Classifies on this thread, batch by batch; returns the logits and the milliseconds spent in forward. */
function classifyHere(target: string, net: { forward(x: Tensor): Tensor }, x: Tensor, progress: (count: number, ms: number) => void): { logits: Float32Array; ms: number } {
  const n = x.shape[0];
  const logits = new Float32Array(n * 10);
  let ms = 0;
  for (let s = 0; s < n; s += BATCH) {
    const e = Math.min(n, s + BATCH);
    const part = { shape: [e - s, 1, 28, 28], data: x.data.slice(s * 784, e * 784) };
    const t0 = performance.now();
    const y = guarded(target, () => net.forward(part));
    ms += performance.now() - t0;
    logits.set(y.data, s * 10);
    progress(e - s, ms);
  }
  return { logits, ms };
}

/**
 * Classifies across `threads` worker threads (lib/cli/mnist-worker.ts), each with its own net,
 * taking batches from a shared queue. Time runs from the first batch sent to the last result
 * (the workers' start-up, which compiles the TypeScript, is not counted).
 */
async function classifyInWorkers(target: string, params: Record<string, Tensor>, x: Tensor, threads: number, progress: (count: number, ms: number) => void): Promise<{ logits: Float32Array; ms: number }> {
  const n = x.shape[0];
  const logits = new Float32Array(n * 10);
  const module = fromRoot(target, SLUG, 'index.ts');
  const workers = Array.from(
    { length: threads },
    () =>
      new Worker(`require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(path.join(__dirname, 'mnist-worker.ts'))});`, {
        eval: true,
        workerData: { module, params },
      }),
  );
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', () => resolve());
            w.once('error', reject);
          }),
      ),
    );
    const starts: number[] = [];
    for (let s = 0; s < n; s += BATCH) starts.push(s);
    const t0 = performance.now();
    await Promise.all(
      workers.map(async (w) => {
        for (let start = starts.shift(); start !== undefined; start = starts.shift()) {
          const e = Math.min(n, start + BATCH);
          const reply = await new Promise<{ logits?: Float32Array; error?: string }>((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
            w.postMessage({ start, data: x.data.slice(start * 784, e * 784) });
          });
          if (reply.error) throw new Error(reply.error);
          logits.set(reply.logits as Float32Array, start * 10);
          progress(e - start, performance.now() - t0);
        }
      }),
    );
    return { logits, ms: performance.now() - t0 };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function main(): Promise<void> {
  const program = new Command('mnist')
    .description("Run kata 12's net on the real MNIST test set (or on your own digit)")
    .option('--solutions', 'run the reference solution instead of katas/')
    .option('--device <name>', 'cpu, or gpu (kata 11 on gpu.js)', 'cpu')
    .option('--weights <file.json>', 'weights in the fixture format (a manifest .json next to its .f32), e.g. from npm run train (default: test/fixtures/mnist-net)')
    .option('--image <png>', 'classify one PNG of a handwritten digit')
    .option('--limit <n>', 'classify only the first n test images')
    .option('--threads <n>', `worker threads for the cpu device (default 1, the main thread; this machine has ${os.availableParallelism()} cores)`, '1')
    .option('--bench <n>', 'images tfjs is timed on (cpu and wasm)', '2000')
    .option('--no-compare', 'skip timing tfjs')
    .option('--no-report', 'do not write the HTML report')
    .option('--out <dir>', 'where the HTML report goes', fromRoot('reports'))
    .parse();
  const opts = program.opts<Options>();
  if (opts.limit !== undefined && !/^\s*[1-9]\d*\s*$/.test(opts.limit)) {
    console.error(`--limit must be a whole number of images (1 or more), got ${JSON.stringify(opts.limit)}`);
    throw new Stop();
  }
  const target = opts.solutions ? 'solutions' : 'katas';
  const kata = loadKata(target);
  const fixture = loadWeights(opts.weights);
  const params = weightsOf(fixture);
  // A stub says so in one line before anything else is printed.
  guarded(target, () => kata.mnistNet(params, 'cpu').forward(kata.toInput(new Uint8Array(784))));
  const dev = await makeDevice(opts.device);
  try {
    if (opts.image) {
      classifyImage(kata, target, params, dev.device, opts.image);
      return;
    }
    await classifySet(kata, target, fixture, params, dev, opts);
  } finally {
    dev.done();
  }
}

async function classifySet(kata: Kata12, target: string, fixture: Fixture, params: Record<string, Tensor>, dev: { device: 'cpu' | GPU; label: string }, opts: Options): Promise<void> {
  const tLoad = performance.now();
  const full = loadMnist('test');
  const set = opts.limit ? loadMnist('test', { limit: Number(opts.limit) }) : full;
  const loadMs = performance.now() - tLoad;
  const n = set.count;
  console.log(`${pc.bold(`kata 12 (${target}/${SLUG})`)} on ${n.toLocaleString('en')} MNIST test images, device ${dev.label}; data loaded and checked in ${loadMs.toFixed(0)} ms`);
  console.log(pc.dim(`weights: ${opts.weights ?? 'test/fixtures/mnist-net.json'} (${weightsInfo(fixture).framework || 'unknown'}${weightsInfo(fixture).epoch ? `, epoch ${weightsInfo(fixture).epoch}` : ''})`));
  const x = guarded(target, () => kata.toInput(set.pixels));
  const net = guarded(target, () => kata.mnistNet(params, dev.device));
  guarded(target, () => net.forward({ shape: [8, 1, 28, 28], data: x.data.slice(0, 8 * 784) })); // warm-up (and compiles gpu kernels)
  const threads = dev.device === 'cpu' ? Math.max(1, Number(opts.threads) || 1) : 1;
  const bar = new SingleBar({ format: '  {bar} {percentage}% | {value}/{total} images | {rate} img/s', hideCursor: true, clearOnComplete: true, barCompleteChar: '█', barIncompleteChar: '░' });
  const tty = process.stdout.isTTY;
  if (tty) bar.start(n, 0, { rate: '-' });
  let done = 0;
  const progress = (count: number, ms: number) => {
    done += count;
    if (tty) bar.update(done, { rate: Math.round(rate(done, ms)) });
    else if (done === n || Math.floor(done / 2500) > Math.floor((done - count) / 2500)) console.log(pc.dim(`  ${done}/${n} images`));
  };
  const { logits, ms } =
    threads > 1 ? await classifyInWorkers(target, params, x, threads, progress) : classifyHere(target, net, x, progress);
  if (tty) bar.stop();
  const pred = Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let j = 1; j < 10; j++) if (logits[i * 10 + j] > logits[i * 10 + best]) best = j;
    return best;
  });
  const ours = { name: `kata 12 ${target}, ${dev.label}${threads > 1 ? `, ${threads} threads` : ''}`, images: n, perSecond: rate(n, ms) };
  const labels = set.labels;
  const correct = pred.filter((p, i) => p === labels[i]).length;
  const accuracy = correct / n;
  const tfPred = fixture.manifest.tensors.some((t) => t.name === 'predictions') ? fixture.get('predictions').data : await tfjsPredictions(params, set);
  const tfjsAccuracy = Array.from(tfPred.subarray(0, n)).filter((p, i) => p === labels[i]).length / n;
  const differ = pred.map((p, i) => (p === tfPred[i] ? -1 : i)).filter((i) => i >= 0);
  const tfBackend = String((fixture.manifest.provenance.tfjs as Record<string, unknown>)?.backend ?? tfjsBackendUsed ?? 'tfjs');

  console.log(`\naccuracy ${pc.bold(percent(accuracy))} (${correct}/${n})   tfjs (${tfBackend}) with the same weights: ${percent(tfjsAccuracy)}`);
  if (differ.length === 0) console.log(pc.green(`every prediction equals tfjs's`));
  else {
    console.log(
      pc.yellow(`${differ.length} predictions differ from tfjs's: `) +
        differ
          .slice(0, 12)
          .map((i) => `#${i} (true ${labels[i]}: you ${pred[i]}, tfjs ${tfPred[i]})`)
          .join(', ') +
        (differ.length > 12 ? ', ...' : ''),
    );
    if (accuracy < 0.5) {
      console.log(pc.red('accuracy collapsed: check the flatten order (NCHW, as view(N, -1)), the layout of fc.weight ([10, 320]) and the normalisation; `npm test -- 12` names the mistake'));
    }
  }

  const confusion = confusionOf(pred, labels);
  const perClass = confusion.map((row, d) => ({ digit: d, correct: row[d], total: row.reduce((a, b) => a + b, 0) }));
  console.log(`\nper digit:  ${perClass.map((c) => `${c.digit}: ${percent(c.correct / Math.max(1, c.total), 1)}`).join('  ')}`);
  console.log('\nconfusion matrix (rows: true digit, columns: predicted)');
  console.log(`       ${Array.from({ length: 10 }, (_, j) => String(j).padStart(5)).join('')}`);
  confusion.forEach((row, i) =>
    console.log(`    ${i}  ${row.map((v, j) => (i === j ? pc.green(String(v).padStart(5)) : v === 0 ? pc.dim('    .') : pc.red(String(v).padStart(5)))).join('')}`),
  );

  const timings: Timing[] = [ours];
  if (opts.compare) {
    const m = Math.min(Number(opts.bench), full.count);
    for (const backend of ['cpu', 'wasm'] as const) {
      const t = await timeTfjs(backend, params, full, m);
      if (typeof t === 'string') console.log(pc.dim(t));
      else timings.push(t);
    }
  }
  console.log('\nthroughput (this run, this machine):');
  for (const t of timings) {
    const ratio = t === ours ? '' : `   kata 12 is ${(ours.perSecond / t.perSecond).toFixed(2)}x this`;
    console.log(`  ${t.name.padEnd(34)} ${Math.round(t.perSecond).toLocaleString('en').padStart(7)} images/s  (${t.images} images)${ratio}`);
  }

  const wrong = pred.map((p, i) => (p === labels[i] ? -1 : i)).filter((i) => i >= 0);
  if (wrong.length) {
    console.log(`\n${wrong.length} misclassified; the first few:`);
    const shown = wrong.slice(0, 4);
    const drawn = shown.map((i) => drawDigit(set.pixels, i * 784));
    console.log(shown.map((i) => `#${i} true ${labels[i]} → ${pc.red(String(pred[i]))}`.padEnd(30 + (pc.isColorSupported ? 10 : 0))).join(''));
    for (let r = 0; r < 14; r++) console.log(drawn.map((d) => `${d[r]}  `).join(''));
  }

  if (opts.report) {
    fs.mkdirSync(opts.out, { recursive: true });
    const file = path.join(opts.out, `mnist-${target}-${opts.device}.html`);
    fs.writeFileSync(file, htmlReport({ target, device: dev.label, accuracy, tfjsAccuracy, confusion, perClass, wrong, pred, set, timings, differ, weightsFile: opts.weights ?? 'test/fixtures/mnist-net.json', weightsFramework: weightsInfo(fixture).framework, weightsEpoch: weightsInfo(fixture).epoch }));
    console.log(`\nreport: ${path.relative(process.cwd(), file)}`);
  }
}

main().catch((error) => {
  if (!(error instanceof Stop)) console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
