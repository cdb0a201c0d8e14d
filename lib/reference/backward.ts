/**
 * Reference gradients computed by tfjs's autodiff (`tf.grad`, `tf.grads`, `tf.valueAndGrad`), for
 * the suites of katas 13 and 14 to compare with. Each forward is written in tfjs ops with PyTorch's
 * semantics (Linear's [out, in] weight; Conv2d on NCHW input with an OIHW weight, zero padding;
 * MaxPool2d with -Infinity padding; CrossEntropyLoss's mean over the batch), and tfjs differentiates
 * it. Everything is float32, as tfjs computes. Takes and returns flat tensors (lib/tensor.ts).
 */
// tfjs-core registers its gradient functions only when asked (tfjs's union package does it for you).
// This is its ES-module build, which vitest loads; plain Node (ts-node) cannot, so command-line tools
// that need tfjs's backward kernels call them by name instead (see lib/cli/bench-backward.ts).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Tensor } from '../tensor';
import { tfMaxPool2dNchw } from './pool';
import { tf } from './tf';

const toTf = (t: Tensor) => tf.tensor(t.data, [...t.shape], 'float32');
const read = (t: tf.Tensor): Tensor => ({ shape: [...t.shape], data: Float32Array.from(t.dataSync()) });

/** Runs `fn` inside tf.tidy (every tfjs tensor it makes is freed) and returns its plain result. */
function tidy<T>(fn: () => T): T {
  let out: T | undefined;
  tf.tidy(() => {
    out = fn();
  });
  return out as T;
}

export interface ReferenceLinearGrads {
  dx: Tensor;
  dWeight: Tensor;
  dBias: Tensor;
}

/** Gradients of y = x W^T + b (x [N, in], weight [out, in], bias [out]) for an upstream dy [N, out]. */
export function referenceLinearBackward(dy: Tensor, x: Tensor, weight: Tensor, bias: Tensor): ReferenceLinearGrads {
  return tidy(() => {
    const f = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.add(tf.matMul(a as tf.Tensor2D, w as tf.Tensor2D, false, true), b);
    const [dx, dWeight, dBias] = tf.grads(f)([toTf(x), toTf(weight), toTf(bias)], toTf(dy));
    return { dx: read(dx), dWeight: read(dWeight), dBias: read(dBias) };
  });
}

/** Gradient of tf.relu at x for an upstream dy (tfjs, like PyTorch, gives 0 where x is 0). */
export function referenceReluBackward(dy: Tensor, x: Tensor): Tensor {
  return tidy(() => read(tf.grad((a: tf.Tensor) => tf.relu(a))(toTf(x), toTf(dy))));
}

/**
 * CrossEntropyLoss (mean) of logits [N, K] and class indices, and its gradient with respect to the
 * logits: -mean over n of sum over k of onehot[n][k] · logSoftmax(logits)[n][k], by tf.valueAndGrad.
 */
export function referenceCrossEntropy(logits: Tensor, targets: readonly number[]): { loss: number; dLogits: Tensor } {
  return tidy(() => {
    const [n, k] = logits.shape;
    const hot = new Float32Array(n * k);
    targets.forEach((t, r) => (hot[r * k + t] = 1)); // tf.oneHot needs depth >= 2; K = 1 is a valid (if dull) case
    const onehot = tf.tensor2d(hot, [n, k]);
    const f = (z: tf.Tensor) => tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(z, 1)), 1)));
    const { value, grad } = tf.valueAndGrad(f)(toTf(logits));
    return { loss: value.dataSync()[0], dLogits: read(grad) };
  });
}

export interface ReferenceConvGrads {
  dx: Tensor;
  dWeight: Tensor;
  dBias: Tensor;
}

/**
 * Gradients of PyTorch's Conv2d (x [N, C, H, W], weight [M, C, kH, kW], bias [M], zero padding,
 * stride) for an upstream dy [N, M, H', W'], by tf.grads through tf.conv2d on NHWC / HWIO
 * transposes (tfjs's Conv2DBackpropInput and Conv2DBackpropFilter kernels).
 */
export function referenceConv2dBackward(dy: Tensor, x: Tensor, weight: Tensor, bias: Tensor, padding: number, stride: number): ReferenceConvGrads {
  return tidy(() => {
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ];
    const f = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
      const nhwc = tf.transpose(a, [0, 2, 3, 1]) as tf.Tensor4D;
      const hwio = tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D;
      return tf.transpose(tf.add(tf.conv2d(nhwc, hwio, stride, pad), b), [0, 3, 1, 2]);
    };
    const [dx, dWeight, dBias] = tf.grads(f)([toTf(x), toTf(weight), toTf(bias)], toTf(dy));
    return { dx: read(dx), dWeight: read(dWeight), dBias: read(dBias) };
  });
}

/**
 * Gradient of PyTorch's MaxPool2d(kernelSize, stride, padding) on x [N, C, H, W] for an upstream
 * dy [N, C, H', W'], by tf.grad through tf.pad (-Infinity) and a 'valid' tf.maxPool.
 * Only for inputs without ties inside a window: which tied cell tfjs credits is its own choice.
 */
export function referenceMaxPool2dBackward(dy: Tensor, x: Tensor, kernelSize: number, stride: number, padding: number): Tensor {
  return tidy(() => {
    const f = (a: tf.Tensor) => tfMaxPool2dNchw(a, kernelSize, stride, padding);
    return read(tf.grad(f)(toTf(x), toTf(dy)));
  });
}
