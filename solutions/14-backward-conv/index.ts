/**
 * Kata 14: backward of conv and pool.
 * Lesson: docs/14-backward-conv.md
 *
 * The backward passes of PyTorch's `Conv2d` (NCHW input, OIHW weight, zero padding, stride) and
 * `MaxPool2d`, on flat tensors. As in kata 13, every function is generic over the float type:
 * Float32Array tensors in (to train), Float32Array out; Float64Array in (for a gradient check),
 * Float64Array out. Make results with `zerosLike(dy, shape)` from lib/tensor.
 *
 * The simplest correct code is loops over every output cell and every kernel cell, adding
 * products into the gradients (each forward product x·w sends dy·w back to x and dy·x back to w).
 */
import { checkInteger, describe } from '../../lib/matrix';
import { checkFloatTensor, zerosLike, type FloatArray, type FloatTensor } from '../../lib/tensor';
import { todo } from '../../lib/todo';

/** Conv2d's settings, as in kata 03: zeros added on every side, and the jump between windows. */
export interface Conv2dOptions {
  /** Zeros added on every side (default 0). */
  readonly padding?: number;
  /** How far the window jumps, across and down (default 1). */
  readonly stride?: number;
}

/** The three gradients of a Conv2d layer. */
export interface Conv2dGrads<D extends FloatArray = Float32Array> {
  /** dL/dx, [N, C, H, W]: the input's shape (padding cropped off). */
  readonly dx: FloatTensor<D>;
  /** dL/dweight, [M, C, kH, kW]: the weight's shape. */
  readonly dWeight: FloatTensor<D>;
  /** dL/dbias, [M]: dy summed over N, H' and W'. */
  readonly dBias: FloatTensor<D>;
}

/** The sizes of one Conv2d call, checked. */
interface ConvGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  m: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  padding: number;
  stride: number;
}

/**
 * Checks the shapes of a Conv2d backward call for `fn` (which starts every message) and returns
 * its sizes: x [N, C, H, W], weight [M, C, kH, kW], options, and dy [N, M, H', W'] with
 * H' = floor((H + 2p - kH) / s) + 1 (kata 03's formula), likewise W'.
 *
 * @throws TypeError  when options is not an object of padding and stride
 * @throws RangeError when padding or stride is out of range, the channel counts differ (PyTorch's
 *                    words: `weight of size [20, 10, 5, 5], expected input[64, 3, 12, 12] to have 10
 *                    channels, but got 3 channels instead`), the kernel is larger than the padded
 *                    input, or dy is not the shape of the forward output (the message gives both)
 */
function convGeometry(fn: string, dyShape: readonly number[], xShape: readonly number[], weightShape: readonly number[], options: Conv2dOptions): ConvGeometry {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${fn}: options must be an object { padding?, stride? }, but got ${describe(options)}`);
  }
  const padding = options.padding ?? 0;
  const stride = options.stride ?? 1;
  checkInteger(fn, 'padding', padding, 0);
  checkInteger(fn, 'stride', stride, 1);
  const [n, c, h, w] = xShape;
  const [m, wc, kh, kw] = weightShape;
  if (wc !== c) {
    throw new RangeError(
      `${fn}: weight of size [${weightShape.join(', ')}], expected input[${xShape.join(', ')}] to have ${wc} channels, but got ${c} channels instead`,
    );
  }
  if (kh > h + 2 * padding || kw > w + 2 * padding) {
    throw new RangeError(`${fn}: the kernel ${kh}x${kw} is larger than the padded input ${h + 2 * padding}x${w + 2 * padding} (input ${h}x${w}, padding ${padding})`);
  }
  const oh = Math.floor((h + 2 * padding - kh) / stride) + 1;
  const ow = Math.floor((w + 2 * padding - kw) / stride) + 1;
  const want = [n, m, oh, ow];
  if (dyShape.length !== 4 || want.some((s, i) => s !== dyShape[i])) {
    throw new RangeError(`${fn}: dy must have the shape of the conv's output [N, M, H', W'] = [${want.join(', ')}], but got [${dyShape.join(', ')}]`);
  }
  return { n, c, h, w, m, kh, kw, oh, ow, padding, stride };
}

