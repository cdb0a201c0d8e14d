/**
 * The lab's browser test: the page driven in Debian's Chromium as a user drives it.
 *
 * With the reference solutions it draws a known MNIST test digit on the pad with pointer events
 * and checks, against the Node-side net on the same numbers:
 *   - the page's 28x28 input is lib/mnist's preprocessing of what is on the pad;
 *   - its logits and prediction (cpu device) equal the Node-side net's for that input (float32 tolerance);
 *   - the gpu.js device (webgl2) gives the same logits, for the digit and for a batch of test images;
 *   - the feature maps have the net's shapes; no console errors; a screenshot in the test output.
 * With the stubs in katas/ it checks that the page names the kata to finish instead of going blank.
 *
 * Chromium comes from the system (`apt-get install chromium`), never downloaded: playwright-core
 * drives /usr/bin/chromium (or KATA_CHROMIUM). Headless Chromium's WebGL is SwiftShader, a software
 * renderer: the test proves the code path; a learner's browser brings the real GPU.
 * Without Chromium the check is skipped with a message, unless CI=true, where it is required.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { curriculum, type Target } from '../curriculum';
import { loadFixture } from '../fixtures';
import { loadMnist } from '../mnist/node';
import { normalize } from '../mnist/normalize';
import { preprocess } from '../mnist/preprocess';
import { ROOT, fromRoot } from '../paths';
import { tensor } from '../tensor';
import type { LabState } from './state';
import { startLabServer } from './server';

// The page's globals as the callbacks passed to page.evaluate see them (this file has no DOM types).
declare const window: { lab: LabState };
declare const document: { getElementById(id: string): { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { width: number; height: number; data: ArrayLike<number> } } } };

export const CHROMIUM_ARGS = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--headless',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Float32 tolerance for logits of the same net on the same input (relative to the logits' size). */
export const LOGIT_TOLERANCE = 1e-4;

/** The test digit drawn on the pad: MNIST test image 0 (a 7) unless told otherwise. */
export const TEST_DIGIT = 0;

export interface LabCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface LabReport {
  skipped?: string;
  checks: LabCheck[];
  timings: Record<string, number>;
  gpu?: LabState['gpu'];
  /** The page's own start, ms since navigation at each step (LabState.marks). */
  startMarks?: Record<string, number>;
  screenshots: string[];
}

/** The browser to drive: KATA_CHROMIUM, else Debian's /usr/bin/chromium, else a Chrome or Chromium where they usually are. */
export function chromiumPath(): string | undefined {
  if (process.env.KATA_CHROMIUM) return fs.existsSync(process.env.KATA_CHROMIUM) ? process.env.KATA_CHROMIUM : undefined;
  const candidates = [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ];
  return candidates.find((p) => fs.existsSync(p));
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const scaleOf = (a: ArrayLike<number>) => Math.max(1, ...Array.from(a, Math.abs));
const argmax = (v: ArrayLike<number>) => Array.from(v).reduce((best, x, i, all) => (x > all[best] ? i : best), 0);
const fmt = (xs: ArrayLike<number>) => `[${Array.from(xs, (x) => x.toFixed(4)).join(', ')}]`;

type Point = [number, number];

/**
 * A 28x28 digit as pen strokes on a pad `size` pixels wide, the way a hand would draw it: the runs
 * of ink in each row, chained downwards through the runs that overlap them (one stroke per chain,
 * through the runs' centres), plus every run wider than two pixels drawn across (bars, loops' tops).
 */
export function strokesFor(pixels: ArrayLike<number>, size: number, threshold = 128): Point[][] {
  const cell = size / 28;
  const at = (r: number, c: number): Point => [(c + 0.5) * cell, (r + 0.5) * cell];
  const rows: { from: number; to: number; used: boolean }[][] = [];
  for (let r = 0; r < 28; r++) {
    const runs: { from: number; to: number; used: boolean }[] = [];
    for (let c = 0; c < 28; ) {
      if (pixels[r * 28 + c] < threshold) {
        c++;
        continue;
      }
      const from = c;
      while (c < 28 && pixels[r * 28 + c] >= threshold) c++;
      runs.push({ from, to: c - 1, used: false });
    }
    rows.push(runs);
  }
  const strokes: Point[][] = [];
  for (let r = 0; r < 28; r++) {
    for (const run of rows[r]) {
      if (run.to - run.from >= 2) strokes.push([at(r, run.from), at(r, run.to)]);
      if (run.used) continue;
      const chain: Point[] = [];
      let cur: typeof run | undefined = run;
      for (let rr = r; cur; rr++) {
        cur.used = true;
        chain.push(at(rr, (cur.from + cur.to) / 2));
        const here: typeof run = cur;
        cur = rows[rr + 1]?.find((n) => !n.used && n.from <= here.to + 1 && n.to >= here.from - 1);
      }
      strokes.push(chain.length > 1 ? chain : [chain[0], chain[0]]);
    }
  }
  return strokes;
}

async function drawDigit(page: Page, pixels: ArrayLike<number>): Promise<number> {
  const box = await page.locator('#pad').boundingBox();
  if (!box) throw new Error('the drawing pad is not visible');
  const strokes = strokesFor(pixels, box.width);
  for (const points of strokes) {
    await page.mouse.move(box.x + points[0][0], box.y + points[0][1]);
    await page.mouse.down();
    for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 2 });
    await page.mouse.up();
  }
  return strokes.length;
}

