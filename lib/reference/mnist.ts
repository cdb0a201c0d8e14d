/**
 * The lecture's MNIST net in TensorFlow.js, in tfjs's own NHWC layout: the independent reference
 * for kata 12 and the main job. Weights come from a PyTorch state dict through
 * lib/reference/torch-to-tf.ts.
 */
import type { Tensor } from '../tensor';
import { fcWeightToNhwcKernel, stateDictToTf, type TfWeights } from './torch-to-tf';
import { tf } from './tf';

export interface TfMnistNet {
  /** [N, 1, 28, 28] (NCHW with one channel has the same bytes as NHWC [N, 28, 28, 1]) → logits [N, 10]. */
  logits(x: Tensor): Tensor;
  predict(x: Tensor): number[];
  dispose(): void;
}

/**
 * Mistakes to build in on purpose, to name what a wrong net gives and measure what it costs:
 *   nhwcFlatten   flatten in NHWC order against PyTorch's fc.weight (columns in NCHW order)
 *   fcInOut       fc.weight's 3,200 numbers read as if they were [320, 10] ([in, out])
 *   reluOnLogits  a ReLU after the last layer too
 *   noSecondRelu  the ReLU after conv2's pooling left out
 *   reluFirst     ReLU applied before each convolution instead of after its pooling
 */
export type TfNetMistake = 'nhwcFlatten' | 'fcInOut' | 'reluOnLogits' | 'noSecondRelu' | 'reluFirst';

export interface TfNetOptions {
  mistake?: TfNetMistake;
  /** Deprecated spelling of mistake: 'nhwcFlatten'. */
  nhwcFlatten?: boolean;
}

/** The lecture's net in tfjs with a PyTorch state dict (batches of `batch` images per call into tfjs). */
export function tfMnistNet(stateDict: Readonly<Record<string, Tensor>>, options: TfNetOptions = {}, batch = 500): TfMnistNet {
  const mistake = options.mistake ?? (options.nhwcFlatten ? 'nhwcFlatten' : undefined);
  const w: TfWeights = stateDictToTf(stateDict);
  const v = {
    f1: tf.tensor4d(w.conv1Filter.data, w.conv1Filter.shape as [number, number, number, number]),
    b1: tf.tensor1d(w.conv1Bias.data),
    f2: tf.tensor4d(w.conv2Filter.data, w.conv2Filter.shape as [number, number, number, number]),
    b2: tf.tensor1d(w.conv2Bias.data),
    // The deliberate mistake: PyTorch's [10, 320] transposed with no row permutation.
    k:
      mistake === 'nhwcFlatten'
        ? tf.transpose(tf.tensor2d(stateDict['fc.weight'].data, [10, 320]))
        : mistake === 'fcInOut'
          ? tf.tensor2d(fcWeightToNhwcKernel({ shape: [10, 320], data: tf.transpose(tf.tensor2d(stateDict['fc.weight'].data, [320, 10])).dataSync() as Float32Array }).data, [320, 10])
          : tf.tensor2d(w.fcKernel.data, [320, 10]),
    b: tf.tensor1d(w.fcBias.data),
  };
  const run = (x: Tensor): tf.Tensor2D => {
    const n = x.shape[0];
    return tf.tidy(() => {
      const input = tf.tensor4d(x.data, [n, 28, 28, 1]);
      const first = mistake === 'reluFirst';
      const a1 = tf.maxPool(tf.add(tf.conv2d(first ? tf.relu(input) : input, v.f1, 1, 'valid'), v.b1) as tf.Tensor4D, 2, 2, 'valid');
      const h1 = first ? a1 : tf.relu(a1);
      const a2 = tf.maxPool(tf.add(tf.conv2d(first ? tf.relu(h1) : h1, v.f2, 1, 'valid'), v.b2) as tf.Tensor4D, 2, 2, 'valid');
      const h = first || mistake === 'noSecondRelu' ? a2 : tf.relu(a2);
      const y = tf.add(tf.matMul(tf.reshape(h, [n, 320]), v.k), v.b) as tf.Tensor2D;
      return mistake === 'reluOnLogits' ? tf.relu(y) : y;
    });
  };
  const logits = (x: Tensor): Tensor => {
    if (x.shape.length !== 4 || x.shape[1] !== 1 || x.shape[2] !== 28 || x.shape[3] !== 28) throw new RangeError(`tfMnistNet: expected [N, 1, 28, 28], got [${x.shape.join(', ')}]`);
    const n = x.shape[0];
    const out = new Float32Array(n * 10);
    for (let s = 0; s < n; s += batch) {
      const e = Math.min(n, s + batch);
      const y = run({ shape: [e - s, 1, 28, 28], data: x.data.subarray(s * 784, e * 784) });
      out.set(y.dataSync(), s * 10);
      y.dispose();
    }
    return { shape: [n, 10], data: out };
  };
  return {
    logits,
    predict(x) {
      const l = logits(x).data;
      return Array.from({ length: x.shape[0] }, (_, i) => {
        let best = 0;
        for (let j = 1; j < 10; j++) if (l[i * 10 + j] > l[i * 10 + best]) best = j;
        return best;
      });
    },
    dispose: () => Object.values(v).forEach((t) => t.dispose()),
  };
}

/**
 * How far two sets of logits are apart: the largest absolute difference, and the largest
 * difference relative to max(1, |reference|). Logits of this net reach about 30, where one float32
 * step is 2e-6 and frameworks that sum in different orders (PyTorch, tfjs cpu, tfjs wasm's
 * XNNPACK) differ by a few steps; so the fixtures hold them to 1e-5 in this scaled sense.
 */
export function compareLogits(received: Float32Array, reference: Float32Array): { maxAbs: number; maxScaled: number; at: number } {
  if (received.length !== reference.length) throw new RangeError(`compareLogits: ${received.length} values vs ${reference.length}`);
  let maxAbs = 0;
  let maxScaled = 0;
  let at = -1;
  for (let i = 0; i < received.length; i++) {
    const d = Math.abs(received[i] - reference[i]);
    const scaled = d / Math.max(1, Math.abs(reference[i]));
    if (!(d <= maxAbs)) maxAbs = d;
    if (!(scaled <= maxScaled)) {
      maxScaled = scaled;
      at = i;
    }
  }
  return { maxAbs, maxScaled, at };
}

/** The fixtures' tolerance between frameworks: |Δ| ≤ 1e-5 · max(1, |reference|). */
export const FRAMEWORK_TOLERANCE = 1e-5;
