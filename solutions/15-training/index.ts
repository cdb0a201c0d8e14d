/**
 * Kata 15: training.
 * Lesson: docs/15-training.md
 *
 * The lecture's training loop, piece by piece, on the net of kata 12 and the backward passes of
 * katas 13 and 14:
 *
 *     const params = initParams(seededRandom(1));                  // model = Net()   (seededRandom: lib/random)
 *     const grads = zerosLikeParams(params);                       // every parameter's .grad
 *     const optimizer = sgd(params, grads, { lr: 0.01, momentum: 0.5 });
 *     const random = seededRandom(2);                              // the shuffles' generator
 *     for (let epoch = 1; epoch <= 10; epoch++) {
 *       for (const batch of batches(shuffle(60000, random), 64)) { // DataLoader(shuffle=True, batch_size=64)
 *         const { x, targets } = ...the images and labels at `batch`...;
 *         trainStep(params, grads, optimizer, x, targets);          // zero_grad(); loss.backward(); step()
 *       }
 *     }
 *
 * `grads` plays the part of every parameter's `.grad`: same names, same shapes. As in PyTorch,
 * backward ADDS into it, and zeroGrad empties it.
 */
import { checkTensor, sizeOf, tensor, type Tensor } from '../../lib/tensor';
import { todo } from '../../lib/todo';
import { argmax, forwardStages, PARAM_SHAPES, type ParamName, type StateDict } from '../12-mnist-net';
import { crossEntropy, crossEntropyBackward, linearBackward, reluBackward } from '../13-backward-head';
import { conv2dBackward, conv2dBackwardWeight, maxPool2dBackward } from '../14-backward-conv';

/** The lecture net's parameters, PyTorch's names and shapes; training changes their data in place. */
export type Params = Record<ParamName, Tensor>;
/** The gradient of each parameter (its `.grad`): the same names and shapes. */
export type Grads = Record<ParamName, Tensor>;

/** What one batch gave: the MEAN loss over its images, and how many of them were predicted right. */
export interface BatchResult {
  readonly loss: number;
  readonly correct: number;
}

/** `torch.optim.SGD`'s settings. */
export interface SgdOptions {
  /** The learning rate, >= 0. */
  readonly lr: number;
  /** μ, >= 0 (default 0: plain SGD). */
  readonly momentum?: number;
  /** A fraction of each new gradient left out of the momentum buffer, >= 0 (default 0). */
  readonly dampening?: number;
  /** L2 penalty: adds weightDecay·p to each gradient, >= 0 (default 0). */
  readonly weightDecay?: number;
  /** Nesterov momentum: step along g + μ·buf instead of buf (needs momentum > 0 and dampening 0). */
  readonly nesterov?: boolean;
}

/** An optimizer over a fixed set of parameters and their gradients. */
export interface Optimizer {
  /** The learning rate of the next step; a schedule changes it between steps. */
  lr: number;
  /** One update of every parameter from its gradient (and momentum buffer), in place. */
  step(): void;
  /** Sets every gradient to 0, in place (PyTorch 1.13's `zero_grad()`). */
  zeroGrad(): void;
}

/**
 * Fresh parameters for the lecture's net, drawn as PyTorch's `Conv2d` and `Linear` draw them by
 * default: every weight AND bias uniform in [-1/sqrt(fanIn), 1/sqrt(fanIn)), where fanIn is the
 * number of inputs of one output (C·kH·kW for a conv, `in` for a linear layer). Values are drawn
 * in `PARAM_SHAPES` order, element by element, as `(2·random() - 1) · bound`.
 *
 * @param random a function returning numbers in [0, 1), e.g. `seededRandom(1)` from lib/random
 * @returns a new state dict (same seed, same parameters)
 *
 * @example
 * initParams(seededRandom(1))['conv1.weight'] // [10, 1, 5, 5], every value in [-0.2, 0.2)
 */
