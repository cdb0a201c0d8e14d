/**
 * The training loop of `npm run train` and `npm run homework`: the lecture's loop
 *
 *     for epoch: for (x, y) in shuffled batches: optimizer.zero_grad(); loss.backward(); optimizer.step()
 *
 * with the learner's kata 15 (optimizer, shuffle, initialisation) and kata 15's or kata 16's
 * gradients, on the 60,000 MNIST training images, then test accuracy after every epoch.
 *
 * With `threads` > 1 each batch is split between worker threads (data parallelism): each computes
 * the mean gradient of its share into its own shared buffers, the main thread averages them
 * weighted by share size (the mean over the whole batch, as one thread would get it, up to float32
 * rounding) and the learner's optimizer steps the shared parameters in place.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadMnist } from '../mnist/node';
import { seededRandom } from '../random';
import type { Tensor } from '../tensor';
import { loadKata15, loadModel, type Model, type ModelKind, type Optimizer, type Target } from './model';
import type { Reply, Request, SharedTensor, WorkerData } from './worker';

export type Schedule = 'none' | 'cosine';

export interface TrainSettings {
  readonly epochs: number;
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly batch: number;
  readonly seed: number;
  /** `cosine`: PyTorch's CosineAnnealingLR over the run, stepped once per epoch. */
  readonly schedule: Schedule;
  readonly threads: number;
  /** Train on the first `limit` training images only (quick tries); all 60,000 by default. */
  readonly limit?: number;
  /** Test on the first `testLimit` test images only; all 10,000 by default. */
  readonly testLimit?: number;
}

export interface EpochRecord {
  readonly epoch: number;
  /** The learning rate used during this epoch. */
  readonly lr: number;
  /** Mean training loss and running accuracy over the epoch (the net changing as it goes). */
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
  /** Training time of the epoch (without the test pass), and images per second. */
  readonly seconds: number;
  readonly imagesPerSecond: number;
  /** True when the epoch was cut short by a stop request. */
  readonly partial?: boolean;
}

export interface Progress {
  readonly epoch: number;
  readonly images: number;
  readonly total: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly imagesPerSecond: number;
}

export interface TrainHooks {
  onStart?(info: { threads: number; train: number; test: number }): void;
  onBatch?(p: Progress): void;
  onEpoch?(r: EpochRecord, params: Record<string, Tensor>): void;
  /** Asked after every batch: true stops cleanly (the current epoch is evaluated and reported as partial). */
  shouldStop?(): boolean;
}

export interface TrainResult {
  readonly params: Record<string, Tensor>;
  readonly history: EpochRecord[];
  /** Mean training loss of every `LOSS_EVERY` batches, against images seen. */
  readonly lossCurve: { images: number; loss: number }[];
  readonly stopped: boolean;
  readonly threads: number;
  /** Wall-clock seconds of the whole run, test passes included. */
  readonly seconds: number;
}

/** Raised when the loss stops being a number: the run cannot go on. */
export class DivergedError extends Error {
  override readonly name = 'DivergedError';
}

const IMAGE = 784;
const LOSS_EVERY = 50;

/** The learning rate of epoch `e` (0-based) of a run of `epochs`. */
export function learningRate(settings: Pick<TrainSettings, 'lr' | 'schedule' | 'epochs'>, e: number): number {
  return settings.schedule === 'cosine' ? (settings.lr * (1 + Math.cos((Math.PI * e) / settings.epochs))) / 2 : settings.lr;
}

/** Mean cross-entropy and accuracy of logits [N, K] against labels. */
function score(logits: Float32Array, labels: Uint8Array, k: number): { loss: number; correct: number } {
  const n = labels.length;
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < n; r++) {
    let max = -Infinity;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      const v = logits[r * k + j];
      if (v > max) {
        max = v;
        arg = j;
      }
    }
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[r * k + j] - max);
    loss += max + Math.log(sum) - logits[r * k + labels[r]];
    if (arg === labels[r]) correct++;
  }
  return { loss: loss / n, correct };
}

function sharedCopy(data: ArrayLike<number>, kind: 'f32' | 'u8'): SharedArrayBuffer {
  const bytes = kind === 'f32' ? 4 : 1;
  const buffer = new SharedArrayBuffer(data.length * bytes);
  (kind === 'f32' ? new Float32Array(buffer) : new Uint8Array(buffer)).set(data as ArrayLike<number>);
  return buffer;
}

/** Re-raises an error that crossed from a worker, keeping its name (a stub's "not started" error stays one). */
function revive(reply: Extract<Reply, { kind: 'error' }>): Error {
  const error = new Error(reply.message);
  error.name = reply.name;
  if (reply.stack) error.stack = reply.stack;
  return error;
}

