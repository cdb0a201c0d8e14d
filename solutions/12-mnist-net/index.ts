/**
 * Kata 12: the lecture's MNIST net, end to end.
 * Lesson: docs/12-mnist-net.md
 *
 *     x [N, 1, 28, 28]
 *       → conv1 Conv2d(1, 10, 5)   [N, 10, 24, 24]
 *       → MaxPool2d(2) → ReLU      [N, 10, 12, 12]
 *       → conv2 Conv2d(10, 20, 5)  [N, 20, 8, 8]
 *       → MaxPool2d(2) → ReLU      [N, 20, 4, 4]
 *       → view(N, 320)             [N, 320]
 *       → fc Linear(320, 10)       [N, 10] logits
 *
 * Parameters are named and shaped exactly like the PyTorch model's `state_dict()`. Like
 * `model.to(device)`, the net runs on `'cpu'` (the flat-tensor layers below) or on a gpu.js
 * `GPU` instance (the feature extractor of kata 11, then the linear layer of kata 08).
 */
import type { GPU } from 'gpu.js';
import { checkTensor, sizeOf, tensor, type Tensor } from '../../lib/tensor';
import { todo } from '../../lib/todo';
import { argmax, flatten, linear, relu } from '../08-linear';
import { extractFeatures } from '../11-device-features';

export { argmax, flatten, linear, relu };

export type ParamName = 'conv1.weight' | 'conv1.bias' | 'conv2.weight' | 'conv2.bias' | 'fc.weight' | 'fc.bias';
/** PyTorch's names and shapes: what `model.state_dict()` holds for the lecture's net. */
export type StateDict = Readonly<Record<ParamName, Tensor>>;
/** `'cpu'`, or a gpu.js GPU instance for the gpu device. */
export type Device = 'cpu' | GPU;

export interface Net {
  /** [N, 1, 28, 28] normalised images → [N, 10] logits (a new tensor; x is left unchanged). */
  forward(x: Tensor): Tensor;
  /** The predicted digit of each image: argmax of the logits. */
  predict(x: Tensor): number[];
}

/** The shape of every parameter, in `state_dict()` order. */
export const PARAM_SHAPES: Readonly<Record<ParamName, readonly number[]>> = Object.freeze({
  'conv1.weight': Object.freeze([10, 1, 5, 5]),
  'conv1.bias': Object.freeze([10]),
  'conv2.weight': Object.freeze([20, 10, 5, 5]),
  'conv2.bias': Object.freeze([20]),
  'fc.weight': Object.freeze([10, 320]),
  'fc.bias': Object.freeze([10]),
});

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((n, i) => n === b[i]);

/**
 * Checks a state dict as PyTorch's `load_state_dict` (strict) does: every key present, no
 * unexpected key, every value a Tensor of exactly the model's shape.
 * @throws TypeError  `Missing key(s) in state_dict: "conv1.bias"`, `Unexpected key(s) in state_dict: "fc1.weight"`,
 *                    or a value that is not a Tensor
 * @throws RangeError `conv2.weight: expected [20, 10, 5, 5], got [20, 5, 5, 10]`
 */
