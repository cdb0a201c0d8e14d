/**
 * The figures of kata 07's lesson (tensors and layouts), drawn from the worked examples in
 * lib/testing/examples.ts.
 */
import { LAYOUT_EXAMPLE, STRIDES_EXAMPLE } from '../testing/examples';
import { CELL, COLORS, grid, svg, text, titleWidth } from './svg';

/** Light fills for the blocks of the first axis (or the channels), in order. */
const BLOCKS = ['#fbe3da', '#d6eaf3', '#fdf0d5', '#dcefe2'];

/** A row of memory cells filled by `fill(offset)`, the cell at `mark` outlined; with `offsets`, the offsets underneath. */
function memoryRow(values: number[], x: number, y: number, label: string, fill: (offset: number) => string, { mark, offsets = true }: { mark?: number; offsets?: boolean } = {}): string {
  return [
    grid([values], x, y, { label, fill: (_, c) => fill(c), outline: mark === undefined ? undefined : [0, mark, 1, 1] }),
    ...(offsets ? values.map((_, i) => text(x + i * CELL + CELL / 2, y + CELL + 14, String(i), { size: 10, anchor: 'middle', color: COLORS.muted })) : []),
  ].join('\n');
}

/** A curved arrow from cell `from` to cell `to` of a memory row at `y`, above it (height > 0) or below it (height < 0), labelled. */
function hop(x: number, y: number, from: number, to: number, height: number, label: string, color: string): string {
  const x1 = x + from * CELL + CELL / 2;
  const x2 = x + to * CELL + CELL / 2;
  const edge = height > 0 ? y - 2 : y + CELL + 2;
  const peak = edge - height;
  const tip = height > 0 ? `${x2},${edge + 1} ${x2 - 4},${edge - 9} ${x2 + 5},${edge - 7}` : `${x2},${edge - 1} ${x2 - 4},${edge + 9} ${x2 + 5},${edge + 7}`;
  return [
    `<path d="M ${x1} ${edge} Q ${(x1 + x2) / 2} ${peak} ${x2} ${edge}" fill="none" stroke="${color}" stroke-width="2"/>`,
    `<polygon points="${tip}" fill="${color}"/>`,
    text((x1 + x2) / 2, height > 0 ? edge - height / 2 - 6 : edge - height / 2 + 16, label, { size: 11, anchor: 'middle', color, bold: true }),
  ].join('\n');
}

/** The [2, 2, 3] tensor as two 2x3 matrices, then flat in memory, with the strides as hops. */
function stridesFigure(): string {
  const { nested, strides, index, offset } = STRIDES_EXAMPLE;
  const title = 'A [2, 2, 3] tensor, nested and flat: strides [6, 3, 1]';
  const left = 20;
  const top = 64;
  const [i0, i1, i2] = index;
  const grids = nested.map((m, k) =>
    grid(m, left + k * (3 * CELL + 40), top, {
      label: `t[${k}]`,
      fill: () => BLOCKS[k],
      outline: k === i0 ? [i1, i2, 1, 1] : undefined,
    }),
  );
  const memTop = top + 2 * CELL + 110;
  const flat = nested.flat(2);
  const hops = [
    hop(left, memTop, offset - strides[0], offset, 60, '+6 along axis 0', COLORS.window),
    hop(left, memTop, offset, offset + strides[1], -44, '+3 along axis 1', COLORS.output),
    hop(left, memTop, offset - strides[2], offset, -22, '+1', '#4f9d69'),
  ];
  const sum = `offsetOf([2, 2, 3], [${index.join(', ')}]) = ${index.map((v, d) => `${v}·${strides[d]}`).join(' + ')} = ${offset}`;
  const body = [
    text(left, 26, title, { size: 15, bold: true }),
    ...grids,
    memoryRow(flat, left, memTop, '', (o) => BLOCKS[Math.floor(o / strides[0])], { mark: offset, offsets: false }),
    text(left, memTop - 74, 'data: a Float32Array (each value here is its own offset)', { bold: true }),
    ...hops,
    text(left, memTop + CELL + 70, sum),
  ].join('\n');
  return svg(titleWidth(title, left + flat.length * CELL + 20), memTop + CELL + 90, title, body);
}

/** One image [1, 2, 2, 3]: its two channels, then its memory in NCHW order and in NHWC order. */
function layoutsFigure(): string {
  const { nchw, nhwc } = LAYOUT_EXAMPLE;
  const title = 'One image [N=1, C=2, H=2, W=3] in memory: NCHW (PyTorch) and NHWC (tfjs)';
  const left = 20;
  const top = 64;
  const channel = (v: number) => Math.floor(v / 6); // the value is the NCHW offset
  const channels = [0, 1].map((c) =>
    grid(
      [nchw.slice(c * 6, c * 6 + 3), nchw.slice(c * 6 + 3, c * 6 + 6)],
      left + c * (3 * CELL + 40),
      top,
      { label: `channel ${c}`, fill: () => BLOCKS[c] },
    ),
  );
  const row1 = top + 2 * CELL + 50;
  const row2 = row1 + CELL + 62;
  const body = [
    text(left, 26, title, { size: 15, bold: true }),
    ...channels,
    memoryRow(nchw, left, row1, 'NCHW [1, 2, 2, 3]: channel 0, then channel 1', (o) => BLOCKS[channel(nchw[o])]),
    memoryRow(nhwc, left, row2, 'NHWC [1, 2, 3, 2]: the 2 channels of each pixel together', (o) => BLOCKS[channel(nhwc[o])]),
    text(left, row2 + CELL + 44, 'nchwToNhwc(x) = permute(x, [0, 2, 3, 1]);  nhwcToNchw(y) = permute(y, [0, 3, 1, 2])'),
  ].join('\n');
  return svg(titleWidth(title, left + nchw.length * CELL + 20), row2 + CELL + 64, title, body);
}

export const tensorFigures = (): Record<string, string> => ({
  '07-strides.svg': stridesFigure(),
  '07-layouts.svg': layoutsFigure(),
});
