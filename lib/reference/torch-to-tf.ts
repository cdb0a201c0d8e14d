/**
 * The one conversion of the lecture's PyTorch weights to TensorFlow.js's layouts (used by the
 * MNIST reference, its tests and the main job's tfjs comparison):
 *
 *   conv weights  OIHW [out, in, kH, kW]  →  HWIO [kH, kW, in, out]      (tf.conv2d's filter)
 *   fc.weight     [10, 320], columns in NCHW-flatten order (c * 16 + h * 4 + w, PyTorch's view)
 *                 →  [320, 10], rows in NHWC-flatten order ((h * 4 + w) * 20 + c, tfjs's reshape
 *                 of an NHWC activation), transposed for tf.matMul(x, kernel)
 *
 * Plain index arithmetic on flat arrays, no tfjs: the tfjs forward below is independent of it
 * only in the layout it runs in, which is the point.
 */
import type { Tensor } from '../tensor';

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/** OIHW → HWIO: out[u][v][c][m] = w[m][c][u][v]. */
export function oihwToHwio(w: Tensor): Tensor {
  if (w.shape.length !== 4) throw new RangeError(`oihwToHwio: expected an [O, I, kH, kW] weight, got ${fmt(w.shape)}`);
  const [o, i, h, k] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let m = 0; m < o; m++)
    for (let c = 0; c < i; c++)
      for (let u = 0; u < h; u++) for (let v = 0; v < k; v++) out[((u * k + v) * i + c) * o + m] = w.data[((m * i + c) * h + u) * k + v];
  return { shape: [h, k, i, o], data: out };
}

/** Position of feature (c, h, w) of a [C, H, W] activation in PyTorch's view(N, -1) order. */
export const nchwFlatIndex = (c: number, h: number, w: number, [, H, W]: readonly number[]) => (c * H + h) * W + w;
/** Position of the same feature in tfjs's reshape of the NHWC activation [H, W, C]. */
export const nhwcFlatIndex = (c: number, h: number, w: number, [C, , W]: readonly number[]) => (h * W + w) * C + c;

/**
 * fc.weight [out, C*H*W] (PyTorch, NCHW-flatten columns) → the tf.matMul kernel [C*H*W, out] whose
 * rows follow the NHWC flatten of a [C, H, W] = `features` activation.
 */
export function fcWeightToNhwcKernel(weight: Tensor, features: readonly [number, number, number] = [20, 4, 4]): Tensor {
  const [C, H, W] = features;
  const n = C * H * W;
  if (weight.shape.length !== 2 || weight.shape[1] !== n) throw new RangeError(`fcWeightToNhwcKernel: expected fc.weight [out, ${n}], got ${fmt(weight.shape)}`);
  const out = weight.shape[0];
  const kernel = new Float32Array(n * out);
  for (let c = 0; c < C; c++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++) {
        const from = nchwFlatIndex(c, h, w, features);
        const to = nhwcFlatIndex(c, h, w, features);
        for (let o = 0; o < out; o++) kernel[to * out + o] = weight.data[o * n + from];
      }
  return { shape: [n, out], data: kernel };
}

/** The lecture's state dict in tfjs's layouts. */
export interface TfWeights {
  conv1Filter: Tensor;
  conv1Bias: Tensor;
  conv2Filter: Tensor;
  conv2Bias: Tensor;
  fcKernel: Tensor;
  fcBias: Tensor;
}

export function stateDictToTf(sd: Readonly<Record<string, Tensor>>): TfWeights {
  return {
    conv1Filter: oihwToHwio(sd['conv1.weight']),
    conv1Bias: sd['conv1.bias'],
    conv2Filter: oihwToHwio(sd['conv2.weight']),
    conv2Bias: sd['conv2.bias'],
    fcKernel: fcWeightToNhwcKernel(sd['fc.weight']),
    fcBias: sd['fc.bias'],
  };
}