/**
 * The gradient of Conv2d with respect to its input, PyTorch's `torch.nn.grad.conv2d_input`:
 * every forward product x[n][c][i·s + u - p][j·s + v - p] · weight[o][c][u][v] sends
 * dy[n][o][i][j] · weight[o][c][u][v] back to that input cell:
 *
 *     dx[n][c][r][q] = sum over o, i, j, u, v with i·s + u - p = r and j·s + v - p = q
 *                      of dy[n][o][i][j] · weight[o][c][u][v]
 *
 * Seen from the input cell, that is a full convolution of dy (spread out by the stride) with the
 * kernel FLIPPED in both directions. Cells of the padding receive gradient too, but they are not
 * inputs: leave them out (crop), so dx has x's shape. Roughly 15 lines as plain loops.
 *
 * @param dy         [N, M, H', W']: dL/d(output)
 * @param weight     [M, C, kH, kW]
 * @param inputShape [N, C, H, W]: the shape of the forward input (H and W cannot be recovered from dy
 *                   when the stride is above 1)
 * @param options    `{ padding = 0, stride = 1 }`, as in the forward pass
 * @returns a new [N, C, H, W] tensor of dy's float type; the arguments are left unchanged
 * @throws TypeError  when dy or weight is not a rank-4 float tensor, their float types differ, or
 *                    inputShape is not 4 whole numbers
 * @throws RangeError when the shapes do not fit together (see `conv2dBackward`)
 *
 * @example
 * // one 3x3 input, one 2x2 kernel [[1, 2], [3, 4]], dy [[1, 0], [0, 0]]: the kernel lands, as it is, at the top left
 * conv2dBackwardInput(tensor([1, 1, 2, 2], [1, 0, 0, 0]), tensor([1, 1, 2, 2], [1, 2, 3, 4]), [1, 1, 3, 3])
 * // => [[1, 2, 0], [3, 4, 0], [0, 0, 0]]
 */
export function conv2dBackwardInput<D extends FloatArray>(dy: FloatTensor<D>, weight: FloatTensor<D>, inputShape: readonly number[], options: Conv2dOptions = {}): FloatTensor<D> {
  checkFloatTensor('conv2dBackwardInput', 'weight', weight, 4, '[M, C, kH, kW]');
  checkFloatTensor('conv2dBackwardInput', 'dy', dy, 4, '[N, M, H\', W\']', { name: 'weight', tensor: weight });
  if (!Array.isArray(inputShape) || inputShape.length !== 4 || inputShape.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new TypeError(`conv2dBackwardInput: inputShape must be 4 positive whole numbers [N, C, H, W], but got ${describe(inputShape)}`);
  }
  const g = convGeometry('conv2dBackwardInput', dy.shape, inputShape, weight.shape, options);
  const { n, c, h, w, m, kh, kw, oh, ow, padding: p, stride: s } = g;
  const dx = zerosLike(dy, inputShape);
  const dxd = dx.data;
  const dyd = dy.data;
  const wd = weight.data;
  const kk = c * kh * kw; // one row of the weight: the C·kH·kW values a window meets
  const pp = oh * ow; // output positions per channel
  // cols[k][q] = sum over o of weight[o][k] · dy[n][o][q]: what window position q sends back to the
  // input cell that kernel cell k met there. Long contiguous inner loops, then a scatter (col2im).
  const cols = new Float64Array(kk * pp);
  for (let b = 0; b < n; b++) {
    cols.fill(0);
    const dyImage = b * m * pp;
    for (let k = 0; k < kk; k++) {
      const col = k * pp; // one row of cols, built in L1 from the image's M planes of dy
      let o = 0;
      for (; o + 4 <= m; o += 4) {
        // four kernels per pass: a quarter of the reads and writes of cols
        const w0 = wd[o * kk + k];
        const w1 = wd[(o + 1) * kk + k];
        const w2 = wd[(o + 2) * kk + k];
        const w3 = wd[(o + 3) * kk + k];
        const d0 = dyImage + o * pp;
        for (let q = 0; q < pp; q++) cols[col + q] += w0 * dyd[d0 + q] + w1 * dyd[d0 + pp + q] + w2 * dyd[d0 + 2 * pp + q] + w3 * dyd[d0 + 3 * pp + q];
      }
      for (; o < m; o++) {
        const wk = wd[o * kk + k];
        const dyPlane = dyImage + o * pp;
        for (let q = 0; q < pp; q++) cols[col + q] += wk * dyd[dyPlane + q];
      }
    }
    for (let ch = 0; ch < c; ch++) {
      const dxPlane = (b * c + ch) * h * w;
      for (let u = 0; u < kh; u++) {
        // output rows i whose window row u falls inside the input: 0 <= i·s + u - p < h
        const i0 = Math.max(0, Math.ceil((p - u) / s));
        const i1 = Math.min(oh - 1, Math.floor((h - 1 + p - u) / s));
        for (let v = 0; v < kw; v++) {
          const j0 = Math.max(0, Math.ceil((p - v) / s));
          const j1 = Math.min(ow - 1, Math.floor((w - 1 + p - v) / s));
          const col = ((ch * kh + u) * kw + v) * pp;
          for (let i = i0; i <= i1; i++) {
            const dxRow = dxPlane + (i * s + u - p) * w + v - p; // padding cropped: only cells inside x
            const colRow = col + i * ow;
            for (let j = j0; j <= j1; j++) dxd[dxRow + j * s] += cols[colRow + j]; // j·s: the stride spreads dy out
          }
        }
      }
    }
  }
  return dx;
}

