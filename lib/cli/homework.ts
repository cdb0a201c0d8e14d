/**
 * `npm run homework`: the lecture's homework (compare network configurations), done with kata 16.
 * Trains every configuration of lib/homework/configs.ts (or your own) for the same budget, with
 * several seeds each, and writes a page with a table (parameters, FLOPs, time, test accuracy mean
 * ± spread), two SVG plots (accuracy per epoch; accuracy against training time) and what the
 * numbers show.
 *
 *   npm run homework                            your katas/ (kata 16 and the katas it builds on)
 *   npm run homework -- --solutions             the reference; rewrites docs/homework.md
 *   npm run homework -- --config my-net.ts      your own configuration(s), next to the lecture's net
 *   npm run homework -- --configs lecture,wide --epochs 1 --seeds 2
 *   npm run homework -- --solutions --render    redraw docs/homework.md from its saved results, no training
 *
 * A config file default-exports a network description (kata 16's NetSpec) or a list of
 * `{ name, spec, about? }`. Results are saved after every run (results.json), so an interrupted
 * homework keeps what it finished.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import pc from 'picocolors';
import { lineChart } from '../figures/chart';
import { HOMEWORK_CONFIGS, type HomeworkConfig } from '../homework/configs';
import { fromRoot, ROOT } from '../paths';
import { isNotStarted } from '../todo';
import { train, type EpochRecord, type TrainSettings } from '../train/engine';
import { KATA_16, loadKata, type SpecLike, type Target } from '../train/model';
import { RECIPES, type RecipeName } from '../train/recipes';

interface Kata16 {
  describeNet(spec: SpecLike): { index: number; type: string; label: string; outShape: readonly number[]; params: number; macs: number }[];
  countParams(spec: SpecLike): number;
  countMacs(spec: SpecLike): number;
}

interface Run {
  seed: number;
  history: EpochRecord[];
  seconds: number;
}

interface ConfigResult {
  name: string;
  about: string;
  layers: string[];
  params: number;
  macs: number;
  runs: Run[];
}

/** One training curve of the lecture's net: a saved `npm run train` history, or PyTorch's `mnist_torch.py curve` lines. */
interface RecipeCurve {
  label: string;
  source: string;
  settings: string;
  accuracy: number[];
}

interface Results {
  recipes?: RecipeCurve[];
  command: string;
  target: Target;
  date: string;
  machine: string;
  settings: Omit<TrainSettings, 'seed'> & { recipe: string; seeds: number[] };
  configs: ConfigResult[];
}

