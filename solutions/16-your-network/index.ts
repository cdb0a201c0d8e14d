/**
 * Kata 16: your own network (the homework).
 * Lesson: docs/16-your-network.md
 *
 * The lecture ends with a homework: compare networks of other shapes. Here a network is data, a
 * `NetSpec`: the input's [C, H, W] and a list of layers, exactly what PyTorch's `nn.Sequential`
 * holds:
 *
 *     { input: [1, 28, 28], layers: [                       nn.Sequential(
 *         { type: 'conv', in: 1, out: 10, kernel: 5 },        nn.Conv2d(1, 10, 5),       # 0
 *         { type: 'pool', size: 2 },                          nn.MaxPool2d(2),           # 1
 *         { type: 'relu' },                                   nn.ReLU(),                 # 2
 *         ...                                                 ...
 *         { type: 'flatten' },                                nn.Flatten(),              # 6
 *         { type: 'linear', in: 320, out: 10 } ] }            nn.Linear(320, 10))        # 7
 *
 * From a spec: the shape after every layer (checked before any arithmetic, so a wrong size fails
 * at once with a message naming the layer), the number of parameters and of multiply-adds, fresh
 * parameters (named as `nn.Sequential` names them: `0.weight`, `0.bias`, `3.weight`, ...), the
 * forward pass, and one training step's gradients, chained from katas 13 and 14.
 *
 * Layers are numbered from 0, as nn.Sequential numbers them: the parameter names and the error
 * messages use the same numbers. The functions are generic over the float type, as in katas 13 and
 * 14: Float32Array tensors to train, Float64Array tensors for a gradient check.
 */
import { checkInteger, describe } from '../../lib/matrix';
import { checkFloatTensor, sizeOf, zerosLike, type FloatArray, type FloatTensor, type Tensor } from '../../lib/tensor';
import { todo } from '../../lib/todo';
import { conv2d as kata12Conv2d, type ParamName } from '../12-mnist-net';
import { crossEntropy, crossEntropyBackward, linearBackward, reluBackward } from '../13-backward-head';
import { conv2dBackwardInput, conv2dBackwardWeight, maxPool2dBackward } from '../14-backward-conv';

/** One layer of a network: what `nn.Conv2d`, `nn.MaxPool2d`, `nn.ReLU`, `nn.Flatten` and `nn.Linear` take. */
export type LayerSpec =
  | { readonly type: 'conv'; readonly in: number; readonly out: number; readonly kernel: number; readonly padding?: number; readonly stride?: number }
  | { readonly type: 'pool'; readonly size: number; readonly stride?: number }
  | { readonly type: 'relu' }
  | { readonly type: 'flatten' }
  | { readonly type: 'linear'; readonly in: number; readonly out: number };

/** A network: the shape of one input image [C, H, W] (without N) and its layers, in order. */
export interface NetSpec {
  readonly input: readonly [number, number, number];
  readonly layers: readonly LayerSpec[];
}

/** What shape inference finds out about one layer. Shapes are without the batch axis N. */
export interface LayerInfo {
  /** The layer's position in `layers`, from 0: its name in nn.Sequential and in the parameter names. */
  readonly index: number;
  readonly type: LayerSpec['type'];
  /** The PyTorch module it is, e.g. `Conv2d(1, 10, kernel_size=5)`, `MaxPool2d(2)`, `Linear(320, 10)`. */
  readonly label: string;
  /** [C, H, W] for feature maps, [F] for a flat vector. */
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  /** Weights and biases of this layer (0 for pool, relu, flatten). */
  readonly params: number;
  /** Multiply-adds of this layer for one image (0 for pool, relu, flatten: comparisons, not products). */
  readonly macs: number;
}

/** A conv layer's settings, as PyTorch's Conv2d: zeros added on every side, and the jump between windows. */
export interface ConvOptions {
  /** Zeros added on every side (default 0). */
  readonly padding?: number;
  /** How far the window jumps, across and down (default 1). */
  readonly stride?: number;
}

/**
 * The lecture's net as a spec: conv 1→10 k5, pool 2, relu, conv 10→20 k5, pool 2, relu, flatten,
 * linear 320→10. Its parameters are `0.weight` [10, 1, 5, 5], `0.bias`, `3.weight` [20, 10, 5, 5],
 * `3.bias`, `7.weight` [10, 320] and `7.bias`: the lecture's conv1, conv2 and fc.
 */
