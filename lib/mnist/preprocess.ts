/**
 * A user's own digit made to look like MNIST, the way MNIST itself was made: grayscale, inverted
 * when the background is light (MNIST is white ink on black), the ink's bounding box scaled to
 * fit a 20x20 box (aspect ratio kept, anti-aliased by area averaging), then placed in a 28x28
 * image so that its centre of mass sits at the centre. Pure: no Node APIs, usable in a browser.
 */

/** An image as decoders give it: `channels` bytes per pixel (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA), row-major. */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: ArrayLike<number>;
}

export interface Preprocessed {
  /** 784 values 0..255 (ink high), row-major 28x28: feed them to `normalize`. */
  readonly pixels: Float32Array;
  /** Whether the image was inverted (its background was light). */
  readonly inverted: boolean;
  /** The ink's bounding box in the source image, before scaling. */
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** The grayscale source, ink high, 0..255 (what the box was found in). */
  readonly gray: Float32Array;
}

export class PreprocessError extends Error {
  override readonly name = 'PreprocessError';
}

/** Grayscale 0..255 (ITU-R BT.601 luma), transparent pixels composited over white. */
export function toGray(image: RawImage): Float32Array {
  const { width, height, channels, data } = image;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new PreprocessError(`preprocess: image size must be positive whole numbers, got ${width}x${height}`);
  }
  if (![1, 2, 3, 4].includes(channels)) throw new PreprocessError(`preprocess: channels must be 1, 2, 3 or 4, got ${channels}`);
  if (data.length !== width * height * channels) {
    throw new PreprocessError(`preprocess: a ${width}x${height} image with ${channels} channels has ${width * height * channels} values, got ${data.length}`);
  }
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) {
    const p = i * channels;
    const luma = channels >= 3 ? 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2] : data[p];
    const alpha = channels === 2 || channels === 4 ? data[p + channels - 1] / 255 : 1;
    gray[i] = alpha * luma + (1 - alpha) * 255;
  }
  return gray;
}

/** The mean of the outermost ring of pixels: the background's brightness. */
function borderMean(gray: Float32Array, width: number, height: number): number {
  let sum = 0;
  let n = 0;
  for (let x = 0; x < width; x++) {
    sum += gray[x] + gray[(height - 1) * width + x];
    n += 2;
  }
  for (let y = 1; y < height - 1; y++) {
    sum += gray[y * width] + gray[y * width + width - 1];
    n += 2;
  }
  return sum / n;
}

/** Area-averaging resize of a `w`x`h` region at (x0, y0) of `src` (row stride `stride`) to `tw`x`th`. */
function resizeArea(src: Float32Array, stride: number, x0: number, y0: number, w: number, h: number, tw: number, th: number): Float32Array {
  const out = new Float32Array(tw * th);
  const sx = w / tw;
  const sy = h / th;
  for (let ty = 0; ty < th; ty++) {
    const top = ty * sy;
    const bottom = top + sy;
    for (let tx = 0; tx < tw; tx++) {
      const left = tx * sx;
      const right = left + sx;
      let sum = 0;
      for (let y = Math.floor(top); y < Math.min(h, Math.ceil(bottom)); y++) {
        const wy = Math.min(bottom, y + 1) - Math.max(top, y);
        if (wy <= 0) continue;
        for (let x = Math.floor(left); x < Math.min(w, Math.ceil(right)); x++) {
          const wx = Math.min(right, x + 1) - Math.max(left, x);
          if (wx > 0) sum += wx * wy * src[(y0 + y) * stride + x0 + x];
        }
      }
      out[ty * tw + tx] = sum / (sx * sy);
    }
  }
  return out;
}

/**
 * MNIST-style 28x28 pixels (0..255, ink high) from any image of a single digit.
 * @throws PreprocessError when the image is malformed or has no ink at all (a blank page)
 */
export function preprocess(image: RawImage): Preprocessed {
  const { width, height } = image;
  const source = toGray(image);
  const inverted = borderMean(source, width, height) > 127;
  const gray = inverted ? source.map((v) => 255 - v) : source;
  // Ink: anything clearly brighter than the background (which is now dark).
  let max = 0;
  let min = 255;
  for (const v of gray) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (max - min < 32) throw new PreprocessError(`preprocess: the image (${width}x${height}) has no visible ink: its values span only ${Math.round(min)}..${Math.round(max)}`);
  const threshold = min + 0.25 * (max - min);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (gray[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  // Background to 0 so it does not pull the centre of mass (MNIST's background is exactly 0).
  const ink = gray.map((v) => (v <= min + 0.1 * (max - min) ? 0 : ((v - min) * 255) / (max - min)));
  const scale = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  const small = resizeArea(ink, width, x0, y0, bw, bh, tw, th);
  // Centre of mass of the scaled digit.
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  const ox = Math.round(14 - cx / mass);
  const oy = Math.round(14 - cy / mass);
  const pixels = new Float32Array(28 * 28);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const X = x + ox;
      const Y = y + oy;
      if (X >= 0 && X < 28 && Y >= 0 && Y < 28) pixels[Y * 28 + X] = Math.min(255, Math.max(0, small[y * tw + x]));
    }
  }
  return { pixels, inverted, box: { x: x0, y: y0, width: bw, height: bh }, gray };
}