export function initParams(random: () => number): Params {
  if (typeof random !== 'function') throw new TypeError(`initParams: random must be a function returning numbers in [0, 1), like seededRandom(seed), but got ${typeof random}`);
  const params = {} as Record<ParamName, Tensor>;
  for (const name of Object.keys(PARAM_SHAPES) as ParamName[]) {
    const shape = PARAM_SHAPES[name];
    // The layer's weight gives the fan-in of its weight and of its bias alike.
    const weightShape = PARAM_SHAPES[name.replace('.bias', '.weight') as ParamName];
    const bound = 1 / Math.sqrt(sizeOf(weightShape.slice(1)));
    const t = tensor(shape);
    for (let i = 0; i < t.data.length; i++) t.data[i] = (2 * random() - 1) * bound;
    params[name] = t;
  }
  return params;
}

/**
 * Zero-filled tensors with the names and shapes of `params`: the gradients before any backward.
 * @returns a new record; params is left unchanged
 */
export function zerosLikeParams<K extends string>(params: Record<K, Tensor>): Record<K, Tensor> {
  if (params === null || typeof params !== 'object') throw new TypeError(`zerosLikeParams: params must be a record of tensors, but got ${String(params)}`);
  const out = {} as Record<K, Tensor>;
  for (const [name, t] of Object.entries(params) as [K, Tensor][]) {
    checkTensor('zerosLikeParams', `params['${name}']`, t);
    out[name] = tensor(t.shape);
  }
  return out;
}

/** Adds `from` into `into`, element by element. */
function addInto(into: Tensor, from: { readonly data: ArrayLike<number> }): void {
  const a = into.data;
  const b = from.data;
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

/**
 * `loss = criterion(model(x), targets); loss.backward()` for the lecture's net: the forward pass of
 * kata 12 keeping what the backward pass needs, the mean cross-entropy of kata 13, then every
 * layer's backward (katas 13 and 14) from the loss back to conv1, ADDING each parameter's gradient
 * into `grads` (call zeroGrad first, as PyTorch needs zero_grad()).
 *
 * The net is conv1 → pool → relu → conv2 → pool → relu → flatten → fc, so backward runs
 * fc → relu → pool → conv2 → relu → pool → conv1. conv1's input is the image: it needs no dx.
 *
 * @param params  the state dict (read only)
 * @param x       [N, 1, 28, 28] normalised images
 * @param targets N labels in 0..9
 * @param grads   the gradients to add into: `zerosLikeParams(params)`, or the same record again
 * @returns the batch's mean loss and how many images the net (before this step) got right
 * @throws TypeError/RangeError from the layers (shapes, targets), and when grads lacks a parameter
 */
export function accumulateGradients(params: StateDict, x: Tensor, targets: ArrayLike<number>, grads: Grads): BatchResult {
  for (const name of Object.keys(PARAM_SHAPES) as ParamName[]) {
    const g = grads?.[name];
    checkTensor('accumulateGradients', `grads['${name}']`, g);
    if (g.data.length !== sizeOf(PARAM_SHAPES[name])) {
      throw new RangeError(`accumulateGradients: grads['${name}'] must have the parameter's shape [${PARAM_SHAPES[name].join(', ')}], but got [${g.shape.join(', ')}]`);
    }
  }
  // Forward: kata 12's stages keep every layer's input, which the backward pass needs.
  const [, c1, p1, r1, c2, p2, , f, logits] = forwardStages(params, x).map((stage) => stage.tensor);
  const loss = crossEntropy(logits, targets);
  const predicted = argmax(logits);
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === targets[i]) correct++;

  // Backward, from the loss to conv1.
  const dLogits = crossEntropyBackward(logits, targets);
  const fc = linearBackward(dLogits, f, params['fc.weight']);
  const dp2 = reluBackward({ shape: p2.shape, data: fc.dx.data }, p2); // flatten's backward: the same numbers as [N, 20, 4, 4]
  const dc2 = maxPool2dBackward(dp2, c2, 2);
  const conv2 = conv2dBackward(dc2, r1, params['conv2.weight']);
  const dp1 = reluBackward(conv2.dx, p1);
  const dc1 = maxPool2dBackward(dp1, c1, 2);
  const conv1 = conv2dBackwardWeight(dc1, x, params['conv1.weight'].shape);

  addInto(grads['fc.weight'], fc.dWeight);
  addInto(grads['fc.bias'], fc.dBias);
  addInto(grads['conv2.weight'], conv2.dWeight);
  addInto(grads['conv2.bias'], conv2.dBias);
  addInto(grads['conv1.weight'], conv1.dWeight);
  addInto(grads['conv1.bias'], conv1.dBias);
  return { loss, correct };
}