interface Session {
  page: Page;
  consoleErrors: string[];
  close(): Promise<void>;
  loadMs: number;
}

async function openLab(target: Target, executablePath: string, headed: boolean, batch: number): Promise<Session> {
  const { chromium } = await import('playwright-core');
  const server = await startLabServer({ target, port: 0, logLevel: 'silent' });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-katas-lab-'));
  const context = await chromium
    .launchPersistentContext(userDataDir, {
      executablePath,
      headless: !headed,
      args: CHROMIUM_ARGS.filter((a) => !(headed && a === '--headless')),
      viewport: { width: 1240, height: 900 },
      deviceScaleFactor: 1,
    })
    .catch(async (error: Error) => {
      await server.close();
      throw error;
    });
  const close = async () => {
    await context.close().catch(() => undefined);
    await server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => consoleErrors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  try {
    const t0 = Date.now();
    await page.goto(`${server.url}?batch=${batch}`);
    await page.waitForFunction(() => window.lab && window.lab.status !== 'loading', undefined, { timeout: 120_000 });
    return { page, consoleErrors, close, loadMs: Date.now() - t0 };
  } catch (error) {
    await close();
    throw error;
  }
}

const labState = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify(window.lab)) as LabState);

export interface CheckOptions {
  outDir?: string;
  updateDocs?: boolean;
  headed?: boolean;
  /** How many test images the page times as a batch (the page's own default is BATCH_SIZE). */
  batch?: number;
  log?: (line: string) => void;
}

