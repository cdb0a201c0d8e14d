/**
 * What `npm run train` and `npm run homework` train: the lecture's net through kata 15, or any
 * network description through kata 16, from the learner's katas/ or the reference solutions/.
 * Loaded the same way on the main thread and in every worker thread (lib/train/worker.ts).
 */
import { fromRoot } from '../paths';
import type { Tensor } from '../tensor';

export type Target = 'katas' | 'solutions';

/** A network description of kata 16 (only its shape matters here). */
export interface SpecLike {
  readonly input: readonly [number, number, number];
  readonly layers: readonly Record<string, unknown>[];
}

/** Which network: the lecture's (kata 15) or a described one (kata 16). */
export type ModelKind = { readonly kind: 'lecture' } | { readonly kind: 'spec'; readonly spec: SpecLike };

export interface BatchResult {
  readonly loss: number;
  readonly correct: number;
}

/** The functions the trainer calls, bound to one network. */
export interface Model {
  /** Fresh parameters (PyTorch's default initialisation), drawn with `random`. */
  init(random: () => number): Record<string, Tensor>;
  /** Adds one batch's gradients of the mean loss into grads (loss.backward()). */
  gradients(params: Record<string, Tensor>, x: Tensor, targets: ArrayLike<number>, grads: Record<string, Tensor>): BatchResult;
  /** Logits [N, classes] of a batch. */
  forward(params: Record<string, Tensor>, x: Tensor): Tensor;
}

export interface Optimizer {
  lr: number;
  step(): void;
  zeroGrad(): void;
}

/** Kata 15's functions the trainer uses besides the model: the optimizer and the shuffle. */
export interface Kata15 {
  initParams(random: () => number): Record<string, Tensor>;
  zerosLikeParams(params: Record<string, Tensor>): Record<string, Tensor>;
  accumulateGradients(params: Record<string, Tensor>, x: Tensor, targets: ArrayLike<number>, grads: Record<string, Tensor>): BatchResult;
  sgd(params: Record<string, Tensor>, grads: Record<string, Tensor>, options: { lr: number; momentum?: number; weightDecay?: number; nesterov?: boolean }): Optimizer;
  shuffle(n: number, random: () => number): Uint32Array;
}

interface Kata12 {
  mnistNet(params: Record<string, Tensor>, device: 'cpu'): { forward(x: Tensor): Tensor };
}

interface Kata16 {
  initNetwork(spec: SpecLike, random: () => number): Record<string, Tensor>;
  networkGradients(spec: SpecLike, params: Record<string, Tensor>, x: Tensor, targets: ArrayLike<number>, grads: Record<string, Tensor>): BatchResult;
  networkForward(spec: SpecLike, params: Record<string, Tensor>, x: Tensor): Tensor;
}

export const KATA_15 = '15-training';
export const KATA_16 = '16-your-network';

/** The kata module of `target` (katas/ or solutions/), loaded by ts-node's require. */
export function loadKata<T>(target: Target, slug: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(fromRoot(target, slug, 'index.ts')) as T;
}

export function loadKata15(target: Target): Kata15 {
  return loadKata<Kata15>(target, KATA_15);
}

/** The model of `which` from `target`'s katas. */
export function loadModel(target: Target, which: ModelKind): Model {
  if (which.kind === 'lecture') {
    const k15 = loadKata15(target);
    const k12 = loadKata<Kata12>(target, '12-mnist-net');
    return {
      init: (random) => k15.initParams(random),
      gradients: (params, x, targets, grads) => k15.accumulateGradients(params, x, targets, grads),
      forward: (params, x) => k12.mnistNet(params, 'cpu').forward(x),
    };
  }
  const k16 = loadKata<Kata16>(target, KATA_16);
  const { spec } = which;
  return {
    init: (random) => k16.initNetwork(spec, random),
    gradients: (params, x, targets, grads) => k16.networkGradients(spec, params, x, targets, grads),
    forward: (params, x) => k16.networkForward(spec, params, x),
  };
}
