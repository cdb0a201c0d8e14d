/**
 * Comparing tensors with a stated tolerance, and explaining the difference the way a learner
 * needs it: the shapes, the first index that differs, and a small grid of both around it.
 *
 * A "tensor" here is a nested array of numbers of any depth (`number[][]` for a matrix), a typed
 * array, or an object `{ shape, data }` with a flat row-major `data`.
 */
import { formatNumber } from './show';

export interface Tolerance {
  /** Absolute tolerance. */
  atol: number;
  /** Relative tolerance: |received - expected| <= atol + rtol * |expected|. */
  rtol: number;
}

/** Exact up to float64 rounding: for the lessons' integer examples. */
export const EXACT: Tolerance = { atol: 1e-9, rtol: 1e-12 };
/** Against tfjs, which computes in float32. */
export const FLOAT32: Tolerance = { atol: 1e-4, rtol: 1e-4 };

export interface Flat {
  shape: number[];
  data: ArrayLike<number>;
}

/** Flattens a tensor-like value, or returns a sentence saying why it is not one. */
export function flatten(value: unknown): Flat | string {
  if (value && typeof value === 'object' && 'shape' in value && 'data' in value) {
    const { shape, data } = value as { shape: unknown; data: unknown };
    if (!Array.isArray(shape) || !(Array.isArray(data) || ArrayBuffer.isView(data))) return 'an object whose shape/data are not arrays';
    return { shape: [...shape], data: data as ArrayLike<number> };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const data = value as unknown as ArrayLike<number>;
    return { shape: [data.length], data };
  }
  if (!Array.isArray(value)) return `not an array (got ${value === null ? 'null' : typeof value})`;
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const data: number[] = [];
  const walk = (node: unknown, depth: number, path: number[]): string | undefined => {
    if (depth === shape.length) {
      if (typeof node !== 'number') return `entry [${path.join(', ')}] is ${Array.isArray(node) ? 'an array' : String(node)}, not a number`;
      data.push(node);
      return undefined;
    }
    if (!Array.isArray(node)) return `entry [${path.join(', ')}] is not an array`;
    if (node.length !== shape[depth]) {
      return `ragged: [${path.join(', ')}] has ${node.length} entries where [${path.map(() => 0).join(', ')}] has ${shape[depth]}`;
    }
    for (let i = 0; i < node.length; i++) {
      const problem = walk(node[i], depth + 1, [...path, i]);
      if (problem) return problem;
    }
    return undefined;
  };
  const problem = walk(value, 0, []);
  return problem ?? { shape, data };
}

export function sameNumber(received: number, expected: number, tol: Tolerance): boolean {
  if (Number.isNaN(expected) || Number.isNaN(received)) return Number.isNaN(expected) && Number.isNaN(received);
  if (received === expected) return true; // covers equal infinities
  return Math.abs(received - expected) <= tol.atol + tol.rtol * Math.abs(expected);
}

/** Index of the first element that differs, or -1. Shapes must already agree. */
export function firstDifference(received: Flat, expected: Flat, tol: Tolerance): number {
  for (let i = 0; i < expected.data.length; i++) {
    if (!sameNumber(received.data[i], expected.data[i], tol)) return i;
  }
  return -1;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

export function closeTo(received: unknown, expected: unknown, tol: Tolerance): boolean {
  const r = flatten(received);
  const e = flatten(expected);
  return typeof r !== 'string' && typeof e !== 'string' && sameShape(r.shape, e.shape) && firstDifference(r, e, tol) === -1;
}

/** `[i, j, ...]` of a flat row-major offset. */
export function unravel(offset: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = offset % shape[d];
    offset = Math.floor(offset / shape[d]);
  }
  return index;
}

const fmt = formatNumber;

/**
 * Draws the 2-D slice (the last two axes) of `t` that contains `at`, cut to a window of at most
 * `radius` cells around it, with the cell at `at` in brackets:
 *
 *   [0, :, :] rows 0-2, cols 0-2
 *     211 [295]  262
 *     259   282  214
 */
export function drawGrid(t: Flat, at: readonly number[], radius = 2): string[] {
  const rank = t.shape.length;
  if (rank === 0) return [`  ${fmt(t.data[0])}`];
  const rows = rank >= 2 ? t.shape[rank - 2] : 1;
  const cols = t.shape[rank - 1];
  const r = rank >= 2 ? at[rank - 2] : 0;
  const c = at[rank - 1];
  const lead = at.slice(0, Math.max(0, rank - 2));
  const strideRow = cols;
  const base = lead.reduce((acc, i, d) => acc * t.shape[d] + i, 0) * rows * cols;
  const r0 = Math.max(0, r - radius);
  const r1 = Math.min(rows - 1, r + radius);
  const c0 = Math.max(0, c - radius);
  const c1 = Math.min(cols - 1, c + radius);
  const cells: string[][] = [];
  for (let i = r0; i <= r1; i++) {
    const line: string[] = [];
    for (let j = c0; j <= c1; j++) line.push(fmt(t.data[base + i * strideRow + j]));
    cells.push(line);
  }
  const width = Math.max(...cells.flat().map((s) => s.length));
  const where =
    (rank > 2 ? `[${lead.join(', ')}, :, :] ` : '') +
    (rank >= 2 ? `rows ${r0}-${r1} of ${rows}, cols ${c0}-${c1} of ${cols}` : `entries ${c0}-${c1} of ${cols}`);
  return [
    where,
    ...cells.map((line, i) =>
      line.map((s, j) => (i + r0 === r && j + c0 === c ? `[${s.padStart(width)}]` : ` ${s.padStart(width)} `)).join(''),
    ),
  ];
}

/** Puts two blocks of lines side by side under their titles. */
export function sideBySide(leftTitle: string, left: string[], rightTitle: string, right: string[]): string {
  const width = Math.max(leftTitle.length, ...left.map((l) => l.length)) + 4;
  const lines = [`${leftTitle.padEnd(width)}${rightTitle}`];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    lines.push(`${(left[i] ?? '').padEnd(width)}${right[i] ?? ''}`);
  }
  return lines.map((l) => `  ${l}`.trimEnd()).join('\n');
}

/** Shape-and-values explanation of why `received` is not close to `expected`, or undefined if it is. */
export function explainDifference(received: unknown, expected: unknown, tol: Tolerance): string | undefined {
  const e = flatten(expected);
  if (typeof e === 'string') return `the expected value is not a tensor: ${e}`;
  const r = flatten(received);
  if (typeof r === 'string') return `expected a tensor of shape [${e.shape.join(', ')}], but received something that is ${r}`;
  if (!sameShape(r.shape, e.shape)) {
    return `expected shape [${e.shape.join(', ')}], but received shape [${r.shape.join(', ')}]`;
  }
  const at = firstDifference(r, e, tol);
  if (at < 0) return undefined;
  const index = unravel(at, e.shape);
  const x = r.data[at];
  const y = e.data[at];
  const diffs = Array.from({ length: e.data.length }, (_, i) => i).filter((i) => !sameNumber(r.data[i], e.data[i], tol)).length;
  return [
    `shape [${e.shape.join(', ')}] is right, but ${diffs} of ${e.data.length} values differ; ` +
      `the first is at [${index.join(', ')}]: expected ${fmt(y)}, received ${fmt(x)}`,
    `(tolerance: |received - expected| <= ${tol.atol} + ${tol.rtol} * |expected|)`,
    '',
    sideBySide('expected', drawGrid(e, index), 'received', drawGrid(r, index)),
  ].join('\n');
}
