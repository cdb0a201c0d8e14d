/**
 * The lab page: draw a digit, see it prepared as MNIST, classified by the learner's kata 12 net
 * (or the reference with `npm run lab -- --solutions`), taken apart layer by layer, and run on the
 * cpu device and on the gpu.js device side by side.
 *
 * Everything shown is computed here, in the browser, by the same TypeScript the suites test:
 * `@kata/...` is the chosen tree (lib/lab/server.ts), lib/mnist prepares the digit, lib/fixtures
 * reads the weights. A kata that is still a stub throws KataNotStartedError; the page catches it and
 * names the kata to finish instead of going blank.
 *
 * `window.lab` exposes the state for the browser test (lib/lab/check.ts).
 */
import { GPU, WebGL2Kernel, WebGLKernel } from 'gpu.js';
import type { LabConfig, LabState, WeightSet } from '../state';
import { curriculum } from '../../curriculum';
import { parseFixture, verifyFixture } from '../../fixtures';
import { normalize } from '../../mnist/normalize';
import { parseIdxImages, parseIdxLabels } from '../../mnist/idx';
import { preprocess, PreprocessError } from '../../mnist/preprocess';
import { tensor, type Tensor } from '../../tensor';
import { isNotStarted } from '../../todo';
import type { StateDict } from '@kata/12-mnist-net';

type NetModule = typeof import('@kata/12-mnist-net');

declare global {
  interface Window {
    lab: LabState;
  }
}

const state: LabState = { status: 'loading', strokes: 0, problems: [], marks: {} };
window.lab = state;

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`lab: the page has no #${id}`);
  return el as T;
};
const el = (tag: string, className?: string, text?: string): HTMLElement => {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
};
const fmtShape = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const ms = (t: number) => (t >= 100 ? `${t.toFixed(0)} ms` : t >= 10 ? `${t.toFixed(1)} ms` : `${t.toFixed(2)} ms`);
const setStatus = (s: LabState['status']) => {
  state.status = s;
  document.body.dataset.status = s;
};

/** Float32 agreement of two devices' logits: relative to the logits' size, as the suites measure it. */
const TOLERANCE = 1e-4;
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
};
const agrees = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let scale = 1;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  return maxAbsDiff(a, b) <= TOLERANCE * scale;
};
const softmax = (logits: ArrayLike<number>): number[] => {
  const max = Math.max(...Array.from(logits));
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};
const argmax = (v: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
};

// ---------------------------------------------------------------------------------------------
// Problems: a kata not started is guidance, anything else is an error shown where it happened.

function kataHelp(slug: string, target: string | undefined): HTMLElement {
  const kata = curriculum.find((k) => k.slug === slug);
  const box = el('div');
  box.append(el('p', '', `Kata ${slug}${kata ? ` (${kata.title})` : ''} is not started yet: this part of the lab runs your code from it.`));
  const p = el('p');
  p.innerHTML = `Write <code>${target ?? 'katas'}/${slug}/index.ts</code> (lesson: <code>docs/${slug}.md</code>), check it with <code>npm test -- ${slug.slice(0, 2)}</code>; this page reloads when you save. To see the finished lab now: <code>npm run lab -- --solutions</code>.`;
  box.append(p);
  return box;
}

function showProblem(slot: string, error: unknown): void {
  const box = $(slot);
  box.hidden = false;
  box.replaceChildren();
  if (isNotStarted(error)) {
    const slug = (error as { kata: string }).kata;
    box.classList.remove('error');
    // The banner at the top explains the first kata found; the panels only point at it.
    if (state.notStarted === slug) box.append(el('p', '', `Waiting for kata ${slug} (see above).`));
    else box.append(kataHelp(slug, state.target));
    if (!state.notStarted) {
      state.notStarted = slug;
      const banner = $('banner');
      banner.hidden = false;
      banner.replaceChildren(el('h2', '', `Finish kata ${slug} to bring the lab to life`), kataHelp(slug, state.target));
      box.replaceChildren(el('p', '', `Waiting for kata ${slug} (see above).`));
      if (state.status !== 'error') setStatus('stub');
    }
    return;
  }
  box.classList.add('error');
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  box.append(el('p', '', message));
  state.problems.push(`${slot}: ${message}`);
  // A real error (not a stub) is worth the console: the learner's devtools show its stack.
  console.warn(error);
}

