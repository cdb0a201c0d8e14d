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
  return todo('16-your-network');
}

/**
 * Shape inference for `fn` (which starts every message): see describeNet. Every function of this
 * kata checks its spec with it, so that `countParams(bad)` says `countParams: layer 7 (linear) ...`
 * and `networkForward(bad, ...)` says `networkForward: layer 7 (linear) ...`.
 */
function inferShapes(fn: string, spec: NetSpec): LayerInfo[] {
  return todo('16-your-network');
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
  return todo('16-your-network');
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
  return todo('16-your-network');
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
  return todo('16-your-network');
}

/** The name and shape of every parameter, in nn.Sequential's order (`0.weight`, `0.bias`, ...). */
function paramShapes(spec: NetSpec, infos: readonly LayerInfo[]): Map<string, readonly number[]> {
  return todo('16-your-network');
}

/**
 * Checks parameters (or gradients: `what`) against a spec, as PyTorch's strict load_state_dict:
 * every key present, none unexpected, each of its exact shape and of x's float type.
 */
function checkParams(fn: string, what: string, spec: NetSpec, infos: readonly LayerInfo[], params: unknown, x: FloatTensor): void {
  return todo('16-your-network');
}

/** Checks x against the spec's input: [N, C, H, W] with N >= 1. */
function checkInput(fn: string, spec: NetSpec, x: unknown): asserts x is FloatTensor {
  return todo('16-your-network');
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
  return todo('16-your-network');
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
  return todo('16-your-network');
}

/** Every layer's output, from x (acts[0]) to the logits (acts[L]); nothing is checked here. */
function forwardAll<D extends FloatArray>(spec: NetSpec, infos: readonly LayerInfo[], params: Readonly<Record<string, FloatTensor<D>>>, x: FloatTensor<D>): FloatTensor<D>[] {
  return todo('16-your-network');
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
  return todo('16-your-network');
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
  return todo('16-your-network');
}
