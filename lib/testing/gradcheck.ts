/**
 * Gradient checks for the backward katas (13, 14): an analytic gradient (the learner's) against a
 * numerical one, computed by central finite differences of an independent float64 forward pass
 * written here, not taken from the solutions.
 *
 * The forwards below are plain loops over Float64Array data, one per layer, with PyTorch's
 * semantics (Linear's [out, in] weight, Conv2d's NCHW input and OIHW weight with zero padding,
 * MaxPool2d's -Infinity padding, CrossEntropyLoss's mean over the batch).
 */
import { expect } from 'vitest';
import { sizeOf, type FloatArray, type FloatTensor } from '../tensor';
import { FLOAT32, type Tolerance } from './compare';
import { fc, values, type Scale, type ValuesOptions } from './property';

// ---- comparing gradients --------------------------------------------------------------------------

/**
 * cs231n's relative error: the largest, over the elements, of |a - b| / max(1e-8, |a| + |b|).
 * 0 when equal; about 1e-16 for float64 rounding; a wrong gradient gives 1e-2 or more.
 */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    const e = Number.isNaN(d) ? Infinity : d / Math.max(1e-8, Math.abs(a[i]) + Math.abs(b[i]));
    if (e > worst) worst = e;
  }
  return worst;
}

/** The tolerance of a float64 gradient check: rel_error <= 1e-7. */
export const GRADCHECK_REL_ERROR = 1e-7;

/**
 * The numerical gradient of `loss()` with respect to every entry of `data`, by the fourth-order
 * central difference
 *
 *     (8 (f(x + h) - f(x - h)) - (f(x + 2h) - f(x - 2h))) / 12h
 *
 * (its error falls as h^4, where the two-point (f(x + h) - f(x - h)) / 2h falls as h^2; both are
 * exact for a function that is linear in x, as linear and conv are). `data` is perturbed in place
 * and restored exactly: h is a power of two, so x ± h and x ± 2h round back to x.
 */
export function numericalGradient(loss: () => number, data: Float64Array, h = 2 ** -10): Float64Array {
  const grad = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    const at = (t: number) => {
      data[i] = x + t;
      return loss();
    };
    grad[i] = (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
    data[i] = x;
  }
  return grad;
}

/** Σ r[i] · y[i]: the scalar whose gradient with respect to y is r (the upstream gradient dy). */
export function dot(r: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += r[i] * y[i];
  return s;
}

// ---- float64 forwards (independent of the katas) --------------------------------------------

type T64 = FloatTensor<Float64Array>;

/** Linear: x [N, in], weight [out, in], bias [out] -> x W^T + b [N, out]. */
export function linear64(x: T64, weight: T64, bias: T64): Float64Array {
  const [n, inF] = x.shape;
  const out = weight.shape[0];
  const y = new Float64Array(n * out);
  for (let s = 0; s < n; s++)
    for (let o = 0; o < out; o++) {
      let acc = bias.data[o];
      for (let i = 0; i < inF; i++) acc += x.data[s * inF + i] * weight.data[o * inF + i];
      y[s * out + o] = acc;
    }
  return y;
}

/** max(0, v) elementwise. */
export function relu64(x: T64): Float64Array {
  return x.data.map((v) => (v > 0 ? v : 0));
}

/** CrossEntropyLoss (mean over the batch) of logits [N, K] and class indices, stabilised by the row maximum. */
export function crossEntropy64(logits: T64, targets: ArrayLike<number>): number {
  const [n, k] = logits.shape;
  let total = 0;
  for (let r = 0; r < n; r++) {
    const row = logits.data.subarray(r * k, r * k + k);
    const m = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - m);
    total += m + Math.log(sum) - row[targets[r]];
  }
  return total / n;
}

/** Conv2d: x [N, C, H, W], weight [M, C, kH, kW], bias [M], zero padding, stride -> [N, M, H', W']. */
export function conv2d64(x: T64, weight: T64, bias: T64, padding: number, stride: number): Float64Array {
  const [n, c, h, w] = x.shape;
  const [m, , kh, kw] = weight.shape;
  const oh = Math.floor((h + 2 * padding - kh) / stride) + 1;
  const ow = Math.floor((w + 2 * padding - kw) / stride) + 1;
  const y = new Float64Array(n * m * oh * ow);
  let at = 0;
  for (let b = 0; b < n; b++)
    for (let o = 0; o < m; o++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let acc = bias.data[o];
          for (let ch = 0; ch < c; ch++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const r = i * stride + u - padding;
                const q = j * stride + v - padding;
                if (r >= 0 && r < h && q >= 0 && q < w) acc += x.data[((b * c + ch) * h + r) * w + q] * weight.data[((o * c + ch) * kh + u) * kw + v];
              }
          y[at++] = acc;
        }
  return y;
}

