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