export const LECTURE_NET: NetSpec = Object.freeze({
  input: Object.freeze([1, 28, 28]) as readonly [number, number, number],
  layers: Object.freeze([
    Object.freeze({ type: 'conv', in: 1, out: 10, kernel: 5 }),
    Object.freeze({ type: 'pool', size: 2 }),
    Object.freeze({ type: 'relu' }),
    Object.freeze({ type: 'conv', in: 10, out: 20, kernel: 5 }),
    Object.freeze({ type: 'pool', size: 2 }),
    Object.freeze({ type: 'relu' }),
    Object.freeze({ type: 'flatten' }),
    Object.freeze({ type: 'linear', in: 320, out: 10 }),
  ] as const),
});

/** The lecture's parameter names (kata 12) and their names in LECTURE_NET's nn.Sequential. */
export const LECTURE_PARAM_NAMES: Readonly<Record<ParamName, string>> = Object.freeze({
  'conv1.weight': '0.weight',
  'conv1.bias': '0.bias',
  'conv2.weight': '3.weight',
  'conv2.bias': '3.bias',
  'fc.weight': '7.weight',
  'fc.bias': '7.bias',
});

/** The keys each layer type may have. */
const LAYER_KEYS: Readonly<Record<LayerSpec['type'], readonly string[]>> = Object.freeze({
  conv: ['type', 'in', 'out', 'kernel', 'padding', 'stride'],
  pool: ['type', 'size', 'stride'],
  relu: ['type'],
  flatten: ['type'],
  linear: ['type', 'in', 'out'],
});

/**
 * Shape inference: checks a spec layer by layer, before any arithmetic, and returns what each
 * layer takes and gives. The size rules are PyTorch's (floor, as in kata 03):
 *
 *     conv   [C, H, W] → [out, H', W'],  H' = floor((H + 2·padding − kernel) / stride) + 1   (padding 0, stride 1 by default)
 *     pool   [C, H, W] → [C, H', W'],    H' = floor((H − size) / stride) + 1                  (stride = size by default)
 *     relu   any shape → the same shape
 *     flatten [C, H, W] → [C·H·W]   (NCHW order, as x.view(N, -1))
 *     linear [in] → [out]
 *
 * Parameters: conv `out·in·kernel² + out`, linear `out·in + out`. Multiply-adds for one image: conv
 * `out·H'·W' · in·kernel²` (every output cell is one dot product of in·kernel² terms, the padding's
 * zeros included), linear `out·in`.
 *
 * @param spec the network
 * @returns one LayerInfo per layer, in order
 * @throws TypeError  when spec is not `{ input: [C, H, W], layers: [...] }`, a layer is not an object
 *                    with a known type, or has a key its type does not have (a typo: `kernal`)
 * @throws RangeError when a size is not a positive whole number (padding: >= 0), or the layers do not
 *                    fit together, e.g. `layer 7 (linear) expects 320 inputs, but the previous layer
 *                    gives 500`, `layer 3 (conv) expects 10 input channels, but the previous layer gives
 *                    20 ([20, 12, 12])`, a kernel or window larger than its (padded) input, a linear
 *                    layer meeting [C, H, W] feature maps (flatten is missing), a conv or pool after
 *                    flatten, or a net that does not end with a flat vector of class scores
 *
 * @example
 * describeNet(LECTURE_NET).map((l) => `${l.label} ${l.outShape}`)
 * // => ['Conv2d(1, 10, kernel_size=5) 10,24,24', 'MaxPool2d(2) 10,12,12', 'ReLU() 10,12,12', ..., 'Linear(320, 10) 10']
 */
export function describeNet(spec: NetSpec): LayerInfo[] {
  return inferShapes('describeNet', spec);
}

/**
 * Shape inference for `fn` (which starts every message): see describeNet. Every function of this
 * kata checks its spec with it, so that `countParams(bad)` says `countParams: layer 7 (linear) ...`
 * and `networkForward(bad, ...)` says `networkForward: layer 7 (linear) ...`.
 */