const whole = (name: string, min: number) => (v: string) => {
  if (!/^\s*\d+\s*$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got ${JSON.stringify(v)}`);
  return Number(v);
};

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
const sd = (a: number[]) => (a.length < 2 ? 0 : Math.sqrt(a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / (a.length - 1)));
const pct = (v: number, d = 2) => `${(v * 100).toFixed(d)}`;
const int = (n: number) => Math.round(n).toLocaleString('en');

/** The configurations in a config file: a default-exported NetSpec, or a list of { name, spec, about? }. */
function configsFromFile(file: string): HomeworkConfig[] {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new Error(`--config: ${file} does not exist`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(abs) as { default?: unknown };
  const value = mod.default ?? mod;
  const base = path.basename(file).replace(/\.[jt]s$/, '');
  const isSpec = (v: unknown): v is SpecLike => typeof v === 'object' && v !== null && Array.isArray((v as SpecLike).layers) && Array.isArray((v as SpecLike).input);
  if (isSpec(value)) return [{ name: base, about: `your network (${file})`, spec: value }];
  if (Array.isArray(value) && value.every((c) => typeof c === 'object' && c !== null && isSpec((c as HomeworkConfig).spec))) {
    return value.map((c: Partial<HomeworkConfig>, i) => ({ name: String(c.name ?? `${base}-${i + 1}`), about: String(c.about ?? `your network (${file})`), spec: c.spec as SpecLike }));
  }
  throw new Error(`--config: ${file} must default-export a network description { input: [C, H, W], layers: [...] } (kata 16's NetSpec) or a list of { name, spec, about? }`);
}

/**
 * A recipe curve from a file: the JSON history `npm run train` writes to reports/train/, or the
 * JSON lines of `lib/reference/mnist_torch.py curve` (one per epoch).
 */
function recipeCurve(file: string): RecipeCurve {
  const text = fs.readFileSync(file, 'utf8');
  const source = path.relative(ROOT, path.resolve(file)).split(path.sep).join('/');
  try {
    const run = JSON.parse(text) as { target?: string; recipe?: string; settings?: Record<string, unknown>; history?: { testAccuracy: number }[] };
    if (Array.isArray(run.history)) {
      const st = run.settings ?? {};
      return {
        label: `kata 15 (${run.target}), ${run.recipe}, seed ${String(st.seed)}`,
        source,
        settings: `lr ${String(st.lr)}, momentum ${String(st.momentum)}${st.weightDecay ? `, weight decay ${String(st.weightDecay)}` : ''}, batch ${String(st.batch)}, ${st.schedule === 'cosine' ? 'cosine' : 'constant'}`,
        accuracy: run.history.map((h) => h.testAccuracy),
      };
    }
  } catch {
    // not one JSON document: JSON lines
  }
  const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string | boolean>);
  const first = lines[0] ?? {};
  return {
    label: `${String(first.framework)}, ${first.schedule === 'cosine' ? `lr ${String(first.lr)}${first.weightDecay ? ' + wd' : ''} cosine` : `lr ${String(first.lr)}`}, seed ${String(first.seed)}`,
    source,
    settings: `lr ${String(first.lr)}, momentum ${String(first.momentum)}${first.weightDecay ? `, weight decay ${String(first.weightDecay)}` : ''}, batch ${String(first.batch)}, ${first.schedule === 'cosine' ? 'cosine' : 'constant'}`,
    accuracy: lines.map((l) => Number(l.accuracy)),
  };
}

/** The page: table, plots, and sentences drawn from the numbers. */
function renderPage(r: Results, figureDir: string, pageDir: string): string {
  const last = (run: Run) => run.history.at(-1)!;
  const rows = r.configs.filter((c) => c.runs.length > 0);
  const lecture = rows.find((c) => c.name === 'lecture');
  const epochs = r.settings.epochs;
  const stats = rows.map((c) => {
    const accs = c.runs.map((run) => last(run).testAccuracy);
    const perEpoch = c.runs.map((run) => mean(run.history.map((h) => h.seconds)));
    const epochs = c.runs.flatMap((run) => run.history.map((h) => h.seconds));
    return { c, n: accs.length, mean: mean(accs), sd: sd(accs), min: Math.min(...accs), max: Math.max(...accs), epochSeconds: mean(perEpoch), epochMin: Math.min(...epochs), epochMax: Math.max(...epochs) };
  });
  const rel = (f: string) => path.relative(pageDir, path.join(figureDir, f)).split(path.sep).join('/');
  const lines: string[] = [];
  lines.push('# The homework: comparing network configurations', '');
  lines.push(
    `The lecture's homework asks how the network's configuration changes its performance. This page is generated by \`npm run homework${r.target === 'solutions' ? ' -- --solutions' : ''}\` from real runs: every configuration was trained with kata 16 (${r.target}/) for the same budget, ${epochs} epoch${epochs > 1 ? 's' : ''} of ${r.settings.limit ? `the first ${int(r.settings.limit)}` : 'the 60,000'} MNIST training images (${r.settings.recipe} recipe: SGD lr ${r.settings.lr}, momentum ${r.settings.momentum}${r.settings.weightDecay ? `, weight decay ${r.settings.weightDecay}` : ''}, batch ${r.settings.batch}, ${r.settings.schedule === 'cosine' ? 'cosine schedule over the run' : 'constant rate'}), with ${r.settings.seeds.length} seeds each (${r.settings.seeds.join(', ')}: initial weights and shuffles), and tested on ${r.settings.testLimit ? `the first ${int(r.settings.testLimit)}` : 'the 10,000'} test images.`,
    '',
    `Run on ${r.date.slice(0, 10)}, ${r.machine}, ${r.settings.threads} thread${r.settings.threads > 1 ? 's' : ''}. Command: \`${r.command}\`. The raw numbers are in [results.json](${rel('results.json')}).`,
    '',
  );
  lines.push(`| configuration | what changes | parameters | MFLOPs / image | s / epoch (min–max) | test accuracy % (mean ± sd) | min–max % |`);
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const s of stats) {
    lines.push(`| \`${s.c.name}\` | ${s.c.about} | ${int(s.c.params)} | ${((2 * s.c.macs) / 1e6).toFixed(2)} | ${s.epochSeconds.toFixed(0)} (${s.epochMin.toFixed(0)}–${s.epochMax.toFixed(0)}) | **${pct(s.mean)}** ± ${pct(s.sd)} | ${pct(s.min)}–${pct(s.max)} |`);
  }
  lines.push('', 'FLOPs: 2 per multiply–add of the conv and linear layers (kata 16\'s `countMacs`), for one image\'s forward pass; the backward pass costs about twice that again. Time: training only (no test pass), mean over seeds and epochs; the range shows how much one epoch\'s time varied on this machine, so compare times as rough ratios.', '');
  lines.push(`![test accuracy per epoch](${rel('accuracy.svg')})`, '', `![test accuracy against training time](${rel('time.svg')})`, '');
  lines.push('## What the numbers show', '');
  const sorted = [...stats].sort((a, b) => b.mean - a.mean);
  const best = sorted[0];
  const base = stats.find((s) => s.c.name === 'lecture');
  const sentences: string[] = [];
  // A difference of two means of n seeds is a finding when it exceeds about twice its standard error.
  const noise = (a: (typeof stats)[number], b: (typeof stats)[number]) => 2 * Math.sqrt(a.sd ** 2 / a.n + b.sd ** 2 / b.n);
  const compare = (s: (typeof stats)[number], b: (typeof stats)[number]) => {
    const gap = s.mean - b.mean;
    return Math.abs(gap) <= noise(s, b) ? 'within the seed-to-seed noise of' : gap > 0 ? 'better than' : 'worse than';
  };
  if (best && base) {
    sentences.push(
      best === base
        ? `The lecture's net has the highest mean accuracy here (${pct(base.mean)} %).`
        : `\`${best.c.name}\` has the highest mean accuracy (${pct(best.mean)} % against the lecture's ${pct(base.mean)} %, ${best.mean - base.mean >= 0 ? '+' : ''}${pct(best.mean - base.mean)} points, ${compare(best, base)} it), with ${(best.c.params / base.c.params).toFixed(1)}× the parameters and ${(best.c.macs / base.c.macs).toFixed(1)}× the FLOPs.`,
    );
    for (const s of stats) {
      if (s === base || s === best) continue;
      const gap = s.mean - base.mean;
      sentences.push(`\`${s.c.name}\` is ${compare(s, base)} the lecture's net: ${pct(s.mean)} % (${gap >= 0 ? '+' : ''}${pct(gap)} points) for ${(s.c.macs / base.c.macs).toFixed(2)}× the FLOPs and ${(s.epochSeconds / base.epochSeconds).toFixed(2)}× the time per epoch.`);
    }
    const cheapest = [...stats].sort((a, b) => a.c.macs - b.c.macs)[0];
    if (cheapest && cheapest !== base) sentences.push(`The cheapest, \`${cheapest.c.name}\`, needs ${(cheapest.c.macs / base.c.macs).toFixed(2)}× the lecture's FLOPs and reaches ${pct(cheapest.mean)} %.`);
    const spread = Math.max(...stats.map((s) => s.sd));
    sentences.push(
      `Seeds matter: one configuration's accuracy varies between seeds by up to ${pct(spread)} points (standard deviation), so a difference between two means counts here only when it exceeds twice its standard error, √(sd₁²/n + sd₂²/n) with n = ${r.settings.seeds.length} seeds: a single run of each could not tell most of these nets apart.`,
    );
    sentences.push(`With ${epochs} epoch${epochs > 1 ? 's' : ''}, these are short-budget results: bigger nets usually gain more from longer training, which the time plot lets you weigh against their cost.`);
  }
  lines.push(sentences.join(' '), '');
  lines.push('## Per epoch', '');
  lines.push(`| configuration | ${Array.from({ length: epochs }, (_, e) => `epoch ${e + 1}`).join(' | ')} |`);
  lines.push(`| --- | ${Array.from({ length: epochs }, () => '---:').join(' | ')} |`);
  for (const s of stats) {
    lines.push(`| \`${s.c.name}\` | ${Array.from({ length: epochs }, (_, e) => `${pct(mean(s.c.runs.map((run) => run.history[e]?.testAccuracy ?? NaN)))}`).join(' | ')} |`);
  }
  if (r.recipes?.length) {
    lines.push('', '## The training recipe', '');
    lines.push(
      `The table above uses one recipe for every configuration. Which recipe? The lecture's (SGD lr 0.01, momentum 0.5, constant rate) learns slowly and then stalls below 99 %. A larger rate with more momentum (lr 0.05, μ 0.9) learns faster; a cosine schedule lowers the rate smoothly over the run, so the last epochs settle into a minimum instead of bouncing around it; and a little weight decay (5e-4) keeps the weights small, which generalises better. The curves, ten epochs each, from \`npm run train\` with the reference solution and from PyTorch 1.13 running the same net and settings (\`lib/reference/mnist_torch.py curve\`):`,
      '',
    );
    const width = Math.max(...r.recipes.map((c) => c.accuracy.length));
    lines.push(`| run | settings | ${Array.from({ length: width }, (_, e) => `${e + 1}`).join(' | ')} |`);
    lines.push(`| --- | --- | ${Array.from({ length: width }, () => '---:').join(' | ')} |`);
    for (const c of r.recipes) lines.push(`| ${c.label} | ${c.settings} | ${Array.from({ length: width }, (_, e) => (c.accuracy[e] === undefined ? '' : pct(c.accuracy[e]))).join(' | ')} |`);
    lines.push('', `![test accuracy per epoch of the two recipes](${rel('recipes.svg')})`, '', `Sources: ${r.recipes.map((c) => `\`${c.source}\``).join(', ')}.`);
  }
  lines.push('', '## The configurations', '');
  for (const s of stats) lines.push(`- \`${s.c.name}\`: ${s.c.layers.join(' → ')}`);
  lines.push('', '## Your own', '', 'Describe a network with kata 16 in a file that default-exports it, then compare it with the lecture\'s net:', '', '```ts', "// my-net.ts", "export default {", "  input: [1, 28, 28],", "  layers: [", "    { type: 'conv', in: 1, out: 16, kernel: 3, padding: 1 }, { type: 'pool', size: 2 }, { type: 'relu' },", "    { type: 'conv', in: 16, out: 32, kernel: 3, padding: 1 }, { type: 'pool', size: 2 }, { type: 'relu' },", "    { type: 'flatten' }, { type: 'linear', in: 1568, out: 10 },", '  ],', '};', '```', '', '```sh', 'npm run homework -- --config my-net.ts --epochs 2 --seeds 3', '```', '');
  if (lecture === undefined) lines.push('(The lecture\'s net was not part of this run, so the sentences above have no baseline.)', '');
  return `${lines.join('\n')}`;
}

