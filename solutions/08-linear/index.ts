/**
 * Kata 08: linear layer and activations.
 * Lesson: docs/08-linear.md
 *
 * Every function takes and returns flat tensors (lib/tensor.ts): a shape and a row-major
 * Float32Array. A batch of N feature vectors is [N, features]; a batch of images is [N, C, H, W].
 */
import { checkTensor, sizeOf, tensor, type Tensor } from '../../lib/tensor';
import { todo } from '../../lib/todo';

/**
 * A fully connected layer, PyTorch's `torch.nn.Linear(in, out)` applied to a batch:
 *
 *     y[n][o] = bias[o] + sum over i of x[n][i] * weight[o][i]      (y = x W^T + b)
 *
 * The weight is stored as PyTorch stores it: one row of `in` numbers per output feature.
 *
 * @param x      [N, in]: N samples of `in` features each (N may be 0)
 * @param weight [out, in]: PyTorch's layout, NOT [in, out]
 * @param bias   [out], one number per output feature, or null for `Linear(..., bias=False)`
 * @returns a new [N, out] tensor; `x`, `weight` and `bias` are left unchanged
 * @throws TypeError  when `x` or `weight` is not a rank-2 Tensor (for an image batch [N, C, H, W],
 *                    the message says to flatten it first), or `bias` is neither null nor a rank-1 Tensor
 * @throws RangeError when the feature counts disagree, worded as PyTorch words it, with weight shown
 *                    transposed ([in, out]): `linear: mat1 and mat2 shapes cannot be multiplied (2x320 and 300x10)`;
 *                    or when bias does not have `out` entries (the message names bias and both sizes)
 *
 * @example
 * const x = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
 * const w = tensor([2, 3], [1, -1, 2, 0, 3, -1]);
 * linear(x, w, tensor([2], [10, 20])) // => { shape: [2, 2], data: [15, 23, 21, 29] }
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  checkTensor('linear', 'x', x);
  if (x.shape.length !== 2) {
    throw new TypeError(
      `linear: x must be a rank-2 [N, in] tensor, but got shape [${x.shape.join(', ')}]` +
        (x.shape.length > 2 ? '; flatten it to [N, features] first (x.view(N, -1))' : ''),
    );
  }
  checkTensor('linear', 'weight', weight, 2, '[out, in]');
  const [n, inX] = x.shape;
  const [out, inW] = weight.shape;
  if (inX !== inW) {
    throw new RangeError(
      `linear: mat1 and mat2 shapes cannot be multiplied (${n}x${inX} and ${inW}x${out}); ` +
        `x is [N, in] = [${n}, ${inX}] and weight is [out, in] = [${out}, ${inW}], so x needs ${inW} features`,
    );
  }
  if (bias !== null) {
    checkTensor('linear', 'bias', bias, 1, '[out]');
    if (bias.shape[0] !== out) {
      throw new RangeError(
        `linear: bias must have one entry per output feature: weight is [${out}, ${inW}], so bias should be [${out}], but got [${bias.shape[0]}]`,
      );
    }
  }
  const y = tensor([n, out]);
  for (let s = 0; s < n; s++) {
    for (let o = 0; o < out; o++) {
      let sum = bias === null ? 0 : bias.data[o];
      for (let i = 0; i < inX; i++) sum += x.data[s * inX + i] * weight.data[o * inW + i];
      y.data[s * out + o] = sum;
    }
  }
  return y;
}

/**
 * The rectified linear unit, PyTorch's `F.relu`: max(0, v) for every value v, any shape.
 * NaN stays NaN, as in PyTorch.
 *
 * @param x a tensor of any shape
 * @returns a new tensor of the same shape; `x` is left unchanged (not `inplace=True`)
 * @throws TypeError when `x` is not a Tensor
 *
 * @example
 * relu(tensor([1, 5], [-2, -0.5, 0, 0.5, 3])) // => { shape: [1, 5], data: [0, 0, 0, 0.5, 3] }
 */
export function relu(x: Tensor): Tensor {
  checkTensor('relu', 'x', x);
  const y = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    y.data[i] = v < 0 ? 0 : v;
  }
  return y;
}

