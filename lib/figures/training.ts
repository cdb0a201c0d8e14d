/**
 * The figure of kata 15 (training): what momentum does, on a valley where plain SGD is slow.
 *
 * The numbers come from torch.optim.SGD's rule (buf = g on the first step, then
 * buf = μ·buf + g; p -= lr·buf), run here on f(x, y) = (x² + 20·y²) / 2, a valley 20 times
 * steeper across than along: plain SGD must keep lr small for the steep direction (above 0.1 it
 * diverges across the valley), and then creeps along the flat one. Momentum gathers the steady
 * pull along the valley (up to 1 / (1 - μ) times the step), and with much of it the weights
 * overshoot the minimum and swing back.
 */
import { COLORS, svg, text } from './svg';

/** The valley, its gradient, and the settings drawn. */
const STEEP = 20;
const LR = 0.02;
const STEPS = 60;
const START: readonly [number, number] = [-9, 1.8];
export const MOMENTUM_RUNS = [
  { momentum: 0, color: COLORS.muted, label: 'momentum 0 (plain SGD)' },
  { momentum: 0.5, color: COLORS.kernel, label: 'momentum 0.5 (the lecture)' },
  { momentum: 0.9, color: COLORS.output, label: 'momentum 0.9' },
] as const;

const loss = ([x, y]: readonly number[]) => (x * x + STEEP * y * y) / 2;

/** The points visited by SGD with `momentum` (PyTorch's rule), START first, and the loss at each. */
export function momentumPath(momentum: number, steps = STEPS, lr = LR): { points: [number, number][]; losses: number[] } {
  let p: [number, number] = [START[0], START[1]];
  let buf: [number, number] | undefined;
  const points: [number, number][] = [p];
  for (let s = 0; s < steps; s++) {
    const g: [number, number] = [p[0], STEEP * p[1]];
    buf = buf === undefined || momentum === 0 ? g : [momentum * buf[0] + g[0], momentum * buf[1] + g[1]];
    p = [p[0] - lr * buf[0], p[1] - lr * buf[1]];
    points.push(p);
  }
  return { points, losses: points.map(loss) };
}

function momentumFigure(): string {
  const title = `SGD on a long valley, lr ${LR}: momentum gathers the gentle slope along it (and 0.9 overshoots)`;
  const runs = MOMENTUM_RUNS.map((r) => ({ ...r, ...momentumPath(r.momentum) }));
  // left: the (x, y) plane, x in [-10, 3.5], y in [-2.2, 2.2]
  const L = { x: 20, y: 60, w: 420, h: 250, x0: -10, x1: 3.5, y0: -2.2, y1: 2.2 };
  const px = (x: number) => L.x + ((x - L.x0) / (L.x1 - L.x0)) * L.w;
  const py = (y: number) => L.y + ((L.y1 - y) / (L.y1 - L.y0)) * L.h;
  const parts: string[] = [text(20, 26, title, { size: 15, bold: true })];
  parts.push(`<rect x="${L.x}" y="${L.y}" width="${L.w}" height="${L.h}" fill="#fafafa" stroke="#bbbbbb"/>`);
  parts.push(`<clipPath id="plane"><rect x="${L.x}" y="${L.y}" width="${L.w}" height="${L.h}"/></clipPath>`);
  // contours of the loss: ellipses x² + 20y² = 2c
  for (const c of [0.25, 1, 4, 12, 30, 60]) {
    const rx = Math.sqrt(2 * c);
    const ry = Math.sqrt((2 * c) / STEEP);
    parts.push(`<ellipse cx="${px(0)}" cy="${py(0)}" rx="${px(rx) - px(0)}" ry="${py(0) - py(ry)}" fill="none" stroke="#dddddd" clip-path="url(#plane)"/>`);
  }
  for (const r of runs) {
    const pts = r.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline clip-path="url(#plane)" points="${pts}" fill="none" stroke="${r.color}" stroke-width="2"/>`);
    for (const [x, y] of r.points.slice(0, 12)) parts.push(`<circle clip-path="url(#plane)" cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="${r.color}"/>`);
  }
  parts.push(`<circle cx="${px(0)}" cy="${py(0)}" r="4" fill="${COLORS.window}"/>`);
  parts.push(text(px(0) + 6, py(0) - 8, 'minimum', { size: 11, color: COLORS.window }));
  parts.push(text(px(START[0]) + 4, py(START[1]) - 8, 'start', { size: 11 }));
  parts.push(text(L.x, L.y + L.h + 20, `the first ${STEPS} steps in the plane of the two weights; dots: steps 0-11`, { size: 11, color: COLORS.muted }));
  parts.push(text(L.x, L.y + L.h + 36, `loss (x² + ${STEEP}·y²) / 2: ${STEEP}x steeper across (y) than along (x)`, { size: 11, color: COLORS.muted }));

  // right: the loss per step, log scale from 0.001 to 100
  const R = { x: 520, y: 60, w: 330, h: 250, lo: -3, hi: 2 };
  const rx = (s: number) => R.x + (s / STEPS) * R.w;
  const ry = (v: number) => R.y + ((R.hi - Math.log10(Math.max(v, 10 ** R.lo))) / (R.hi - R.lo)) * R.h;
  parts.push(`<rect x="${R.x}" y="${R.y}" width="${R.w}" height="${R.h}" fill="#fafafa" stroke="#bbbbbb"/>`);
  for (let e = R.lo; e <= R.hi; e++) {
    parts.push(`<line x1="${R.x}" y1="${ry(10 ** e)}" x2="${R.x + R.w}" y2="${ry(10 ** e)}" stroke="#e6e6e6"/>`);
    parts.push(text(R.x - 6, ry(10 ** e) + 4, e === 0 ? '1' : e > 0 ? String(10 ** e) : `1e${e}`, { size: 11, anchor: 'end', color: COLORS.muted }));
  }
  for (let s = 0; s <= STEPS; s += 10) parts.push(text(rx(s), R.y + R.h + 16, String(s), { size: 11, anchor: 'middle', color: COLORS.muted }));
  parts.push(text(R.x + R.w / 2, R.y + R.h + 32, 'step', { size: 11, anchor: 'middle', color: COLORS.muted }));
  parts.push(text(R.x, R.y - 10, 'loss (log scale)', { size: 12, bold: true }));
  runs.forEach((r, i) => {
    const pts = r.losses.map((v, s) => `${rx(s).toFixed(1)},${ry(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${r.color}" stroke-width="2"/>`);
    const y = R.y + R.h + 58 + i * 18;
    parts.push(`<line x1="${L.x}" y1="${y - 4}" x2="${L.x + 24}" y2="${y - 4}" stroke="${r.color}" stroke-width="3"/>`);
    parts.push(text(L.x + 32, y, `${r.label}: loss ${r.losses[STEPS].toExponential(1)} after ${STEPS} steps`, { size: 12 }));
  });
  return svg(900, R.y + R.h + 58 + 3 * 18 + 10, title, parts.join('\n'));
}

export function trainingFigures(): Record<string, string> {
  return { '15-momentum.svg': momentumFigure() };
}
