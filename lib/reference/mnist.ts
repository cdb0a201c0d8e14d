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

/** Every stage of the forward pass by tfjs, converted back to PyTorch's NCHW (for figures and the lab). */
export function tfMnistStages(stateDict: Readonly<Record<string, Tensor>>, x: Tensor): { name: string; tensor: Tensor }[] {
  const w = stateDictToTf(stateDict);
  const n = x.shape[0];
  return tf.tidy(() => {
    const t4 = (t: Tensor) => tf.tensor4d(t.data, t.shape as [number, number, number, number]);
    const input = tf.tensor4d(x.data, [n, 28, 28, 1]);
    const conv1 = tf.add(tf.conv2d(input, t4(w.conv1Filter), 1, 'valid'), tf.tensor1d(w.conv1Bias.data)) as tf.Tensor4D;
    const pool1 = tf.maxPool(conv1, 2, 2, 'valid');
    const relu1 = tf.relu(pool1);
    const conv2 = tf.add(tf.conv2d(relu1, t4(w.conv2Filter), 1, 'valid'), tf.tensor1d(w.conv2Bias.data)) as tf.Tensor4D;
    const pool2 = tf.maxPool(conv2, 2, 2, 'valid');
    const relu2 = tf.relu(pool2);
    const nchw = (t: tf.Tensor4D) => tf.transpose(t, [0, 3, 1, 2]);
    const flat = tf.reshape(nchw(relu2), [n, 320]);
    const logits = tf.add(tf.matMul(tf.reshape(relu2, [n, 320]), tf.tensor2d(w.fcKernel.data, [320, 10])), tf.tensor1d(w.fcBias.data));
    const out = (name: string, t: tf.Tensor) => ({ name, tensor: { shape: [...t.shape], data: Float32Array.from(t.dataSync()) } });
    return [
      out('input', nchw(input)),
      out('conv1', nchw(conv1)),
      out('pool1', nchw(pool1)),
      out('relu1', nchw(relu1)),
      out('conv2', nchw(conv2)),
      out('pool2', nchw(pool2)),
      out('relu2', nchw(relu2)),
      out('flatten', flat),
      out('logits', logits),
    ];
  });
}
