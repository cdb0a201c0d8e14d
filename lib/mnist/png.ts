/**
 * PNG in and out for the MNIST job (Node only), by pngjs: reading a user's digit for
 * `npm run mnist -- --image digit.png`, and encoding 28x28 digits for the HTML report.
 */
import fs from 'node:fs';
import { PNG } from 'pngjs';
import type { RawImage } from './preprocess';

/** Decodes a PNG file to RGBA bytes. Throws an Error naming the file when it cannot be read or is not a PNG. */
export function readPng(file: string): RawImage {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    throw new Error(`${file}: not a PNG image that can be decoded (${(error as Error).message}); save your digit as .png`);
  }
  return { width: png.width, height: png.height, channels: 4, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}

/** A grayscale image (values 0..255, `width` x `height`) as PNG bytes, each pixel drawn `scale` x `scale`. */
export function encodeGrayPng(values: ArrayLike<number>, width: number, height: number, scale = 1, invert = false): Buffer {
  const png = new PNG({ width: width * scale, height: height * scale, colorType: 0, inputColorType: 0, inputHasAlpha: false } as ConstructorParameters<typeof PNG>[0]);
  const out = Buffer.alloc(width * scale * height * scale);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const v = Math.max(0, Math.min(255, Math.round(values[Math.floor(y / scale) * width + Math.floor(x / scale)])));
      out[y * width * scale + x] = invert ? 255 - v : v;
    }
  }
  png.data = out;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}
