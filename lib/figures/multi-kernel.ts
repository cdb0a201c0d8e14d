/** The figures of kata 05's lesson, drawn from the worked example's numbers in lib/reference/multi-kernel.ts. */
import { LAYER_BEFORE_BIAS, LAYER_BIAS, LAYER_INPUT, LAYER_OUTPUT, LAYER_WEIGHT, MNIST_CONV1, MNIST_CONV2 } from '../testing/examples';
import { CHANNEL_TINTS, SHEET_OFFSET, stack } from './multi-channel';
import { CELL, COLORS, fmt, grid, svg, text, titleWidth } from './svg';

/** Fills for the M output channels (and their kernels' outlines). */
const OUTPUT_TINTS = ['#d6eaf3', '#e8def3', '#fbe5c8'];
const OUTPUT_INKS = ['#2e86ab', '#7b4fa6', '#c77d12'];

const signed = (n: number) => (n < 0 ? `- ${fmt(-n)}` : `+ ${fmt(n)}`);

/** M = 3 kernels of shape [2, 3, 3] -> 3 output channels, each with its own bias. */
function kernelsFigure(): string {
  const title = 'Conv2d(2, 3, 3): 3 kernels of shape [2, 3, 3], each makes one output channel, plus its bias';
  const left = 20;
  const top = 96;
  const rowH = 3 * CELL + SHEET_OFFSET + 52;
  const ix = left;
  const iy = top + rowH - 2 * CELL;
  const kx = ix + 4 * CELL + SHEET_OFFSET + 90;
  const bx = kx + 3 * CELL + SHEET_OFFSET + 56; // before bias
  const ox = bx + 2 * CELL + 120; // after bias
  const sx = ox + 2 * CELL + 110; // the stacked output
  const body: string[] = [
    text(left, 28, title, { size: 15, bold: true }),
    text(left, 50, `input [2, 4, 4], weight [3, 2, 3, 3], bias [${LAYER_BIAS.join(', ')}] -> output [3, 2, 2]`, { size: 12, color: COLORS.muted }),
    stack(LAYER_INPUT, ix, iy, { tint: (c) => CHANNEL_TINTS[c], label: 'input [2, 4, 4]' }),
  ];
  LAYER_WEIGHT.forEach((kernel, m) => {
    const y = top + m * rowH + SHEET_OFFSET;
    const midY = y + 1.5 * CELL;
    body.push(
      // a line from the input to each kernel: every kernel sees the whole input
      `<path d="M ${ix + 4 * CELL + SHEET_OFFSET + 8} ${iy + 2 * CELL} L ${kx - 24} ${midY}" stroke="${OUTPUT_INKS[m]}" stroke-width="2" fill="none" marker-end="url(#arrow${m})"/>`,
      stack(kernel, kx, y, { tint: () => '#fdf0d5', outline: [0, 0, 3, 3], outlineColor: OUTPUT_INKS[m], label: `weight[${m}]  [2, 3, 3]` }),
      text(bx - 34, midY + 6, '=', { size: 20 }),
      grid(LAYER_BEFORE_BIAS[m], bx, midY - CELL, { label: 'kata 04 conv2d', fill: () => '#f7f7f7' }),
      text(bx + 2 * CELL + 14, midY + 6, `${signed(LAYER_BIAS[m])}`, { size: 16, bold: true, color: OUTPUT_INKS[m] }),
      text(bx + 2 * CELL + 14, midY + 26, `bias[${m}]`, { size: 11, color: COLORS.muted }),
      text(ox - 30, midY + 6, '=', { size: 20 }),
      grid(LAYER_OUTPUT[m], ox, midY - CELL, { label: `output[${m}]`, fill: () => OUTPUT_TINTS[m] }),
    );
  });
  // the M output channels stacked: the output volume [M, H', W']
  const sy = top + rowH + SHEET_OFFSET * 2 - CELL / 2;
  body.push(
    text(sx - 46, sy + CELL + 6, '→', { size: 22 }),
    stack(LAYER_OUTPUT, sx, sy, { tint: (c) => OUTPUT_TINTS[c], label: 'output [3, 2, 2]' }),
  );
  const markers = OUTPUT_INKS.map(
    (ink, m) => `<marker id="arrow${m}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="${ink}"/></marker>`,
  );
  const height = top + 3 * rowH + 10;
  const note = 'The kernel has C = 2 slices because the input has 2 channels; the output has 3 channels because there are 3 kernels.';
  body.push(text(left, height - 8, note, { size: 12 }));
  return svg(Math.max(sx + 2 * CELL + 3 * SHEET_OFFSET + 30, titleWidth(title), left + note.length * 7.3 + 20), height + 10, title, `<defs>${markers.join('')}</defs>\n${body.join('\n')}`);
}

