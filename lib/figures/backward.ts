/**
 * The figures of katas 13 and 14 (backward passes), drawn from the worked examples in
 * lib/testing/examples.ts that the suites test.
 */
import { CONV_BACKWARD_EXAMPLE, CROSS_ENTROPY_EXAMPLE, LINEAR_BACKWARD_EXAMPLE, POOL_BACKWARD_EXAMPLE } from '../testing/examples';
import { CELL, COLORS, fmt, grid, svg, text, titleWidth } from './svg';

const LIGHT = { grad: '#e3f1e6', pick: '#fbe3da', weight: '#fdf0d5', out: '#d6eaf3' };
const GRAD = '#4f9d69';
/** A number for a written-out sum: negatives in brackets. */
const f = (v: number) => (v < 0 ? `(${fmt(v)})` : fmt(v));
const sign = (x: number, y: number, s: string) => text(x, y, s, { size: 22, anchor: 'middle', bold: true });
const transpose = (m: number[][]) => m[0].map((_, i) => m.map((row) => row[i]));
const rect = (x: number, y: number, w: number, h: number, stroke: string, width = 3) =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${stroke}" stroke-width="${width}"/>`;

/** Kata 13: the three gradients of Linear(3, 2), as two matrix products and a sum. */
function linearBackwardFigure(): string {
  const { x, weight, dy, dx, dWeight, dBias } = LINEAR_BACKWARD_EXAMPLE;
  const title = 'Linear backward: dx = dy·W, dW = dyᵀ·x, db = dy summed over the batch';
  const left = 20;
  const gap = 60;
  const row1 = 62;
  const row2 = row1 + 3 * CELL + 58;
  const row3 = row2 + 3 * CELL + 58;
  // row 1: dx [2, 3] = dy [2, 2] · W [2, 3], entry dx[1][1] traced
  const aW = left + 2 * CELL + gap;
  const aOut = aW + 3 * CELL + gap;
  const dxTerm = `dx[1][1] = ${f(dy[1][0])}·${f(weight[0][1])} + ${f(dy[1][1])}·${f(weight[1][1])} = ${fmt(dx[1][1])}`;
  // row 2: dW [2, 3] = dyᵀ [2, 2] · x [2, 3], entry dW[1][2] traced
  const dyT = transpose(dy);
  const dwTerm = `dW[1][2] = ${f(dy[0][1])}·${f(x[0][2])} + ${f(dy[1][1])}·${f(x[1][2])} = ${fmt(dWeight[1][2])}`;
  const body = [
    text(left, 26, title, { size: 15, bold: true }),
    grid(dy, left, row1, { label: 'dy [N, out]', fill: (r) => (r === 1 ? LIGHT.grad : undefined), outline: [1, 0, 1, 2], outlineColor: GRAD }),
    sign(aW - gap / 2, row1 + CELL + 6, '·'),
    grid(weight, aW, row1, { label: 'weight [out, in]', fill: (_, c) => (c === 1 ? LIGHT.weight : undefined), outline: [0, 1, 2, 1], outlineColor: COLORS.kernel }),
    sign(aOut - gap / 2, row1 + CELL + 6, '='),
    grid(dx, aOut, row1, { label: 'dx [N, in]', fill: (r, c) => (r === 1 && c === 1 ? LIGHT.out : undefined), outline: [1, 1, 1, 1], outlineColor: COLORS.output }),
    text(aOut + 3 * CELL + 20, row1 + CELL + 6, dxTerm, { size: 12 }),
    grid(dyT, left, row2, { label: 'dyᵀ [out, N]', fill: (r) => (r === 1 ? LIGHT.grad : undefined), outline: [1, 0, 1, 2], outlineColor: GRAD }),
    sign(aW - gap / 2, row2 + CELL + 6, '·'),
    grid(x, aW, row2, { label: 'x [N, in]', fill: (_, c) => (c === 2 ? LIGHT.pick : undefined), outline: [0, 2, 2, 1] }),
    sign(aOut - gap / 2, row2 + CELL + 6, '='),
    grid(dWeight, aOut, row2, { label: 'dW [out, in], like weight', fill: (r, c) => (r === 1 && c === 2 ? LIGHT.out : undefined), outline: [1, 2, 1, 1], outlineColor: COLORS.output }),
    text(aOut + 3 * CELL + 20, row2 + CELL + 6, dwTerm, { size: 12 }),
    grid(dy, left, row3, { label: 'dy', fill: () => LIGHT.grad }),
    text(aW - gap / 2, row3 + CELL + 6, 'Σₙ', { size: 18, anchor: 'middle', bold: true }),
    grid([dBias], aW, row3 + CELL / 2, { label: 'db [out]', fill: () => LIGHT.out, outline: [0, 0, 1, 2], outlineColor: COLORS.output }),
    text(aW + 2 * CELL + 20, row3 + CELL + 6, `db = [${fmt(dy[0][0])} + ${fmt(dy[1][0])}, ${f(dy[0][1])} + ${fmt(dy[1][1])}] = [${dBias.map(fmt).join(', ')}]`, { size: 12 }),
  ].join('\n');
  return svg(titleWidth(title, aOut + 3 * CELL + 20 + dxTerm.length * 7.6 + 20), row3 + 2 * CELL + 30, title, body);
}