function inferShapes(fn: string, spec: NetSpec): LayerInfo[] {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new TypeError(`${fn}: spec must be an object { input: [C, H, W], layers: [...] }, but got ${describe(spec)}`);
  }
  const input = spec.input as unknown;
  if (!Array.isArray(input) || input.length !== 3) {
    throw new TypeError(`${fn}: spec.input must be [C, H, W], the shape of one image (MNIST: [1, 28, 28]), but got ${Array.isArray(input) ? `[${input.join(', ')}]` : describe(input)}`);
  }
  input.forEach((s, i) => checkInteger(fn, `spec.input[${i}] (${'CHW'[i]})`, s, 1));
  const layers = spec.layers as unknown;
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new TypeError(`${fn}: spec.layers must be a non-empty array of layers ({ type: 'conv' | 'pool' | 'relu' | 'flatten' | 'linear', ... }), but got ${describe(layers)}`);
  }
  const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;
  const infos: LayerInfo[] = [];
  let shape: number[] = [...(input as number[])];
  layers.forEach((layer: unknown, index: number) => {
    const from = index === 0 ? 'the input gives' : 'the previous layer gives';
    if (layer === null || typeof layer !== 'object' || Array.isArray(layer)) {
      throw new TypeError(`${fn}: layer ${index} must be an object { type, ... }, but got ${describe(layer)}`);
    }
    const l = layer as Record<string, unknown>;
    const type = l.type as LayerSpec['type'];
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(LAYER_KEYS, type)) {
      throw new TypeError(`${fn}: layer ${index} has type ${describe(l.type)}; a layer's type is one of ${Object.keys(LAYER_KEYS).join(', ')}`);
    }
    const name = `layer ${index} (${type})`;
    const unknown = Object.keys(l).find((k) => !LAYER_KEYS[type].includes(k));
    if (unknown !== undefined) {
      throw new TypeError(`${fn}: ${name} has an unknown key "${unknown}"; a ${type} layer has ${LAYER_KEYS[type].join(', ')}`);
    }
    const size = (key: string, min: number, fallback?: number): number => {
      const v = l[key] === undefined && fallback !== undefined ? fallback : l[key];
      checkInteger(fn, `${name}: ${key}`, v, min);
      return v;
    };
    const needMaps = () => {
      if (shape.length !== 3) {
        throw new RangeError(`${fn}: ${name} needs [C, H, W] feature maps, but ${from} a flat vector ${fmt(shape)}: convs and pools go before flatten`);
      }
    };
    let out: number[];
    let params = 0;
    let macs = 0;
    let label: string;
    if (type === 'conv') {
      const [cin, cout, k] = [size('in', 1), size('out', 1), size('kernel', 1)];
      const padding = size('padding', 0, 0);
      const stride = size('stride', 1, 1);
      label = `Conv2d(${cin}, ${cout}, kernel_size=${k}${stride !== 1 ? `, stride=${stride}` : ''}${padding !== 0 ? `, padding=${padding}` : ''})`;
      needMaps();
      const [c, h, w] = shape;
      if (c !== cin) throw new RangeError(`${fn}: ${name} expects ${cin} input channels, but ${from} ${c} (${fmt(shape)}): set in: ${c}, or change the layer before`);
      if (k > h + 2 * padding || k > w + 2 * padding) {
        throw new RangeError(
          `${fn}: ${name}'s ${k}x${k} kernel is larger than its input ${h}x${w}${padding ? ` padded to ${h + 2 * padding}x${w + 2 * padding}` : ''} (${from} ${fmt(shape)}): use a smaller kernel, add padding, or shrink the maps less before it`,
        );
      }
      const oh = Math.floor((h + 2 * padding - k) / stride) + 1;
      const ow = Math.floor((w + 2 * padding - k) / stride) + 1;
      out = [cout, oh, ow];
      params = cout * cin * k * k + cout;
      macs = cout * oh * ow * cin * k * k;
    } else if (type === 'pool') {
      const k = size('size', 1);
      const stride = size('stride', 1, k);
      label = `MaxPool2d(${k}${stride !== k ? `, stride=${stride}` : ''})`;
      needMaps();
      const [c, h, w] = shape;
      if (k > h || k > w) throw new RangeError(`${fn}: ${name}'s ${k}x${k} window is larger than its input ${h}x${w} (${from} ${fmt(shape)})`);
      out = [c, Math.floor((h - k) / stride) + 1, Math.floor((w - k) / stride) + 1];
    } else if (type === 'relu') {
      label = 'ReLU()';
      out = [...shape];
    } else if (type === 'flatten') {
      label = 'Flatten()';
      out = [sizeOf(shape)];
    } else {
      const [fin, fout] = [size('in', 1), size('out', 1)];
      label = `Linear(${fin}, ${fout})`;
      if (shape.length !== 1) {
        throw new RangeError(
          `${fn}: ${name} expects a flat vector of ${fin} inputs, but ${from} ${fmt(shape)} feature maps (${sizeOf(shape)} values): put { type: 'flatten' } before it`,
        );
      }
      if (shape[0] !== fin) throw new RangeError(`${fn}: ${name} expects ${fin} inputs, but ${from} ${shape[0]}: set in: ${shape[0]}, or change the layers before it`);
      out = [fout];
      params = fout * fin + fout;
      macs = fout * fin;
    }
    infos.push(Object.freeze({ index, type, label, inShape: Object.freeze(shape), outShape: Object.freeze(out), params, macs }));
    shape = out;
  });
  if (shape.length !== 1) {
    const last = infos[infos.length - 1];
    throw new RangeError(`${fn}: a net ends with a flat vector of class scores [K], but its last layer ${last.index} (${last.type}) gives ${fmt(shape)}: end with flatten and linear`);
  }
  return infos;
}