/** The two plots: mean test accuracy per epoch, and against cumulative training time. */
function renderFigures(r: Results): { accuracy: string; time: string; recipes?: string } {
  const rows = r.configs.filter((c) => c.runs.length > 0);
  const meanCurve = (c: ConfigResult, x: (h: EpochRecord, e: number, run: Run) => number) =>
    c.runs[0].history.map((_, e) => [mean(c.runs.map((run) => x(run.history[e], e, run))), mean(c.runs.map((run) => run.history[e]?.testAccuracy ?? NaN))] as const);
  const accuracy = lineChart({
    title: `Test accuracy per epoch (mean of ${r.settings.seeds.length} seeds)`,
    xLabel: 'epoch',
    yLabel: 'test accuracy',
    yFormat: (v) => `${Number((v * 100).toFixed(2))}%`,
    series: rows.map((c) => ({ label: c.name, points: meanCurve(c, (_, e) => e + 1), dots: true })),
  });
  const time = lineChart({
    title: 'Test accuracy against training time',
    xLabel: 'training seconds (cumulative, this machine)',
    yLabel: 'test accuracy',
    yFormat: (v) => `${Number((v * 100).toFixed(2))}%`,
    series: rows.map((c) => ({ label: c.name, points: meanCurve(c, (_, e, run) => run.history.slice(0, e + 1).reduce((s, h) => s + h.seconds, 0)), dots: true })),
  });
  const recipes = r.recipes?.length
    ? lineChart({
        title: "The lecture's net: two training recipes",
        xLabel: 'epoch',
        yLabel: 'test accuracy',
        yFormat: (v) => `${Number((v * 100).toFixed(2))}%`,
        series: r.recipes.map((c) => ({ label: c.label, points: c.accuracy.map((a, e) => [e + 1, a] as const), dots: true, dashed: c.label.startsWith('PyTorch') })),
        height: 500,
      })
    : undefined;
  return { accuracy, time, recipes };
}