/** A volume drawn to scale as a stack of up to 5 squares, with its shape underneath. */
function volumeBox(shape: readonly number[], x: number, base: number, scale: number, fill: string): { svg: string; width: number } {
  const [c, h, w] = shape;
  const sheets = Math.min(c, 5);
  const off = 7;
  const parts: string[] = [];
  for (let k = sheets - 1; k >= 0; k--) {
    parts.push(`<rect x="${x + k * off}" y="${base - h * scale - k * off}" width="${w * scale}" height="${h * scale}" fill="${fill}" stroke="#777777"/>`);
  }
  const width = w * scale + (sheets - 1) * off;
  parts.push(text(x + width / 2, base + 22, `[${shape.join(', ')}]`, { anchor: 'middle', bold: true }));
  return { svg: parts.join('\n'), width };
}

/** The MNIST net's shape story: the weight fixes the channels, the image fixes H and W. */
function mnistFigure(): string {
  const title = "The MNIST net's convolutions: channels come from the weight, H and W from the image";
  const scale = 4;
  const base = 200;
  const gap = 150;
  const steps: { shape: readonly number[]; fill: string; layer?: string; weight?: string }[] = [
    { shape: MNIST_CONV1.input, fill: '#eeeeee' },
    { shape: MNIST_CONV1.output, fill: OUTPUT_TINTS[0], layer: MNIST_CONV1.layer, weight: `weight [${MNIST_CONV1.weight.join(', ')}]` },
    { shape: MNIST_CONV2.input, fill: OUTPUT_TINTS[0], layer: 'MaxPool2d(2)', weight: 'kata 06: halves H, W' },
    { shape: MNIST_CONV2.output, fill: OUTPUT_TINTS[1], layer: MNIST_CONV2.layer, weight: `weight [${MNIST_CONV2.weight.join(', ')}]` },
  ];
  const body: string[] = [text(20, 28, title, { size: 15, bold: true })];
  let x = 20;
  steps.forEach((step, n) => {
    if (n > 0) {
      const ax = x - gap + 12;
      const ay = base - 50;
      body.push(
        `<path d="M ${ax} ${ay} h ${gap - 30}" stroke="${COLORS.text}" stroke-width="2" marker-end="url(#arrow)"/>`,
        text(ax + (gap - 30) / 2, ay - 12, step.layer ?? '', { anchor: 'middle', bold: true, size: 12 }),
        text(ax + (gap - 30) / 2, ay + 20, step.weight ?? '', { anchor: 'middle', size: 10, color: COLORS.muted }),
      );
    }
    const box = volumeBox(step.shape, x, base, scale, step.fill);
    body.push(box.svg);
    x += box.width + gap;
  });
  const notes = [
    'Conv2d(C, M, k) has a weight [M, C, k, k]: it needs C input channels and makes M, whatever the image size.',
    `The same Conv2d(1, 10, 5) weight turns [1, 28, 28] into [10, 24, 24] and [1, 12, 12] into [10, 8, 8].`,
  ];
  notes.forEach((line, n) => body.push(text(20, base + 60 + n * 20, line, { size: 12 })));
  const marker = `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="${COLORS.text}"/></marker></defs>`;
  const width = Math.max(x - gap + 20, titleWidth(title), 20 + Math.max(...notes.map((l) => l.length)) * 7.3 + 20);
  return svg(Math.ceil(width), base + 60 + notes.length * 20 + 10, title, `${marker}\n${body.join('\n')}`);
}

export const multiKernelFigures = (): Record<string, string> => ({
  '05-kernels.svg': kernelsFigure(),
  '05-mnist-shapes.svg': mnistFigure(),
});