/**
 * The number of parameters (weights and biases) of a spec: what PyTorch's
 * `sum(p.numel() for p in model.parameters())` says for the same nn.Sequential.
 *
 * @throws the errors of describeNet, starting `countParams:`
 * @example
 * countParams(LECTURE_NET) // => 8490 (260 + 5020 + 3210)
 */
export function countParams(spec: NetSpec): number {
  return inferShapes('countParams', spec).reduce((sum, l) => sum + l.params, 0);
}

/**
 * Multiply-adds of one image's forward pass (FLOPs ≈ 2·MACs): per conv, out·H'·W' · in·kernel²
 * (the padding's zeros included, as profilers count them); per linear, out·in. Pooling, ReLU,
 * flatten and the bias additions are not counted.
 *
 * @throws the errors of describeNet, starting `countMacs:`
 * @example
 * countMacs(LECTURE_NET) // => 467200 (conv1 144000 + conv2 320000 + fc 3200)
 */
export function countMacs(spec: NetSpec): number {
  return inferShapes('countMacs', spec).reduce((sum, l) => sum + l.macs, 0);
}

/**
 * Fresh parameters for a spec, PyTorch's default initialisation (as kata 15's initParams): every
 * weight and bias of a layer drawn uniformly from [-1/√fan_in, 1/√fan_in), fan_in = in·kernel² for a
 * conv and in for a linear layer. Drawn layer by layer, weight then bias, in row-major order, each
 * value `(2·random() − 1) / √fan_in`.
 *
 * @param spec   the network
 * @param random a source of numbers in [0, 1), e.g. seededRandom(seed) from lib/random
 * @returns float32 tensors named `${index}.weight` ([out, in, k, k] or [out, in]) and `${index}.bias` ([out])
 * @throws TypeError when random is not a function; the errors of describeNet (every message starts `initNetwork:`)
 */
