/**
 * Kata 13: backward of the head.
 * Lesson: docs/13-backward-head.md
 *
 * The backward pass of the end of the MNIST net: `linear`, `relu` and the cross-entropy loss.
 * Each backward function takes the gradient of the loss with respect to its layer's OUTPUT (`dy`)
 * and what the forward pass saw, and returns the gradients with respect to its INPUTS.
 *
 * Every function is generic over the float type: give it Float32Array tensors (to train) or
 * Float64Array tensors (for a gradient check to 1e-7), and it returns the same kind. Make results
 * with `zerosLike(someInput, shape)` from lib/tensor.
 */
import { checkFloatTensor, zerosLike, type FloatArray, type FloatTensor } from '../../lib/tensor';
import { todo } from '../../lib/todo';

/** The three gradients of a linear layer `y = x W^T + b`. */
export interface LinearGrads<D extends FloatArray = Float32Array> {
  /** dL/dx, [N, in]: what flows back to the layer before. */
  readonly dx: FloatTensor<D>;
  /** dL/dweight, [out, in]: PyTorch's layout, the same shape as the weight. */
  readonly dWeight: FloatTensor<D>;
  /** dL/dbias, [out]. */
  readonly dBias: FloatTensor<D>;
}

/**
 * The backward pass of `linear(x, weight, bias)` (kata 08), `torch.nn.Linear`'s gradients:
 *
 *     dx[n][i]      = sum over o of dy[n][o] * weight[o][i]        (dx = dy · W)
 *     dWeight[o][i] = sum over n of dy[n][o] * x[n][i]             (dW = dyᵀ · x, [out, in])
 *     dBias[o]      = sum over n of dy[n][o]                       (summed over the batch)
 *
 * The bias gradient does not depend on whether the layer had a bias; ignore it when it did not.
 * Roughly 15 lines with the checks.
 *
 * @param dy     [N, out]: dL/dy, the gradient of the loss with respect to the layer's output
 * @param x      [N, in]: the layer's input in the forward pass
 * @param weight [out, in]: the layer's weight (PyTorch's layout)
 * @returns `{ dx, dWeight, dBias }`, new tensors of the same float type as `dy`; no argument is changed
 * @throws TypeError  when an argument is not a rank-2 tensor of Float32Array or Float64Array data, or
 *                    the three do not share one float type
 * @throws RangeError when the shapes do not fit together: x's `in` must equal weight's, and dy must be
 *                    [N, out] (the message names dy, the shape expected and the one received)
 *
 * @example
 * // x [2, 3], weight [2, 3], dy [2, 2]
 * linearBackward(tensor([2, 2], [1, 0, 0, 2]), tensor([2, 3], [1, 2, 3, 4, 5, 6]), tensor([2, 3], [1, -1, 2, 0, 3, -1]))
 * // => dx [[1, -1, 2], [0, 6, -2]], dWeight [[1, 2, 3], [8, 10, 12]], dBias [1, 2]
 */
export function linearBackward<D extends FloatArray>(dy: FloatTensor<D>, x: FloatTensor<D>, weight: FloatTensor<D>): LinearGrads<D> {
  checkFloatTensor('linearBackward', 'x', x, 2, '[N, in]');
  checkFloatTensor('linearBackward', 'weight', weight, 2, '[out, in]', { name: 'x', tensor: x });
  checkFloatTensor('linearBackward', 'dy', dy, 2, '[N, out]', { name: 'x', tensor: x });
  const [n, inF] = x.shape;
  const [out, inW] = weight.shape;
  if (inW !== inF) {
    throw new RangeError(`linearBackward: x is [N, in] = [${n}, ${inF}] but weight is [out, in] = [${out}, ${inW}]; their in sizes must agree`);
  }
  if (dy.shape[0] !== n || dy.shape[1] !== out) {
    throw new RangeError(`linearBackward: dy must have the shape of the layer's output [N, out] = [${n}, ${out}], but got [${dy.shape.join(', ')}]`);
  }
  const dx = zerosLike(dy, [n, inF]);
  const dWeight = zerosLike(dy, [out, inF]);
  const dBias = zerosLike(dy, [out]);
  for (let s = 0; s < n; s++) {
    for (let o = 0; o < out; o++) {
      const g = dy.data[s * out + o];
      dBias.data[o] += g; // summed over the batch: every sample used the same bias
      for (let i = 0; i < inF; i++) {
        dx.data[s * inF + i] += g * weight.data[o * inF + i];
        dWeight.data[o * inF + i] += g * x.data[s * inF + i]; // [out, in], like the weight
      }
    }
  }
  return { dx, dWeight, dBias };
}

/**
 * The backward pass of `relu(x)` (kata 08): the gradient passes where the input was positive and
 * stops elsewhere,
 *
 *     dx[i] = dy[i]  if x[i] > 0,   0 otherwise (x[i] = 0 included, as PyTorch's relu gives 0 there)
 *
 * Roughly 5 lines.
 *
 * @param dy dL/dy, the same shape as x
 * @param x  the input of relu in the forward pass, any shape
 * @returns a new tensor dL/dx of x's shape and dy's float type; `dy` and `x` are left unchanged
 * @throws TypeError  when either is not a tensor of Float32Array or Float64Array data, or their float types differ
 * @throws RangeError when dy's shape is not x's (the message gives both)
 *
 * @example
 * reluBackward(tensor([4], [5, 6, 7, 8]), tensor([4], [-1, 0, 2, 3])) // => [0, 0, 7, 8]
 */