/**
 * The gradients of Conv2d with respect to its weight and bias, PyTorch's
 * `torch.nn.grad.conv2d_weight` and the bias's sum:
 *
 *     dWeight[o][c][u][v] = sum over n, i, j of dy[n][o][i][j] · x[n][c][i·s + u - p][j·s + v - p]
 *     dBias[o]            = sum over n, i, j of dy[n][o][i][j]
 *
 * (an x cell in the padding is 0 and adds nothing). Every output cell of every image used the same
 * kernel and the same bias, so their gradients add up over the batch AND over the output's
 * positions. Roughly 15 lines as plain loops.
 *
 * @param dy          [N, M, H', W']: dL/d(output)
 * @param x           [N, C, H, W]: the forward input
 * @param weightShape [M, C, kH, kW]: the weight's shape
 * @param options     `{ padding = 0, stride = 1 }`, as in the forward pass
 * @returns `{ dWeight, dBias }`, new tensors of dy's float type; the arguments are left unchanged
 * @throws TypeError  when dy or x is not a rank-4 float tensor, their float types differ, or weightShape
 *                    is not 4 whole numbers
 * @throws RangeError when the shapes do not fit together (see `conv2dBackward`)
 *
 * @example
 * // a 3x3 input holding 1..9, a 2x2 kernel, dy all ones [1, 1, 2, 2]
 * conv2dBackwardWeight(tensor([1, 1, 2, 2], [1, 1, 1, 1]), tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 2, 2])
 * // => dWeight [[[[12, 16], [24, 28]]]], dBias [4]
 */
export function conv2dBackwardWeight<D extends FloatArray>(
  dy: FloatTensor<D>,
  x: FloatTensor<D>,
  weightShape: readonly number[],
  options: Conv2dOptions = {},
): Pick<Conv2dGrads<D>, 'dWeight' | 'dBias'> {
  checkFloatTensor('conv2dBackwardWeight', 'x', x, 4, '[N, C, H, W]');
  checkFloatTensor('conv2dBackwardWeight', 'dy', dy, 4, '[N, M, H\', W\']', { name: 'x', tensor: x });
  if (!Array.isArray(weightShape) || weightShape.length !== 4 || weightShape.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new TypeError(`conv2dBackwardWeight: weightShape must be 4 positive whole numbers [M, C, kH, kW], but got ${describe(weightShape)}`);
  }
  const { n, c, h, w, m, kh, kw, oh, ow, padding: p, stride: s } = convGeometry('conv2dBackwardWeight', dy.shape, x.shape, weightShape, options);
  const dWeight = zerosLike(dy, weightShape);
  const dBias = zerosLike(dy, [m]);
  const dwd = dWeight.data;
  const dyd = dy.data;
  const xd = x.data;
  const kk = c * kh * kw;
  const pp = oh * ow;
  // cols[k][q]: the input value that kernel cell k met at output position q (0 in the padding),
  // so that dWeight[o][k] += sum over q of dy[n][o][q] · cols[k][q] is a dot product of two rows.
  const cols = new Float64Array(kk * pp);
  const acc = new Float64Array(m * kk);
  for (let b = 0; b < n; b++) {
    cols.fill(0);
    for (let ch = 0; ch < c; ch++) {
      const xPlane = (b * c + ch) * h * w;
      for (let u = 0; u < kh; u++) {
        const i0 = Math.max(0, Math.ceil((p - u) / s));
        const i1 = Math.min(oh - 1, Math.floor((h - 1 + p - u) / s));
        for (let v = 0; v < kw; v++) {
          const j0 = Math.max(0, Math.ceil((p - v) / s));
          const j1 = Math.min(ow - 1, Math.floor((w - 1 + p - v) / s));
          const col = ((ch * kh + u) * kw + v) * pp;
          for (let i = i0; i <= i1; i++) {
            const xRow = xPlane + (i * s + u - p) * w + v - p;
            const colRow = col + i * ow;
            for (let j = j0; j <= j1; j++) cols[colRow + j] = xd[xRow + j * s];
          }
        }
      }
    }
    for (let o = 0; o < m; o++) {
      const dyPlane = (b * m + o) * pp;
      let sum = 0;
      for (let q = 0; q < pp; q++) sum += dyd[dyPlane + q];
      dBias.data[o] += sum; // over N, H' and W'
    }
    let o = 0;
    for (; o + 4 <= m; o += 4) {
      // four kernels per pass over a column row: each value of cols is read once for all four
      const d0 = (b * m + o) * pp;
      for (let k = 0; k < kk; k++) {
        const col = k * pp;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let q = 0; q < pp; q++) {
          const v = cols[col + q];
          a0 += dyd[d0 + q] * v;
          a1 += dyd[d0 + pp + q] * v;
          a2 += dyd[d0 + 2 * pp + q] * v;
          a3 += dyd[d0 + 3 * pp + q] * v;
        }
        acc[o * kk + k] += a0;
        acc[(o + 1) * kk + k] += a1;
        acc[(o + 2) * kk + k] += a2;
        acc[(o + 3) * kk + k] += a3;
      }
    }
    for (; o < m; o++) {
      const dyPlane = (b * m + o) * pp;
      for (let k = 0; k < kk; k++) {
        const col = k * pp;
        let dot = 0;
        for (let q = 0; q < pp; q++) dot += dyd[dyPlane + q] * cols[col + q];
        acc[o * kk + k] += dot;
      }
    }
  }
  dwd.set(acc); // summed in float64 over the whole batch, rounded once
  return { dWeight, dBias };
}