export function initNetwork(spec: NetSpec, random: () => number): Record<string, Tensor> {
  const infos = inferShapes('initNetwork', spec);
  if (typeof random !== 'function') throw new TypeError(`initNetwork: random must be a function returning numbers in [0, 1), but got ${describe(random)}`);
  const params: Record<string, Tensor> = {};
  for (const [name, shape] of paramShapes(spec, infos)) {
    const layer = spec.layers[Number(name.split('.')[0])] as { in: number; kernel?: number };
    const bound = 1 / Math.sqrt(layer.in * (layer.kernel ?? 1) ** 2); // 1/sqrt(fan_in), for the weight and the bias alike
    const data = new Float32Array(sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = (2 * random() - 1) * bound;
    params[name] = { shape: [...shape], data };
  }
  return params;
}

/** The name and shape of every parameter, in nn.Sequential's order (`0.weight`, `0.bias`, ...). */
function paramShapes(spec: NetSpec, infos: readonly LayerInfo[]): Map<string, readonly number[]> {
  const shapes = new Map<string, readonly number[]>();
  for (const info of infos) {
    const l = spec.layers[info.index];
    if (l.type === 'conv') shapes.set(`${info.index}.weight`, [l.out, l.in, l.kernel, l.kernel]);
    else if (l.type === 'linear') shapes.set(`${info.index}.weight`, [l.out, l.in]);
    else continue;
    shapes.set(`${info.index}.bias`, [l.out]);
  }
  return shapes;
}

/**
 * Checks parameters (or gradients: `what`) against a spec, as PyTorch's strict load_state_dict:
 * every key present, none unexpected, each of its exact shape and of x's float type.
 */
function checkParams(fn: string, what: string, spec: NetSpec, infos: readonly LayerInfo[], params: unknown, x: FloatTensor): void {
  const shapes = paramShapes(spec, infos);
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new TypeError(`${fn}: ${what} must be an object of tensors named ${[...shapes.keys()].join(', ')}, but got ${describe(params)}`);
  }
  const keys = Object.keys(params);
  const missing = [...shapes.keys()].filter((k) => !keys.includes(k));
  const unexpected = keys.filter((k) => !shapes.has(k));
  if (missing.length || unexpected.length) {
    const list = (ks: string[]) => ks.map((k) => `"${k}"`).join(', ');
    throw new TypeError(
      `${fn}: Error(s) in ${what}: ` +
        [missing.length ? `Missing key(s): ${list(missing)}` : '', unexpected.length ? `Unexpected key(s): ${list(unexpected)}` : ''].filter(Boolean).join('. ') +
        ` (the spec's parameters are named after their layer's index: ${[...shapes.keys()].join(', ')})` +
        (unexpected.some((k) => k in LECTURE_PARAM_NAMES) ? "; kata 12's conv1, conv2 and fc are layers 0, 3 and 7 of LECTURE_NET: rename them with LECTURE_PARAM_NAMES" : ''),
    );
  }
  for (const [key, shape] of shapes) {
    const t = (params as Record<string, unknown>)[key];
    checkFloatTensor(fn, `${what}["${key}"]`, t, undefined, '', { name: 'x', tensor: x });
    if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
      throw new RangeError(`${fn}: size mismatch for ${what}["${key}"]: the spec's layer ${key.split('.')[0]} needs [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
    }
  }
}

/** Checks x against the spec's input: [N, C, H, W] with N >= 1. */
function checkInput(fn: string, spec: NetSpec, x: unknown): asserts x is FloatTensor {
  checkFloatTensor(fn, 'x', x, 4, '[N, C, H, W]');
  const [n, ...chw] = x.shape;
  if (chw.some((s, i) => s !== spec.input[i]) || n < 1) {
    throw new RangeError(`${fn}: the spec's input is [${spec.input.join(', ')}], so x must be [N, ${spec.input.join(', ')}] with N >= 1, but got [${x.shape.join(', ')}]`);
  }
}

/**
 * PyTorch's `Conv2d` with zero padding and a stride, on flat NCHW tensors:
 *
 *     y[n][o][i][j] = bias[o] + sum over c, u, v of x[n][c][i·s + u − p][j·s + v − p] · weight[o][c][u][v]
 *
 * (a cell outside x is a padding zero). Kata 12's conv2d with kata 03's padding and stride.
 *
 * @param x       [N, C, H, W]
 * @param weight  [M, C, kH, kW]
 * @param bias    [M]
 * @param options `{ padding = 0, stride = 1 }`
 * @returns a new [N, M, H', W'] tensor of x's float type, H' = floor((H + 2p − kH) / s) + 1
 * @throws TypeError  when a tensor is not float data of the right rank, or the float types differ
 * @throws RangeError when the channel counts differ (PyTorch's words), bias is not [M], padding or
 *                    stride is out of range, or the kernel is larger than the padded input
 *
 * @example
 * // the lesson's 5x5 input and 3x3 kernel 1..9, padding 1, stride 2
 * conv2dForward(tensor([1, 1, 5, 5], LECTURE_INPUT.flat()), tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]), tensor([1]), { padding: 1, stride: 2 })
 * // => [[91, 224, 127], [192, 282, 122], [96, 110, 31]]
 */
export function conv2dForward<D extends FloatArray>(x: FloatTensor<D>, weight: FloatTensor<D>, bias: FloatTensor<D>, options: ConvOptions = {}): FloatTensor<D> {
  checkFloatTensor('conv2dForward', 'x', x, 4, '[N, C, H, W]');
  checkFloatTensor('conv2dForward', 'weight', weight, 4, '[M, C, kH, kW]', { name: 'x', tensor: x });
  checkFloatTensor('conv2dForward', 'bias', bias, 1, '[M]', { name: 'x', tensor: x });
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`conv2dForward: options must be an object { padding?, stride? }, but got ${describe(options)}`);
  }
  const p = options.padding ?? 0;
  const s = options.stride ?? 1;
  checkInteger('conv2dForward', 'padding', p, 0);
  checkInteger('conv2dForward', 'stride', s, 1);
  const [n, c, h, w] = x.shape;
  const [m, wc, kh, kw] = weight.shape;
  if (wc !== c) {
    throw new RangeError(`conv2dForward: Given groups=1, weight of size [${weight.shape.join(', ')}], expected input[${x.shape.join(', ')}] to have ${wc} channels, but got ${c} channels instead`);
  }
  if (bias.shape[0] !== m) throw new RangeError(`conv2dForward: bias must have one entry per output channel: weight is [${weight.shape.join(', ')}], so bias should be [${m}], but got [${bias.shape.join(', ')}]`);
  if (kh > h + 2 * p || kw > w + 2 * p) {
    throw new RangeError(`conv2dForward: the kernel ${kh}x${kw} is larger than the padded input ${h + 2 * p}x${w + 2 * p} (input ${h}x${w}, padding ${p})`);
  }
  const oh = Math.floor((h + 2 * p - kh) / s) + 1;
  const ow = Math.floor((w + 2 * p - kw) / s) + 1;
  const y = zerosLike(x, [n, m, oh, ow]);
  const yd = y.data;
  const xd = x.data;
  const wd = weight.data;
  const bd = bias.data;
  const kk = c * kh * kw; // the values one window holds
  const pp = oh * ow; // windows per image
  if (s === 1 && kw === 5 && xd instanceof Float32Array) {
    // Float32, stride 1, 5-wide kernels (the lecture's convs): kata 12's conv2d, whose sliding window of
    // five is twice as fast as gathering windows (measured; for 3x3 kernels the rows below are faster),
    // on a zero-padded copy of x when there is padding.
    let input: Tensor = x as FloatTensor<Float32Array>;
    if (p > 0) {
      const [hp, wp] = [h + 2 * p, w + 2 * p];
      const padded = new Float32Array(n * c * hp * wp);
      for (let plane = 0; plane < n * c; plane++) {
        for (let r = 0; r < h; r++) padded.set(xd.subarray((plane * h + r) * w, (plane * h + r + 1) * w), (plane * hp + r + p) * wp + p);
      }
      input = { shape: [n, c, hp, wp], data: padded };
    }
    return kata12Conv2d(input, weight as FloatTensor<Float32Array>, bias as FloatTensor<Float32Array>) as FloatTensor<D>;
  }
  if (s === 1 && kw === 3) {
    // Stride 1, 3-wide kernels (3x3 with padding 1: "same" convs): kata 12's sliding window, for three.
    // For each output channel, input channel and kernel row, the row's three weights sit in locals and
    // a window of three input values slides along a row of the zero-padded image: each input value is
    // read once per kernel row, each output value read and written once per kernel row.
    const [hp, wp] = [h + 2 * p, w + 2 * p];
    const padded = new Float64Array(c * hp * wp);
    const acc = new Float64Array(pp);
    for (let b = 0; b < n; b++) {
      for (let ch = 0; ch < c; ch++) {
        for (let r = 0; r < h; r++) {
          const from = ((b * c + ch) * h + r) * w;
          const to = (ch * hp + r + p) * wp + p;
          for (let q = 0; q < w; q++) padded[to + q] = xd[from + q];
        }
      }
      for (let o = 0; o < m; o++) {
        acc.fill(bd[o]);
        for (let ch = 0; ch < c; ch++) {
          for (let u = 0; u < kh; u++) {
            const wb = ((o * c + ch) * kh + u) * 3;
            const [w0, w1, w2] = [wd[wb], wd[wb + 1], wd[wb + 2]];
            for (let i = 0; i < oh; i++) {
              const r = (ch * hp + i + u) * wp;
              const a = i * ow;
              let a0 = padded[r];
              let a1 = padded[r + 1];
              for (let j = 0; j < ow; j++) {
                const a2 = padded[r + j + 2];
                acc[a + j] += w0 * a0 + w1 * a1 + w2 * a2;
                a0 = a1;
                a1 = a2;
              }
            }
          }
        }
        const at = (b * m + o) * pp;
        for (let q = 0; q < pp; q++) yd[at + q] = acc[q];
      }
    }
    return y;
  }
  // rows[q][k]: the input value that kernel cell k meets in window q (0 in the padding), so that every
  // output is a dot product of two contiguous rows: rows[q] with weight[o] ("im2col").
  const rows = new Float64Array(pp * kk);
  for (let b = 0; b < n; b++) {
    if (p > 0) rows.fill(0);
    for (let ch = 0; ch < c; ch++) {
      const xPlane = (b * c + ch) * h * w;
      for (let u = 0; u < kh; u++) {
        // windows i whose row u is inside x: 0 <= i·s + u − p < h
        const i0 = Math.max(0, Math.ceil((p - u) / s));
        const i1 = Math.min(oh - 1, Math.floor((h - 1 + p - u) / s));
        for (let v = 0; v < kw; v++) {
          const j0 = Math.max(0, Math.ceil((p - v) / s));
          const j1 = Math.min(ow - 1, Math.floor((w - 1 + p - v) / s));
          const k = (ch * kh + u) * kw + v;
          for (let i = i0; i <= i1; i++) {
            const xRow = xPlane + (i * s + u - p) * w + v - p;
            for (let j = j0; j <= j1; j++) rows[(i * ow + j) * kk + k] = xd[xRow + j * s];
          }
        }
      }
    }
    const yImage = b * m * pp;
    let o = 0;
    for (; o + 4 <= m; o += 4) {
      // four kernels per pass over a row: each value of rows is read once for all four
      const w0 = o * kk;
      const [b0, b1, b2, b3] = [bd[o], bd[o + 1], bd[o + 2], bd[o + 3]];
      for (let q = 0; q < pp; q++) {
        const r = q * kk;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let k = 0; k < kk; k++) {
          const v = rows[r + k];
          a0 += wd[w0 + k] * v;
          a1 += wd[w0 + kk + k] * v;
          a2 += wd[w0 + 2 * kk + k] * v;
          a3 += wd[w0 + 3 * kk + k] * v;
        }
        const at = yImage + o * pp + q;
        yd[at] = b0 + a0;
        yd[at + pp] = b1 + a1;
        yd[at + 2 * pp] = b2 + a2;
        yd[at + 3 * pp] = b3 + a3;
      }
    }
    for (; o < m; o++) {
      const w0 = o * kk;
      for (let q = 0; q < pp; q++) {
        const r = q * kk;
        let a = 0;
        for (let k = 0; k < kk; k++) a += wd[w0 + k] * rows[r + k];
        yd[yImage + o * pp + q] = bd[o] + a;
      }
    }
  }
  return y;
}

