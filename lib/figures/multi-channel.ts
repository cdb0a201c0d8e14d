/** The figures of kata 04's lesson, drawn from the worked example's numbers in lib/reference/multi-channel.ts. */
import { RGB_INPUT, RGB_KERNEL, RGB_OUTPUT, RGB_PER_CHANNEL } from '../testing/examples';
import { CELL, COLORS, fmt, grid, svg, text, titleWidth } from './svg';

/** Light fills for the channels of an RGB image. */
export const CHANNEL_TINTS = ['#fde2e1', '#e2f3df', '#e0ebf8'];
const CHANNEL_NAMES = ['red', 'green', 'blue'];

/** Offset of each sheet behind the front one in a stack. */
export const SHEET_OFFSET = 14;

export interface StackOptions {
  /** Fill of sheet c (the front sheet is c = 0). */
  tint?: (c: number) => string;
  /** A rectangle to outline on the front sheet: [row, col, rows, cols]. */
  outline?: [number, number, number, number];
  outlineColor?: string;
  label?: string;
}

/**
 * A [C, H, W] volume as a stack of sheets: channel 0 in front with its numbers at (x, y), each
 * later channel behind it, up and to the right by SHEET_OFFSET. Returns SVG elements.
 */
export function stack(volume: number[][][], x: number, y: number, options: StackOptions = {}): string {
  const parts: string[] = [];
  const h = volume[0].length * CELL;
  const w = volume[0][0].length * CELL;
  for (let c = volume.length - 1; c >= 1; c--) {
    const dx = x + c * SHEET_OFFSET;
    const dy = y - c * SHEET_OFFSET;
    parts.push(`<rect x="${dx}" y="${dy}" width="${w}" height="${h}" fill="${options.tint?.(c) ?? '#ffffff'}" stroke="#999999"/>`);
  }
  parts.push(
    grid(volume[0], x, y, { fill: () => options.tint?.(0), outline: options.outline, outlineColor: options.outlineColor }),
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="#999999"/>`,
  );
  if (options.label) parts.push(text(x, y - (volume.length - 1) * SHEET_OFFSET - 10, options.label, { bold: true }));
  return parts.join('\n');
}

/** `input · kernel` terms of the window at (i, j), no padding, stride 1, as the lesson writes them. */
export function windowSum(input: number[][], kernel: number[][], i: number, j: number): string {
  const terms: string[] = [];
  const num = (n: number) => (n < 0 ? `(${fmt(n)})` : fmt(n));
  kernel.forEach((row, u) => row.forEach((k, v) => terms.push(`${num(input[i + u][j + v])}·${num(k)}`)));
  return terms.join(' + ');
}


/** Each channel with its kernel slice and its own result, then the sum of the results: the one output. */
function channelsFigure(): string {
  const title = 'A 3-channel input and a 3-channel kernel: convolve channel by channel, then add';
  const top = 70;
  const rowH = 4 * CELL + 46;
  const left = 20;
  const kx = left + 4 * CELL + 56;
  const px = kx + 3 * CELL + 56;
  const ox = px + 2 * CELL + 110;
  const body: string[] = [text(left, 28, title, { size: 15, bold: true })];
  RGB_INPUT.forEach((channel, c) => {
    const y = top + c * rowH;
    const tint = () => CHANNEL_TINTS[c];
    body.push(
      grid(channel, left, y, { label: `input[${c}] (${CHANNEL_NAMES[c]})`, fill: tint, outline: [0, 0, 3, 3] }),
      text(kx - 30, y + 1.5 * CELL + 6, '×', { size: 20 }),
      grid(RGB_KERNEL[c], kx, y, { label: `kernel[${c}]`, fill: () => '#fdf0d5', outline: [0, 0, 3, 3], outlineColor: COLORS.kernel }),
      text(px - 32, y + 1.5 * CELL + 6, '=', { size: 20 }),
      grid(RGB_PER_CHANNEL[c], px, y + CELL / 2, {
        label: `channel ${c}`,
        fill: (r, k) => (r === 0 && k === 0 ? '#d6eaf3' : tint()),
        outline: [0, 0, 1, 1],
        outlineColor: COLORS.output,
      }),
    );
    if (c > 0) body.push(text(px + CELL, y - 14, '+', { size: 22, anchor: 'middle', bold: true }));
  });
  // a bracket gathering the three results, then "=" and the one output
  const bx = px + 2 * CELL + 18;
  const by0 = top + CELL / 2;
  const by1 = top + 2 * rowH + CELL / 2 + 2 * CELL;
  const oy = (by0 + by1) / 2 - CELL;
  body.push(
    `<path d="M ${bx} ${by0} h 10 V ${by1} h -10" fill="none" stroke="${COLORS.muted}" stroke-width="2"/>`,
    text(bx + 36, oy + CELL + 7, '=', { size: 22, bold: true }),
    grid(RGB_OUTPUT, ox, oy, {
      label: 'output: ONE channel',
      outline: [0, 0, 1, 1],
      outlineColor: COLORS.output,
      fill: (r, k) => (r === 0 && k === 0 ? '#d6eaf3' : undefined),
    }),
  );
  const lines = [
    ...RGB_INPUT.map((channel, c) => `channel ${c}: ${windowSum(channel, RGB_KERNEL[c], 0, 0)} = ${fmt(RGB_PER_CHANNEL[c][0][0])}`),
    `output[0][0] = ${RGB_PER_CHANNEL.map((m) => fmt(m[0][0])).join(' + ')} = ${fmt(RGB_OUTPUT[0][0])}: 27 products, one sum`,
  ];
  const ly = top + 3 * rowH + 4;
  lines.forEach((line, n) => body.push(text(left, ly + n * 20, line, { size: 12, bold: n === lines.length - 1 })));
  const width = Math.max(ox + 2 * CELL + 140, left + Math.max(...lines.map((l) => l.length)) * 7.3 + 20, titleWidth(title));
  return svg(Math.ceil(width), ly + lines.length * 20 + 10, title, body.join('\n'));
}

/** The same computation seen as volumes: [3, 4, 4] meets [3, 3, 3] and gives [2, 2]. */
function volumeFigure(): string {
  const title = 'Shapes: input [C, H, W] and kernel [C, kH, kW] share C; the output has one channel';
  const top = 104;
  const left = 20;
  const depth = (RGB_INPUT.length - 1) * SHEET_OFFSET;
  const kx = left + 4 * CELL + depth + 60;
  const ox = kx + 3 * CELL + depth + 70;
  const tint = (c: number) => CHANNEL_TINTS[c];
  const body = [
    text(left, 28, title, { size: 15, bold: true }),
    stack(RGB_INPUT, left, top, { tint, outline: [0, 0, 3, 3], label: 'input [3, 4, 4]' }),
    text(kx - 34, top + 2 * CELL + 6, '×', { size: 20 }),
    stack(RGB_KERNEL, kx, top, { tint: () => '#fdf0d5', outline: [0, 0, 3, 3], outlineColor: COLORS.kernel, label: 'kernel [3, 3, 3]' }),
    text(ox - 38, top + 2 * CELL + 6, '=', { size: 20 }),
    grid(RGB_OUTPUT, ox, top + CELL, { label: 'output [2, 2]', outline: [0, 0, 1, 1], outlineColor: COLORS.output, fill: (r, c) => (r === 0 && c === 0 ? '#d6eaf3' : undefined) }),
    text(left, top + 4 * CELL + 34, 'The window is a 3x3x3 box: it covers all 3 channels at once, so the kernel needs exactly 3 slices.', { size: 12 }),
    text(left, top + 4 * CELL + 54, 'It slides over H and W only; each position gives one number, the sum of 3 · 3 · 3 = 27 products.', { size: 12 }),
  ];
  return svg(Math.max(ox + 2 * CELL + 40, 800, titleWidth(title)), top + 4 * CELL + 70, title, body.join('\n'));
}

export const multiChannelFigures = (): Record<string, string> => ({
  '04-channels.svg': channelsFigure(),
  '04-volume.svg': volumeFigure(),
});
