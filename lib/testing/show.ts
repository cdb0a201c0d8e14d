/**
 * Values as a learner should see them in a failure message: numbers with NaN, Infinity and
 * -Infinity written as such (JSON.stringify writes `null` for all three), matrices as small
 * aligned grids, tensors `{ shape, data }` by shape and values, each under its parameter's name.
 */

/** One number: whole numbers as they are, others to 5 significant digits (2 decimals from 10,000 on); NaN, Infinity, -Infinity by name. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(n, -0)) return '-0';
  if (Number.isInteger(n) && Math.abs(n) < 1e10) return String(n);
  if (Math.abs(n) >= 1e4 && Math.abs(n) < 1e10) return String(Math.round(n * 100) / 100);
  const s = n.toPrecision(5);
  return s.includes('e') ? s : String(Number(s));
}

/**
 * Any value on one line, like JSON.stringify but with NaN, Infinity, -Infinity, undefined and
 * typed arrays written as such, and long arrays cut after `max` entries.
 *
 * @example
 * inline({ stride: NaN, data: [1, Infinity] }) // => '{ stride: NaN, data: [1, Infinity] }'
 */
export function inline(value: unknown, max = 12): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    const items = Array.from(value as ArrayLike<unknown>);
    const shown = items.slice(0, max).map((v) => inline(v, max));
    const prefix = Array.isArray(value) ? '' : `${value.constructor.name} `;
    return `${prefix}[${shown.join(', ')}${items.length > max ? `, ... (${items.length} in all)` : ''}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${k}: ${inline(v, max)}`).join(', ')} }`;
  }
  return String(value);
}

/** The shape of a rectangular nested array of numbers, or undefined when it is not one. */
function nestedShape(value: unknown): number[] | undefined {
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) return undefined;
  }
  const ok = (node: unknown, d: number): boolean =>
    d === shape.length ? typeof node === 'number' : Array.isArray(node) && node.length === shape[d] && node.every((x) => ok(x, d + 1));
  return shape.length > 0 && ok(value, 0) ? shape : undefined;
}

/** A matrix as aligned rows, at most `maxRows` x `maxCols` of it. */
function grid(m: readonly (readonly number[])[], maxRows = 10, maxCols = 10): string[] {
  const rows = m.slice(0, maxRows).map((row) => row.slice(0, maxCols).map(formatNumber));
  const width = Math.max(...rows.flat().map((s) => s.length));
  const lines = rows.map((row, i) => `  ${row.map((s) => s.padStart(width)).join('  ')}${m[i].length > maxCols ? '  ...' : ''}`);
  if (m.length > maxRows) lines.push(`  ... (${m.length} rows in all)`);
  return lines;
}

/** A nested array of numbers of rank >= 2: one grid per leading index (at most `maxSlices`). */
function grids(value: unknown, shape: readonly number[], maxSlices = 6): string[] {
  if (shape.length === 2) return grid(value as number[][]);
  const lines: string[] = [];
  const walk = (node: unknown, path: number[]): void => {
    if (lines.length > 0 && path.length === 0) return;
    if (path.length === shape.length - 2) {
      if (lines.filter((l) => l.startsWith('[')).length >= maxSlices) return;
      lines.push(`[${[...path, ':', ':'].join(', ')}]`, ...grid(node as number[][]));
      return;
    }
    (node as unknown[]).forEach((child, i) => walk(child, [...path, i]));
  };
  walk(value, []);
  const slices = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  if (slices > maxSlices) lines.push(`... (${slices} slices of ${shape.at(-2)}x${shape.at(-1)} in all)`);
  return lines;
}

/** `flat` (row-major) as nested arrays of `shape`. */
function nestFlat(shape: readonly number[], flat: ArrayLike<number>, offset = 0): unknown {
  if (shape.length === 0) return flat[offset];
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => nestFlat(shape.slice(1), flat, offset + i * inner));
}

/**
 * A value under its name, as lines: a number or option on one line (`padding = 1`), a vector
 * inline (`bias [3] = [1, 0.5, -2]`), a matrix or volume as grids (`input (3x4):` then the rows),
 * a tensor `{ shape, data }` by its shape and then its values the same way.
 *
 * @example
 * showValue('kernel', [[1, 0.5], [NaN, -2]])
 * // => ['kernel (2x2):', '    1  0.5', '  NaN   -2']
 */
export function showValue(label: string, value: unknown): string[] {
  if (value !== null && typeof value === 'object' && 'shape' in value && 'data' in value) {
    const { shape, data } = value as { shape: unknown; data: unknown };
    if (Array.isArray(shape) && ArrayBuffer.isView(data) && !(data instanceof DataView)) {
      const flat = data as unknown as ArrayLike<number>;
      const title = `${label}: Tensor of shape [${shape.join(', ')}]`;
      if (shape.length === 0) return [`${title} = ${formatNumber(flat[0])}`];
      if (flat.length === 0) return [`${title} (no values)`];
      if (shape.length === 1) return [`${title} = ${inline(flat, 16)}`];
      return [`${title}:`, ...grids(nestFlat(shape, flat), shape)];
    }
  }
  const shape = nestedShape(value);
  if (shape === undefined) return [`${label} = ${inline(value, 16)}`];
  if (shape.length === 1) return [`${label} [${shape[0]}] = ${inline(value, 16)}`];
  const title = shape.length === 2 ? `${label} (${shape.join('x')}):` : `${label} [${shape.join(', ')}]:`;
  return [title, ...grids(value, shape)];
}

/**
 * The stack frames of `stack` that are the project's own: no `node_modules` (fast-check, vitest),
 * no Node internals. The first line (the message) is left out.
 */
export function stackOutsideLibraries(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && !/node_modules|node:internal|\(native\)/.test(line))
    .join('\n');
}