/**
 * PyTorch's `MaxPool2d(size, stride)` (no padding, floor) on flat NCHW tensors: the largest value of
 * each size x size window, the windows `stride` apart (default: size, so they do not overlap). A NaN
 * wins its window, as in PyTorch.
 *
 * @param x      [N, C, H, W]
 * @param size   the window's side
 * @param stride default `size`
 * @returns a new [N, C, H', W'] tensor of x's float type, H' = floor((H − size) / stride) + 1
 * @throws TypeError when x is not a rank-4 float tensor; RangeError when size or stride is not a
 *                   positive whole number, or the window is larger than the input
 *
 * @example
 * maxPool2dForward(tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]), 2, 1) // => [[5, 6], [8, 9]]
 */
export function maxPool2dForward<D extends FloatArray>(x: FloatTensor<D>, size: number, stride: number = size): FloatTensor<D> {
  checkFloatTensor('maxPool2dForward', 'x', x, 4, '[N, C, H, W]');
  checkInteger('maxPool2dForward', 'size', size, 1);
  checkInteger('maxPool2dForward', 'stride', stride, 1);
  const [n, c, h, w] = x.shape;
  if (size > h || size > w) throw new RangeError(`maxPool2dForward: a ${size}x${size} window is larger than the input ${h}x${w}`);
  const oh = Math.floor((h - size) / stride) + 1;
  const ow = Math.floor((w - size) / stride) + 1;
  const y = zerosLike(x, [n, c, oh, ow]);
  const xd = x.data;
  const yd = y.data;
  let at = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const corner = base + i * stride * w + j * stride;
        let best = xd[corner];
        for (let u = 0; u < size; u++) {
          const row = corner + u * w;
          for (let v = 0; v < size; v++) {
            const val = xd[row + v];
            if (val > best || val !== val) best = val;
          }
        }
        yd[at++] = best;
      }
    }
  }
  return y;
}