export async function runLabCheck(options: CheckOptions = {}): Promise<LabReport> {
  const log = options.log ?? (() => undefined);
  const outDir = path.resolve(ROOT, options.outDir ?? 'test-results/lab');
  const report: LabReport = { checks: [], timings: {}, screenshots: [] };
  const started = Date.now();
  const check = (name: string, ok: boolean, detail?: string) => {
    report.checks.push({ name, ok, ...(ok || !detail ? {} : { detail }) });
    log(`   ${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail ? `\n        ${detail.replace(/\n/g, '\n        ')}` : ''}`);
  };

  const executablePath = chromiumPath();
  if (!executablePath) {
    report.skipped = process.env.KATA_CHROMIUM
      ? `KATA_CHROMIUM=${process.env.KATA_CHROMIUM} does not exist`
      : 'Chromium not found at /usr/bin/chromium (Debian: apt-get install chromium; or set KATA_CHROMIUM to a Chromium or Chrome binary)';
    log(`   skipped: ${report.skipped}${process.env.CI === 'true' ? ' — required when CI=true' : ''}`);
    return report;
  }
  fs.mkdirSync(outDir, { recursive: true });

  // The Node side: the reference net, the fixture weights, the test digit.
  const { mnistNet } = await import('../../solutions/12-mnist-net');
  const reference = curriculum.find((k) => k.slug === '12-mnist-net');
  const test = loadMnist('test', { limit: TEST_DIGIT + 1 });
  const digit = test.pixels.subarray(TEST_DIGIT * 784, (TEST_DIGIT + 1) * 784);
  const label = test.labels[TEST_DIGIT];

  // 1. The reference solutions: the page against the Node-side net.
  const batch = options.batch ?? 64;
  const lab = await openLab('solutions', executablePath, options.headed === true, batch);
  try {
    const { page, consoleErrors } = lab;
    report.timings.loadMs = lab.loadMs;
    let s = await labState(page);
    report.timings.pageReadyMs = s.readyMs ?? NaN;
    report.startMarks = s.marks;
    report.gpu = s.gpu;
    check('solutions: the page loads and is ready', s.status === 'ready', `status ${s.status}; problems: ${s.problems.join('; ')}`);
    check(
      'solutions: gpu.js runs in webgl2 mode with a named WebGL renderer',
      s.gpu?.mode === 'webgl2' && !!s.gpu.renderer && !/no WebGL2/.test(s.gpu.renderer),
      `mode ${s.gpu?.mode}, renderer ${s.gpu?.renderer}`,
    );
    const weights = s.weights ?? '';
    const fixture = loadFixture(fromRoot(weights));
    const prefix = (await import('./data')).paramPrefix(fixture.manifest as never) ?? '';
    const params = Object.fromEntries(
      ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc.weight', 'fc.bias'].map((n) => [n, fixture.get(prefix + n)]),
    ) as Parameters<typeof mnistNet>[0];
    const node = mnistNet(params, 'cpu');

    const t0 = Date.now();
    const strokes = await drawDigit(page, digit);
    await page.waitForFunction((n) => window.lab.result?.strokes === n && window.lab.status !== 'busy', strokes, { timeout: 120_000 });
    report.timings.drawAndClassifyMs = Date.now() - t0;
    s = await labState(page);
    const r = s.result!;

    const padPixels = await page.evaluate(() => {
      const pad = document.getElementById('pad');
      const img = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height);
      return { width: img.width, height: img.height, data: Array.from(img.data) };
    });
    const expectedInput = normalize(preprocess({ ...padPixels, channels: 4 }).pixels);
    const inputDiff = maxAbsDiff(expectedInput, r.input);
    check('solutions: the 28x28 input is lib/mnist preprocess + normalize of the pad', inputDiff <= 1e-6, `max |Δ| ${inputDiff} over 784 values`);

    const x = tensor([1, 1, 28, 28], r.input);
    const want = node.forward(x).data;
    const wantPrediction = node.predict(x)[0];
    const logitDiff = maxAbsDiff(want, r.logits);
    check(
      `solutions: the page's logits equal the Node-side net's (max |Δ| ≤ ${LOGIT_TOLERANCE} × max(1, |logit|))`,
      logitDiff <= LOGIT_TOLERANCE * scaleOf(want),
      `Node ${fmt(want)}\npage ${fmt(r.logits)}\nmax |Δ| ${logitDiff}`,
    );
    check('solutions: the page predicts what the Node-side net predicts', r.prediction === wantPrediction, `page ${r.prediction}, Node ${wantPrediction}`);
    check(`solutions: the drawn test digit (MNIST test image ${TEST_DIGIT}) is read as its label, ${label}`, r.prediction === label, `predicted ${r.prediction}`);
    const gpuDiff = r.gpuLogits ? maxAbsDiff(r.logits, r.gpuLogits) : Infinity;
    check(
      'solutions: the gpu.js device gives the cpu device\'s logits for the digit',
      !!r.gpuLogits && gpuDiff <= LOGIT_TOLERANCE * scaleOf(r.logits) && argmax(r.gpuLogits) === r.prediction,
      `cpu ${fmt(r.logits)}\ngpu ${r.gpuLogits ? fmt(r.gpuLogits) : 'none'}`,
    );
    const shapes = Object.fromEntries((r.stages ?? []).map((st) => [st.name, st.shape.join('x')]));
    check(
      'solutions: the feature maps have the net\'s shapes (relu1 [1,10,12,12], relu2 [1,20,4,4])',
      shapes.relu1 === '1x10x12x12' && shapes.relu2 === '1x20x4x4' && shapes.conv1 === '1x10x24x24' && shapes.conv2 === '1x20x8x8',
      JSON.stringify(shapes),
    );
    const drawnMaps = await page.locator('#stages .map canvas').count();
    check('solutions: 10 + 20 feature maps are drawn', drawnMaps === 30, `${drawnMaps} drawn`);
    Object.assign(report.timings, { digitCpuMs: r.cpuMs ?? NaN, digitGpuMs: r.gpuMs ?? NaN, digitGpuFirstMs: r.gpuFirstMs ?? NaN });

    const t1 = Date.now();
    await page.click('#run-batch');
    await page.waitForFunction(() => window.lab.batch !== undefined || window.lab.problems.length > 0, undefined, { timeout: 300_000 });
    report.timings.batchWallMs = Date.now() - t1;
    s = await labState(page);
    const b = s.batch;
    check(
      'solutions: a batch of test images gives the same predictions and logits on both devices',
      !!b && b.agree === b.count && b.count > 0 && b.maxAbsDiff <= LOGIT_TOLERANCE * 100,
      b ? `${b.agree} of ${b.count} agree, max |Δ| ${b.maxAbsDiff}` : s.problems.join('; '),
    );
    if (b) {
      check('solutions: the batch is classified at fixture accuracy (≥ 95 %)', b.correctCpu / b.count >= 0.95, `${b.correctCpu} of ${b.count}`);
      check(
        'solutions: the batch\'s logits equal TensorFlow.js\'s reference logits (test/fixtures)',
        b.maxAbsDiffTf !== undefined && b.maxAbsDiffTf <= LOGIT_TOLERANCE * 100,
        b.maxAbsDiffTf === undefined ? 'the page found no reference logits in the weights\' fixture' : `max |Δ| ${b.maxAbsDiffTf}`,
      );
      Object.assign(report.timings, { batchCount: b.count, batchCpuMs: b.cpuMs, batchGpuMs: b.gpuMs, batchGpuFirstMs: b.gpuFirstMs });
    }
    check('solutions: no console errors', consoleErrors.length === 0, consoleErrors.join('\n'));

    const shot = path.join(outDir, 'lab.png');
    await page.screenshot({ path: shot, fullPage: true });
    report.screenshots.push(shot);
    if (options.updateDocs) {
      fs.copyFileSync(shot, fromRoot('docs/lab.png'));
      report.screenshots.push(fromRoot('docs/lab.png'));
    }
  } finally {
    await lab.close();
  }

  // 2. The stubs: a learner who has not finished the katas sees which one to finish.
  const stub = await openLab('katas', executablePath, options.headed === true, batch);
  try {
    const { page, consoleErrors } = stub;
    report.timings.stubLoadMs = stub.loadMs;
    const strokes = await drawDigit(page, digit);
    await page.waitForFunction((n) => window.lab.result?.strokes === n && window.lab.status !== 'busy', strokes, { timeout: 60_000 });
    const s = await labState(page);
    const banner = (await page.locator('#banner').isVisible()) ? await page.locator('#banner').innerText() : '';
    const kata = s.notStarted;
    const known = curriculum.some((k) => k.slug === kata);
    // A stub is reported, not failed; but where every kata is done (a learner's finished repo) there is nothing to name.
    const allDone = s.status === 'ready' && !kata;
    check(
      'katas: a stub kata is named on the page (banner with the kata and its lesson), not a blank page',
      allDone || (s.status === 'stub' && known && banner.includes(kata!) && banner.includes(`docs/${kata}.md`)),
      `status ${s.status}, not started: ${kata ?? 'none'}, banner: ${banner.slice(0, 200) || '(none)'}`,
    );
    const input = await page.evaluate(() => window.lab.result?.input.some((v) => v > 0) ?? false);
    check('katas: the drawing and its 28x28 input still work with stubs', input, 'no input computed');
    check('katas: no console errors', consoleErrors.length === 0, consoleErrors.join('\n'));
    const shot = path.join(outDir, 'lab-stub.png');
    await page.screenshot({ path: shot, fullPage: true });
    report.screenshots.push(shot);
  } finally {
    await stub.close();
  }

  report.timings.wallMs = Date.now() - started;
  fs.writeFileSync(path.join(outDir, 'report.json'), `${JSON.stringify({ ...report, reference: reference?.slug, chromium: executablePath }, null, 2)}\n`);
  log(`   renderer: ${report.gpu?.renderer ?? '?'}${report.gpu?.software ? ' (software)' : ''}`);
  log(
    `   page load ${report.timings.loadMs} ms; digit cpu ${report.timings.digitCpuMs?.toFixed(2)} ms, gpu ${report.timings.digitGpuMs?.toFixed(2)} ms` +
      ` (first ${report.timings.digitGpuFirstMs?.toFixed(0)} ms); batch of ${report.timings.batchCount ?? '?'} cpu ${report.timings.batchCpuMs?.toFixed(0)} ms, gpu ${report.timings.batchGpuMs?.toFixed(0)} ms; wall ${(report.timings.wallMs / 1000).toFixed(1)} s`,
  );
  log(`   screenshots: ${report.screenshots.map((p) => path.relative(ROOT, p)).join(', ')}`);
  return report;
}