function clearProblem(slot: string): void {
  $(slot).hidden = true;
}

// ---------------------------------------------------------------------------------------------
// Data: the config, the weights (lib/fixtures) and the test batch (lib/mnist's IDX parser).

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`lab: GET ${url}: ${res.status} ${await res.text()}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** TensorFlow.js's logits of the first test images, when the weights' fixture holds them (the reference does). */
let referenceLogits: Tensor | undefined;

async function loadWeights(set: WeightSet): Promise<StateDict> {
  const [manifestBytes, bytes] = await Promise.all([fetchBytes(`/lab-data/${set.manifest}`), fetchBytes(`/lab-data/${set.data}`)]);
  const fixture = parseFixture(new TextDecoder().decode(manifestBytes), bytes);
  await verifyFixture(fixture, bytes);
  const get = (name: string) => fixture.get(`${set.prefix}${name}`);
  referenceLogits = fixture.has(`${set.prefix}logits`) ? get('logits') : undefined;
  return {
    'conv1.weight': get('conv1.weight'),
    'conv1.bias': get('conv1.bias'),
    'conv2.weight': get('conv2.weight'),
    'conv2.bias': get('conv2.bias'),
    'fc.weight': get('fc.weight'),
    'fc.bias': get('fc.bias'),
  };
}

interface Batch {
  images: Tensor;
  labels: Uint8Array;
}

async function loadBatch(config: LabConfig): Promise<Batch | undefined> {
  if (!config.batch) return undefined;
  const [imageBytes, labelBytes] = await Promise.all([fetchBytes(`/lab-data/${config.batch.images}`), fetchBytes(`/lab-data/${config.batch.labels}`)]);
  const images = parseIdxImages(imageBytes, config.batch.images);
  const labels = parseIdxLabels(labelBytes, config.batch.labels);
  // ?batch=N on the page's address times another number of test images.
  const asked = Number.parseInt(new URLSearchParams(location.search).get('batch') ?? '', 10);
  const n = Math.min(asked > 0 ? asked : config.batch.count, images.count, labels.length);
  return { images: tensor([n, 1, 28, 28], normalize(images.pixels.subarray(0, n * 784))), labels: labels.slice(0, n) };
}

// ---------------------------------------------------------------------------------------------
// The GPU: gpu.js's browser build on a WebGL2 context of our own, so the renderer can be named.

function makeGpu(): { gpu: GPU; mode: string; renderer: string; vendor: string; software: boolean } {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2', { premultipliedAlpha: false, preserveDrawingBuffer: false });
  if (!gl) {
    const gpu = new GPU();
    return { gpu, mode: gpu.mode ?? 'cpu', renderer: 'no WebGL2 in this browser', vendor: '', software: true };
  }
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  const vendor = String(gl.getParameter(info ? info.UNMASKED_VENDOR_WEBGL : gl.VENDOR));
  const software = /swiftshader|llvmpipe|softpipe|software|basic render/i.test(`${renderer} ${vendor}`);
  return { gpu: new GPU({ mode: 'webgl2', canvas, context: gl }), mode: 'webgl2', renderer, vendor, software };
}

/** The mode gpu.js really runs kernels in, once a kernel has run (all GL kernels call themselves 'gpu'). */
function ranMode(gpu: GPU, asked: string): string {
  const kernel = (gpu as unknown as { Kernel?: { mode?: string } }).Kernel;
  if (!kernel) return asked;
  if (kernel === (WebGL2Kernel as unknown)) return 'webgl2';
  if (kernel === (WebGLKernel as unknown)) return 'webgl';
  return kernel.mode ?? asked;
}

// ---------------------------------------------------------------------------------------------
// Drawing

const pad = $<HTMLCanvasElement>('pad');
const ink = pad.getContext('2d', { willReadFrequently: true })!;
let drawing = false;
let last: { x: number; y: number } | undefined;
let pending: number | undefined;
let onDrawn: () => void = () => {};

function clearPad(): void {
  ink.fillStyle = '#ffffff';
  ink.fillRect(0, 0, pad.width, pad.height);
}

function point(e: PointerEvent) {
  const r = pad.getBoundingClientRect();
  return { x: ((e.clientX - r.left) * pad.width) / r.width, y: ((e.clientY - r.top) * pad.height) / r.height };
}

function stroke(to: { x: number; y: number }): void {
  ink.strokeStyle = '#111111';
  ink.fillStyle = '#111111';
  ink.lineWidth = 20;
  ink.lineCap = 'round';
  ink.lineJoin = 'round';
  ink.beginPath();
  if (last) {
    ink.moveTo(last.x, last.y);
    ink.lineTo(to.x, to.y);
    ink.stroke();
  } else {
    ink.arc(to.x, to.y, ink.lineWidth / 2, 0, 2 * Math.PI);
    ink.fill();
  }
  last = to;
}

pad.addEventListener('pointerdown', (e) => {
  e.preventDefault();
  pad.setPointerCapture(e.pointerId);
  drawing = true;
  last = undefined;
  if (pending !== undefined) clearTimeout(pending);
  stroke(point(e));
});
pad.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  e.preventDefault();
  for (const c of e.getCoalescedEvents?.() ?? [e]) stroke(point(c));
});
const endStroke = (e: PointerEvent) => {
  if (!drawing) return;
  drawing = false;
  last = undefined;
  if (pad.hasPointerCapture(e.pointerId)) pad.releasePointerCapture(e.pointerId);
  state.strokes++;
  // A digit is often several strokes (a 4, a 7 with a bar): classify once the pen rests.
  if (pending !== undefined) clearTimeout(pending);
  pending = window.setTimeout(() => onDrawn(), 250);
};
pad.addEventListener('pointerup', endStroke);
pad.addEventListener('pointercancel', endStroke);

// ---------------------------------------------------------------------------------------------
// Drawing results

function drawGray(canvas: HTMLCanvasElement, values: ArrayLike<number>, w: number, h: number, lo: number, hi: number): void {
  const small = document.createElement('canvas');
  small.width = w;
  small.height = h;
  const ctx = small.getContext('2d')!;
  const img = ctx.createImageData(w, h);
  const span = hi - lo || 1;
  for (let i = 0; i < w * h; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, (values[i] - lo) / span)));
    img.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  const big = canvas.getContext('2d')!;
  big.imageSmoothingEnabled = false;
  big.clearRect(0, 0, canvas.width, canvas.height);
  big.drawImage(small, 0, 0, canvas.width, canvas.height);
}

function showBars(probabilities: readonly number[] | undefined): void {
  const bars = $('bars');
  bars.replaceChildren();
  const top = probabilities ? argmax(probabilities) : -1;
  for (let d = 0; d < 10; d++) {
    const p = probabilities?.[d] ?? 0;
    const row = [el('span', 'digit', String(d)), el('div', 'bar'), el('span', 'num', probabilities ? `${(100 * p).toFixed(1)} %` : '–')];
    const fill = el('div');
    fill.style.width = `${(100 * p).toFixed(2)}%`;
    row[1].append(fill);
    const wrap = el('div', d === top ? 'top' : '');
    wrap.style.display = 'contents';
    wrap.append(...row);
    bars.append(wrap);
  }
  $('predicted').textContent = probabilities ? String(top) : '–';
  $('confidence').textContent = probabilities ? `${(100 * probabilities[top]).toFixed(1)} % sure` : '';
}

function showStages(stages: { name: string; detail: string; t: Tensor }[]): void {
  const root = $('stages');
  root.replaceChildren();
  for (const s of stages) {
    const [, c, h, w] = s.t.shape;
    const box = el('div', 'stage');
    box.append(el('h3', '', s.name));
    const maps = el('div', 'maps');
    let hi = 0;
    for (const v of s.t.data) hi = Math.max(hi, v);
    const scale = Math.max(2, Math.floor(80 / h));
    for (let k = 0; k < c; k++) {
      const map = el('div', 'map');
      const canvas = document.createElement('canvas');
      canvas.width = w * scale;
      canvas.height = h * scale;
      drawGray(canvas, s.t.data.subarray(k * h * w, (k + 1) * h * w), w, h, 0, hi);
      map.append(canvas, el('span', '', `#${k}`));
      maps.append(map);
    }
    box.append(maps, el('div', 'shape', s.detail));
    root.append(box);
  }
}