export function checkStateDict(params: unknown): asserts params is StateDict {
  if (params === null || typeof params !== 'object') throw new TypeError(`mnistNet: params must be a state dict object with keys ${Object.keys(PARAM_SHAPES).join(', ')}`);
  const keys = Object.keys(params);
  const missing = Object.keys(PARAM_SHAPES).filter((k) => !keys.includes(k));
  const unexpected = keys.filter((k) => !(k in PARAM_SHAPES));
  if (missing.length || unexpected.length) {
    throw new TypeError(
      'mnistNet: Error(s) in loading state_dict: ' +
        [
          missing.length ? `Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}` : '',
          unexpected.length ? `Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('. '),
    );
  }
  for (const [key, shape] of Object.entries(PARAM_SHAPES)) {
    const t = (params as Record<string, unknown>)[key];
    checkTensor('mnistNet', key, t);
    if (!sameShape(t.shape, shape)) {
      const hint =
        key === 'fc.weight' && sameShape(t.shape, [320, 10])
          ? " (that is [in, out]: PyTorch's Linear stores its weight as [out, in])"
          : key.endsWith('.weight') && t.shape.length === 4 && sizeOf(t.shape) === sizeOf(shape)
            ? ' (same values in another layout? PyTorch stores conv weights as [out channels, in channels, kH, kW])'
            : '';
      throw new RangeError(`mnistNet: size mismatch for ${key}: expected ${fmt(shape)}, got ${fmt(t.shape)}${hint}`);
    }
  }
}

/**
 * Checks the net's input: a batch of one-channel 28x28 images.
 * @throws TypeError naming the shape received and the one expected (and what is missing)
 */
export function checkInput(x: unknown): asserts x is Tensor {
  checkTensor('mnistNet.forward', 'x', x);
  const s = x.shape;
  const want = `[N, 1, 28, 28]`;
  if (s.length === 3 && s[1] === 28 && s[2] === 28) {
    throw new TypeError(`mnistNet.forward: expected input ${want}, got ${fmt(s)}: the channel axis is missing; reshape to [${s[0]}, 1, 28, 28] (PyTorch: x.unsqueeze(1))`);
  }
  if (s.length === 2 && s[1] === 784) {
    throw new TypeError(`mnistNet.forward: expected input ${want}, got ${fmt(s)}: flat images; reshape to [${s[0]}, 1, 28, 28] (PyTorch: x.view(-1, 1, 28, 28))`);
  }
  if (s.length !== 4) throw new TypeError(`mnistNet.forward: expected input ${want}, got ${fmt(s)} (rank ${s.length}, not 4)`);
  if (s[1] !== 1) {
    throw new TypeError(`mnistNet.forward: Given groups=1, weight of size [10, 1, 5, 5], expected input${fmt(s).replace(/ /g, '')} to have 1 channels, but got ${s[1]} channels instead`);
  }
  if (s[2] !== 28 || s[3] !== 28) {
    throw new TypeError(`mnistNet.forward: expected input ${want}, got ${fmt(s)}: the net is built for 28x28 images (other sizes do not give fc its 320 features)`);
  }
}

/**
 * The net's input from raw MNIST pixels, as the lecture's
 * `transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])`:
 * each byte v becomes (v / 255 - 0.1307) / 0.3081, and the images get their channel axis.
 *
 * @param pixels N * 784 values 0..255 (N images of 28x28, row-major)
 * @returns a new [N, 1, 28, 28] tensor
 * @throws RangeError when the length is not a whole number of 28x28 images
 *
 * @example
 * toInput(new Uint8Array(784)).shape // => [1, 1, 28, 28], every value (0 - 0.1307) / 0.3081 = -0.4242
 */
export function toInput(pixels: ArrayLike<number>): Tensor {
  if (pixels === null || typeof pixels !== 'object' || typeof pixels.length !== 'number' || pixels.length % 784 !== 0) {
    throw new RangeError(`toInput: expected N * 784 pixel values (N images of 28x28), got ${pixels?.length ?? String(pixels)} values`);
  }
  const n = pixels.length / 784;
  const y = tensor([n, 1, 28, 28]);
  for (let i = 0; i < pixels.length; i++) y.data[i] = (pixels[i] / 255 - 0.1307) / 0.3081;
  return y;
}

/**
 * PyTorch's `Conv2d` (stride 1, no padding) on an NCHW batch, on flat Float32Arrays.
 *
 *     y[n][m][i][j] = bias[m] + sum over c, u, v of x[n][c][i + u][j + v] * weight[m][c][u][v]
 *
 * @param x      [N, C, H, W]
 * @param weight [M, C, kH, kW]
 * @param bias   [M]
 * @returns a new [N, M, H - kH + 1, W - kW + 1] tensor; the arguments are left unchanged
 * @throws TypeError  when a tensor has the wrong rank
 * @throws RangeError when the channels disagree (`expected input[2, 3, 28, 28] to have 1 channels, but got 3 channels instead`),
 *                    bias has the wrong length, or the kernel is larger than the image
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor): Tensor {
  checkTensor('conv2d', 'x', x, 4, '[N, C, H, W]');
  checkTensor('conv2d', 'weight', weight, 4, '[M, C, kH, kW]');
  checkTensor('conv2d', 'bias', bias, 1, '[M]');
  const [n, c, h, w] = x.shape;
  const [m, wc, kh, kw] = weight.shape;
  if (c !== wc) {
    throw new RangeError(`conv2d: Given groups=1, weight of size ${fmt(weight.shape).replace(/ /g, '')}, expected input${fmt(x.shape).replace(/ /g, '')} to have ${wc} channels, but got ${c} channels instead`);
  }
  if (bias.shape[0] !== m) throw new RangeError(`conv2d: bias must have one entry per output channel: weight is ${fmt(weight.shape)}, so bias should be [${m}], got ${fmt(bias.shape)}`);
  if (kh > h || kw > w) throw new RangeError(`conv2d: kernel ${kh}x${kw} is larger than the input ${h}x${w}`);
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  const y = tensor([n, m, oh, ow]);
  const acc = new Float64Array(oh * ow);
  for (let s = 0; s < n; s++) convImage(x.data, s * c * h * w, c, h, w, weight.data, bias.data, m, kh, kw, y.data, s * m * oh * ow, acc);
  return y;
}

/**
 * One image of a direct convolution. For each (output channel, input channel, kernel cell) the
 * weight is one number, and it multiplies a whole shifted window of the input plane: the inner
 * loop runs along a row of the output, reading a row of the input, both contiguous.
 */
function convImage(
  x: Float32Array,
  xOff: number,
  c: number,
  h: number,
  w: number,
  weight: Float32Array,
  bias: Float32Array,
  m: number,
  kh: number,
  kw: number,
  out: Float32Array,
  outOff: number,
  acc: Float64Array,
): void {
  if (kw === 5) {
    convImage5(x, xOff, c, h, w, weight, bias, m, kh, out, outOff, acc);
    return;
  }
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  const plane = oh * ow;
  for (let mo = 0; mo < m; mo++) {
    acc.fill(bias[mo]);
    for (let ci = 0; ci < c; ci++) {
      const inPlane = xOff + ci * h * w;
      const wBase = (mo * c + ci) * kh * kw;
      for (let u = 0; u < kh; u++) {
        for (let v = 0; v < kw; v++) {
          const k = weight[wBase + u * kw + v];
          const start = inPlane + u * w + v;
          for (let i = 0; i < oh; i++) {
            const row = start + i * w;
            const o = i * ow;
            for (let j = 0; j < ow; j++) acc[o + j] += k * x[row + j];
          }
        }
      }
    }
    const base = outOff + mo * plane;
    for (let p = 0; p < plane; p++) out[base + p] = acc[p];
  }
}

/**
 * The same convolution for kernels 5 wide (both layers of the net), about three times faster:
 * one kernel row's five weights sit in local variables, and a sliding window of five input
 * values moves along the input row, so each input value is read once per kernel row and each
 * output value is read and written once per kernel row instead of once per weight.
 */
function convImage5(
  x: Float32Array,
  xOff: number,
  c: number,
  h: number,
  w: number,
  weight: Float32Array,
  bias: Float32Array,
  m: number,
  kh: number,
  out: Float32Array,
  outOff: number,
  acc: Float64Array,
): void {
  const oh = h - kh + 1;
  const ow = w - 4;
  const plane = oh * ow;
  for (let mo = 0; mo < m; mo++) {
    acc.fill(bias[mo], 0, plane);
    for (let ci = 0; ci < c; ci++) {
      const inPlane = xOff + ci * h * w;
      for (let u = 0; u < kh; u++) {
        const wb = ((mo * c + ci) * kh + u) * 5;
        const w0 = weight[wb];
        const w1 = weight[wb + 1];
        const w2 = weight[wb + 2];
        const w3 = weight[wb + 3];
        const w4 = weight[wb + 4];
        for (let i = 0; i < oh; i++) {
          const r = inPlane + (i + u) * w;
          const o = i * ow;
          let a0 = x[r];
          let a1 = x[r + 1];
          let a2 = x[r + 2];
          let a3 = x[r + 3];
          for (let j = 0; j < ow; j++) {
            const a4 = x[r + j + 4];
            acc[o + j] += w0 * a0 + w1 * a1 + w2 * a2 + w3 * a3 + w4 * a4;
            a0 = a1;
            a1 = a2;
            a2 = a3;
            a3 = a4;
          }
        }
      }
    }
    const base = outOff + mo * plane;
    for (let p = 0; p < plane; p++) out[base + p] = acc[p];
  }
}

/** Max-pool 2x2 then ReLU of `planes` planes of h x w (even), from `src` into `dst`. */
function poolRelu2(src: Float32Array, planes: number, h: number, w: number, dst: Float32Array, dstOff: number): void {
  const oh = h >> 1;
  const ow = w >> 1;
  let o = dstOff;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let i = 0; i < oh; i++) {
      const r0 = base + 2 * i * w;
      const r1 = r0 + w;
      for (let j = 0; j < ow; j++) {
        const a = src[r0 + 2 * j];
        const b = src[r0 + 2 * j + 1];
        const c = src[r1 + 2 * j];
        const d = src[r1 + 2 * j + 1];
        const m = Math.max(a, b, c, d);
        dst[o++] = m > 0 ? m : m === m ? 0 : m;
      }
    }
  }
}

/**
 * PyTorch's `MaxPool2d(size)` (stride = size, no padding, floor) on an NCHW batch.
 * @returns a new [N, C, floor(H / size), floor(W / size)] tensor; x is left unchanged
 * @throws TypeError when x is not rank 4; RangeError when size is not a whole number in 1..min(H, W)
 */
export function maxPool2d(x: Tensor, size = 2): Tensor {
  checkTensor('maxPool2d', 'x', x, 4, '[N, C, H, W]');
  const [n, c, h, w] = x.shape;
  if (!Number.isInteger(size) || size < 1 || size > Math.min(h, w)) {
    throw new RangeError(`maxPool2d: size must be a whole number from 1 to ${Math.min(h, w)} for a ${h}x${w} input, got ${size}`);
  }
  const oh = Math.floor(h / size);
  const ow = Math.floor(w / size);
  const y = tensor([n, c, oh, ow]);
  const src = x.data;
  const dst = y.data;
  for (let p = 0; p < n * c; p++) {
    const inBase = p * h * w;
    const outBase = p * oh * ow;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let best = -Infinity;
        for (let u = 0; u < size; u++) {
          const row = inBase + (i * size + u) * w + j * size;
          for (let v = 0; v < size; v++) {
            const val = src[row + v];
            if (val > best || val !== val) best = val;
          }
        }
        dst[outBase + i * ow + j] = best;
      }
    }
  }
  return y;
}

/** Every stage of the forward pass, for lessons and the lab: name, PyTorch expression and tensor. */
export interface Stage {
  readonly name: string;
  readonly expression: string;
  readonly tensor: Tensor;
}

/** The forward pass on the CPU keeping every stage (x itself first). */
export function forwardStages(params: StateDict, x: Tensor): Stage[] {
  checkStateDict(params);
  checkInput(x);
  const c1 = conv2d(x, params['conv1.weight'], params['conv1.bias']);
  const p1 = maxPool2d(c1, 2);
  const r1 = relu(p1);
  const c2 = conv2d(r1, params['conv2.weight'], params['conv2.bias']);
  const p2 = maxPool2d(c2, 2);
  const r2 = relu(p2);
  const f = flatten(r2);
  const logits = linear(f, params['fc.weight'], params['fc.bias']);
  return [
    { name: 'input', expression: 'x', tensor: x },
    { name: 'conv1', expression: 'self.conv1(x)', tensor: c1 },
    { name: 'pool1', expression: 'self.mp(...)', tensor: p1 },
    { name: 'relu1', expression: 'F.relu(...)', tensor: r1 },
    { name: 'conv2', expression: 'self.conv2(x)', tensor: c2 },
    { name: 'pool2', expression: 'self.mp(...)', tensor: p2 },
    { name: 'relu2', expression: 'F.relu(...)', tensor: r2 },
    { name: 'flatten', expression: 'x.view(in_size, -1)', tensor: f },
    { name: 'logits', expression: 'self.fc(x)', tensor: logits },
  ];
}

/** Images per chunk: keeps the intermediates of a chunk in the CPU's caches (and the GPU's textures small). */
const CHUNK = 64;

/** Images `start`..`end` of a batch, as their own tensor. */
function slice(x: Tensor, start: number, end: number): Tensor {
  const per = sizeOf(x.shape.slice(1));
  return { shape: [end - start, ...x.shape.slice(1)], data: x.data.slice(start * per, end * per) };
}

/**
 * The lecture's net with these parameters on `device`, like `model.load_state_dict(params)`
 * then `model.to(device)`: the parameters are checked and copied (changing `params` later does
 * not change the net).
 * @throws TypeError/RangeError from `checkStateDict`, naming the key and both shapes
 */
export function mnistNet(params: StateDict, device: Device = 'cpu'): Net {
  checkStateDict(params);
  if (device !== 'cpu' && (device === null || typeof device !== 'object' || typeof (device as GPU).createKernel !== 'function')) {
    throw new TypeError(`mnistNet: device must be 'cpu' or a gpu.js GPU instance, got ${String(device)}`);
  }
  const p = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, tensor(t.shape, t.data)])) as Record<ParamName, Tensor>;
  const conv = { conv1: { weight: p['conv1.weight'], bias: p['conv1.bias'] }, conv2: { weight: p['conv2.weight'], bias: p['conv2.bias'] } };
  // Scratch for one image on the CPU: the layers above, fused per image so everything stays in cache.
  const c1 = new Float32Array(10 * 24 * 24);
  const acc = new Float64Array(24 * 24);
  const r1 = new Float32Array(10 * 12 * 12);
  const c2 = new Float32Array(20 * 8 * 8);
  const cpuFeatures = (x: Tensor): Tensor => {
    const n = x.shape[0];
    const f = tensor([n, 20, 4, 4]);
    for (let s = 0; s < n; s++) {
      convImage(x.data, s * 784, 1, 28, 28, conv.conv1.weight.data, conv.conv1.bias.data, 10, 5, 5, c1, 0, acc);
      poolRelu2(c1, 10, 24, 24, r1, 0);
      convImage(r1, 0, 10, 12, 12, conv.conv2.weight.data, conv.conv2.bias.data, 20, 5, 5, c2, 0, acc);
      poolRelu2(c2, 20, 8, 8, f.data, s * 320);
    }
    return f;
  };
  const features = (x: Tensor): Tensor => (device === 'cpu' ? cpuFeatures(x) : extractFeatures(device, x, conv));
  const forward = (x: Tensor): Tensor => {
    checkInput(x);
    const n = x.shape[0];
    const logits = tensor([n, 10]);
    const chunk = device === 'cpu' ? CHUNK : 1024;
    for (let start = 0; start < n; start += chunk) {
      const end = Math.min(n, start + chunk);
      const part = linear(flatten(features(slice(x, start, end))), p['fc.weight'], p['fc.bias']);
      logits.data.set(part.data, start * 10);
    }
    return logits;
  };
  return { forward, predict: (x) => argmax(forward(x)) };
}