/**
 * `torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov)`, PyTorch 1.13's
 * formula, for each parameter p with gradient g = grads[name] (read at every step):
 *
 *     g = g + weightDecay · p                      (when weightDecay > 0)
 *     buf = g                                      (first step: a copy of g)
 *     buf = μ · buf + (1 - dampening) · g          (every later step)
 *     d = nesterov ? g + μ · buf : buf             (when μ > 0; else d = g)
 *     p = p - lr · d
 *
 * Note lr multiplies the step, not the buffer: changing lr between steps (a schedule) does not
 * rescale what the buffer has gathered. Each parameter has its own buffer, kept by the optimizer.
 *
 * @param params  the parameters to update, in place (any names)
 * @param grads   their gradients: the same names and shapes
 * @param options `{ lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false }`
 * @returns an optimizer; `lr` may be changed between steps; params and grads are only written by
 *          step() and zeroGrad()
 * @throws RangeError `Invalid learning rate: -1` (likewise momentum, weight_decay), `Nesterov momentum
 *                    requires a momentum and zero dampening`, or when grads and params differ in
 *                    names or shapes
 *
 * @example
 * const opt = sgd(params, grads, { lr: 0.01, momentum: 0.5 });
 * opt.zeroGrad(); accumulateGradients(params, x, targets, grads); opt.step();
 */
