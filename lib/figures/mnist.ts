/**
 * The figures of kata 12's lesson, drawn from real activations: test image 0 of MNIST (a 7)
 * through the trained weights of test/fixtures/mnist-net, computed by the tfjs reference. Feature
 * maps are embedded as small PNGs (each map scaled to its own min..max, black = lowest).
 */
import { loadFixture } from '../fixtures';
import { encodeGrayPng } from '../mnist/png';
import { loadMnist } from '../mnist/node';
import { MNIST_FIXTURE, PARAM_NAMES } from '../reference/make-mnist-fixtures';
import { tfMnistStages } from '../reference/mnist';
import type { Tensor } from '../tensor';
import { COLORS, fmt, svg, text } from './svg';

/** One h x w map as an <image>, scaled to `size` pixels square-ish, grey levels from its own range. */
function map(data: Float32Array, h: number, w: number, x: number, y: number, px: number, zeroBlack = false, hpx = px): string {
  let lo = Math.min(...data);
  const hi = Math.max(...data);
  if (zeroBlack) lo = Math.min(0, lo);
  const grey = Array.from(data, (v) => (hi === lo ? 0 : ((v - lo) / (hi - lo)) * 255));
  const png = encodeGrayPng(grey, w, h, 1).toString('base64');
  return `<image x="${x}" y="${y}" width="${w * px}" height="${h * hpx}" style="image-rendering:pixelated" preserveAspectRatio="none" href="data:image/png;base64,${png}"/><rect x="${x}" y="${y}" width="${w * px}" height="${h * hpx}" fill="none" stroke="#999" stroke-width="0.5"/>`;
}

function stagesFigure(): string {
  const fixture = loadFixture(MNIST_FIXTURE);
  const sd = Object.fromEntries(PARAM_NAMES.map((k) => [k, fixture.get(k)]));
  const test = loadMnist('test', { limit: 1 });
  const stages = tfMnistStages(sd, { shape: [1, 1, 28, 28], data: test.images });
  const by = (name: string) => stages.find((s) => s.name === name)?.tensor as Tensor;
  const left = 250;
  const parts: string[] = [
    text(20, 28, `Test image 0 (label ${test.labels[0]}) through the trained net, stage by stage`, { size: 15, bold: true }),
    text(20, 48, 'every feature map scaled to its own range (black = lowest); after ReLU, black = 0', { color: COLORS.muted }),
  ];
  let y = 70;
  const row = (label: string, shape: string, expr: string, t: Tensor, px: number, zeroBlack: boolean) => {
    const [, c, h, w] = t.shape;
    parts.push(text(20, y + 16, label, { bold: true }), text(20, y + 34, shape), text(20, y + 52, expr, { color: COLORS.muted, size: 11 }));
    for (let k = 0; k < c; k++) parts.push(map(t.data.subarray(k * h * w, (k + 1) * h * w), h, w, left + k * (w * px + 6), y, px, zeroBlack));
    y += Math.max(h * px, 60) + 18;
  };
  row('input', '[1, 1, 28, 28]', 'normalised pixels', by('input'), 3, false);
  row('conv1', '[1, 10, 24, 24]', 'self.conv1(x)', by('conv1'), 2, false);
  row('pool + ReLU', '[1, 10, 12, 12]', 'F.relu(self.mp(...))', by('relu1'), 4, true);
  row('conv2', '[1, 20, 8, 8]', 'self.conv2(x)', by('conv2'), 4, false);
  row('pool + ReLU', '[1, 20, 4, 4]', 'F.relu(self.mp(...))', by('relu2'), 8, true);
  // flatten: 320 values in NCHW order, one cell each, channel boundaries every 16.
  const flat = by('flatten').data;
  parts.push(text(20, y + 16, 'flatten', { bold: true }), text(20, y + 34, '[1, 320]'), text(20, y + 52, 'x.view(in_size, -1)', { color: COLORS.muted, size: 11 }));
  parts.push(map(flat, 1, 320, left, y + 4, 3, true, 18));
  for (let c = 0; c <= 20; c++) parts.push(`<line x1="${left + c * 48}" y1="${y}" x2="${left + c * 48}" y2="${y + 26}" stroke="${COLORS.output}" stroke-width="1"/>`);
  parts.push(text(left, y + 44, 'channel 0: values 0..15 | channel 1: 16..31 | ... (NCHW order: c * 16 + h * 4 + w)', { color: COLORS.muted, size: 11 }));
  y += 78;
  // logits as bars
  const logits = Array.from(by('logits').data);
  const best = logits.indexOf(Math.max(...logits));
  parts.push(text(20, y + 16, 'fc → logits', { bold: true }), text(20, y + 34, '[1, 10]'), text(20, y + 52, 'self.fc(x)', { color: COLORS.muted, size: 11 }));
  const lo = Math.min(...logits);
  const hi = Math.max(...logits);
  const zero = left + ((0 - lo) / (hi - lo)) * 400;
  logits.forEach((v, d) => {
    const x0 = Math.min(zero, left + ((v - lo) / (hi - lo)) * 400);
    const x1 = Math.max(zero, left + ((v - lo) / (hi - lo)) * 400);
    const yy = y + d * 16;
    parts.push(
      text(left - 16, yy + 12, String(d), { bold: d === best }),
      `<rect x="${x0.toFixed(1)}" y="${yy + 2}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="12" fill="${d === best ? COLORS.output : '#bbbbbb'}"/>`,
      text(left + 410, yy + 12, fmt(v), { color: d === best ? COLORS.text : COLORS.muted, size: 11 }),
    );
  });
  parts.push(`<line x1="${zero.toFixed(1)}" y1="${y}" x2="${zero.toFixed(1)}" y2="${y + 162}" stroke="#444" stroke-width="1"/>`);
  y += 172;
  return svg(left + 20 * 38, y, 'The MNIST net stage by stage on a real digit: shapes and feature maps', parts.join('\n'));
}

export function mnistFigures(): Record<string, string> {
  return { '12-stages.svg': stagesFigure() };
}
