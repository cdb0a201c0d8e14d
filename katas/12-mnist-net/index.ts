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
  return todo('12-mnist-net');
}

/**
 * Checks the net's input: a batch of one-channel 28x28 images.
 * @throws TypeError naming the shape received and the one expected (and what is missing)
 */
export function checkInput(x: unknown): asserts x is Tensor {
  return todo('12-mnist-net');
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
  return todo('12-mnist-net');
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
  return todo('12-mnist-net');
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
  return todo('12-mnist-net');
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
  return todo('12-mnist-net');
}

/** Max-pool 2x2 then ReLU of `planes` planes of h x w (even), from `src` into `dst`. */
function poolRelu2(src: Float32Array, planes: number, h: number, w: number, dst: Float32Array, dstOff: number): void {
  return todo('12-mnist-net');
}

/**
 * PyTorch's `MaxPool2d(size)` (stride = size, no padding, floor) on an NCHW batch.
 * @returns a new [N, C, floor(H / size), floor(W / size)] tensor; x is left unchanged
 * @throws TypeError when x is not rank 4; RangeError when size is not a whole number in 1..min(H, W)
 */
export function maxPool2d(x: Tensor, size = 2): Tensor {
  return todo('12-mnist-net');
}

/** Every stage of the forward pass, for lessons and the lab: name, PyTorch expression and tensor. */
export interface Stage {
  readonly name: string;
  readonly expression: string;
  readonly tensor: Tensor;
}

/** The forward pass on the CPU keeping every stage (x itself first). */
export function forwardStages(params: StateDict, x: Tensor): Stage[] {
  return todo('12-mnist-net');
}

/** Images per chunk: keeps the intermediates of a chunk in the CPU's caches (and the GPU's textures small). */
const CHUNK = 64;

/** Images `start`..`end` of a batch, as their own tensor. */
function slice(x: Tensor, start: number, end: number): Tensor {
  return todo('12-mnist-net');
}

/**
 * The lecture's net with these parameters on `device`, like `model.load_state_dict(params)`
 * then `model.to(device)`: the parameters are checked and copied (changing `params` later does
 * not change the net).
 * @throws TypeError/RangeError from `checkStateDict`, naming the key and both shapes
 */
export function mnistNet(params: StateDict, device: Device = 'cpu'): Net {
  return todo('12-mnist-net');
}