/** A grid with cells `width` px wide (for numbers longer than the standard cell holds). */
function wideGrid(m: number[][], x: number, y: number, width: number, label: string, fill: (r: number, c: number) => string | undefined, digits = 4): string {
  const parts = [text(x, y - 8, label, { bold: true })];
  m.forEach((row, r) =>
    row.forEach((v, c) => {
      parts.push(`<rect x="${x + c * width}" y="${y + r * CELL}" width="${width}" height="${CELL}" fill="${fill(r, c) ?? '#ffffff'}" stroke="#bbbbbb"/>`);
      const shown = Number.isInteger(v) ? String(v) : v.toFixed(digits);
      parts.push(text(x + c * width + width / 2, y + r * CELL + CELL / 2 + 4, shown, { anchor: 'middle', size: 12 }));
    }),
  );
  return parts.join('\n');
}

/** Kata 13: cross-entropy's gradient, row by row: (softmax - onehot) / N, next to the logits. */
function crossEntropyFigure(): string {
  const { logits, targets, dLogits, loss } = CROSS_ENTROPY_EXAMPLE;
  const n = logits.length;
  const softmax = logits.map((row) => {
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
  const onehot = logits.map((row, r) => row.map((_, k) => (k === targets[r] ? 1 : 0)));
  const title = `Cross-entropy backward: (softmax − onehot) / N, with N = ${n}`;
  const left = 20;
  const top = 62;
  const gap = 56;
  const cw = [54, 64, 40, 70];
  const xs = [left];
  for (let i = 1; i < 4; i++) xs.push(xs[i - 1] + 3 * cw[i - 1] + gap);
  const mid = top + CELL + 6;
  const targetFill = (r: number, c: number) => (c === targets[r] ? LIGHT.pick : undefined);
  const lines = [
    `loss = mean over rows of (log Σ exp(row) − row[target]) = (0.4076 + 1000) / 2 = ${loss.toFixed(4)}`,
    'row 1 needs the row maximum subtracted first: exp(1000) is Infinity, and Infinity / Infinity is NaN',
    "each row of dlogits sums to 0; the target's entry is negative: raising that logit lowers the loss",
  ];
  const body = [
    text(left, 26, title, { size: 15, bold: true }),
    wideGrid(logits, xs[0], top, cw[0], 'logits', targetFill),
    text(xs[1] - gap / 2, mid, '→', { size: 20, anchor: 'middle' }),
    wideGrid(softmax, xs[1], top, cw[1], 'softmax', targetFill),
    sign(xs[2] - gap / 2, mid, '−'),
    wideGrid(onehot, xs[2], top, cw[2], `onehot [${targets.join(', ')}]`, targetFill),
    text(xs[3] - gap / 2, mid, '÷N', { size: 16, anchor: 'middle', bold: true }),
    wideGrid(dLogits, xs[3], top, cw[3], '= dlogits', () => LIGHT.grad),
    ...lines.map((line, i) => text(left, top + 2 * CELL + 34 + 20 * i, line, { size: 12, color: i === 2 ? COLORS.muted : COLORS.text })),
  ].join('\n');
  const width = Math.max(xs[3] + 3 * cw[3] + 20, left + Math.max(...lines.map((l) => l.length)) * 7.3 + 20);
  return svg(titleWidth(title, width), top + 2 * CELL + 34 + 20 * lines.length + 10, title, body);
}

/** Kata 14: dx of Conv2d as a scatter: each dy[i][j] stamps dy[i][j]·kernel onto dx at (i, j). */
function convBackwardFigure(): string {
  const { x, weight, dy, dx, dWeight } = CONV_BACKWARD_EXAMPLE;
  const [i, j] = [1, 0];
  const title = 'Conv2d backward: each dy[i][j] sends dy[i][j]·kernel back to its window';
  const left = 20;
  const top = 62;
  const gap = 56;
  const xK = left + 2 * CELL + gap;
  const xStamp = xK + 2 * CELL + gap;
  const stamp = weight.map((row) => row.map((v) => dy[i][j] * v));
  const row2 = top + 2 * CELL + 70;
  const xFlip = left + 3 * CELL + 70;
  const xX = xFlip + 2 * CELL + 110;
  const xDw = xX + 3 * CELL + 50;
  const flipped = weight.map((row) => [...row].reverse()).reverse();
  const notes = [
    `dx[2][1] = Σ over the windows holding x[2][1]: ${f(dy[1][0])}·${f(weight[1][1])} + ${f(dy[1][1])}·${f(weight[1][0])} = ${fmt(dx[2][1])}`,
    'seen from one dx cell, the stamps are a full convolution of dy with the FLIPPED kernel',
    'dWeight[u][v] = Σ over i, j of dy[i][j]·x[i + u][j + v]: a correlation of x with dy',
  ];
  const body = [
    text(left, 26, title, { size: 15, bold: true }),
    grid(dy, left, top, { label: 'dy [2, 2]', fill: (r, c) => (r === i && c === j ? LIGHT.grad : undefined), outline: [i, j, 1, 1], outlineColor: GRAD }),
    sign(xK - gap / 2, top + CELL + 6, '·'),
    grid(weight, xK, top, { label: 'kernel', fill: () => LIGHT.weight, outline: [0, 0, 2, 2], outlineColor: COLORS.kernel }),
    sign(xStamp - gap / 2, top + CELL + 6, '→'),
    grid(stamp, xStamp, top, { label: `dy[${i}][${j}]·kernel`, fill: () => LIGHT.grad }),
    text(xStamp + 2 * CELL + 16, top + CELL + 6, `is added into dx at rows ${i}-${i + 1}, columns ${j}-${j + 1}`, { size: 12, color: COLORS.muted }),
    grid(dx, left, row2, { label: 'dx [3, 3]', fill: (r, c) => (r >= i && r < i + 2 && c >= j && c < j + 2 ? LIGHT.grad : undefined), outline: [i, j, 2, 2], outlineColor: GRAD }),
    grid(flipped, xFlip, row2, { label: 'kernel flipped', fill: () => LIGHT.weight }),
    grid(x, xX, row2, { label: 'x [3, 3]', fill: (r, c) => (r < 2 && c < 2 ? LIGHT.pick : undefined), outline: [0, 0, 2, 2] }),
    grid(dWeight, xDw, row2, { label: 'dWeight', fill: () => LIGHT.out }),
    ...notes.map((line, k) => text(left, row2 + 3 * CELL + 30 + 20 * k, line, { size: 12, color: k === 0 ? COLORS.text : COLORS.muted })),
  ].join('\n');
  const width = Math.max(xDw + 2 * CELL + 20, xStamp + 2 * CELL + 16 + 44 * 7.3, left + Math.max(...notes.map((l) => l.length)) * 7.3 + 20);
  return svg(titleWidth(title, width), row2 + 3 * CELL + 30 + 20 * notes.length + 6, title, body);
}

/** Kata 14: max-pool backward on the tie example: each window's dy to its first maximum. */
function poolBackwardFigure(): string {
  const { x, dy, dx } = POOL_BACKWARD_EXAMPLE;
  const title = 'MaxPool2d(2) backward: each dy goes to the first maximum of its window';
  const left = 20;
  const top = 62;
  const colours = [COLORS.window, COLORS.output, COLORS.kernel, GRAD];
  const fills = ['#fbe3da', '#d6eaf3', '#fdf0d5', '#e3f1e6'];
  const win = (r: number, c: number) => Math.floor(r / 2) * 2 + Math.floor(c / 2);
  const xDy = left + 4 * CELL + 60;
  const xDx = xDy + 2 * CELL + 60;
  const parts = [
    text(left, 26, title, { size: 15, bold: true }),
    grid(x, left, top, { label: 'x [4, 4]', fill: (r, c) => fills[win(r, c)] }),
    grid(dy, xDy, top + CELL, { label: 'dy [2, 2]', fill: (r, c) => fills[r * 2 + c] }),
    sign(xDx - 30, top + 2 * CELL + 6, '→'),
    grid(dx, xDx, top, { label: 'dx [4, 4]', fill: (r, c) => (dx[r][c] !== 0 ? fills[win(r, c)] : undefined) }),
  ];
  for (let w = 0; w < 4; w++) {
    const [r0, c0] = [Math.floor(w / 2) * 2, (w % 2) * 2];
    parts.push(rect(left + c0 * CELL, top + r0 * CELL, 2 * CELL, 2 * CELL, colours[w]));
    parts.push(rect(xDx + c0 * CELL, top + r0 * CELL, 2 * CELL, 2 * CELL, colours[w], 1.5));
  }
  // circle each winner in x
  dx.forEach((row, r) =>
    row.forEach((g, c) => {
      if (g !== 0) parts.push(`<circle cx="${left + c * CELL + CELL / 2}" cy="${top + r * CELL + CELL / 2}" r="${CELL / 2 - 5}" fill="none" stroke="${colours[win(r, c)]}" stroke-width="2"/>`);
    }),
  );
  const notes = [
    'ties: in [[1, 3], [3, 0]] and [[2, 2], [2, 2]] PyTorch scans row by row and keeps the FIRST maximum',
    'every other cell gets 0: it did not reach the output, so nudging it would not change the loss',
  ];
  notes.forEach((line, k) => parts.push(text(left, top + 4 * CELL + 30 + 20 * k, line, { size: 12, color: k === 0 ? COLORS.text : COLORS.muted })));
  return svg(titleWidth(title, left + Math.max(...notes.map((l) => l.length)) * 7.3 + 20), top + 4 * CELL + 30 + 20 * notes.length + 6, title, parts.join('\n'));
}

export const backwardFigures = (): Record<string, string> => ({
  '13-linear-backward.svg': linearBackwardFigure(),
  '13-cross-entropy.svg': crossEntropyFigure(),
  '14-conv-backward.svg': convBackwardFigure(),
  '14-maxpool-backward.svg': poolBackwardFigure(),
});