function write(r: Results, pageFile: string, figureDir: string): void {
  fs.mkdirSync(figureDir, { recursive: true });
  fs.writeFileSync(path.join(figureDir, 'results.json'), `${JSON.stringify(r, null, 2)}\n`);
  const f = renderFigures(r);
  fs.writeFileSync(path.join(figureDir, 'accuracy.svg'), f.accuracy);
  fs.writeFileSync(path.join(figureDir, 'time.svg'), f.time);
  if (f.recipes) fs.writeFileSync(path.join(figureDir, 'recipes.svg'), f.recipes);
  fs.writeFileSync(pageFile, renderPage(r, figureDir, path.dirname(pageFile)));
}

async function main(): Promise<void> {
  const program = new Command('homework')
    .description("The lecture's homework: train several network configurations for the same budget and compare them")
    .option('--solutions', 'use the reference solutions instead of katas/ (and write docs/homework.md)')
    .option('--config <file>', 'your own configuration(s): a file default-exporting a NetSpec or a list of { name, spec }')
    .option('--configs <names>', `which built-in configurations (comma-separated): ${HOMEWORK_CONFIGS.map((c) => c.name).join(', ')}`)
    .option('--epochs <n>', 'epochs per run (the budget)', whole('--epochs', 1), 2)
    .option('--seeds <n>', 'seeds per configuration (1, 2, ... n)', whole('--seeds', 1), 3)
    .option('--recipe <name>', `training settings: ${Object.keys(RECIPES).join(', ')}`, 'cosine')
    .option('--threads <n>', 'worker threads sharing each batch', whole('--threads', 1), Math.min(os.availableParallelism(), 8))
    .option('--limit <n>', 'train on the first n images only (quick tries)', whole('--limit', 1))
    .option('--test-limit <n>', 'test on the first n test images only', whole('--test-limit', 1))
    .option('--out <page.md>', 'where the page goes (default docs/homework.md with --solutions, else reports/homework/homework.md)')
    .option('--render', 'redraw the page and plots from the saved results.json, without training')
    .option('--recipes <files...>', "curves of the lecture's net to show in the page's recipe section: reports/train/*.json from npm run train, or mnist_torch.py curve output")
    .parse();
  const o = program.opts<{ solutions?: boolean; config?: string; configs?: string; epochs: number; seeds: number; recipe: string; threads: number; recipes?: string[]; limit?: number; testLimit?: number; out?: string; render?: boolean }>();
  const target: Target = o.solutions ? 'solutions' : 'katas';
  const official = target === 'solutions' && !o.config && !o.configs && !o.limit && !o.testLimit;
  const pageFile = path.resolve(o.out ?? (official ? fromRoot('docs', 'homework.md') : fromRoot('reports', 'homework', 'homework.md')));
  const figureDir = path.join(path.dirname(pageFile), path.basename(pageFile, '.md'));
  if (o.render) {
    const saved = path.join(figureDir, 'results.json');
    if (!fs.existsSync(saved)) program.error(`--render: no saved results at ${path.relative(ROOT, saved)}; run npm run homework first`);
    const results = JSON.parse(fs.readFileSync(saved, 'utf8')) as Results;
    if (o.recipes) results.recipes = o.recipes.map(recipeCurve);
    write(results, pageFile, figureDir);
    console.log(`rewrote ${path.relative(ROOT, pageFile)} from ${path.relative(ROOT, saved)}`);
    return;
  }
  if (!(o.recipe in RECIPES)) program.error(`--recipe must be one of ${Object.keys(RECIPES).join(', ')}, got ${JSON.stringify(o.recipe)}`);
  const recipe = RECIPES[o.recipe as RecipeName];
  let configs: HomeworkConfig[] = [...HOMEWORK_CONFIGS];
  if (o.configs) {
    const names = o.configs.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !HOMEWORK_CONFIGS.some((c) => c.name === n));
    if (unknown.length) program.error(`--configs: unknown ${unknown.join(', ')}; the configurations are ${HOMEWORK_CONFIGS.map((c) => c.name).join(', ')}`);
    configs = HOMEWORK_CONFIGS.filter((c) => names.includes(c.name));
  }
  if (o.config) {
    let mine: HomeworkConfig[] = [];
    try {
      mine = configsFromFile(o.config);
    } catch (error) {
      program.error((error as Error).message);
    }
    configs = [...(o.configs ? configs : HOMEWORK_CONFIGS.filter((c) => c.name === 'lecture')), ...mine];
  }

  let k16: Kata16;
  try {
    k16 = loadKata<Kata16>(target, KATA_16);
    for (const c of configs) k16.describeNet(c.spec);
  } catch (error) {
    if (isNotStarted(error)) {
      console.error(`${pc.red('not started')}: ${(error as Error).message}\nThe homework runs on kata 16 (and 12–15). To see it with the reference: npm run homework -- --solutions`);
    } else {
      console.error(`${pc.red('this configuration does not fit together')}: ${(error as Error).message}`);
    }
    process.exitCode = 1;
    return;
  }

  const seeds = Array.from({ length: o.seeds }, (_, i) => i + 1);
  const base = { epochs: o.epochs, lr: recipe.lr, momentum: recipe.momentum, batch: recipe.batch, schedule: recipe.schedule, weightDecay: recipe.weightDecay, nesterov: false, threads: o.threads, ...(o.limit ? { limit: o.limit } : {}), ...(o.testLimit ? { testLimit: o.testLimit } : {}) } as const;
  const results: Results = {
    ...(o.recipes ? { recipes: o.recipes.map(recipeCurve) } : {}),
    command: `npm run homework -- ${process.argv.slice(2).join(' ')}`.replace(/ -- $/, ''),
    target,
    date: new Date().toISOString(),
    machine: `${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? 'unknown cpu'}`,
    settings: { ...base, recipe: o.recipe, seeds },
    configs: configs.map((c) => ({
      name: c.name,
      about: c.about,
      layers: k16.describeNet(c.spec).map((l) => l.label),
      params: k16.countParams(c.spec),
      macs: k16.countMacs(c.spec),
      runs: [],
    })),
  };
  console.log(pc.bold(`npm run homework: ${configs.length} configurations × ${seeds.length} seeds × ${o.epochs} epoch${o.epochs > 1 ? 's' : ''}, ${target}/, recipe ${o.recipe}`));
  for (const c of results.configs) console.log(`  ${c.name.padEnd(12)} ${int(c.params).padStart(7)} parameters  ${((2 * c.macs) / 1e6).toFixed(2).padStart(5)} MFLOPs/image   ${c.about}`);
  let stop = false;
  process.on('SIGINT', () => {
    if (stop) process.exit(130);
    stop = true;
    console.error(pc.yellow('\nCtrl-C: stopping after this run; the finished runs are kept (Ctrl-C again to quit at once)'));
  });
  const total = configs.length * seeds.length;
  let done = 0;
  for (const seed of seeds) {
    for (const [i, c] of configs.entries()) {
      if (stop) break;
      const t0 = performance.now();
      process.stdout.write(`[${++done}/${total}] ${c.name}, seed ${seed}: `);
      const run = await train(target, { kind: 'spec', spec: c.spec }, { ...base, seed }, {
        onEpoch: (r) => process.stdout.write(`epoch ${r.epoch} ${pct(r.testAccuracy)} % (${r.seconds.toFixed(0)} s)  `),
        shouldStop: () => false,
      });
      results.configs[i].runs.push({ seed, history: run.history, seconds: run.seconds });
      console.log(pc.dim(`${((performance.now() - t0) / 1000).toFixed(0)} s`));
      write(results, pageFile, figureDir); // after every run: an interrupted homework keeps what it finished
    }
  }
  console.log(`\nwrote ${path.relative(ROOT, pageFile)}, ${path.relative(ROOT, figureDir)}/{accuracy,time}.svg and results.json`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
