/**
 * The figures of kata 06's lesson (max pooling), drawn from the worked examples in
 * lib/testing/examples.ts.
 */
import { POOL_INPUT, POOL_NEGATIVE, POOL_NEGATIVE_OUTPUT, POOL_OUTPUT, POOL_SECOND_CHANNEL, POOL_SECOND_OUTPUT } from '../testing/examples';
import { CELL, COLORS, grid, svg, text, titleWidth } from './svg';

/** One stroke colour and one light fill per window, for up to four windows. */
const WINDOWS = [
  { stroke: COLORS.window, fill: '#fbe3da' },
  { stroke: COLORS.output, fill: '#d6eaf3' },
  { stroke: COLORS.kernel, fill: '#fdf0d5' },
  { stroke: '#4f9d69', fill: '#dcefe2' },
];

const rect = (x: number, y: number, w: number, h: number, stroke: string, width = 3) =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${stroke}" stroke-width="${width}"/>`;

/** The cells (row, col) of window (i, j) of a k x k pooling with stride s, before padding is removed. */
const windowOf = (i: number, j: number, k: number, s: number) => ({ r0: i * s, c0: j * s, r1: i * s + k, c1: j * s + k });

/**
 * An input pooled with non-overlapping k x k windows (stride k, no padding): each window in its
 * own colour, its winner circled, and the output cells in the same colours.
 */
function pooledGrids(input: number[][], output: number[][], k: number, x: number, y: number, labels: [string, string]): string {
  const colour = (r: number, c: number) => WINDOWS[(Math.floor(r / k) * output[0].length + Math.floor(c / k)) % WINDOWS.length];
  const parts = [grid(input, x, y, { label: labels[0], fill: (r, c) => colour(r, c).fill })];
  output.forEach((row, i) =>
    row.forEach((best, j) => {
      const { r0, c0 } = windowOf(i, j, k, k);
      const w = WINDOWS[(i * row.length + j) % WINDOWS.length];
      parts.push(rect(x + c0 * CELL, y + r0 * CELL, k * CELL, k * CELL, w.stroke));
      // circle the first cell of the window that holds the maximum
      let at: [number, number] = [r0, c0];
      for (let r = r0; r < r0 + k; r++) for (let c = c0; c < c0 + k; c++) if (input[r][c] > input[at[0]][at[1]]) at = [r, c];
      parts.push(
        `<circle cx="${x + at[1] * CELL + CELL / 2}" cy="${y + at[0] * CELL + CELL / 2}" r="${CELL / 2 - 5}" fill="none" stroke="${w.stroke}" stroke-width="2"/>`,
      );
    }),
  );
  const ox = x + input[0].length * CELL + 70;
  const oy = y + ((input.length - output.length) * CELL) / 2;
  parts.push(text(x + input[0].length * CELL + 35, y + (input.length * CELL) / 2 + 6, '→', { size: 22, anchor: 'middle' }));
  parts.push(grid(output, ox, oy, { label: labels[1], fill: (r, c) => WINDOWS[(r * output[0].length + c) % WINDOWS.length].fill }));
  output.forEach((row, i) =>
    row.forEach((_, j) => parts.push(rect(ox + j * CELL, oy + i * CELL, CELL, CELL, WINDOWS[(i * row.length + j) % WINDOWS.length].stroke, 2))),
  );
  return parts.join('\n');
}

/** Figure 1: the four 2x2 windows of the 4x4 example and the 2x2 result, with each max written out. */
function maxPoolingFigure(): string {
  const title = 'MaxPool2d(2): each 2x2 window keeps its largest value; 4x4 becomes 2x2';
  const top = 60;
  const left = 20;
  const k = 2;
  const lines = POOL_OUTPUT.flatMap((row, i) =>
    row.map((best, j) => {
      const { r0, c0, r1, c1 } = windowOf(i, j, k, k);
      const values = POOL_INPUT.slice(r0, r1).flatMap((r) => r.slice(c0, c1));
      return { s: `output[${i}][${j}] = max(${values.join(', ')}) = ${best}`, colour: WINDOWS[i * row.length + j].stroke };
    }),
  );
  const y0 = top + POOL_INPUT.length * CELL + 34;
  const body = [
    text(left, 26, title, { size: 15, bold: true }),
    pooledGrids(POOL_INPUT, POOL_OUTPUT, k, left, top, ['input [1, 1, 4, 4]', 'output [1, 1, 2, 2]']),
    ...lines.map((l, n) => text(left, y0 + n * 20, l.s, { color: l.colour, bold: true })),
  ].join('\n');
  return svg(titleWidth(title, 460), y0 + lines.length * 20 + 10, title, body);
}