/** MaxPool2d: x [N, C, H, W], -Infinity padding -> [N, C, H', W']. */
export function maxPool2d64(x: T64, kernelSize: number, stride: number, padding: number): Float64Array {
  const [n, c, h, w] = x.shape;
  const oh = Math.floor((h + 2 * padding - kernelSize) / stride) + 1;
  const ow = Math.floor((w + 2 * padding - kernelSize) / stride) + 1;
  const y = new Float64Array(n * c * oh * ow);
  let at = 0;
  for (let p = 0; p < n * c; p++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let best = -Infinity;
        for (let u = 0; u < kernelSize; u++)
          for (let v = 0; v < kernelSize; v++) {
            const r = i * stride + u - padding;
            const q = j * stride + v - padding;
            if (r >= 0 && r < h && q >= 0 && q < w) best = Math.max(best, x.data[(p * h + r) * w + q]);
          }
        y[at++] = best;
      }
  return y;
}

// ---- random tensors ------------------------------------------------------------------------------

/**
 * A tensor of `shape` whose values come from lib/testing/property's `values` (one scale and sign
 * mode per tensor, exact zeros, ties now and then; `options` as there), stored as `kind`
 * (Float32Array or Float64Array). Every value is dyadic with 8 significant bits, so it is exact in
 * both kinds, and so is every sum of their products that the suites form.
 */
export function floatTensor<D extends FloatArray>(shape: readonly number[], kind: new (values: number[]) => D, options: ValuesOptions = {}): fc.Arbitrary<FloatTensor<D>> {
  return values(sizeOf(shape), options).map((v) => ({ shape: [...shape], data: new kind(v) }));
}

/** A tensor of `shape` each of whose values is drawn from `value`, stored as `kind`. */
export function tensorFrom<D extends FloatArray>(shape: readonly number[], kind: new (values: number[]) => D, value: fc.Arbitrary<number>): fc.Arbitrary<FloatTensor<D>> {
  const size = sizeOf(shape);
  return fc.array(value, { minLength: size, maxLength: size }).map((v) => ({ shape: [...shape], data: new kind(v) }));
}

/** The scales of the float64 gradient checks: up to 255, so every sum of products (and of h) stays exact in float64. */
export const GRADCHECK_SCALES: readonly Scale[] = ['fractions', 'fractions', 'integers'];

/**
 * A tensor of `shape` holding distinct values: a shuffle of 0..size-1 times `gap`, minus an
 * offset, so that no two entries tie and every window of a max-pool has one clear winner (a
 * numerical gradient through a tie is meaningless).
 */
export function distinctTensor<D extends FloatArray>(shape: readonly number[], kind: new (values: number[]) => D, gap = 0.25): fc.Arbitrary<FloatTensor<D>> {
  const size = sizeOf(shape);
  return fc
    .shuffledSubarray(
      Array.from({ length: size }, (_, i) => i),
      { minLength: size, maxLength: size },
    )
    .map((order) => ({ shape: [...shape], data: new kind(order.map((i) => (i - size / 2) * gap)) }));
}

export { copyOf } from './fresh';

/** Asserts rel_error(analytic, numerical) <= 1e-7 on float64 data, saying which gradient and how far off. */
export function expectGradient(name: string, analytic: FloatTensor, numerical: Float64Array): void {
  expect(analytic.data, `${name} should hold Float64Array data when the inputs do`).toBeInstanceOf(Float64Array);
  const err = relError(analytic.data, numerical);
  expect(err, `${name}: rel_error between your gradient and the numerical one is ${err.toExponential(2)} (must be <= 1e-7)`).toBeLessThanOrEqual(GRADCHECK_REL_ERROR);
}

/** Float32 tolerance for a sum whose terms add up to at most `scale` in size. */
export const float32Sum = (scale: number): Tolerance => ({ atol: Math.max(FLOAT32.atol, 1e-6 * scale), rtol: FLOAT32.rtol });

/** The largest |value| of a tensor (0 for an empty one). */
export function maxAbs(t: FloatTensor): number {
  let m = 0;
  for (const v of t.data) m = Math.max(m, Math.abs(v));
  return m;
}