/** A pool of worker threads sharing the parameters; `undefined` when one thread is asked for. */
class Pool {
  private readonly workers: Worker[] = [];
  private readonly grads: Record<string, Tensor>[] = [];

  constructor(
    private readonly threads: number,
    data: Omit<WorkerData, 'grads'>,
  ) {
    for (let i = 0; i < threads; i++) {
      const grads = data.params.map((p) => ({ name: p.name, shape: p.shape, buffer: new SharedArrayBuffer(p.buffer.byteLength) }));
      this.grads.push(Object.fromEntries(grads.map((g) => [g.name, { shape: g.shape, data: new Float32Array(g.buffer) }])));
      const file = path.join(__dirname, 'worker.ts');
      this.workers.push(
        new Worker(`require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(file)});`, {
          eval: true,
          workerData: { ...data, grads } satisfies WorkerData,
        }),
      );
    }
  }

  private ask(w: Worker, request: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: Reply) => {
        w.off('error', onError);
        if (reply.kind === 'error') reject(revive(reply));
        else resolve(reply);
      };
      const onError = (error: Error) => {
        w.off('message', onMessage);
        reject(error);
      };
      w.once('message', onMessage);
      w.once('error', onError);
      w.postMessage(request);
    });
  }

  async ready(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', (reply: Reply) => (reply.kind === 'error' ? reject(revive(reply)) : resolve()));
            w.once('error', reject);
          }),
      ),
    );
  }

  /** The batch split in `threads` shares; each share's gradients averaged into `grads`, weighted by its size. */
  async batch(indices: Uint32Array, grads: Record<string, Tensor>): Promise<{ loss: number; correct: number }> {
    const n = indices.length;
    const parts = Math.min(this.threads, n);
    const replies = await Promise.all(
      Array.from({ length: parts }, (_, i) => {
        const start = Math.floor((i * n) / parts);
        const end = Math.floor(((i + 1) * n) / parts);
        return this.ask(this.workers[i], { kind: 'batch', indices: indices.slice(start, end) });
      }),
    );
    let loss = 0;
    let correct = 0;
    replies.forEach((reply, i) => {
      if (reply.kind !== 'batch') return;
      const w = reply.n / n;
      loss += w * reply.loss;
      correct += reply.correct;
      for (const [name, g] of Object.entries(grads)) {
        const mine = this.grads[i][name].data;
        const into = g.data;
        for (let j = 0; j < into.length; j++) into[j] += w * mine[j];
      }
    });
    return { loss, correct };
  }

  async logits(count: number, classes: number): Promise<Float32Array> {
    const out = new Float32Array(count * classes);
    const chunk = 100; // small enough that a chunk's feature maps stay in cache
    let next = 0;
    await Promise.all(
      this.workers.map(async (w) => {
        while (next < count) {
          const start = next;
          const end = Math.min(count, start + chunk);
          next = end;
          const reply = await this.ask(w, { kind: 'eval', start, end });
          if (reply.kind === 'eval') out.set(reply.logits, start * classes);
        }
      }),
    );
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Trains `which` network of `target` with `settings`. The learner's kata 15 makes the initial
 * parameters (or kata 16 for a described network), the shuffle of every epoch and the optimizer.
 * @throws the learner's errors as they are (a stub's KataNotStartedError included), DivergedError
 */
