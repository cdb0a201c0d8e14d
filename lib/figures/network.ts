/**
 * The figure of kata 16 (your own network): shape inference through the lecture's net, layer by
 * layer, with each layer's parameters and multiply-adds. The shapes and counts are computed here from
 * the rules the lesson states (not taken from the solutions), and the kata's suite checks the same
 * numbers (its LECTURE_TABLE) against the learner's describeNet and against PyTorch.
 */
import { COLORS, svg, text, titleWidth } from './svg';

type Layer =
  | { type: 'conv'; in: number; out: number; kernel: number; padding?: number; stride?: number }
  | { type: 'pool'; size: number; stride?: number }
  | { type: 'relu' }
  | { type: 'flatten' }
  | { type: 'linear'; in: number; out: number };

const LECTURE: { input: number[]; layers: Layer[] } = {
  input: [1, 28, 28],
  layers: [
    { type: 'conv', in: 1, out: 10, kernel: 5 },
    { type: 'pool', size: 2 },
    { type: 'relu' },
    { type: 'conv', in: 10, out: 20, kernel: 5 },
    { type: 'pool', size: 2 },
    { type: 'relu' },
    { type: 'flatten' },
    { type: 'linear', in: 320, out: 10 },
  ],
};

interface Row {
  label: string;
  shape: number[];
  params: number;
  macs: number;
}

/** The rules of the lesson: output shape, parameters, multiply-adds of each layer. */
function infer(input: number[], layers: Layer[]): Row[] {
  let shape = input;
  return layers.map((l) => {
    let params = 0;
    let macs = 0;
    let label: string;
    if (l.type === 'conv') {
      const [p, s] = [l.padding ?? 0, l.stride ?? 1];
      const [, h, w] = shape;
      shape = [l.out, Math.floor((h + 2 * p - l.kernel) / s) + 1, Math.floor((w + 2 * p - l.kernel) / s) + 1];
      params = l.out * l.in * l.kernel ** 2 + l.out;
      macs = shape[0] * shape[1] * shape[2] * l.in * l.kernel ** 2;
      label = `Conv2d(${l.in}, ${l.out}, ${l.kernel})`;
    } else if (l.type === 'pool') {
      const s = l.stride ?? l.size;
      shape = [shape[0], Math.floor((shape[1] - l.size) / s) + 1, Math.floor((shape[2] - l.size) / s) + 1];
      label = `MaxPool2d(${l.size})`;
    } else if (l.type === 'relu') {
      label = 'ReLU()';
    } else if (l.type === 'flatten') {
      shape = [shape.reduce((a, b) => a * b, 1)];
      label = 'Flatten()';
    } else {
      shape = [l.out];
      params = l.out * l.in + l.out;
      macs = l.out * l.in;
      label = `Linear(${l.in}, ${l.out})`;
    }
    return { label, shape, params, macs };
  });
}

const thousands = (n: number) => n.toLocaleString('en-US');

/** The lecture's net as a row of feature maps: each block's side is proportional to H, its depth hints at C. */
function lectureNetFigure(): string {
  const title = "LECTURE_NET, layer by layer: shapes (without N), parameters and multiply-adds of one image";
  const rows = infer(LECTURE.input, LECTURE.layers);
  const columns = [{ label: 'input', shape: LECTURE.input, params: 0, macs: 0 }, ...rows];
  const colW = 146;
  const left = 20;
  const mapTop = 60;
  const mapH = 3 * 28 + 24; // room for the largest block and its shadows
  const parts: string[] = [text(left, 28, title, { size: 15, bold: true })];
  columns.forEach((col, i) => {
    const x = left + i * colW;
    const cx = x + colW / 2 - 10;
    if (col.shape.length === 3) {
      const [c, h] = col.shape;
      const side = 3 * h;
      const layers = Math.min(4, c); // a few shadows: more channels, deeper stack
      for (let k = layers - 1; k >= 0; k--) {
        const off = 5 * k;
        parts.push(
          `<rect x="${cx - side / 2 + off}" y="${mapTop + (mapH - side) / 2 - off}" width="${side}" height="${side}" fill="${k === 0 ? '#d6eaf3' : '#eef6fa'}" stroke="${COLORS.output}"/>`,
        );
      }
    } else {
      const height = Math.min(mapH - 10, Math.max(12, col.shape[0] / 4));
      parts.push(`<rect x="${cx - 5}" y="${mapTop + (mapH - height) / 2}" width="10" height="${height}" fill="#fdf0d5" stroke="${COLORS.kernel}"/>`);
    }
    if (i > 0) parts.push(text(x - 8, mapTop + mapH / 2 + 5, '→', { size: 18, anchor: 'middle', color: COLORS.muted }));
    const y = mapTop + mapH + 28;
    parts.push(text(cx, y, i === 0 ? 'x' : `${i - 1}: ${col.label}`, { size: 12, anchor: 'middle', bold: true }));
    parts.push(text(cx, y + 20, `[${col.shape.join(', ')}]`, { size: 12, anchor: 'middle', color: COLORS.output }));
    if (col.params > 0) {
      parts.push(text(cx, y + 40, `${thousands(col.params)} params`, { size: 11, anchor: 'middle' }));
      parts.push(text(cx, y + 58, `${thousands(col.macs)} MACs`, { size: 11, anchor: 'middle', color: COLORS.muted }));
    }
  });
  const params = rows.reduce((s, r) => s + r.params, 0);
  const macs = rows.reduce((s, r) => s + r.macs, 0);
  const bottom = mapTop + mapH + 28 + 92;
  parts.push(
    text(left, bottom, `total: ${thousands(params)} parameters, ${thousands(macs)} multiply-adds per image (≈ ${thousands(2 * macs)} FLOPs); the names 0.weight, 3.weight, 7.weight are the layer numbers`, {
      size: 12,
    }),
  );
  return svg(titleWidth(title, left + columns.length * colW), bottom + 20, title, parts.join('\n'));
}

export const networkFigures = (): Record<string, string> => ({
  '16-lecture-net.svg': lectureNetFigure(),
});