/**
 * Keeps the batch axis and joins all the others, in NCHW (row-major) order: PyTorch's
 * `x.view(N, -1)` or `torch.flatten(x, 1)`. For [64, 20, 4, 4] that is [64, 320], ready for
 * `Linear(320, 10)`. Row-major data is already in that order: only the shape changes.
 *
 * @param x [N, ...]: a tensor of rank >= 1 whose first axis is the batch
 * @returns a new [N, product of the other sizes] tensor with the same values in the same order
 *          ([N] becomes [N, 1]); `x` is left unchanged
 * @throws TypeError when `x` is not a Tensor, or is a scalar (shape [], no batch axis)
 *
 * @example
 * const x = tensor([2, 2, 2, 3], Array.from({ length: 24 }, (_, i) => i)); // values 0..23
 * flatten(x) // => { shape: [2, 12], data: [0, 1, ..., 23] }: the same values, one row per sample
 */
export function flatten(x: Tensor): Tensor {
  checkTensor('flatten', 'x', x);
  if (x.shape.length === 0) {
    throw new TypeError('flatten: x must have a batch axis [N, ...] (rank >= 1), but got a scalar of shape []');
  }
  const n = x.shape[0];
  return tensor([n, sizeOf(x.shape.slice(1))], x.data);
}

/**
 * The log of the softmax of each row, PyTorch's `F.log_softmax(x, dim=1)`:
 *
 *     y[n][k] = x[n][k] - log(sum over j of exp(x[n][j]))
 *
 * computed stably: with m the row's maximum, y[n][k] = (x[n][k] - m) - log(sum over j of exp(x[n][j] - m)),
 * so that logits like 1000 give finite numbers, not Infinity or NaN. exp(y) sums to 1 in each row.
 *
 * @param x [N, K]: N rows of K scores (logits)
 * @returns a new [N, K] tensor of log-probabilities (all <= 0); `x` is left unchanged
 * @throws TypeError when `x` is not a rank-2 [N, K] Tensor
 *
 * @example
 * logSoftmax(tensor([1, 3], [1000, 0, -1000])) // => { shape: [1, 3], data: [0, -1000, -2000] }
 * logSoftmax(tensor([1, 2], [0, 0]))           // => { shape: [1, 2], data: [-0.6931, -0.6931] } (log 1/2)
 */
export function logSoftmax(x: Tensor): Tensor {
  checkTensor('logSoftmax', 'x', x, 2, '[N, K]');
  const [n, k] = x.shape;
  const y = tensor([n, k]);
  for (let r = 0; r < n; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, x.data[r * k + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(x.data[r * k + j] - max);
    const logSum = Math.log(sum);
    for (let j = 0; j < k; j++) y.data[r * k + j] = x.data[r * k + j] - max - logSum;
  }
  return y;
}

/**
 * The index of the largest value of each row, PyTorch's `torch.argmax(x, dim=1)`: the predicted
 * class of each sample. On ties the FIRST such index wins, as in torch.argmax. A NaN counts as
 * larger than every number, as in torch.argmax: the first NaN of a row wins
 * (`torch.argmax(torch.tensor([1.0, float('nan'), 3.0]))` is 1; tfjs's tf.argMax skips NaN instead).
 *
 * @param x [N, K] with K >= 1
 * @returns N indices, each in 0..K-1 (plain numbers, not the values); `x` is left unchanged
 * @throws TypeError  when `x` is not a rank-2 [N, K] Tensor
 * @throws RangeError when K is 0 and N is not (an empty row has no largest value; the message says
 *                    `Expected reduction dim 1 to have non-zero size`, as PyTorch does)
 *
 * @example
 * argmax(tensor([2, 3], [0.25, 0.75, 0.5, 3, -1, 3])) // => [1, 0]
 * argmax(tensor([1, 3], [1, NaN, 3]))                 // => [1]
 */
export function argmax(x: Tensor): number[] {
  checkTensor('argmax', 'x', x, 2, '[N, K]');
  const [n, k] = x.shape;
  if (k === 0 && n > 0) {
    throw new RangeError(`argmax: Expected reduction dim 1 to have non-zero size; x has shape [${n}, 0], so its rows are empty`);
  }
  const result: number[] = [];
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) {
      const v = x.data[r * k + j];
      const max = x.data[r * k + best];
      // strictly larger wins (the first of a tie stays); a NaN beats any number, and nothing beats a NaN
      if (v > max || (Number.isNaN(v) && !Number.isNaN(max))) best = j;
    }
    result.push(best);
  }
  return result;
}