/** Every layer's output, from x (acts[0]) to the logits (acts[L]); nothing is checked here. */
function forwardAll<D extends FloatArray>(spec: NetSpec, infos: readonly LayerInfo[], params: Readonly<Record<string, FloatTensor<D>>>, x: FloatTensor<D>): FloatTensor<D>[] {
  const acts: FloatTensor<D>[] = [x];
  for (const info of infos) {
    const a = acts[acts.length - 1];
    const l = spec.layers[info.index];
    const n = a.shape[0];
    let y: FloatTensor<D>;
    if (l.type === 'conv') {
      y = conv2dForward(a, params[`${info.index}.weight`], params[`${info.index}.bias`], { padding: l.padding ?? 0, stride: l.stride ?? 1 });
    } else if (l.type === 'pool') {
      y = maxPool2dForward(a, l.size, l.stride ?? l.size);
    } else if (l.type === 'relu') {
      y = zerosLike(a, a.shape);
      for (let i = 0; i < a.data.length; i++) {
        const v = a.data[i];
        y.data[i] = v > 0 || v !== v ? v : 0; // max(0, v); NaN stays NaN, as torch.relu
      }
    } else if (l.type === 'flatten') {
      y = { shape: [n, sizeOf(a.shape.slice(1))], data: a.data.slice() as D }; // NCHW order: x.view(N, -1)
    } else {
      const wt = params[`${info.index}.weight`].data;
      const bs = params[`${info.index}.bias`].data;
      const [fin, fout] = [l.in, l.out];
      y = zerosLike(a, [n, fout]);
      for (let r = 0; r < n; r++) {
        for (let o = 0; o < fout; o++) {
          let acc = 0;
          for (let i = 0; i < fin; i++) acc += a.data[r * fin + i] * wt[o * fin + i];
          y.data[r * fout + o] = bs[o] + acc;
        }
      }
    }
    acts.push(y);
  }
  return acts;
}

/**
 * The forward pass of a spec: `nn.Sequential(...)(x)`, layer by layer, with the parameters of
 * initNetwork's names and shapes.
 *
 * @param spec   the network
 * @param params `${index}.weight` and `${index}.bias` of every conv and linear layer (no other key)
 * @param x      [N, C, H, W] with [C, H, W] = spec.input
 * @returns new logits [N, K] of x's float type (K: the last layer's size); no argument is changed
 * @throws TypeError  when a parameter is missing, unexpected or not a float tensor of x's type
 * @throws RangeError when a parameter's shape is not the spec's, or x's shape is not [N, ...spec.input];
 *                    the errors of describeNet
 */