/**
 * All three gradients of PyTorch's `Conv2d(C, M, [kH, kW], stride, padding)`: `conv2dBackwardInput`
 * and `conv2dBackwardWeight` together. (A first layer, whose input is the image, needs no dx:
 * call `conv2dBackwardWeight` alone there and save half the work.)
 *
 * @param dy      [N, M, H', W']: dL/d(output), H' = floor((H + 2p - kH) / s) + 1, likewise W'
 * @param x       [N, C, H, W]: the forward input
 * @param weight  [M, C, kH, kW]
 * @param options `{ padding = 0, stride = 1 }`, as in the forward pass
 * @returns `{ dx, dWeight, dBias }`, new tensors of dy's float type; no argument is changed
 * @throws TypeError  when a tensor is not rank-4 float data, the float types differ, or options is not an object
 * @throws RangeError when padding or stride is out of range; the channel counts differ (in PyTorch's words,
 *                    `weight of size [20, 10, 5, 5], expected input[64, 3, 12, 12] to have 10 channels,
 *                    but got 3 channels instead`); the kernel is larger than the padded input; or dy is
 *                    not [N, M, H', W'] (the message names dy and gives both shapes)
 */
export function conv2dBackward<D extends FloatArray>(dy: FloatTensor<D>, x: FloatTensor<D>, weight: FloatTensor<D>, options: Conv2dOptions = {}): Conv2dGrads<D> {
  checkFloatTensor('conv2dBackward', 'x', x, 4, '[N, C, H, W]');
  checkFloatTensor('conv2dBackward', 'weight', weight, 4, '[M, C, kH, kW]', { name: 'x', tensor: x });
  checkFloatTensor('conv2dBackward', 'dy', dy, 4, '[N, M, H\', W\']', { name: 'x', tensor: x });
  convGeometry('conv2dBackward', dy.shape, x.shape, weight.shape, options);
  return { dx: conv2dBackwardInput(dy, weight, x.shape, options), ...conv2dBackwardWeight(dy, x, weight.shape, options) };
}

/** The settings of PyTorch's MaxPool2d besides the kernel size, as in kata 06. */
export interface MaxPool2dOptions {
  /** How far the window jumps; default: kernelSize (windows do not overlap). */
  readonly stride?: number;
  /** -Infinity cells on every side; default 0; at most kernelSize / 2. */
  readonly padding?: number;
}