/** Figure 2: two channels, each pooled on its own; the channel count does not change. */
function channelsFigure(): string {
  const title = 'Each channel is pooled on its own: [1, 2, 4, 4] becomes [1, 2, 2, 2]';
  const left = 20;
  const top = 60;
  const gap = POOL_INPUT.length * CELL + 50;
  const notes = left + POOL_INPUT[0].length * CELL + 70 + 2 * CELL + 24;
  const body = [
    text(left, 26, title, { size: 15, bold: true }),
    pooledGrids(POOL_INPUT, POOL_OUTPUT, 2, left, top, ['channel 0', 'channel 0']),
    pooledGrids(POOL_SECOND_CHANNEL, POOL_SECOND_OUTPUT, 2, left, top + gap, ['channel 1', 'channel 1']),
    text(notes, top + 2 * CELL - 8, 'output[0][0] = pool(input[0][0])', { color: COLORS.muted }),
    text(notes, top + gap + 2 * CELL - 8, 'output[0][1] = pool(input[0][1])', { color: COLORS.muted }),
    text(notes, top + gap - 12, 'no max across channels', { color: COLORS.muted }),
  ].join('\n');
  return svg(titleWidth(title, notes + 280), top + gap + POOL_INPUT.length * CELL + 20, title, body);
}

/** Cells drawn from strings (for -∞), shaded where `isPadding`. */
function labelGrid(m: string[][], x: number, y: number, isPadding: (r: number, c: number) => boolean, label: string): string {
  const parts = [text(x, y - 8, label, { bold: true })];
  m.forEach((row, r) =>
    row.forEach((s, c) => {
      const pad = isPadding(r, c);
      parts.push(`<rect x="${x + c * CELL}" y="${y + r * CELL}" width="${CELL}" height="${CELL}" fill="${pad ? COLORS.padding : '#ffffff'}" stroke="#bbbbbb"/>`);
      parts.push(text(x + c * CELL + CELL / 2, y + r * CELL + CELL / 2 + 4, s, { anchor: 'middle', color: pad ? COLORS.muted : COLORS.text }));
    }),
  );
  return parts.join('\n');
}

/** Figure 3: padding 1 around an all-negative input is -Infinity, so the corner window's max is -1, not 0. */
function paddingFigure(): string {
  const title = 'MaxPool2d(3, stride=1, padding=1): padded cells are -∞ and never win';
  const left = 20;
  const top = 60;
  const p = 1;
  const size = POOL_NEGATIVE.length + 2 * p;
  const cells = Array.from({ length: size }, (_, r) =>
    Array.from({ length: size }, (_, c) => {
      const inside = r >= p && c >= p && r < size - p && c < size - p;
      return inside ? String(POOL_NEGATIVE[r - p][c - p]) : '-∞';
    }),
  );
  const isPadding = (r: number, c: number) => r < p || c < p || r >= size - p || c >= size - p;
  const corner = cells.slice(0, 3).flatMap((row) => row.slice(0, 3));
  const ox = left + size * CELL + 70;
  const oy = top + CELL;
  const body = [
    text(left, 26, title, { size: 15, bold: true }),
    labelGrid(cells, left, top, isPadding, 'input, padding 1'),
    rect(left, top, 3 * CELL, 3 * CELL, COLORS.window),
    text(left + size * CELL + 35, top + (size * CELL) / 2 + 6, '→', { size: 22, anchor: 'middle' }),
    grid(POOL_NEGATIVE_OUTPUT, ox, oy, { label: 'output', outline: [0, 0, 1, 1], fill: (r, c) => (r === 0 && c === 0 ? '#fbe3da' : undefined) }),
    text(left, top + size * CELL + 30, `output[0][0] = max(${corner.join(', ')}) = ${POOL_NEGATIVE_OUTPUT[0][0]}`, { color: COLORS.window, bold: true }),
    text(left, top + size * CELL + 50, 'zero padding would give 0 here: a value that is not in the input', { color: COLORS.muted }),
  ].join('\n');
  return svg(titleWidth(title, 560), top + size * CELL + 66, title, body);
}

export const poolingFigures = (): Record<string, string> => ({
  '06-max-pooling.svg': maxPoolingFigure(),
  '06-channels.svg': channelsFigure(),
  '06-padding.svg': paddingFigure(),
});
