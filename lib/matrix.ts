/**
 * Small matrices as nested arrays (`number[][]`, row-major: `m[row][col]`), and the argument
 * checks the katas share. The checks throw errors that name the function and say what was
 * expected, in the style of tfjs-core's and PyTorch's messages:
 *
 *   conv2d: kernel must be a non-empty rectangular matrix (number[][]), but row 1 has 2 entries where row 0 has 3
 */

export type Matrix = number[][];

/** `[rows, cols]` of a matrix already known to be rectangular. */
export function shapeOf(m: Matrix): [number, number] {
  return [m.length, m.length === 0 ? 0 : m[0].length];
}

/** A new rows x cols matrix filled with `value`. */
export function filled(rows: number, cols: number, value = 0): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(value));
}

/** Formats a shape the way the messages print it: `3x5`. */
export function formatShape(shape: readonly number[]): string {
  return shape.join('x');
}

/**
 * Throws a TypeError unless `m` is a non-empty rectangular matrix of numbers.
 * NaN and ±Infinity are numbers and pass, as in PyTorch: they flow through the arithmetic.
 *
 * @param fn   the public function being called, e.g. `conv2d` (starts the message)
 * @param name the argument's name, e.g. `kernel`
 */
export function checkMatrix(fn: string, name: string, m: unknown): asserts m is Matrix {
  const fail = (problem: string): never => {
    throw new TypeError(`${fn}: ${name} must be a non-empty rectangular matrix (number[][]), but ${problem}`);
  };
  if (!Array.isArray(m)) return fail(`got ${describe(m)}`);
  if (m.length === 0) return fail('it has no rows');
  if (!Array.isArray(m[0])) return fail(`row 0 is ${describe(m[0])}`);
  const width = (m[0] as unknown[]).length;
  if (width === 0) return fail('row 0 is empty');
  for (let r = 0; r < m.length; r++) {
    const row: unknown = m[r];
    if (!Array.isArray(row)) return fail(`row ${r} is ${describe(row)}`);
    if (row.length !== width) return fail(`row ${r} has ${row.length} entries where row 0 has ${width}`);
    for (let c = 0; c < width; c++) {
      if (typeof row[c] !== 'number') return fail(`entry [${r}][${c}] is ${describe(row[c])}`);
    }
  }
}

/**
 * Throws a RangeError unless `value` is a whole number >= `min` (NaN, ±Infinity and
 * fractions are rejected: a stride of 1.5 or a padding of Infinity has no meaning).
 */
export function checkInteger(fn: string, name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const wanted = min === 0 ? 'a whole number >= 0' : min === 1 ? 'a positive whole number' : `a whole number >= ${min}`;
    throw new RangeError(`${fn}: ${name} must be ${wanted}, but got ${describe(value)}`);
  }
}

/** A short description of a value for an error message: `3`, `"3"`, `undefined`, `an object`. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return `a ${typeof value}`;
}