export async function train(target: Target, which: ModelKind, settings: TrainSettings, hooks: TrainHooks = {}): Promise<TrainResult> {
  const started = performance.now();
  const k15 = loadKata15(target);
  const model: Model = loadModel(target, which);
  const trainSet = loadMnist('train', settings.limit ? { limit: settings.limit } : {});
  const testSet = loadMnist('test', settings.testLimit ? { limit: settings.testLimit } : {});
  const random = seededRandom(settings.seed);
  const initial = model.init(random);
  // The parameters live in shared memory, so worker threads read every update without a copy.
  const paramList: SharedTensor[] = Object.entries(initial).map(([name, t]) => ({ name, shape: [...t.shape], buffer: sharedCopy(t.data, 'f32') }));
  const params: Record<string, Tensor> = Object.fromEntries(paramList.map((p) => [p.name, { shape: p.shape, data: new Float32Array(p.buffer) }]));
  const grads = k15.zerosLikeParams(params);
  const optimizer: Optimizer = k15.sgd(params, grads, { lr: settings.lr, momentum: settings.momentum, weightDecay: settings.weightDecay, nesterov: settings.nesterov });
  const threads = Math.max(1, Math.min(settings.threads, settings.batch));
  // Worker threads read the images from shared copies; one thread reads the loaded set itself.
  const pool =
    threads > 1
      ? new Pool(threads, {
          target,
          model: which,
          params: paramList,
          train: { images: sharedCopy(trainSet.images, 'f32'), labels: sharedCopy(trainSet.labels, 'u8') },
          test: { images: sharedCopy(testSet.images, 'f32') },
        })
      : undefined;
  const trainView = trainSet.images;
  const trainLabels = trainSet.labels;
  const history: EpochRecord[] = [];
  const lossCurve: { images: number; loss: number }[] = [];
  let stopped = false;
  try {
    await pool?.ready();
    hooks.onStart?.({ threads, train: trainSet.count, test: testSet.count });
    const classes = Object.values(params).at(-1)!.shape[0];
    let seen = 0;
    for (let e = 0; e < settings.epochs && !stopped; e++) {
      optimizer.lr = learningRate(settings, e);
      const order = k15.shuffle(trainSet.count, random);
      const t0 = performance.now();
      let lossSum = 0;
      let correct = 0;
      let images = 0;
      let windowLoss = 0;
      let windowBatches = 0;
      for (let start = 0; start < order.length; start += settings.batch) {
        const indices = order.slice(start, Math.min(order.length, start + settings.batch));
        const n = indices.length;
        optimizer.zeroGrad();
        let r: { loss: number; correct: number };
        if (pool) {
          r = await pool.batch(indices, grads);
        } else {
          const x = new Float32Array(n * IMAGE);
          const targets = new Uint8Array(n);
          for (let i = 0; i < n; i++) {
            x.set(trainView.subarray(indices[i] * IMAGE, (indices[i] + 1) * IMAGE), i * IMAGE);
            targets[i] = trainLabels[indices[i]];
          }
          r = model.gradients(params, { shape: [n, 1, 28, 28], data: x }, targets, grads);
          // Let the event loop run (a Ctrl-C handler, a timer): one thread computes without awaiting otherwise.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        if (!Number.isFinite(r.loss)) {
          throw new DivergedError(`the loss became ${r.loss} in epoch ${e + 1} after ${images} images (learning rate ${optimizer.lr}): lower --lr, or check the gradients (katas 13, 14) and sgd (kata 15)`);
        }
        optimizer.step();
        for (const p of paramList) {
          // The optimizer must update the parameters in place: the workers read this memory.
          if (params[p.name]?.data?.buffer !== p.buffer) throw new Error(`sgd replaced params['${p.name}'] instead of updating its data in place`);
        }
        lossSum += r.loss * n;
        correct += r.correct;
        images += n;
        seen += n;
        windowLoss += r.loss;
        windowBatches++;
        if (windowBatches === LOSS_EVERY) {
          lossCurve.push({ images: seen, loss: windowLoss / windowBatches });
          windowLoss = 0;
          windowBatches = 0;
        }
        const elapsed = (performance.now() - t0) / 1000;
        hooks.onBatch?.({ epoch: e + 1, images, total: order.length, loss: lossSum / images, accuracy: correct / images, imagesPerSecond: images / elapsed });
        if (hooks.shouldStop?.()) {
          stopped = true;
          break;
        }
      }
      if (windowBatches > 0) {
        lossCurve.push({ images: seen, loss: windowLoss / windowBatches }); // the epoch's last, shorter window
        windowLoss = 0;
        windowBatches = 0;
      }
      const seconds = (performance.now() - t0) / 1000;
      const logits = pool ? await pool.logits(testSet.count, classes) : forwardAll(model, params, testSet.images, testSet.count);
      const test = score(logits, testSet.labels, classes);
      const record: EpochRecord = {
        epoch: e + 1,
        lr: optimizer.lr,
        trainLoss: lossSum / Math.max(1, images),
        trainAccuracy: correct / Math.max(1, images),
        testLoss: test.loss,
        testAccuracy: test.correct / testSet.count,
        seconds,
        imagesPerSecond: images / seconds,
        ...(stopped ? { partial: true } : {}),
      };
      history.push(record);
      hooks.onEpoch?.(record, params);
    }
  } finally {
    await pool?.close();
  }
  return { params, history, lossCurve, stopped, threads, seconds: (performance.now() - started) / 1000 };
}

/** Logits of `count` images on this thread, in chunks. */
function forwardAll(model: Model, params: Record<string, Tensor>, images: Float32Array, count: number): Float32Array {
  let out: Float32Array | undefined;
  const chunk = 100;
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk);
    const y = model.forward(params, { shape: [end - start, 1, 28, 28], data: images.slice(start * IMAGE, end * IMAGE) });
    const k = y.shape[1];
    out ??= new Float32Array(count * k);
    out.set(y.data, start * k);
  }
  return out ?? new Float32Array(0);
}