export function networkForward<D extends FloatArray>(spec: NetSpec, params: Readonly<Record<string, FloatTensor<D>>>, x: FloatTensor<D>): FloatTensor<D> {
  const infos = inferShapes('networkForward', spec);
  checkInput('networkForward', spec, x);
  checkParams('networkForward', 'params', spec, infos, params, x);
  const acts = forwardAll(spec, infos, params, x);
  return acts[acts.length - 1];
}

/**
 * One training step's gradients, as PyTorch's `loss = F.cross_entropy(model(x), targets);
 * loss.backward()`: the forward pass keeping every layer's output, the mean cross-entropy (kata 13),
 * then back through the layers in reverse with katas 13 and 14 (linearBackward, reluBackward,
 * maxPool2dBackward, conv2dBackwardWeight and conv2dBackwardInput; flatten's gradient is a reshape).
 * The gradients are ADDED into `grads` (as PyTorch accumulates into `.grad`: zero them between
 * steps); nothing flows back further than the first layer with parameters (no dx for it).
 *
 * @param spec    the network
 * @param params  its parameters (see networkForward); left unchanged
 * @param x       [N, ...spec.input]
 * @param targets N class indices in 0..K-1
 * @param grads   tensors of params' names and shapes: this batch's gradients are added into them
 * @returns `{ loss, correct }`: the batch's mean loss and how many argmaxes of the logits were right
 * @throws the errors of networkForward (for params and grads alike), and a RangeError when there is
 *         not one target per image or a target is not a class index (`Target 10 is out of bounds`)
 */
export function networkGradients<D extends FloatArray>(
  spec: NetSpec,
  params: Readonly<Record<string, FloatTensor<D>>>,
  x: FloatTensor<D>,
  targets: ArrayLike<number>,
  grads: Record<string, FloatTensor<D>>,
): { loss: number; correct: number } {
  const fn = 'networkGradients';
  const infos = inferShapes(fn, spec);
  checkInput(fn, spec, x);
  checkParams(fn, 'params', spec, infos, params, x);
  checkParams(fn, 'grads', spec, infos, grads, x);
  const n = x.shape[0];
  const k = infos[infos.length - 1].outShape[0];
  if (targets === null || typeof targets !== 'object' || typeof targets.length !== 'number') {
    throw new TypeError(`${fn}: targets must be an array of N class indices, but got ${describe(targets)}`);
  }
  if (targets.length !== n) throw new RangeError(`${fn}: expected one target per image: x has N = ${n}, so ${n} targets, but got ${targets.length}`);
  for (let r = 0; r < n; r++) {
    const t = targets[r];
    if (!Number.isInteger(t) || t < 0 || t >= k) {
      throw new RangeError(`${fn}: Target ${String(t)} is out of bounds (image ${r}): the net gives K = ${k} scores, so a target is a whole number in 0..${k - 1}`);
    }
  }
  const acts = forwardAll(spec, infos, params, x);
  const logits = acts[acts.length - 1];
  const loss = crossEntropy(logits, targets);
  let correct = 0;
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) {
      const v = logits.data[r * k + j];
      const b = logits.data[r * k + best];
      if (v > b || (v !== v && b === b)) best = j; // torch.argmax: the first maximum, NaN counts as largest
    }
    if (best === targets[r]) correct++;
  }
  const add = (key: string, g: FloatTensor<D>) => {
    const into = grads[key].data;
    for (let i = 0; i < into.length; i++) into[i] += g.data[i];
  };
  // the first layer with parameters: no gradient needs to flow further back than it
  const first = infos.findIndex((l) => l.params > 0);
  let g = crossEntropyBackward(logits, targets);
  for (let i = infos.length - 1; i >= first && i >= 0; i--) {
    const l = spec.layers[i];
    const a = acts[i];
    if (l.type === 'linear') {
      const d = linearBackward(g, a, params[`${i}.weight`]);
      add(`${i}.weight`, d.dWeight);
      add(`${i}.bias`, d.dBias);
      g = d.dx;
    } else if (l.type === 'conv') {
      const options = { padding: l.padding ?? 0, stride: l.stride ?? 1 };
      const d = conv2dBackwardWeight(g, a, params[`${i}.weight`].shape, options);
      add(`${i}.weight`, d.dWeight);
      add(`${i}.bias`, d.dBias);
      if (i > first) g = conv2dBackwardInput(g, params[`${i}.weight`], a.shape, options);
    } else if (l.type === 'pool') {
      g = maxPool2dBackward(g, a, l.size, { stride: l.stride ?? l.size });
    } else if (l.type === 'relu') {
      g = reluBackward(g, a);
    } else {
      g = { shape: a.shape, data: g.data }; // flatten's gradient: the same values in the maps' shape
    }
  }
  return { loss, correct };
}
