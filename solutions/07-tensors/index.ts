/**
 * Kata 07: tensors and layouts.
 * Lesson: docs/07-tensors.md
 *
 * A Tensor (lib/tensor.ts) is a shape plus a flat, row-major Float32Array: the form tfjs and
 * gpu.js take. PyTorch keeps images as NCHW [N, C, H, W] and weights as OIHW [M, C, kH, kW];
 * tfjs wants NHWC [N, H, W, C] and HWIO [kH, kW, C, M]. Between the two there are only transposes.
 */
import { describe } from '../../lib/matrix';
import { checkNested } from '../../lib/nested';
import { checkTensor, sizeOf, tensor, type Tensor } from '../../lib/tensor';
import { todo } from '../../lib/todo';

/** A number, or an array of them, or an array of those, ...: what `toNested` returns. */
export type Nested = number | Nested[];

/**
 * Checks a shape: an array of whole numbers >= 0 (`[]` is the shape of a scalar).
 *
 * @param fn   the public function being called (starts the message)
 * @param name the argument's name, e.g. `shape`
 * @throws TypeError  when `shape` is not an array
 * @throws RangeError when an entry is not a whole number >= 0 (the message gives the entry and its position)
 *
 * @example
 * checkShape('stridesOf', 'shape', [2, -3]) // throws RangeError: stridesOf: shape[1] must be a whole number >= 0, but got -3 (shape [2, -3])
 */