export function sgd(params: Record<string, Tensor>, grads: Record<string, Tensor>, options: SgdOptions): Optimizer {
  if (options === null || typeof options !== 'object') throw new TypeError(`sgd: options must be an object { lr, momentum?, dampening?, weightDecay?, nesterov? }, but got ${String(options)}`);
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = options;
  const valid = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (!valid(lr)) throw new RangeError(`sgd: Invalid learning rate: ${String(lr)} (a number >= 0)`);
  if (!valid(momentum)) throw new RangeError(`sgd: Invalid momentum value: ${String(momentum)} (a number >= 0)`);
  if (!valid(dampening)) throw new RangeError(`sgd: Invalid dampening value: ${String(dampening)} (a number >= 0)`);
  if (!valid(weightDecay)) throw new RangeError(`sgd: Invalid weight_decay value: ${String(weightDecay)} (a number >= 0)`);
  if (nesterov && (momentum <= 0 || dampening !== 0)) throw new RangeError('sgd: Nesterov momentum requires a momentum and zero dampening');
  const names = Object.keys(params);
  const gradNames = Object.keys(grads ?? {});
  const missing = names.filter((k) => !gradNames.includes(k));
  const extra = gradNames.filter((k) => !names.includes(k));
  if (missing.length || extra.length) {
    throw new RangeError(`sgd: grads must have one tensor per parameter, with the same names${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; not a parameter: ${extra.join(', ')}` : ''}`);
  }
  for (const k of names) {
    checkTensor('sgd', `params['${k}']`, params[k]);
    checkTensor('sgd', `grads['${k}']`, grads[k]);
    if (params[k].data.length !== grads[k].data.length || params[k].shape.some((s, i) => s !== grads[k].shape[i])) {
      throw new RangeError(`sgd: grads['${k}'] must have the shape of its parameter [${params[k].shape.join(', ')}], but got [${grads[k].shape.join(', ')}]`);
    }
  }
  const f = Math.fround;
  const buffers = new Map<string, Float32Array>();
  const optimizer: Optimizer = {
    lr,
    step() {
      const rate = optimizer.lr;
      if (!valid(rate)) throw new RangeError(`sgd: Invalid learning rate: ${String(rate)} (a number >= 0)`);
      for (const k of names) {
        const p = params[k].data;
        const g = grads[k].data;
        let buf = buffers.get(k);
        const first = buf === undefined;
        if (momentum !== 0 && buf === undefined) {
          buf = new Float32Array(p.length);
          buffers.set(k, buf);
        }
        for (let i = 0; i < p.length; i++) {
          let d = weightDecay !== 0 ? f(g[i] + f(weightDecay * p[i])) : g[i];
          if (buf !== undefined) {
            buf[i] = first ? d : f(f(momentum * buf[i]) + f((1 - dampening) * d));
            d = nesterov ? f(d + f(momentum * buf[i])) : buf[i];
          }
          p[i] = f(p[i] - f(rate * d));
        }
      }
    },
    zeroGrad() {
      for (const k of names) grads[k].data.fill(0);
    },
  };
  return optimizer;
}

/**
 * A random order of 0..n-1, every order equally likely (Fisher–Yates): walk i from n-1 down to 1
 * and swap position i with a position j drawn from 0..i (`Math.floor(random() · (i + 1))`).
 * This is what `DataLoader(shuffle=True)` does before each epoch.
 *
 * @param n      how many items, a whole number >= 0
 * @param random a function returning numbers in [0, 1), e.g. `seededRandom(epoch)`
 * @returns a new Uint32Array holding each of 0..n-1 once
 * @throws RangeError when n is not a whole number >= 0, or random() returns a number outside [0, 1)
 *         (a swap out of range would silently corrupt the order); TypeError when random is not a function
 */
export function shuffle(n: number, random: () => number): Uint32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`shuffle: n must be a whole number >= 0, but got ${String(n)}`);
  if (typeof random !== 'function') throw new TypeError(`shuffle: random must be a function returning numbers in [0, 1), but got ${typeof random}`);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const r = random();
    if (!(r >= 0 && r < 1)) throw new RangeError(`shuffle: random() must return numbers in [0, 1), but returned ${String(r)}`);
    const j = Math.floor(r * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * The batches of one epoch: `order` cut into pieces of `size`, in order, the last one shorter when
 * `size` does not divide its length (as `DataLoader(batch_size=64)` does: 60,000 images give 937
 * batches of 64 and one of 32, none dropped).
 *
 * @param order the indices of the epoch, e.g. `shuffle(60000, random)`
 * @param size  images per batch, a whole number >= 1
 * @returns new arrays (copies, not views of `order`), ceil(order.length / size) of them
 * @throws RangeError when size is not a whole number >= 1
 *
 * @example
 * batches(Uint32Array.of(4, 0, 3, 1, 2), 2) // [[4, 0], [3, 1], [2]]
 */
export function batches(order: ArrayLike<number>, size: number): Uint32Array[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batches: size must be a whole number >= 1, but got ${String(size)}`);
  if (order === null || typeof order !== 'object' || typeof order.length !== 'number') throw new TypeError(`batches: order must be an array of indices, but got ${String(order)}`);
  const out: Uint32Array[] = [];
  for (let start = 0; start < order.length; start += size) out.push(Uint32Array.from({ length: Math.min(size, order.length - start) }, (_, i) => order[start + i]));
  return out;
}

/**
 * One step of the lecture's loop on one batch:
 *
 *     optimizer.zero_grad()                       optimizer.zeroGrad()
 *     loss = criterion(model(x), targets)         accumulateGradients(params, x, targets, grads)
 *     loss.backward()
 *     optimizer.step()                            optimizer.step()
 *
 * @param params    the parameters the optimizer updates (in place)
 * @param grads     their gradients, the record the optimizer reads
 * @param optimizer `sgd(params, grads, options)`
 * @param x         [N, 1, 28, 28] normalised images
 * @param targets   N labels in 0..9
 * @returns the batch's mean loss and how many images were right, both BEFORE this step's update
 */
export function trainStep(params: Params, grads: Grads, optimizer: Optimizer, x: Tensor, targets: ArrayLike<number>): BatchResult {
  optimizer.zeroGrad();
  const result = accumulateGradients(params, x, targets, grads);
  optimizer.step();
  return result;
}
