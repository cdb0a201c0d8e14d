/**
 * A flat tensor: a shape and a row-major `Float32Array`, the form gpu.js and tfjs take.
 * From kata 07 on, katas work on these (NCHW for images, [N, features] for layers).
 */

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Number of elements of a shape (1 for the scalar shape []). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A tensor of the given shape, zero-filled or holding a copy of `data`.
 * Throws a RangeError when the shape is not made of whole numbers >= 0, or when `data` has the
 * wrong length for it.
 */
export function tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor {
  if (!Array.isArray(shape) || shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new RangeError(`tensor: shape must be an array of whole numbers >= 0, but got [${String(shape)}]`);
  }
  const size = sizeOf(shape);
  if (data !== undefined && data.length !== size) {
    throw new RangeError(`tensor: shape [${shape.join(', ')}] holds ${size} values, but data has ${data.length}`);
  }
  return { shape: [...shape], data: data === undefined ? new Float32Array(size) : Float32Array.from(data) };
}

/** Throws a TypeError unless `t` is a tensor whose data length matches its shape, of `rank` when given. */
export function checkTensor(fn: string, name: string, t: unknown, rank?: number, layout = ''): asserts t is Tensor {
  const ok =
    t !== null &&
    typeof t === 'object' &&
    Array.isArray((t as Tensor).shape) &&
    (t as Tensor).data instanceof Float32Array &&
    (t as Tensor).data.length === sizeOf((t as Tensor).shape);
  if (!ok) throw new TypeError(`${fn}: ${name} must be a Tensor { shape, data: Float32Array } whose data length matches its shape`);
  if (rank !== undefined && (t as Tensor).shape.length !== rank) {
    throw new TypeError(
      `${fn}: ${name} must be a rank-${rank}${layout ? ` ${layout}` : ''} tensor, but got shape [${(t as Tensor).shape.join(', ')}]`,
    );
  }
}

/**
 * The two float storages the backward katas (13, 14) accept: `Float32Array` to train, and
 * `Float64Array` so that a gradient check can hold them to 1e-7 (float32 only carries about 7
 * significant digits, so a float32 gradient could not be told apart from a slightly wrong one).
 */
export type FloatArray = Float32Array | Float64Array;

/**
 * A tensor whose data is a `Float32Array` or a `Float64Array`. Every `Tensor` is a
 * `FloatTensor<Float32Array>`; a function generic over `D` returns the kind it was given.
 */
export interface FloatTensor<D extends FloatArray = FloatArray> {
  readonly shape: readonly number[];
  readonly data: D;
}

/**
 * A zero-filled tensor of `shape` with the same kind of data as `like` (Float32Array or
 * Float64Array): how a backward function makes its results, so float64 in gives float64 out.
 *
 * @example
 * zerosLike(dy, [2, 3]) // => { shape: [2, 3], data: Float64Array(6) } when dy.data is a Float64Array
 */
export function zerosLike<D extends FloatArray>(like: FloatTensor<D>, shape: readonly number[]): FloatTensor<D> {
  const size = sizeOf(shape);
  const data = (like.data instanceof Float64Array ? new Float64Array(size) : new Float32Array(size)) as D;
  return { shape: [...shape], data };
}

/**
 * Throws a TypeError unless `t` is a tensor of Float32Array or Float64Array data whose length
 * matches its shape, of `rank` when given (`layout` names the axes in the message), and, when
 * `like` is given, of the same float kind as `like` (a float32 gradient meeting float64
 * activations is a mistake, not a conversion to make silently).
 */
export function checkFloatTensor(fn: string, name: string, t: unknown, rank?: number, layout = '', like?: { name: string; tensor: FloatTensor }): asserts t is FloatTensor {
  const data = t !== null && typeof t === 'object' ? (t as FloatTensor).data : undefined;
  const ok =
    Array.isArray((t as FloatTensor | undefined)?.shape) &&
    (data instanceof Float32Array || data instanceof Float64Array) &&
    data.length === sizeOf((t as FloatTensor).shape);
  if (!ok) {
    throw new TypeError(`${fn}: ${name} must be a Tensor { shape, data: Float32Array or Float64Array } whose data length matches its shape`);
  }
  const shape = (t as FloatTensor).shape;
  if (rank !== undefined && shape.length !== rank) {
    throw new TypeError(`${fn}: ${name} must be a rank-${rank}${layout ? ` ${layout}` : ''} tensor, but got shape [${shape.join(', ')}]`);
  }
  if (like && like.tensor.data.constructor !== data.constructor) {
    throw new TypeError(
      `${fn}: ${name} holds a ${data.constructor.name} but ${like.name} holds a ${like.tensor.data.constructor.name}; ` +
        'give every tensor of one call the same float type',
    );
  }
}
