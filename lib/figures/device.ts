/**
 * The figures of the GPU katas' lessons (09-11), drawn from the worked examples in
 * lib/testing/device-examples.ts and from the MNIST net's shapes.
 */
import { FEATURE_PARAMS, BIAS_EXAMPLE, CONV_EXAMPLE } from '../testing/device-examples';
import { CELL, COLORS, convFigure, grid, svg, text, titleWidth } from './svg';

const CHANNEL_FILL = ['#fbe3da', '#d6eaf3', '#fdf0d5'];

/** Kata 09: the bias example's [2, 3, 1, 2] input as six planes on z, thread (x, y, z) → (n, c, h, w), and bias[c] added. */
function threadsFigure(): string {
  const { input, bias, output } = BIAS_EXAMPLE;
  const [n, c, h, w] = input.shape;
  const title = `gpu.js output [x, y, z] = [W, H, N*C] = [${w}, ${h}, ${n * c}] for NCHW [${n}, ${c}, ${h}, ${w}]`;
  const left = 20;
  const top = 70;
  const step = Math.max(w * CELL + 34, 150);
  const parts: string[] = [text(left, 26, title, { size: 15, bold: true }), text(left, 46, 'one thread per output element; this.thread.z = n * C + c, so c = z mod C', { color: COLORS.muted })];
  for (let z = 0; z < n * c; z++) {
    const plane = Array.from({ length: h }, (_, i) => Array.from(input.data.subarray((z * h + i) * w, (z * h + i + 1) * w)));
    const out = Array.from({ length: h }, (_, i) => Array.from(output.data.subarray((z * h + i) * w, (z * h + i + 1) * w)));
    const x = left + z * step;
    const ch = z % c;
    parts.push(grid(plane, x, top + 10, { label: `z=${z}`, fill: () => CHANNEL_FILL[ch] }));
    parts.push(text(x, top + h * CELL + 32, `n=${Math.floor(z / c)} c=${ch}`, { size: 11 }));
    parts.push(text(x, top + h * CELL + 50, `+ bias[${ch}] = ${bias.data[ch]}`, { size: 11, color: COLORS.window }));
    parts.push(grid(out, x, top + h * CELL + 66, { fill: () => CHANNEL_FILL[ch] }));
  }
  const bottom = top + 2 * h * CELL + 100;
  parts.push(text(left, bottom, 'x (thread.x) runs along W, the last axis: memory order is z, then y, then x = NCHW order', { size: 12 }));
  return svg(titleWidth(title, left + n * c * step), bottom + 20, title, parts.join('\n'));
}

/** Kata 10: the lecture's example, padding 1 and stride 2, as the window of one thread. */
function convThreadFigure(): string {
  const plane = (t: typeof CONV_EXAMPLE.input, z: number) => {
    const [, , h, w] = t.shape;
    return Array.from({ length: h }, (_, i) => Array.from(t.data.subarray((z * h + i) * w, (z * h + i + 1) * w)));
  };
  return convFigure({
    title: 'Thread (x=1, y=1, z=0) of conv2d, padding 1, stride 2: rows and columns 2..4 of the padded image (1..3 of the image)',
    input: plane(CONV_EXAMPLE.input, 0),
    kernel: plane(CONV_EXAMPLE.weight, 0),
    output: plane(CONV_EXAMPLE.paddedStrided, 0),
    padding: 1,
    stride: 2,
    at: [1, 1],
  });
}

/** The MNIST feature extractor's steps and shapes for a batch of `n`. */
export function featureSteps(n: number): { name: string; shape: number[] }[] {
  const m1 = FEATURE_PARAMS.conv1.weight.shape[0];
  const m2 = FEATURE_PARAMS.conv2.weight.shape[0];
  return [
    { name: 'input', shape: [n, 1, 28, 28] },
    { name: 'conv1', shape: [n, m1, 24, 24] },
    { name: 'pool', shape: [n, m1, 12, 12] },
    { name: 'relu', shape: [n, m1, 12, 12] },
    { name: 'conv2', shape: [n, m2, 8, 8] },
    { name: 'pool', shape: [n, m2, 4, 4] },
    { name: 'relu', shape: [n, m2, 4, 4] },
  ];
}

/** Kata 11: float32 values crossing between CPU and device per image, chained vs stepwise. */
function transfersFigure(): string {
  const steps = featureSteps(1);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const title = 'Values copied between CPU and device per image: chained vs stepwise';
  const left = 20;
  const top = 64;
  const barScale = 0.06;
  const rows: string[] = [];
  let y = top;
  let chained = 0;
  let stepwise = 0;
  steps.slice(1).forEach((s, i) => {
    const up = size(steps[i].shape);
    const down = size(s.shape);
    stepwise += up + down;
    if (i === 0) chained += up;
    if (i === steps.length - 2) chained += down;
    rows.push(text(left, y + 16, `${s.name.padEnd(5)} [${s.shape.slice(1).join(', ')}]`, { size: 12 }));
    rows.push(`<rect x="${left + 190}" y="${y + 4}" width="${(up * barScale).toFixed(1)}" height="10" fill="${COLORS.kernel}"/>`);
    rows.push(`<rect x="${left + 190}" y="${y + 16}" width="${(down * barScale).toFixed(1)}" height="10" fill="${COLORS.output}"/>`);
    rows.push(text(left + 196 + Math.max(up, down) * barScale, y + 22, `up ${up}, back ${down}`, { size: 11, color: COLORS.muted }));
    y += 36;
  });
  rows.push(text(left, y + 22, `stepwise: ${stepwise} values (${(stepwise * 4 / 1024).toFixed(1)} KiB) per image, 6 uploads and 6 read-backs`, { size: 12, bold: true }));
  rows.push(text(left, y + 42, `chained (pipeline: true): ${chained} values (${(chained * 4 / 1024).toFixed(1)} KiB): one upload, one read-back`, { size: 12, bold: true, color: COLORS.output }));
  rows.push(text(left, y + 62, 'orange: uploaded to the device before the step; blue: read back after it (stepwise)', { size: 11, color: COLORS.muted }));
  return svg(titleWidth(title, 760), y + 80, title, [text(left, 26, title, { size: 15, bold: true }), ...rows].join('\n'));
}

export const deviceFigures = (): Record<string, string> => ({
  '09-threads.svg': threadsFigure(),
  '10-conv-thread.svg': convThreadFigure(),
  '11-transfers.svg': transfersFigure(),
});