/**
 * The backward pass of PyTorch's `MaxPool2d(kernelSize, stride, padding)`: each window's output was
 * ONE of its input cells, the largest, so dy of that output goes to that cell alone, and to no other
 * cell of the window. When windows overlap (stride < kernelSize) a cell can win several windows;
 * its gradients add up.
 *
 * Ties: PyTorch scans the window row by row, left to right, and keeps the FIRST largest value (a
 * later equal value does not replace it), so the whole dy goes to that first position. A NaN wins
 * its window, as in the forward pass. Padding cells are -Infinity: they never win. Roughly 15 lines.
 *
 * @param dy         [N, C, H', W']: dL/d(output)
 * @param x          [N, C, H, W]: the forward input (to find where each maximum was)
 * @param kernelSize the window's side, a positive whole number
 * @param options    `{ stride = kernelSize, padding = 0 }`, padding at most kernelSize / 2
 * @returns a new [N, C, H, W] tensor of dy's float type; the arguments are left unchanged
 * @throws TypeError  when dy or x is not a rank-4 float tensor, their float types differ, or options is
 *                    not an object of stride and padding
 * @throws RangeError when kernelSize or stride is not a positive whole number, padding is not a whole
 *                    number in 0..kernelSize / 2, the window is larger than the padded input, or dy is not
 *                    the shape of the pooled output [N, C, H', W'] (the message gives both)
 *
 * @example
 * // one 2x2 window holding [[1, 3], [3, 0]]: the first 3 (row 0, column 1) takes the whole gradient
 * maxPool2dBackward(tensor([1, 1, 1, 1], [5]), tensor([1, 1, 2, 2], [1, 3, 3, 0]), 2) // => [[0, 5], [0, 0]]
 */
export function maxPool2dBackward<D extends FloatArray>(dy: FloatTensor<D>, x: FloatTensor<D>, kernelSize: number, options: MaxPool2dOptions = {}): FloatTensor<D> {
  checkFloatTensor('maxPool2dBackward', 'x', x, 4, '[N, C, H, W]');
  checkFloatTensor('maxPool2dBackward', 'dy', dy, 4, '[N, C, H\', W\']', { name: 'x', tensor: x });
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`maxPool2dBackward: options must be an object { stride?, padding? }, but got ${describe(options)}`);
  }
  checkInteger('maxPool2dBackward', 'kernelSize', kernelSize, 1);
  const stride = options.stride ?? kernelSize;
  const padding = options.padding ?? 0;
  checkInteger('maxPool2dBackward', 'stride', stride, 1);
  checkInteger('maxPool2dBackward', 'padding', padding, 0);
  if (2 * padding > kernelSize) {
    throw new RangeError(`maxPool2dBackward: padding should be at most half of kernelSize, but got padding=${padding}, kernelSize=${kernelSize}`);
  }
  const [n, c, h, w] = x.shape;
  if (kernelSize > h + 2 * padding || kernelSize > w + 2 * padding) {
    throw new RangeError(`maxPool2dBackward: a ${kernelSize}x${kernelSize} window does not fit in the padded input ${h + 2 * padding}x${w + 2 * padding}`);
  }
  const oh = Math.floor((h + 2 * padding - kernelSize) / stride) + 1;
  const ow = Math.floor((w + 2 * padding - kernelSize) / stride) + 1;
  const want = [n, c, oh, ow];
  if (want.some((size, i) => size !== dy.shape[i])) {
    throw new RangeError(`maxPool2dBackward: dy must have the shape of the pooled output [N, C, H', W'] = [${want.join(', ')}], but got [${dy.shape.join(', ')}]`);
  }
  const dx = zerosLike(dy, x.shape);
  const xd = x.data;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let i = 0; i < oh; i++) {
      const r0 = Math.max(0, i * stride - padding);
      const r1 = Math.min(h, i * stride - padding + kernelSize);
      for (let j = 0; j < ow; j++) {
        const c0 = Math.max(0, j * stride - padding);
        const c1 = Math.min(w, j * stride - padding + kernelSize);
        let at = base + r0 * w + c0;
        let best = xd[at];
        for (let r = r0; r < r1; r++) {
          for (let q = c0; q < c1; q++) {
            const v = xd[base + r * w + q];
            if (v > best || Number.isNaN(v)) {
              best = v; // strictly larger: the first of a tie keeps it
              at = base + r * w + q;
            }
          }
        }
        dx.data[at] += dy.data[(plane * oh + i) * ow + j]; // the whole gradient to the one winner
      }
    }
  }
  return dx;
}
