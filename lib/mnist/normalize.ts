/**
 * The lecture's input transform: `transforms.ToTensor()` (x / 255) then
 * `transforms.Normalize((0.1307,), (0.3081,))`, computed in float32 exactly as torchvision does
 * (each step rounded to float32), so our inputs are bit-for-bit PyTorch's. Pure; browser-safe.
 */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

const f = Math.fround;
/** The normalised value of one pixel byte 0..255. */
export const normalizePixel = (v: number): number => f(f(f(v / 255) - f(MNIST_MEAN)) / f(MNIST_STD));

const TABLE = Float32Array.from({ length: 256 }, (_, v) => normalizePixel(v));

/**
 * Pixels 0..255 (bytes, or any numbers, e.g. a preprocessed user digit) to the net's input
 * values, in a new Float32Array of the same length. Whole bytes go through a 256-entry table.
 */
export function normalize(pixels: ArrayLike<number>): Float32Array {
  if (pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray) return normalizeBytes(pixels);
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = normalizePixel(pixels[i]);
  return out;
}

function normalizeBytes(pixels: Uint8Array | Uint8ClampedArray): Float32Array {
  // A plain Uint8Array view (a Node Buffer is a subclass; keeping this loop monomorphic keeps it fast).
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length);
  const out = new Float32Array(bytes.length);
  const table = TABLE;
  for (let i = 0, n = bytes.length; i < n; i++) out[i] = table[bytes[i]];
  return out;
}

/** The pixel value 0..255 of a normalised input value (for drawing). */
export const denormalize = (x: number): number => (x * MNIST_STD + MNIST_MEAN) * 255;
