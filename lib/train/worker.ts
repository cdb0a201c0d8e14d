/**
 * A worker thread of the trainer (lib/train/engine.ts): loads the chosen katas, and for each batch
 * it is sent computes the gradients of its share of the images into its own shared gradient
 * buffers, reading the parameters from shared memory that the main thread updates between steps.
 * It also computes logits for the test set. Nothing is copied per step but the image indices.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Tensor } from '../tensor';
import { loadModel, type ModelKind, type Target } from './model';

export interface SharedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly buffer: SharedArrayBuffer;
}

export interface WorkerData {
  readonly target: Target;
  readonly model: ModelKind;
  readonly params: readonly SharedTensor[];
  readonly grads: readonly SharedTensor[];
  readonly train: { images: SharedArrayBuffer; labels: SharedArrayBuffer };
  /** The test images (the main thread scores the logits against the labels). */
  readonly test: { images: SharedArrayBuffer };
}

export type Request = { readonly kind: 'batch'; readonly indices: Uint32Array } | { readonly kind: 'eval'; readonly start: number; readonly end: number };

export type Reply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'batch'; readonly loss: number; readonly correct: number; readonly n: number }
  | { readonly kind: 'eval'; readonly start: number; readonly logits: Float32Array }
  | { readonly kind: 'error'; readonly name: string; readonly message: string; readonly stack?: string };

const IMAGE = 784;
const view = (t: SharedTensor): Tensor => ({ shape: t.shape, data: new Float32Array(t.buffer) });

function main(): void {
  const data = workerData as WorkerData;
  const send = (reply: Reply, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(reply, transfer);
  try {
    const model = loadModel(data.target, data.model);
    const params = Object.fromEntries(data.params.map((t) => [t.name, view(t)]));
    const grads = Object.fromEntries(data.grads.map((t) => [t.name, view(t)]));
    const trainImages = new Float32Array(data.train.images);
    const trainLabels = new Uint8Array(data.train.labels);
    const testImages = new Float32Array(data.test.images);
    parentPort?.on('message', (req: Request) => {
      try {
        if (req.kind === 'batch') {
          const n = req.indices.length;
          const x = new Float32Array(n * IMAGE);
          const targets = new Uint8Array(n);
          for (let i = 0; i < n; i++) {
            const at = req.indices[i];
            x.set(trainImages.subarray(at * IMAGE, (at + 1) * IMAGE), i * IMAGE);
            targets[i] = trainLabels[at];
          }
          for (const g of Object.values(grads)) g.data.fill(0);
          const r = model.gradients(params, { shape: [n, 1, 28, 28], data: x }, targets, grads);
          send({ kind: 'batch', loss: r.loss, correct: r.correct, n });
        } else {
          const x = testImages.slice(req.start * IMAGE, req.end * IMAGE);
          const logits = model.forward(params, { shape: [req.end - req.start, 1, 28, 28], data: x }).data;
          send({ kind: 'eval', start: req.start, logits }, [logits.buffer as ArrayBuffer]);
        }
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        send({ kind: 'error', name: e.name, message: e.message, stack: e.stack });
      }
    });
    send({ kind: 'ready' });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    send({ kind: 'error', name: e.name, message: e.message, stack: e.stack });
  }
}

main();