function checkShape(fn: string, name: string, shape: unknown): asserts shape is number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${fn}: ${name} must be an array of sizes, but got ${describe(shape)}`);
  shape.forEach((n: unknown, d) => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new RangeError(`${fn}: ${name}[${d}] must be a whole number >= 0, but got ${describe(n)} (${name} [${shape.join(', ')}])`);
    }
  });
}

/**
 * The row-major strides of a shape, PyTorch's `Tensor.stride()` for a contiguous tensor: how far
 * apart, in the flat data, two elements are whose index differs by 1 along each axis. The last
 * axis has stride 1; each earlier axis's stride is the product of all the sizes after it, where,
 * as in PyTorch, a size 0 counts as 1 (such a tensor holds no values, and its strides stay the
 * ones a size 1 would give: `torch.empty(2, 0, 3).stride()` is `(3, 3, 1)`).
 *
 * @param shape whole numbers >= 0, e.g. [N, C, H, W]
 * @returns a new array of shape.length strides: [C*H*W, H*W, W, 1] for [N, C, H, W]; [] for [];
 *          [3, 3, 1] for [2, 0, 3]
 * @throws TypeError  when `shape` is not an array
 * @throws RangeError when a size is not a whole number >= 0 (the message gives it and its position)
 *
 * @example
 * stridesOf([2, 3, 4])        // => [12, 4, 1]
 * stridesOf([64, 1, 28, 28])  // => [784, 784, 28, 1]
 * stridesOf([0, 4])           // => [4, 1]  (as torch.empty(0, 4).stride())
 */
export function stridesOf(shape: readonly number[]): number[] {
  checkShape('stridesOf', 'shape', shape);
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= Math.max(shape[d], 1); // PyTorch: a size-0 axis counts as 1
  }
  return strides;
}

/**
 * Where the element at `index` sits in a row-major tensor of `shape`:
 * the sum over d of index[d] * stridesOf(shape)[d].
 *
 * @param shape whole numbers >= 0
 * @param index one whole number per axis, 0 <= index[d] < shape[d] (no negative indexing)
 * @returns the offset into the flat data, in 0..sizeOf(shape)-1
 * @throws TypeError  when `shape` or `index` is not an array
 * @throws RangeError when a size is invalid; when `index` has a different number of entries than
 *                    `shape` has axes (the message gives both); when an entry is out of bounds, in
 *                    PyTorch's words: `index 3 is out of bounds for axis 1 with size 3`
 *
 * @example
 * offsetOf([2, 3, 4], [1, 0, 2]) // => 14  (1 * 12 + 0 * 4 + 2 * 1)
 */
export function offsetOf(shape: readonly number[], index: readonly number[]): number {
  checkShape('offsetOf', 'shape', shape);
  if (!Array.isArray(index)) throw new TypeError(`offsetOf: index must be an array of whole numbers, but got ${describe(index)}`);
  if (index.length !== shape.length) {
    throw new RangeError(
      `offsetOf: index [${index.join(', ')}] has ${index.length} entries, but shape [${shape.join(', ')}] has ${shape.length} axes; give one index per axis`,
    );
  }
  const strides = stridesOf(shape);
  let offset = 0;
  for (let d = 0; d < shape.length; d++) {
    const i = index[d];
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= shape[d]) {
      throw new RangeError(
        `offsetOf: index ${describe(i)} is out of bounds for axis ${d} with size ${shape[d]} (index [${index.join(', ')}], shape [${shape.join(', ')}]); ` +
          `it must be a whole number from 0 to ${shape[d] - 1}`,
      );
    }
    offset += i * strides[d];
  }
  return offset;
}

/**
 * A tensor from nested arrays, like `torch.tensor([[1, 2, 3], [4, 5, 6]])`: the shape is the
 * length at each level of nesting, the data the numbers in reading order (row-major). Values are
 * stored as float32, so 0.1 becomes 0.10000000149011612. A plain number gives a scalar (shape []).
 *
 * @param nested a number, or a non-empty rectangular nested array of numbers (NaN and Infinity are numbers)
 * @returns a new Tensor; `nested` is left unchanged
 * @throws TypeError when `nested` is not a number or an array; when it is ragged, has an empty
 *                   axis (`[]`, `[[]]`) or holds something that is not a number (checkNested from
 *                   lib/nested says where: `[1] has 2 entries where [0] has 3`)
 *
 * @example
 * fromNested([[1, 2, 3], [4, 5, 6]]) // => { shape: [2, 3], data: Float32Array [1, 2, 3, 4, 5, 6] }
 * fromNested(7)                      // => { shape: [], data: Float32Array [7] }
 */
export function fromNested(nested: unknown): Tensor {
  if (typeof nested === 'number') return tensor([], [nested]);
  if (!Array.isArray(nested)) {
    throw new TypeError(`fromNested: expected a number or a nested array of numbers, but got ${describe(nested)}`);
  }
  let rank = 0;
  for (let level: unknown = nested; Array.isArray(level); level = level[0]) rank++;
  const shape = checkNested('fromNested', 'nested', nested, rank);
  return tensor(shape, (nested as unknown[]).flat(rank - 1) as number[]);
}

/**
 * The nested arrays of a tensor, like PyTorch's `Tensor.tolist()`: `t.shape[0]` entries at the top
 * level, each with `t.shape[1]` entries, and so on; a scalar (shape []) gives a plain number.
 *
 * @param t a Tensor of any rank
 * @returns new nested arrays (numbers read from the float32 data); `t` is left unchanged
 * @throws TypeError when `t` is not a Tensor whose data length matches its shape
 *
 * @example
 * toNested(tensor([2, 3], [1, 2, 3, 4, 5, 6])) // => [[1, 2, 3], [4, 5, 6]]
 * toNested(tensor([], [7]))                   // => 7
 */
export function toNested(t: Tensor): Nested {
  checkTensor('toNested', 't', t);
  const strides = stridesOf(t.shape);
  const build = (d: number, offset: number): Nested =>
    d === t.shape.length ? t.data[offset] : Array.from({ length: t.shape[d] }, (_, i) => build(d + 1, offset + i * strides[d]));
  return build(0, 0);
}

/**
 * The same values in the same (row-major) order under another shape, like PyTorch's
 * `x.reshape(...)` / `x.view(...)`: no value moves. One size may be -1, meaning "whatever is
 * left": `reshape(t, [N, -1])` of a [N, C, H, W] tensor is [N, C*H*W].
 *
 * @param t     a Tensor
 * @param shape the new sizes: whole numbers >= 0, and at most one -1
 * @returns a new Tensor with the new shape and a copy of the data; `t` is left unchanged
 * @throws TypeError  when `t` is not a Tensor or `shape` not an array
 * @throws RangeError when a size is not a whole number >= 0 or -1; when there is more than one -1
 *                    (`only one dimension can be inferred`); when the sizes cannot hold exactly
 *                    the tensor's values, in PyTorch's words: `shape '[2, 5]' is invalid for input of size 12`
 *
 * @example
 * reshape(tensor([2, 3], [1, 2, 3, 4, 5, 6]), [3, -1]) // => { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }
 */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 't', t);
  if (!Array.isArray(shape)) throw new TypeError(`reshape: shape must be an array of sizes, but got ${describe(shape)}`);
  const shown = `[${shape.join(', ')}]`;
  shape.forEach((n: unknown, d) => {
    if (n !== -1 && (typeof n !== 'number' || !Number.isInteger(n) || n < 0)) {
      throw new RangeError(`reshape: shape[${d}] must be a whole number >= 0 or -1, but got ${describe(n)} (shape ${shown})`);
    }
  });
  const inferred = shape.filter((n) => n === -1).length;
  if (inferred > 1) throw new RangeError(`reshape: only one dimension can be inferred, but shape ${shown} has ${inferred} entries of -1`);
  const size = t.data.length;
  const known = sizeOf(shape.filter((n) => n !== -1));
  const invalid = () => new RangeError(`reshape: shape '${shown}' is invalid for input of size ${size} (shape [${t.shape.join(', ')}])`);
  if (inferred === 1) {
    if (known === 0) {
      throw new RangeError(`reshape: cannot reshape a tensor of ${size} elements into shape ${shown}: the -1 could be any size next to a 0`);
    }
    if (size % known !== 0) throw invalid();
    return tensor(
      shape.map((n) => (n === -1 ? size / known : n)),
      t.data,
    );
  }
  if (known !== size) throw invalid();
  return tensor(shape, t.data);
}

/**
 * The axes of a tensor in another order, like PyTorch's `x.permute(dims)` or tfjs's
 * `tf.transpose(x, dims)`: axis d of the result is axis dims[d] of `t`, so
 *
 *     result.shape[d] = t.shape[dims[d]]      result[i0, i1, ...] = t[j] where j[dims[d]] = i_d
 *
 * Unlike PyTorch's permute (a view with new strides), the result is contiguous: its data is
 * rewritten in its own row-major order.
 *
 * @param t    a Tensor of rank r
 * @param dims each of 0..r-1 exactly once
 * @returns a new Tensor; `t` is left unchanged
 * @throws TypeError  when `t` is not a Tensor or `dims` not an array
 * @throws RangeError when `dims` does not have r entries, or is not a permutation of 0..r-1 (the
 *                    message gives dims and says which axis is repeated or out of range)
 *
 * @example
 * permute(tensor([2, 3], [1, 2, 3, 4, 5, 6]), [1, 0]) // => { shape: [3, 2], data: [1, 4, 2, 5, 3, 6] }
 */
export function permute(t: Tensor, dims: readonly number[]): Tensor {
  checkTensor('permute', 't', t);
  if (!Array.isArray(dims)) throw new TypeError(`permute: dims must be an array of axes, but got ${describe(dims)}`);
  const rank = t.shape.length;
  const shown = `[${dims.join(', ')}]`;
  if (dims.length !== rank) {
    throw new RangeError(`permute: dims ${shown} has ${dims.length} entries, but the tensor has ${rank} axes (shape [${t.shape.join(', ')}])`);
  }
  const seen = new Set<number>();
  for (const d of dims) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d >= rank) {
      throw new RangeError(`permute: dims ${shown} names axis ${describe(d)}, but the axes are 0..${rank - 1}`);
    }
    if (seen.has(d)) throw new RangeError(`permute: dims ${shown} repeats axis ${d}; it must list each axis 0..${rank - 1} once`);
    seen.add(d);
  }
  const inStrides = stridesOf(t.shape);
  const outShape = dims.map((d) => t.shape[d]);
  const step = dims.map((d) => inStrides[d]); // how far the input offset moves per step along each output axis
  const out = tensor(outShape);
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let to = 0; to < out.data.length; to++) {
    out.data[to] = t.data[from];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      from += step[d];
      if (index[d] < outShape[d]) break;
      from -= index[d] * step[d];
      index[d] = 0;
    }
  }
  return out;
}

/**
 * PyTorch's image layout to tfjs's: [N, C, H, W] -> [N, H, W, C], i.e. permute(x, [0, 2, 3, 1]).
 * out[n][h][w][c] = x[n][c][h][w]: in memory, the C values of each pixel end up side by side.
 *
 * @param x [N, C, H, W]
 * @returns a new [N, H, W, C] Tensor; `x` is left unchanged
 * @throws TypeError when `x` is not a rank-4 Tensor (the message gives its shape)
 *
 * @example
 * nchwToNhwc(tensor([1, 2, 1, 2], [1, 2, 3, 4])) // => { shape: [1, 1, 2, 2], data: [1, 3, 2, 4] }
 */
export function nchwToNhwc(x: Tensor): Tensor {
  checkTensor('nchwToNhwc', 'x', x, 4, '[N, C, H, W]');
  return permute(x, [0, 2, 3, 1]);
}

/**
 * tfjs's image layout back to PyTorch's: [N, H, W, C] -> [N, C, H, W], i.e. permute(x, [0, 3, 1, 2]),
 * the inverse of nchwToNhwc (NOT the same permutation again).
 *
 * @param x [N, H, W, C]
 * @returns a new [N, C, H, W] Tensor; `x` is left unchanged
 * @throws TypeError when `x` is not a rank-4 Tensor (the message gives its shape)
 *
 * @example
 * nhwcToNchw(tensor([1, 1, 2, 2], [1, 3, 2, 4])) // => { shape: [1, 2, 1, 2], data: [1, 2, 3, 4] }
 */
export function nhwcToNchw(x: Tensor): Tensor {
  checkTensor('nhwcToNchw', 'x', x, 4, '[N, H, W, C]');
  return permute(x, [0, 3, 1, 2]);
}

/**
 * PyTorch's Conv2d weight to a tfjs conv2d filter: OIHW [M, C, kH, kW] -> HWIO [kH, kW, C, M],
 * i.e. permute(weight, [2, 3, 1, 0]). out[u][v][c][m] = weight[m][c][u][v].
 *
 * @param weight [M, C, kH, kW]: M kernels of C channels each
 * @returns a new [kH, kW, C, M] Tensor; `weight` is left unchanged
 * @throws TypeError when `weight` is not a rank-4 Tensor (the message gives its shape)
 *
 * @example
 * oihwToHwio(tensor([2, 1, 1, 2], [1, 2, 3, 4])) // => { shape: [1, 2, 1, 2], data: [1, 3, 2, 4] }
 */
export function oihwToHwio(weight: Tensor): Tensor {
  checkTensor('oihwToHwio', 'weight', weight, 4, '[M, C, kH, kW]');
  return permute(weight, [2, 3, 1, 0]);
}
