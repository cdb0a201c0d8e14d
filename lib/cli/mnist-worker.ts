/**
 * A worker thread of `npm run mnist`: loads the chosen kata 12 (katas/ or solutions/), builds the
 * net on the cpu device, and classifies the batches it is sent. Started by lib/cli/mnist.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Tensor } from '../tensor';

interface Data {
  module: string;
  params: Record<string, Tensor>;
}
const { module, params } = workerData as Data;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kata = require(module) as { mnistNet(p: Record<string, Tensor>, d: 'cpu'): { forward(x: Tensor): Tensor } };
const net = kata.mnistNet(params, 'cpu');
// Warm-up, so the timed batches run optimised code (as on the main thread).
net.forward({ shape: [64, 1, 28, 28], data: new Float32Array(64 * 784).map((_, i) => (i % 7) - 3) });
parentPort?.on('message', ({ start, data }: { start: number; data: Float32Array }) => {
  try {
    const y = net.forward({ shape: [data.length / 784, 1, 28, 28], data });
    parentPort?.postMessage({ start, logits: y.data }, [y.data.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort?.postMessage({ start, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
});
parentPort?.postMessage({ ready: true });
