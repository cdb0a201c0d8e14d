/**
 * The figures of kata 08's lesson (linear layer and activations), drawn from the worked example
 * in lib/testing/examples.ts.
 */
import { LINEAR_EXAMPLE } from '../testing/examples';
import { CELL, COLORS, fmt, grid, svg, text, titleWidth } from './svg';

const HIGHLIGHT = { row: '#fbe3da', weight: '#fdf0d5', out: '#d6eaf3' };

const sign = (x: number, y: number, s: string) => text(x, y, s, { size: 22, anchor: 'middle', bold: true });

/** y = x W^T + b with the numbers, output [0][1] traced: row 0 of x, row 1 of weight (column 1 of W^T), bias[1]. */
function linearFigure(): string {
  const { x, weight, bias, y } = LINEAR_EXAMPLE;
  const [n, o] = [0, 1];
  const wt = weight[0].map((_, i) => weight.map((row) => row[i])); // [in, out]
  const title = 'Linear(3, 2): y = x·Wᵀ + b, output [0][1] traced';
  const top = 62;
  const gap = 46;
  const xX = 20;
  const xWt = xX + 3 * CELL + gap;
  const xB = xWt + 2 * CELL + gap;
  const xY = xB + 2 * CELL + gap;
  const mid = top + (3 * CELL) / 2 + 6;
  const storedTop = top + 3 * CELL + 62;
  const terms = x[n].map((v, i) => `${fmt(v)}·${v === 0 ? 0 : weight[o][i] < 0 ? `(${fmt(weight[o][i])})` : fmt(weight[o][i])}`);
  const sum = `y[0][1] = ${terms.join(' + ')} + ${fmt(bias[o])} = ${fmt(y[n][o])}`;
  const body = [
    text(20, 26, title, { size: 15, bold: true }),
    grid(x, xX, top, { label: 'x [N=2, in=3]', fill: (r) => (r === n ? HIGHLIGHT.row : undefined), outline: [n, 0, 1, 3] }),
    sign(xWt - gap / 2, mid, '·'),
    grid(wt, xWt, top, { label: 'Wᵀ [3, 2]', fill: (_, c) => (c === o ? HIGHLIGHT.weight : undefined), outline: [0, o, 3, 1], outlineColor: COLORS.kernel }),
    sign(xB - gap / 2, mid, '+'),
    grid([bias], xB, top, { label: 'b [2]', fill: (_, c) => (c === o ? HIGHLIGHT.weight : undefined), outline: [0, o, 1, 1], outlineColor: COLORS.kernel }),
    sign(xY - gap / 2, mid, '='),
    grid(y, xY, top, { label: 'y [2, 2]', fill: (r, c) => (r === n && c === o ? HIGHLIGHT.out : undefined), outline: [n, o, 1, 1], outlineColor: COLORS.output }),
    grid(weight, xWt, storedTop, { label: 'weight as stored: [out=2, in=3]', fill: (r) => (r === o ? HIGHLIGHT.weight : undefined), outline: [o, 0, 1, 3], outlineColor: COLORS.kernel }),
    text(xWt + 3 * CELL + 14, storedTop + CELL + CELL / 2 + 4, '← row 1 = column 1 of Wᵀ', { size: 12, color: COLORS.muted }),
    text(20, storedTop + 2 * CELL + 40, sum, { size: 13 }),
  ].join('\n');
  return svg(titleWidth(title, xY + 2 * CELL + 30), storedTop + 2 * CELL + 60, title, body);
}

/** The head of the lecture's MNIST net, shapes only, top to bottom: flatten, Linear(320, 10), log_softmax, argmax. */
function headFigure(): string {
  const title = 'The end of the MNIST net: feature maps to digits';
  const shapes = ['[64, 20, 4, 4]', '[64, 320]', '[64, 10]', '[64, 10]', '[64]'];
  const steps = ['flatten', 'Linear(320, 10)', 'log_softmax', 'argmax'];
  const notes = ['x.view(64, -1): NCHW order', 'y = x·Wᵀ + b, W is [10, 320]', 'log-probabilities, row by row', 'the index of each row\'s max'];
  const boxW = 150;
  const boxH = 36;
  const step = 74;
  const top = 50;
  const left = 20;
  const parts = [text(20, 26, title, { size: 15, bold: true })];
  shapes.forEach((s, i) => {
    const y = top + i * step;
    const fill = i === 0 ? '#eeeeee' : i === shapes.length - 1 ? HIGHLIGHT.out : '#ffffff';
    parts.push(`<rect x="${left}" y="${y}" width="${boxW}" height="${boxH}" rx="6" fill="${fill}" stroke="#888888"/>`);
    parts.push(text(left + boxW / 2, y + boxH / 2 + 5, s, { anchor: 'middle', bold: true }));
    if (i < steps.length) {
      const ax = left + boxW / 2;
      const ay = y + boxH + 4;
      const by = y + step - 4;
      parts.push(`<line x1="${ax}" y1="${ay}" x2="${ax}" y2="${by - 8}" stroke="${COLORS.window}" stroke-width="2"/>`);
      parts.push(`<polygon points="${ax},${by} ${ax - 5},${by - 10} ${ax + 5},${by - 10}" fill="${COLORS.window}"/>`);
      parts.push(text(ax + 16, (ay + by) / 2 + 4, steps[i], { size: 13, bold: true, color: COLORS.window }));
      parts.push(text(ax + 150, (ay + by) / 2 + 4, notes[i], { size: 12, color: COLORS.muted }));
    }
  });
  return svg(titleWidth(title, left + boxW / 2 + 150 + 230), top + (shapes.length - 1) * step + boxH + 24, title, parts.join('\n'));
}

export const linearFigures = (): Record<string, string> => ({
  '08-linear.svg': linearFigure(),
  '08-mnist-head.svg': headFigure(),
});