export function reluBackward<D extends FloatArray>(dy: FloatTensor<D>, x: FloatTensor<D>): FloatTensor<D> {
  checkFloatTensor('reluBackward', 'x', x);
  checkFloatTensor('reluBackward', 'dy', dy, undefined, '', { name: 'x', tensor: x });
  if (dy.shape.length !== x.shape.length || dy.shape.some((s, i) => s !== x.shape[i])) {
    throw new RangeError(`reluBackward: dy must have x's shape [${x.shape.join(', ')}], but got [${dy.shape.join(', ')}]`);
  }
  const dx = zerosLike(dy, x.shape);
  for (let i = 0; i < x.data.length; i++) dx.data[i] = x.data[i] > 0 ? dy.data[i] : 0; // strictly > 0: relu'(0) = 0
  return dx;
}

/**
 * Checks logits [N, K] and N class indices in 0..K-1, for `fn` (which starts every message).
 *
 * @throws TypeError  when `logits` is not a rank-2 float tensor, or `targets` is not an array(-like) of numbers
 * @throws RangeError when there is not one target per sample, a target is not a whole number in
 *                    0..K-1 (worded as PyTorch words it: `Target 10 is out of bounds`), or N is 0
 */
function checkLogits(fn: string, logits: unknown, targets: unknown): asserts logits is FloatTensor {
  checkFloatTensor(fn, 'logits', logits, 2, '[N, K]');
  const [n, k] = logits.shape;
  if (targets === null || typeof targets !== 'object' || typeof (targets as ArrayLike<number>).length !== 'number') {
    throw new TypeError(`${fn}: targets must be an array of N class indices (numbers), but got ${targets === null ? 'null' : typeof targets}`);
  }
  const t = targets as ArrayLike<number>;
  if (t.length !== n) {
    throw new RangeError(`${fn}: expected one target per sample: logits are [${n}, ${k}], so ${n} targets, but got ${t.length}`);
  }
  if (n === 0) throw new RangeError(`${fn}: the batch is empty (logits [0, ${k}]): a mean over 0 samples is undefined`);
  for (let r = 0; r < n; r++) {
    const c = t[r];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= k) {
      throw new RangeError(`${fn}: Target ${String(c)} is out of bounds (sample ${r}): with K = ${k} classes, a target must be a whole number in 0..${k - 1}`);
    }
  }
}

/**
 * The cross-entropy loss of a batch, PyTorch's `F.cross_entropy(logits, targets)` (CrossEntropyLoss
 * with its default `reduction='mean'`): log-softmax of each row, then the negative log-probability
 * of the right class, averaged over the N samples:
 *
 *     loss = (1/N) · sum over n of ( log(sum over j of exp(logits[n][j])) - logits[n][targets[n]] )
 *
 * computed stably (subtract each row's maximum inside the exp), so logits of 1000 give a finite loss.
 * Roughly 12 lines with the checks.
 *
 * @param logits  [N, K] raw scores, N >= 1
 * @param targets N class indices, each a whole number in 0..K-1
 * @returns the mean loss, a number >= 0; the arguments are left unchanged
 * @throws TypeError  when logits is not a rank-2 float tensor or targets is not an array of numbers
 * @throws RangeError when there is not one target per sample, N is 0, or a target is out of bounds
 *                    (`Target 10 is out of bounds`, as PyTorch says)
 *
 * @example
 * crossEntropy(tensor([1, 2], [0, 0]), [1])                     // => 0.6931 (log 2)
 * crossEntropy(tensor([2, 3], [1000, 0, -1000, 1, 2, 3]), [1, 2]) // => 500.2038
 */
export function crossEntropy<D extends FloatArray>(logits: FloatTensor<D>, targets: ArrayLike<number>): number {
  checkLogits('crossEntropy', logits, targets);
  const [n, k] = logits.shape;
  let total = 0;
  for (let r = 0; r < n; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits.data[r * k + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits.data[r * k + j] - max);
    total += max + Math.log(sum) - logits.data[r * k + targets[r]];
  }
  return total / n; // the mean over the batch, as CrossEntropyLoss does
}

/**
 * The gradient of `crossEntropy(logits, targets)` with respect to the logits:
 *
 *     dlogits[n][k] = (softmax(logits[n])[k] - (k === targets[n] ? 1 : 0)) / N
 *
 * The softmax is computed stably (subtract the row's maximum before exp), and the division by N
 * comes from the mean over the batch. Each row sums to 0. Roughly 12 lines.
 *
 * @param logits  [N, K] raw scores, N >= 1
 * @param targets N class indices in 0..K-1
 * @returns a new [N, K] tensor of logits' float type; the arguments are left unchanged
 * @throws the same errors as `crossEntropy`, with messages that start `crossEntropyBackward:`
 *
 * @example
 * crossEntropyBackward(tensor([2, 3], [1000, 0, -1000, 0, 0, 0]), [1, 2])
 * // => [[0.5, -0.5, 0], [1/6, 1/6, -1/3]]
 */
export function crossEntropyBackward<D extends FloatArray>(logits: FloatTensor<D>, targets: ArrayLike<number>): FloatTensor<D> {
  checkLogits('crossEntropyBackward', logits, targets);
  const [n, k] = logits.shape;
  const grad = zerosLike(logits, [n, k]);
  for (let r = 0; r < n; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits.data[r * k + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits.data[r * k + j] - max);
    for (let j = 0; j < k; j++) {
      const p = Math.exp(logits.data[r * k + j] - max) / sum;
      grad.data[r * k + j] = (p - (j === targets[r] ? 1 : 0)) / n; // / N: the loss is a mean
    }
  }
  return grad;
}