function setRow(id: string, cells: (string | HTMLElement)[]): void {
  const tds = $(id).querySelectorAll('td');
  cells.forEach((c, i) => {
    tds[i].replaceChildren(typeof c === 'string' ? document.createTextNode(c) : c);
  });
}

const verdict = (ok: boolean, text: string) => el('span', ok ? 'ok' : 'no', text);

/** "gpu 3.1× faster" or "gpu 2.0× slower": the ratio of the two times, said the way round it is. */
function speed(cpuMs: number, gpuMs: number): string {
  const r = cpuMs / gpuMs;
  return r >= 1 ? `gpu ${r.toFixed(1)}× faster` : `gpu ${(1 / r).toFixed(1)}× slower`;
}

function median(times: number[]): number {
  const s = [...times].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------------------------------------

/** Milliseconds since navigation at each step of the start (state.marks): where a slow start goes. */
const mark = (name: string) => (state.marks[name] = Math.round(performance.now()));

async function main(): Promise<void> {
  mark('main');
  clearPad();
  showBars(undefined);
  $('clear').addEventListener('click', () => {
    if (pending !== undefined) clearTimeout(pending);
    clearPad();
    state.result = undefined;
    showBars(undefined);
    drawGray($<HTMLCanvasElement>('input28'), new Float32Array(784), 28, 28, 0, 1);
  });
  drawGray($<HTMLCanvasElement>('input28'), new Float32Array(784), 28, 28, 0, 1);

  const config = (await (await fetch('/lab-data/config.json')).json()) as LabConfig;
  state.target = config.target;
  mark('config');
  const select = $<HTMLSelectElement>('weights');
  for (const w of config.weights) select.append(new Option(w.label, w.id));
  const describeSource = (w: WeightSet) => {
    $('source').innerHTML = `code: <code>${config.target}/</code> · weights: <code>${w.label}</code>${w.note ? ` — ${w.note}` : ''}`;
  };
  if (config.weights.length === 0) throw new Error('lab: no weights found (test/fixtures/ has no MNIST weights; run npm run reference)');

  const g = makeGpu();
  mark('webgl context');
  state.gpu = { mode: g.mode, renderer: g.renderer, vendor: g.vendor, software: g.software };
  const gpuLine = () =>
    ($('gpu-info').innerHTML =
      `gpu.js mode <code>${state.gpu!.mode}</code> · WebGL renderer <code>${g.renderer}</code>` +
      (g.software ? ' — a <strong>software</strong> renderer (the CPU emulating a GPU): the timings below say nothing about a real graphics card' : ''));
  gpuLine();

  let net: NetModule;
  try {
    net = await import('@kata/12-mnist-net');
  } catch (error) {
    showProblem('net-problem', new Error(`could not load ${config.target}/12-mnist-net/index.ts: ${(error as Error).message}`));
    setStatus('error');
    return;
  }

  mark('kata modules');
  let params = await loadWeights(config.weights[0]);
  mark('weights');
  state.weights = config.weights[0].label;
  describeSource(config.weights[0]);
  select.addEventListener('change', async () => {
    const w = config.weights.find((x) => x.id === select.value)!;
    params = await loadWeights(w);
    state.weights = w.label;
    describeSource(w);
    nets = {};
    void classify();
  });

  // One net per device, made on first use: a stub met on one device (kata 11 for the gpu) leaves the other working.
  type Net = ReturnType<NetModule['mnistNet']>;
  let nets: { cpu?: Net; gpu?: Net } = {};
  const getNets = () => ({
    get cpu(): Net {
      return (nets.cpu ??= net.mnistNet(params, 'cpu'));
    },
    get gpu(): Net {
      return (nets.gpu ??= net.mnistNet(params, g.gpu));
    },
  });
  /** The first gpu.js forward: it compiles the kernels. */
  let firstGpuMs: number | undefined;

  const batchPromise = loadBatch(config).catch((error) => {
    showProblem('device-problem', error);
    return undefined;
  });

  async function classify(): Promise<void> {
    setStatus('busy');
    const strokes = state.strokes;
    const raw = ink.getImageData(0, 0, pad.width, pad.height);
    let pixels: Float32Array;
    try {
      pixels = preprocess({ width: raw.width, height: raw.height, channels: 4, data: raw.data }).pixels;
    } catch (error) {
      if (error instanceof PreprocessError) {
        // Nothing drawn (or cleared): nothing to classify.
        setStatus(state.notStarted ? 'stub' : 'ready');
        return;
      }
      throw error;
    }
    drawGray($<HTMLCanvasElement>('input28'), pixels, 28, 28, 0, 255);
    const x = tensor([1, 1, 28, 28], normalize(pixels));
    const result: NonNullable<LabState['result']> = { strokes, input: Array.from(x.data), logits: [], probabilities: [], prediction: -1 };
    state.result = result;

    // The prediction, on the cpu device.
    try {
      const runs = [1, 2, 3].map(() => timed(() => getNets().cpu.forward(x)));
      const logits = runs[0].value;
      result.logits = Array.from(logits.data);
      result.probabilities = softmax(logits.data);
      result.prediction = getNets().cpu.predict(x)[0];
      result.cpuMs = median(runs.map((r) => r.ms));
      showBars(result.probabilities);
      clearProblem('net-problem');
    } catch (error) {
      showBars(undefined);
      showProblem('net-problem', error);
    }

    // Inside: every stage, from the learner's own forward pass (kata 12's forwardStages).
    try {
      const stages = net.forwardStages(params, x);
      const at = (name: string) => {
        const st = stages.find((t) => t.name === name);
        if (!st) throw new Error(`forwardStages returned no stage named ${name} (it has ${stages.map((t) => t.name).join(', ')})`);
        return st.tensor;
      };
      result.stages = stages.map((st) => ({ name: st.name, shape: [...st.tensor.shape] }));
      const [c1, p1, r1, c2, p2, r2] = ['conv1', 'pool1', 'relu1', 'conv2', 'pool2', 'relu2'].map(at);
      showStages([
        { name: `After conv1 → max-pool 2 → ReLU: ${r1.shape[1]} feature maps`, detail: `input ${fmtShape(x.shape)} → conv1 (10 kernels 1×5×5) ${fmtShape(c1.shape)} → max-pool 2 ${fmtShape(p1.shape)} → ReLU ${fmtShape(r1.shape)}`, t: r1 },
        { name: `After conv2 → max-pool 2 → ReLU: ${r2.shape[1]} feature maps`, detail: `${fmtShape(r1.shape)} → conv2 (20 kernels 10×5×5) ${fmtShape(c2.shape)} → max-pool 2 ${fmtShape(p2.shape)} → ReLU ${fmtShape(r2.shape)} → flatten [1, 320] → fc [1, 10]`, t: r2 },
      ]);
      clearProblem('inside-problem');
    } catch (error) {
      showProblem('inside-problem', error);
    }

    // The same forward on the gpu.js device.
    try {
      if (firstGpuMs === undefined) firstGpuMs = timed(() => getNets().gpu.forward(x)).ms;
      result.gpuFirstMs = firstGpuMs;
      const runs = [1, 2, 3].map(() => timed(() => getNets().gpu.forward(x)));
      result.gpuLogits = Array.from(runs[0].value.data);
      result.gpuMs = median(runs.map((r) => r.ms));
      state.gpu!.mode = ranMode(g.gpu, g.mode);
      gpuLine();
      if (result.logits.length > 0) {
        result.maxAbsDiff = maxAbsDiff(result.logits, result.gpuLogits);
        const ok = agrees(result.logits, result.gpuLogits) && argmax(result.gpuLogits) === result.prediction;
        setRow('row-one', [
          ms(result.cpuMs!),
          `${ms(result.gpuMs)}${result.gpuFirstMs !== undefined ? ` (first call ${ms(result.gpuFirstMs)}: compiles the kernels)` : ''}`,
          speed(result.cpuMs!, result.gpuMs),
          verdict(ok, `${ok ? 'same' : 'DIFFERENT'} prediction and logits, max |Δ| ${result.maxAbsDiff.toExponential(1)}`),
        ]);
      }
      clearProblem('device-problem');
    } catch (error) {
      showProblem('device-problem', error);
    }
    if (state.status === 'busy') setStatus(state.notStarted ? 'stub' : 'ready');
  }

  onDrawn = () => {
    classify().catch((error) => {
      showProblem('net-problem', error);
      setStatus('error');
    });
  };

  const runBatch = $<HTMLButtonElement>('run-batch');
  runBatch.addEventListener('click', async () => {
    runBatch.disabled = true;
    const before = state.status;
    setStatus('busy');
    $('batch-note').textContent = 'running…';
    // Let the page paint "running…" before the synchronous work.
    await new Promise((r) => setTimeout(r, 30));
    try {
      const batch = await batchPromise;
      if (!batch) throw new Error('lab: no test images to time (the MNIST test set was not found)');
      const { images, labels } = batch;
      const n = images.shape[0];
      const cpu = timed(() => getNets().cpu.forward(images));
      const first = timed(() => getNets().gpu.forward(images));
      const gpu = timed(() => getNets().gpu.forward(images));
      let agree = 0;
      let correctCpu = 0;
      let correctGpu = 0;
      for (let i = 0; i < n; i++) {
        const a = argmax(cpu.value.data.subarray(10 * i, 10 * i + 10));
        const b = argmax(gpu.value.data.subarray(10 * i, 10 * i + 10));
        if (a === b) agree++;
        if (a === labels[i]) correctCpu++;
        if (b === labels[i]) correctGpu++;
      }
      const diff = maxAbsDiff(cpu.value.data, gpu.value.data);
      state.batch = { count: n, cpuMs: cpu.ms, gpuMs: gpu.ms, gpuFirstMs: first.ms, maxAbsDiff: diff, agree, correctCpu, correctGpu };
      const ok = agree === n && agrees(cpu.value.data, gpu.value.data);
      const rate = (t: number) => `${Math.round((1000 * n) / t).toLocaleString('en')} images/s`;
      setRow('row-batch', [
        `${ms(cpu.ms)} · ${rate(cpu.ms)}`,
        `${ms(gpu.ms)} · ${rate(gpu.ms)} (first call ${ms(first.ms)})`,
        speed(cpu.ms, gpu.ms),
        verdict(ok, `${agree} of ${n} predictions agree, max |Δ| ${diff.toExponential(1)}`),
      ]);
      let tf = '';
      if (referenceLogits && referenceLogits.shape[0] >= n) {
        const want = referenceLogits.data.subarray(0, 10 * n);
        state.batch.maxAbsDiffTf = maxAbsDiff(cpu.value.data, want);
        tf = ` · TensorFlow.js reference logits (from the weights' fixture): max |Δ| ${state.batch.maxAbsDiffTf.toExponential(1)}`;
      }
      $('batch-note').textContent = `the first ${n} MNIST test images, ${fmtShape(images.shape)} · accuracy: cpu ${((100 * correctCpu) / n).toFixed(1)} %, gpu ${((100 * correctGpu) / n).toFixed(1)} %${tf}`;
      clearProblem('device-problem');
      setStatus(before === 'busy' ? 'ready' : before);
    } catch (error) {
      $('batch-note').textContent = '';
      showProblem('device-problem', error);
      setStatus(state.notStarted ? 'stub' : before);
    } finally {
      runBatch.disabled = false;
    }
  });

  // Run both devices once on a blank input: shows a stub's guidance straight away, without waiting
  // for a drawing, and compiles the gpu.js kernels (the first call's time is shown as such).
  const blank = tensor([1, 1, 28, 28], normalize(new Float32Array(784)));
  try {
    getNets().cpu.forward(blank);
  } catch (error) {
    showProblem('net-problem', error);
  }
  mark('cpu forward');
  try {
    const first = timed(() => getNets().gpu.forward(blank));
    firstGpuMs = first.ms;
    state.gpu.mode = ranMode(g.gpu, g.mode);
    gpuLine();
  } catch (error) {
    showProblem('device-problem', error);
  }
  mark('gpu forward (kernels compiled)');
  state.readyMs = performance.now();
  setStatus(state.notStarted ? 'stub' : 'ready');
}

main().catch((error) => {
  showProblem('net-problem', error);
  setStatus('error');
});
