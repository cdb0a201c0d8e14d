/**
 * Kata 16: your own network (the homework). Lesson: docs/16-your-network.md
 *
 * References, all independent of the solutions:
 * - PyTorch 1.13 (test/fixtures/your-network, made by lib/reference/network_torch.py): four specs built
 *   as nn.Sequential, with their output shapes (forward hooks), sum(p.numel()), multiply-adds from the
 *   shapes PyTorch produced, and for a random batch the logits, the mean cross-entropy and every
 *   parameter's .grad; tolerance FLOAT32 (1e-4 abs + 1e-4 rel);
 * - the lecture's net trained by PyTorch (test/fixtures/mnist-net) and PyTorch's logits on real digits;
 * - float64 forwards written in lib/testing/gradcheck.ts (conv2d64, maxPool2d64, relu64, linear64,
 *   crossEntropy64), chained here by the spec: random specs' logits (1e-9 relative), and central
 *   differences of the loss for a gradient check of networkGradients (rel_error <= 1e-7);
 * - the learner's own katas 12, 13 and 14, chained by hand for the lecture's net, and kata 15's
 *   initParams and accumulateGradients: LECTURE_NET must give what they give (the same functions,
 *   wired by the spec).
 *
 * Layers are numbered from 0 in messages and parameter names, as nn.Sequential numbers them.
 */
import { describe, expect, it } from 'vitest';
import {
  conv2dForward,
  countMacs,
  countParams,
  describeNet,
  initNetwork,
  LECTURE_NET,
  maxPool2dForward,
  networkForward,
  networkGradients,
  type LayerSpec,
  type NetSpec,
} from '@kata/16-your-network';
import { conv2d as kataConv2d, flatten as kataFlatten, linear as kataLinear, maxPool2d as kataMaxPool2d, relu as kataRelu } from '@kata/12-mnist-net';
import { crossEntropy as kataCrossEntropy, crossEntropyBackward, linearBackward, reluBackward } from '@kata/13-backward-head';
import { conv2dBackwardInput, conv2dBackwardWeight, maxPool2dBackward } from '@kata/14-backward-conv';
import { accumulateGradients, initParams } from '@kata/15-training';
import { loadFixture } from '../lib/fixtures';
import { loadMnist } from '../lib/mnist/node';
import { MNIST_FIXTURE } from '../lib/reference/make-mnist-fixtures';
import { fromRoot } from '../lib/paths';
import { seededRandom } from '../lib/random';
import { sizeOf, tensor, type FloatTensor, type Tensor } from '../lib/tensor';
import { EXACT, FLOAT32, type Tolerance } from '../lib/testing/compare';
import { expectFresh } from '../lib/testing/fresh';
import { conv2d64, copyOf, crossEntropy64, floatTensor, linear64, maxPool2d64, numericalGradient, relError, relu64 } from '../lib/testing/gradcheck';
import { LECTURE_INPUT, LECTURE_KERNEL, LECTURE_PADDED, LECTURE_PADDED_STRIDED, LECTURE_STRIDED } from '../lib/testing/lecture';
import { expectError, expectNoMistake } from '../lib/testing/matchers';
import { checkProperty, fc } from '../lib/testing/property';

type T64 = FloatTensor<Float64Array>;
type Params<D extends Float32Array | Float64Array = Float32Array> = Record<string, FloatTensor<D>>;

// ---- the PyTorch fixture ------------------------------------------------------------------------

interface TorchNet {
  name: string;
  spec: NetSpec;
  batch: number;
  params: number;
  macs: number;
  layerMacs: number[];
  shapes: number[][];
  paramNames: string[];
  loss: number;
}

const torch = loadFixture(fromRoot('test', 'fixtures', 'your-network.json'));
const NETS = torch.manifest.provenance.networks as TorchNet[];
const torchNet = (name: string) => NETS.find((n) => n.name === name)!;
/** A fresh copy of a fixture network's parameters, named as nn.Sequential names them. */
const torchParams = (net: TorchNet): Params => Object.fromEntries(net.paramNames.map((k) => [k, torch.get(`${net.name}/${k}`)]));
const torchTargets = (net: TorchNet) => Array.from(torch.get(`${net.name}/targets`).data);
const zerosOf = <D extends Float32Array | Float64Array>(params: Params<D>): Params<D> =>
  Object.fromEntries(Object.entries(params).map(([k, t]) => [k, { shape: [...t.shape], data: new (t.data.constructor as new (n: number) => D)(t.data.length) }]));
const to64 = (params: Params): Params<Float64Array> => Object.fromEntries(Object.entries(params).map(([k, t]) => [k, { shape: [...t.shape], data: Float64Array.from(t.data) }]));

/** A copy of a spec with layer `index` replaced by `layer`. */
const withLayer = (spec: NetSpec, index: number, layer: LayerSpec): NetSpec => ({ input: spec.input, layers: spec.layers.map((l, i) => (i === index ? layer : l)) });
const clone = (spec: NetSpec): NetSpec => structuredClone(spec) as NetSpec;

// ---- an independent float64 forward, chained by the spec -------------------------------------------

/** Every layer's output in float64, from lib/testing/gradcheck's layers (none of them the kata's). */
function reference64(spec: NetSpec, params: Params<Float64Array>, x: T64): T64 {
  let a = x;
  spec.layers.forEach((l, i) => {
    const n = a.shape[0];
    if (l.type === 'conv') {
      const data = conv2d64(a, params[`${i}.weight`], params[`${i}.bias`], l.padding ?? 0, l.stride ?? 1);
      const [, , h, w] = a.shape;
      const p = l.padding ?? 0;
      const s = l.stride ?? 1;
      a = { shape: [n, l.out, Math.floor((h + 2 * p - l.kernel) / s) + 1, Math.floor((w + 2 * p - l.kernel) / s) + 1], data };
    } else if (l.type === 'pool') {
      const s = l.stride ?? l.size;
      const [, c, h, w] = a.shape;
      a = { shape: [n, c, Math.floor((h - l.size) / s) + 1, Math.floor((w - l.size) / s) + 1], data: maxPool2d64(a, l.size, s, 0) };
    } else if (l.type === 'relu') {
      a = { shape: a.shape, data: relu64(a) };
    } else if (l.type === 'flatten') {
      a = { shape: [n, sizeOf(a.shape.slice(1))], data: a.data };
    } else {
      a = { shape: [n, l.out], data: linear64(a, params[`${i}.weight`], params[`${i}.bias`]) };
    }
  });
  return a;
}

/** The parameter shapes of a spec, as PyTorch's nn.Sequential has them (written here from the spec). */
function shapesOf(spec: NetSpec): [string, number[]][] {
  return spec.layers.flatMap((l, i): [string, number[]][] => {
    if (l.type === 'conv') return [[`${i}.weight`, [l.out, l.in, l.kernel, l.kernel]], [`${i}.bias`, [l.out]]];
    if (l.type === 'linear') return [[`${i}.weight`, [l.out, l.in]], [`${i}.bias`, [l.out]]];
    return [];
  });
}

/** A seeded generator of numbers in [0, 1) for the tests (Park-Miller). */
function lcg(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => {
    s = (s * 16807) % 2147483647;
    return (s - 1) / 2147483646;
  };
}

// ---- random specs -------------------------------------------------------------------------------

interface SpecCase {
  spec: NetSpec;
  x: T64;
  params: Params<Float64Array>;
}

/** Random small nets that fit: 1-3 conv blocks (kernel 1-4, padding 0-2, stride 1-3, 1-6 channels, maybe relu, maybe a pool of size 1-3 and stride 1-3), flatten, 1-2 linear layers. */
const specCase: fc.Arbitrary<SpecCase> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 3, max: 11 }),
    w: fc.integer({ min: 3, max: 11 }),
    blocks: fc.array(
      fc.record({
        out: fc.integer({ min: 1, max: 6 }),
        kernel: fc.integer({ min: 1, max: 4 }),
        padding: fc.integer({ min: 0, max: 2 }),
        stride: fc.integer({ min: 1, max: 3 }),
        relu: fc.boolean(),
        pool: fc.option(fc.record({ size: fc.integer({ min: 1, max: 3 }), stride: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    hidden: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    classes: fc.integer({ min: 2, max: 5 }),
  })
  .chain(({ n, c, h, w, blocks, hidden, classes }) => {
    const layers: LayerSpec[] = [];
    let [ch, hh, ww] = [c, h, w];
    for (const b of blocks) {
      if (b.kernel > Math.min(hh, ww) + 2 * b.padding) continue;
      const conv: LayerSpec = { type: 'conv', in: ch, out: b.out, kernel: b.kernel, ...(b.padding ? { padding: b.padding } : {}), ...(b.stride > 1 ? { stride: b.stride } : {}) };
      layers.push(conv);
      [ch, hh, ww] = [b.out, Math.floor((hh + 2 * b.padding - b.kernel) / b.stride) + 1, Math.floor((ww + 2 * b.padding - b.kernel) / b.stride) + 1];
      if (b.relu) layers.push({ type: 'relu' });
      if (b.pool && b.pool.size <= Math.min(hh, ww)) {
        const s = b.pool.stride ?? b.pool.size;
        layers.push(b.pool.stride === undefined ? { type: 'pool', size: b.pool.size } : { type: 'pool', size: b.pool.size, stride: s });
        [hh, ww] = [Math.floor((hh - b.pool.size) / s) + 1, Math.floor((ww - b.pool.size) / s) + 1];
      }
    }
    const features = ch * hh * ww;
    layers.push({ type: 'flatten' });
    if (hidden === undefined) layers.push({ type: 'linear', in: features, out: classes });
    else layers.push({ type: 'linear', in: features, out: hidden }, { type: 'relu' }, { type: 'linear', in: hidden, out: classes });
    const spec: NetSpec = { input: [c, h, w], layers };
    const shapes = shapesOf(spec);
    return fc.record({
      spec: fc.constant(spec),
      x: floatTensor([n, c, h, w], Float64Array, { scales: ['fractions', 'integers'] }),
      params: fc.tuple(...shapes.map(([, shape]) => floatTensor(shape, Float64Array, { scales: ['fractions'] }))).map((ts) => Object.fromEntries(shapes.map(([k], i) => [k, ts[i]]))),
    });
  });

/**
 * Tolerance for float64 logits that went through several layers summed in another order: 1e-9 of the
 * largest logit (deep sums of these values can outgrow float64's 53 bits, and a logit that cancels to
 * near 0 keeps the rounding of its large terms).
 */
const float64Chain = (want: T64): Tolerance => ({ atol: 1e-9 * Math.max(1, ...Array.from(want.data, Math.abs)), rtol: 1e-9 });

/** The lecture's names (kata 12) as LECTURE_NET's: conv1 is layer 0, conv2 layer 3, fc layer 7. */
const LECTURE_NAMES: Record<string, string> = { 'conv1.weight': '0.weight', 'conv1.bias': '0.bias', 'conv2.weight': '3.weight', 'conv2.bias': '3.bias', 'fc.weight': '7.weight', 'fc.bias': '7.bias' };

// ---- describeNet, countParams, countMacs -----------------------------------------------------------

/** The lecture's net layer by layer: the lesson's table. */
const LECTURE_TABLE = [
  { label: 'Conv2d(1, 10, kernel_size=5)', outShape: [10, 24, 24], params: 260, macs: 144000 },
  { label: 'MaxPool2d(2)', outShape: [10, 12, 12], params: 0, macs: 0 },
  { label: 'ReLU()', outShape: [10, 12, 12], params: 0, macs: 0 },
  { label: 'Conv2d(10, 20, kernel_size=5)', outShape: [20, 8, 8], params: 5020, macs: 320000 },
  { label: 'MaxPool2d(2)', outShape: [20, 4, 4], params: 0, macs: 0 },
  { label: 'ReLU()', outShape: [20, 4, 4], params: 0, macs: 0 },
  { label: 'Flatten()', outShape: [320], params: 0, macs: 0 },
  { label: 'Linear(320, 10)', outShape: [10], params: 3210, macs: 3200 },
];

/** 3x3 kernels with padding 1 and a stride-2 conv: the homework's kind of net. */
const HOMEWORK_NET: NetSpec = {
  input: [1, 28, 28],
  layers: [
    { type: 'conv', in: 1, out: 8, kernel: 3, padding: 1 }, // [8, 28, 28]: 8·784·9 = 56448 MACs
    { type: 'relu' },
    { type: 'conv', in: 8, out: 16, kernel: 3, padding: 1, stride: 2 }, // [16, 14, 14]: 16·196·72 = 225792
    { type: 'relu' },
    { type: 'pool', size: 2 }, // [16, 7, 7]
    { type: 'flatten' }, // [784]
    { type: 'linear', in: 784, out: 10 }, // 7840
  ],
};

describe('16-your-network: describeNet(spec), countParams(spec), countMacs(spec)', () => {
  it("the lecture's net, layer by layer: shapes, PyTorch labels, parameters and multiply-adds (the lesson's table)", () => {
    const infos = describeNet(LECTURE_NET);
    expect(infos.map((l) => ({ label: l.label, outShape: [...l.outShape], params: l.params, macs: l.macs }))).toEqual(LECTURE_TABLE);
    expect(infos.map((l) => l.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(infos.map((l) => l.type)).toEqual(LECTURE_NET.layers.map((l) => l.type));
    expect(infos.map((l) => [...l.inShape])).toEqual([[1, 28, 28], ...LECTURE_TABLE.slice(0, 7).map((r) => r.outShape)]);
    expect(countParams(LECTURE_NET)).toBe(8490);
    expect(countMacs(LECTURE_NET)).toBe(467200);
  });

  it('agrees with PyTorch on every fixture net: output shapes (forward hooks), sum(p.numel()), multiply-adds from the shapes PyTorch produced', () => {
    for (const net of NETS) {
      const infos = describeNet(net.spec);
      expect(infos.map((l) => [...l.outShape]), `${net.name}: output shapes`).toEqual(net.shapes);
      expect(countParams(net.spec), `${net.name}: parameters`).toBe(net.params);
      expect(infos.map((l) => l.macs), `${net.name}: multiply-adds per layer`).toEqual(net.layerMacs);
      expect(countMacs(net.spec), `${net.name}: multiply-adds`).toBe(net.macs);
    }
  });

  it('random nets: every shape is the size of what the float64 layers produce, and the counts follow from them', () => {
    checkProperty(specCase, ({ spec, x, params }) => {
      const infos = describeNet(clone(spec));
      expect(infos[infos.length - 1].outShape).toEqual(reference64(spec, params, x).shape.slice(1));
      const convs = spec.layers.map((l, i) => [l, infos[i]] as const);
      const params64 = Object.values(params).reduce((s, t) => s + t.data.length, 0);
      expect(countParams(clone(spec)), 'parameters').toBe(params64);
      const macs = convs.reduce((s, [l, info]) => s + (l.type === 'conv' ? sizeOf(info.outShape) * l.in * l.kernel ** 2 : l.type === 'linear' ? l.in * l.out : 0), 0);
      expect(countMacs(clone(spec)), 'multiply-adds').toBe(macs);
    });
  });

  describe('plausible mistakes', () => {
    it("a conv's output size is floor((H + 2·padding − kernel) / stride) + 1: padding AND stride count", () => {
      // [8, 28, 28] → Conv2d(8, 16, 3, stride=2, padding=1) → [16, 14, 14]; floor((28 + 2 − 3) / 2) + 1 = 14
      const infos = describeNet(HOMEWORK_NET);
      expect(infos.map((l) => [...l.outShape]), 'output shapes').toEqual([[8, 28, 28], [8, 28, 28], [16, 14, 14], [16, 14, 14], [16, 7, 7], [784], [10]]);
      const deep = describeNet(torchNet('deep').spec); // [3, 10, 10] → Conv2d(3, 6, 3, stride=3, padding=2): floor(11 / 3) + 1 = 4
      expectNoMistake([...deep[0].outShape], [
        { name: 'the padding was left out of the output size: floor((H − k) / s) + 1', fix: 'The padded input is H + 2·padding tall: H\' = floor((H + 2p − k) / s) + 1.', output: [6, 3, 3] },
        { name: 'the stride was left out of the output size: H + 2p − k + 1', fix: 'The window jumps `stride` cells: H\' = floor((H + 2p − k) / s) + 1.', output: [6, 12, 12] },
        { name: 'the output size was rounded up (ceil) instead of down', fix: 'PyTorch floors: a window that would stick out is dropped.', output: [6, 5, 5] },
      ]);
      expect([...deep[0].outShape]).toEqual([6, 4, 4]);
    });

    it("a pool's stride defaults to its size, and an explicit stride overlaps the windows", () => {
      const infos = describeNet(torchNet('strided').spec); // pool 3 stride 2 on [4, 5, 4] → [4, 2, 1]
      expectNoMistake([...infos[3].outShape], [{ name: 'the pool ignored its stride and used its size', fix: 'stride defaults to size only when it is not given.', output: [4, 1, 1] }]);
      expect([...infos[3].outShape]).toEqual([4, 2, 1]);
      expectNoMistake([...describeNet(LECTURE_NET)[1].outShape], [{ name: "MaxPool2d(2)'s stride defaulted to 1", fix: 'nn.MaxPool2d(k) uses stride = k: windows side by side.', output: [10, 23, 23] }]);
      expect([...describeNet(LECTURE_NET)[1].outShape]).toEqual([10, 12, 12]);
    });

    it('parameters count the biases: out·in·k² + out per conv, out·in + out per linear', () => {
      expectNoMistake([countParams(LECTURE_NET)], [
        { name: 'the biases were not counted (8440 = 250 + 5000 + 3200)', fix: 'Every conv and linear layer has one bias per output: add `out`.', output: [8440] },
        { name: 'the kernel area was left out of the conv weights', fix: 'A conv weight is [out, in, k, k]: out·in·k² values.', output: [10 + 10 + 200 + 20 + 3210] },
      ]);
      expect(countParams(LECTURE_NET)).toBe(8490);
      expect(countParams(HOMEWORK_NET)).toBe(80 + 1168 + 7850);
    });

    it("multiply-adds are counted at every OUTPUT position, the padding's zeros included", () => {
      // Conv2d(1, 8, 3, padding=1) on 28x28: 8·28·28 outputs of 9 products each = 56448
      const macs = describeNet(HOMEWORK_NET).map((l) => l.macs);
      expectNoMistake([macs[0]], [
        { name: 'the padded input size was used (30·30) instead of the output size (28·28)', fix: 'Count one dot product of in·k² terms per OUTPUT cell: out·H\'·W\'·in·k².', output: [8 * 30 * 30 * 9] },
        { name: 'the products with padding zeros were left out', fix: 'Every window does all in·k² multiplications, zeros or not (that is what the hardware does, and what profilers count).', output: [8 * (26 * 26 * 9 + 4 * 26 * 6 + 4 * 4)] },
      ]);
      expect(macs[0]).toBe(56448);
      expectNoMistake([macs[2]], [{ name: "the stride was ignored: the conv's output positions were counted at stride 1 (28·28)", fix: "H' = floor((H + 2p − k) / s) + 1 = 14: count 16·14·14 dot products of 8·9 terms.", output: [16 * 28 * 28 * 72] }]);
      expect(macs[2]).toBe(225792);
      expect(countMacs(HOMEWORK_NET)).toBe(56448 + 225792 + 7840);
      expectNoMistake([countMacs(LECTURE_NET)], [{ name: 'the bias additions were counted as multiply-adds', fix: 'A MAC is one product added into a sum; the bias is not multiplied.', output: [467200 + 10 * 576 + 20 * 64 + 10] }]);
    });

    it('layers are numbered from 0, as nn.Sequential names them (0.weight, 3.weight, 7.weight), in infos and messages', () => {
      expect(describeNet(LECTURE_NET).filter((l) => l.params > 0).map((l) => l.index)).toEqual([0, 3, 7]);
      expectError(() => describeNet(withLayer(LECTURE_NET, 3, { type: 'conv', in: 10, out: 20, kernel: 3 })), RangeError, [/layer 7 \(linear\) expects 320 inputs, but the previous layer gives 500/]);
    });

    it('leaves the spec unchanged (no defaults written into it), and returns fresh infos', () => {
      expectFresh(describeNet, { spec: clone(HOMEWORK_NET) });
      expectFresh(countParams, { spec: clone(HOMEWORK_NET) });
      expectFresh(countMacs, { spec: clone(HOMEWORK_NET) });
      const spec = clone(torchNet('strided').spec);
      describeNet(spec);
      expect(spec).toEqual(torchNet('strided').spec);
    });
  });

  describe('bad specs fail early, with a message that names the layer, what it expected and what it got', () => {
    it("a linear layer whose `in` is not the previous layer's size: `layer 7 (linear) expects 320 inputs, but the previous layer gives 500`", () => {
      expectError(() => describeNet(withLayer(LECTURE_NET, 7, { type: 'linear', in: 500, out: 10 })), RangeError, [/^describeNet:/, /layer 7 \(linear\) expects 500 inputs, but the previous layer gives 320/]);
      expectError(() => countParams(withLayer(LECTURE_NET, 3, { type: 'conv', in: 10, out: 20, kernel: 3 })), RangeError, [/^countParams:/, /layer 7 \(linear\) expects 320 inputs, but the previous layer gives 500/]);
    });

    it('a conv whose `in` is not the channel count it receives', () => {
      expectError(() => describeNet(withLayer(LECTURE_NET, 3, { type: 'conv', in: 20, out: 20, kernel: 5 })), RangeError, [/^describeNet:/, /layer 3 \(conv\) expects 20 input channels, but the previous layer gives 10/, /\[10, 12, 12\]/]);
      expectError(() => describeNet({ input: [3, 28, 28], layers: LECTURE_NET.layers }), RangeError, [/layer 0 \(conv\) expects 1 input channels, but the input gives 3/]);
    });

    it('a kernel or a pooling window larger than its (padded) input', () => {
      const tooBig: NetSpec = { input: [1, 6, 6], layers: [{ type: 'conv', in: 1, out: 2, kernel: 3 }, { type: 'pool', size: 2 }, { type: 'conv', in: 2, out: 2, kernel: 3 }, { type: 'flatten' }, { type: 'linear', in: 8, out: 2 }] };
      expectError(() => describeNet(tooBig), RangeError, [/^describeNet:/, /layer 2 \(conv\)/, /3x3 kernel is larger than its input 2x2/]);
      expect(describeNet(withLayer(tooBig, 2, { type: 'conv', in: 2, out: 2, kernel: 3, padding: 1 })).map((l) => [...l.outShape])).toEqual([[2, 4, 4], [2, 2, 2], [2, 2, 2], [8], [2]]);
      const pool: NetSpec = { input: [1, 3, 3], layers: [{ type: 'pool', size: 4 }, { type: 'flatten' }, { type: 'linear', in: 1, out: 2 }] };
      expectError(() => describeNet(pool), RangeError, [/layer 0 \(pool\)/, /4x4 window is larger than its input 3x3/]);
    });

    it('a linear layer on feature maps (flatten missing), and a conv or pool after flatten', () => {
      const noFlatten: NetSpec = { input: LECTURE_NET.input, layers: LECTURE_NET.layers.filter((l) => l.type !== 'flatten') };
      expectError(() => describeNet(noFlatten), RangeError, [/layer 6 \(linear\) expects a flat vector of 320 inputs/, /\[20, 4, 4\]/, /flatten/]);
      const convAfter: NetSpec = { input: [1, 8, 8], layers: [{ type: 'flatten' }, { type: 'conv', in: 1, out: 2, kernel: 3 }] };
      expectError(() => describeNet(convAfter), RangeError, [/layer 1 \(conv\) needs \[C, H, W\] feature maps/, /\[64\]/]);
    });

    it('a net that does not end with a flat vector of class scores', () => {
      expectError(() => describeNet({ input: [1, 8, 8], layers: [{ type: 'conv', in: 1, out: 2, kernel: 3 }, { type: 'relu' }] }), RangeError, [/layer 1 \(relu\) gives \[2, 6, 6\]/, /flatten and linear/]);
    });

    it('sizes that are not positive whole numbers (padding: >= 0), named with their layer', () => {
      const bad = (layer: unknown) => withLayer(LECTURE_NET, 0, layer as LayerSpec);
      expectError(() => describeNet(bad({ type: 'conv', in: 1, out: 0, kernel: 5 })), RangeError, [/layer 0 \(conv\): out must be a positive whole number, but got 0/]);
      expectError(() => describeNet(bad({ type: 'conv', in: 1, out: 10, kernel: 2.5 })), RangeError, [/layer 0 \(conv\): kernel/, /2\.5/]);
      expectError(() => describeNet(bad({ type: 'conv', in: 1, out: 10, kernel: 5, padding: -1 })), RangeError, [/layer 0 \(conv\): padding must be a whole number >= 0/]);
      expectError(() => describeNet(bad({ type: 'conv', in: 1, out: 10, kernel: 5, stride: 0 })), RangeError, [/layer 0 \(conv\): stride/]);
      expectError(() => describeNet(bad({ type: 'conv', in: 1, out: 10 })), RangeError, [/layer 0 \(conv\): kernel must be a positive whole number, but got undefined/]);
      expectError(() => describeNet(withLayer(LECTURE_NET, 1, { type: 'pool', size: 2, stride: -2 })), RangeError, [/layer 1 \(pool\): stride/]);
      expectError(() => describeNet({ input: [1, 0, 28] as unknown as [number, number, number], layers: LECTURE_NET.layers }), RangeError, [/^describeNet:/, /input\[1\] \(H\)/]);
    });

    it('an unknown layer type, an unknown key (a typo), or a spec that is not { input: [C, H, W], layers: [...] } is a TypeError', () => {
      expectError(() => describeNet(withLayer(LECTURE_NET, 2, { type: 'dense' } as unknown as LayerSpec)), TypeError, [/layer 2 has type "dense"/, /conv, pool, relu, flatten, linear/]);
      expectError(() => describeNet(withLayer(LECTURE_NET, 0, { type: 'conv', in: 1, out: 10, kernal: 5 } as unknown as LayerSpec)), TypeError, [/layer 0 \(conv\) has an unknown key "kernal"/, /kernel/]);
      expectError(() => describeNet({ input: [28, 28], layers: LECTURE_NET.layers } as unknown as NetSpec), TypeError, [/input must be \[C, H, W\]/, /\[28, 28\]/]);
      expectError(() => describeNet({ input: [1, 28, 28], layers: [] }), TypeError, [/layers must be a non-empty array/]);
      expectError(() => describeNet(null as unknown as NetSpec), TypeError, [/^describeNet: spec must be an object/]);
    });
  });
});

// ---- initNetwork ----------------------------------------------------------------------------------

describe('16-your-network: initNetwork(spec, random)', () => {
  it("names and shapes every parameter as PyTorch's nn.Sequential does (0.weight, 0.bias, 3.weight, ...), float32", () => {
    for (const net of NETS) {
      const params = initNetwork(net.spec, lcg(7));
      expect(Object.keys(params), net.name).toEqual(net.paramNames);
      for (const k of net.paramNames) {
        expect([...params[k].shape], `${net.name} ${k}`).toEqual([...torch.get(`${net.name}/${k}`).shape]);
        expect(params[k].data, `${net.name} ${k}`).toBeInstanceOf(Float32Array);
      }
    }
  });

  it("PyTorch's default: U(−1/√fan_in, 1/√fan_in) for weight and bias, fan_in = in·k² (conv) or in (linear), drawn layer by layer, weight then bias, row-major", () => {
    let i = 0;
    const draws = [0.5, 0.75, 0.125, 0, 0.999, 0.3125, 0.875];
    const params = initNetwork(LECTURE_NET, () => draws[i++ % draws.length]);
    const at = (k: number) => 2 * draws[k % draws.length] - 1;
    // 0.weight: 250 values, fan_in 25 → bound 1/5
    expect(params['0.weight'].data.slice(0, 5)).toBeCloseToTensor([0, 0.5, -0.75, -1, 0.998].map((v) => v / 5), { atol: 1e-7, rtol: 1e-6 });
    // 0.bias: draws 250..259, bound 1/5 too (the layer's fan_in, not 1)
    expect(params['0.bias'].data[0]).toBeCloseTo(at(250) / 5, 6);
    expectNoMistake([params['0.bias'].data[0]], [{ name: "the bias was drawn with bound 1 (its own 'fan_in'), not 1/√(in·k²) of its layer", fix: 'PyTorch bounds a layer\'s bias by 1/√fan_in of its weight.', output: [at(250)] }], { atol: 1e-7, rtol: 1e-6 });
    // 3.weight starts at draw 260, fan_in 10·25 = 250; 7.weight at 260 + 5020 = 5280, fan_in 320
    expect(params['3.weight'].data[0]).toBeCloseTo(at(260) / Math.sqrt(250), 6);
    expectNoMistake([params['3.weight'].data[0]], [
      { name: 'fan_in left the kernel area out (1/√in)', fix: 'A conv output sums in·k² products: fan_in = in·k².', output: [at(260) / Math.sqrt(10)] },
      { name: 'the bound was 1/fan_in instead of 1/√fan_in', fix: 'bound = 1 / Math.sqrt(fan_in).', output: [at(260) / 250] },
    ], { atol: 1e-7, rtol: 1e-6 });
    expect(params['7.weight'].data[1]).toBeCloseTo(at(5281) / Math.sqrt(320), 6);
    expect(params['7.bias'].data[9]).toBeCloseTo(at(5280 + 3200 + 9) / Math.sqrt(320), 6);
  });

  it("LECTURE_NET draws exactly kata 15's initParams from the same seed (the lecture's conv1, conv2, fc are layers 0, 3, 7)", () => {
    const ours = initNetwork(LECTURE_NET, seededRandom(5));
    const lecture = initParams(seededRandom(5)) as Record<string, Tensor>;
    for (const [from, to] of Object.entries(LECTURE_NAMES)) expect(ours[to], to).toBeCloseToTensor(lecture[from], EXACT);
  });

  it('with a seeded random: values fill the whole range ±1/√fan_in and stay inside it', () => {
    const params = initNetwork(HOMEWORK_NET, lcg(3));
    const bounds: Record<string, number> = { '0.weight': 1 / 3, '2.weight': 1 / Math.sqrt(72), '6.weight': 1 / 28 };
    for (const [k, bound] of Object.entries(bounds)) {
      const d = params[k].data;
      expect(Math.max(...d), k).toBeLessThanOrEqual(bound);
      expect(Math.min(...d), k).toBeGreaterThanOrEqual(-bound);
      expect(Math.max(...d), k).toBeGreaterThan(0.9 * bound);
      expect(Math.min(...d), k).toBeLessThan(-0.9 * bound);
    }
  });

  it('leaves the spec unchanged and returns new tensors on every call; a bad random is a TypeError', () => {
    expectFresh(initNetwork, { spec: clone(torchNet('padded').spec), random: lcg(5) });
    const a = initNetwork(LECTURE_NET, lcg(9));
    const b = initNetwork(LECTURE_NET, lcg(9));
    expect(a['0.weight'].data).toEqual(b['0.weight'].data);
    expect(a['0.weight'].data).not.toBe(b['0.weight'].data);
    expectError(() => initNetwork(LECTURE_NET, 42 as unknown as () => number), TypeError, [/^initNetwork:/, /random/]);
    expectError(() => initNetwork(withLayer(LECTURE_NET, 7, { type: 'linear', in: 300, out: 10 }), lcg(1)), RangeError, [/^initNetwork:/, /layer 7 \(linear\) expects 300 inputs, but the previous layer gives 320/]);
  });
});

// ---- conv2dForward, maxPool2dForward -------------------------------------------------------------

const image = (m: readonly (readonly number[])[]) => tensor([1, 1, m.length, m[0].length], m.flat());
const one = tensor([1], [0]);

describe('16-your-network: conv2dForward(x, weight, bias, options), maxPool2dForward(x, size, stride)', () => {
  it("the lesson's 5x5 example with padding and stride (katas 02 and 03), on flat NCHW tensors", () => {
    const [x, k] = [image(LECTURE_INPUT), image(LECTURE_KERNEL)];
    expect(conv2dForward(x, k, one, { padding: 1 })).toBeCloseToTensor({ shape: [1, 1, 5, 5], data: LECTURE_PADDED.flat() }, EXACT);
    expect(conv2dForward(x, k, one, { stride: 2 })).toBeCloseToTensor({ shape: [1, 1, 2, 2], data: LECTURE_STRIDED.flat() }, EXACT);
    expect(conv2dForward(x, k, one, { padding: 1, stride: 2 })).toBeCloseToTensor({ shape: [1, 1, 3, 3], data: LECTURE_PADDED_STRIDED.flat() }, {
      ...EXACT,
      mistakes: [
        { name: 'the padding was ignored (stride 2, no padding: 2x2)', fix: 'Window (i, j) starts at input cell (i·s − p, j·s − p); cells outside are zeros.', output: { shape: [1, 1, 2, 2], data: LECTURE_STRIDED.flat() } },
        { name: 'the stride was ignored (padding 1, stride 1: 5x5)', fix: 'Window (i, j) starts at (i·s − p, j·s − p).', output: { shape: [1, 1, 5, 5], data: LECTURE_PADDED.flat() } },
      ],
    });
  });

  it('random convolutions with padding and stride agree with a float64 Conv2d (1-6 kernels of 1x1 to 5x5, 1-3 channels, bias per kernel; float64 and float32)', () => {
    const convCase = fc
      .record({ n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }), m: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 5 }), p: fc.integer({ min: 0, max: 2 }), s: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 0, max: 5 }), w: fc.integer({ min: 0, max: 5 }) })
      .chain(({ n, c, m, k, p, s, h, w }) => {
        const [hh, ww] = [Math.max(1, k - 2 * p + h), Math.max(1, k - 2 * p + w)];
        return fc.record({ x: floatTensor([n, c, hh, ww], Float64Array), weight: floatTensor([m, c, k, k], Float64Array), bias: floatTensor([m], Float64Array), padding: fc.constant(p), stride: fc.constant(s) });
      });
    checkProperty(convCase, ({ x, weight, bias, padding, stride }) => {
      const y = conv2dForward(copyOf(x), copyOf(weight), copyOf(bias), { padding, stride });
      const [n, , h, w] = x.shape;
      const [m, , k] = weight.shape;
      const shape = [n, m, Math.floor((h + 2 * padding - k) / stride) + 1, Math.floor((w + 2 * padding - k) / stride) + 1];
      const want = { shape, data: Array.from(conv2d64(x, weight, bias, padding, stride)) };
      expect(y.data).toBeInstanceOf(Float64Array);
      expect(y).toBeCloseToTensor(want, EXACT);
      // float32 too (the sums are exact in float32; only the result is rounded to float32): a fast path for float32 must agree
      const f32 = (t: T64): Tensor => ({ shape: [...t.shape], data: Float32Array.from(t.data) });
      const y32 = conv2dForward(f32(x), f32(weight), f32(bias), { padding, stride });
      expect(y32.data, 'float32 in gives float32 out').toBeInstanceOf(Float32Array);
      expect(y32, 'float32').toBeCloseToTensor(want, { atol: 1e-6, rtol: 1e-7 });
    });
  });

  it('max pooling with a stride: overlapping windows (stride < size), gaps (stride > size), negative values, and a NaN wins', () => {
    const x = image([
      [1, 2, 3, 4],
      [5, -6, 7, 8],
      [-9, 10, 11, 12],
      [13, 14, 15, NaN],
    ]);
    expect(maxPool2dForward(x, 2, 1)).toBeCloseToTensor(image([[5, 7, 8], [10, 11, 12], [14, 15, NaN]]), {
      ...EXACT,
      mistakes: [{ name: 'the stride was ignored (windows side by side)', fix: 'Window (i, j) starts at (i·stride, j·stride).', output: image([[5, 8], [14, NaN]]) }],
    });
    expect(maxPool2dForward(x, 2)).toBeCloseToTensor(image([[5, 8], [14, NaN]]), EXACT);
    expect(maxPool2dForward(x, 1, 3)).toBeCloseToTensor(image([[1, 4], [13, NaN]]), EXACT);
    expect(maxPool2dForward(image([[-5, -6], [-7, -8]]), 2)).toBeCloseToTensor(image([[-5]]), { ...EXACT, mistakes: [{ name: 'the maximum started from 0', fix: 'Start from the window\'s first value.', output: image([[0]]) }] });
  });

  it('leave their arguments unchanged and return new tensors; float64 in gives float64 out', () => {
    expectFresh(conv2dForward, { x: image(LECTURE_INPUT), weight: image(LECTURE_KERNEL), bias: one, options: { padding: 1, stride: 2 } });
    expectFresh(conv2dForward, { x: image(LECTURE_INPUT), weight: image(LECTURE_KERNEL), bias: one, options: {} });
    expectFresh(maxPool2dForward, { x: image(LECTURE_INPUT), size: 2, stride: 1 });
    const x64: T64 = { shape: [1, 1, 5, 5], data: Float64Array.from(LECTURE_INPUT.flat()) };
    expect(maxPool2dForward(x64, 2).data).toBeInstanceOf(Float64Array);
  });

  it("bad input: channels that differ (PyTorch's words), a kernel larger than the padded input, a bad stride", () => {
    expectError(() => conv2dForward(tensor([2, 3, 28, 28]), tensor([10, 1, 5, 5]), tensor([10])), RangeError, [/^conv2dForward:/, /weight of size \[10, 1, 5, 5\], expected input\[2, 3, 28, 28\] to have 1 channels, but got 3 channels instead/]);
    expectError(() => conv2dForward(tensor([1, 1, 2, 2]), tensor([1, 1, 5, 5]), one, { padding: 1 }), RangeError, [/^conv2dForward:/, /5x5/, /4x4/]);
    expectError(() => conv2dForward(image(LECTURE_INPUT), image(LECTURE_KERNEL), tensor([2])), RangeError, [/^conv2dForward:/, /bias/]);
    expectError(() => maxPool2dForward(image(LECTURE_INPUT), 2, 0), RangeError, [/^maxPool2dForward:/, /stride/]);
    expectError(() => maxPool2dForward(image(LECTURE_INPUT), 6), RangeError, [/^maxPool2dForward:/, /6x6/]);
  });
});

// ---- networkForward -----------------------------------------------------------------------------

describe('16-your-network: networkForward(spec, params, x)', () => {
  it("gives PyTorch's logits for every fixture net (nn.Sequential with the same weights; padding, strides, overlapping pools, two linear layers)", () => {
    for (const net of NETS) {
      const logits = networkForward(net.spec, torchParams(net), torch.get(`${net.name}/x`));
      expect(logits, net.name).toBeCloseToTensor(torch.get(`${net.name}/logits`), FLOAT32);
    }
  });

  it("LECTURE_NET with the lecture's trained weights gives PyTorch's logits on real MNIST digits", () => {
    const mnist = loadFixture(MNIST_FIXTURE);
    const params = Object.fromEntries(Object.entries(LECTURE_NAMES).map(([from, to]) => [to, mnist.get(from)]));
    const test = loadMnist('test', { limit: 16 });
    const logits = networkForward(LECTURE_NET, params, { shape: [16, 1, 28, 28], data: test.images });
    const want = mnist.get('pytorch.logits');
    expect(logits).toBeCloseToTensor({ shape: [16, 10], data: want.data.slice(0, 160) }, { atol: 1e-4, rtol: 1e-5 });
  });

  it('random nets agree with a float64 chain of independent layers (float64 in, float64 out)', () => {
    checkProperty(specCase, ({ spec, x, params }) => {
      const logits = networkForward(clone(spec), to64Copy(params), copyOf(x));
      expect(logits.data).toBeInstanceOf(Float64Array);
      const want = reference64(spec, params, x);
      expect(logits).toBeCloseToTensor(want, float64Chain(want));
    });
  });

  it('flatten keeps NCHW order, as x.view(N, -1): feature (c, h, w) is input c·H·W + h·W + w of the linear layer', () => {
    const spec: NetSpec = { input: [2, 2, 2], layers: [{ type: 'flatten' }, { type: 'linear', in: 8, out: 1 }] };
    const x = tensor([1, 2, 2, 2], [1, 2, 3, 4, 10, 20, 30, 40]); // channel 0: 1..4, channel 1: 10..40
    const weight = tensor([1, 8], [0, 1, 0, 0, 0, 0, 0, 100]); // picks (c, h, w) = (0, 0, 1) and (1, 1, 1)
    const y = networkForward(spec, { '1.weight': weight, '1.bias': tensor([1]) }, x);
    expect(y).toBeCloseToTensor([[2 + 4000]], {
      ...EXACT,
      mistakes: [{ name: 'the maps were flattened channels-last (NHWC: (h·W + w)·C + c)', fix: "PyTorch's view(N, -1) keeps the stored NCHW order: flatten is a reshape, not a reordering.", output: [[10 + 4000]] }],
    });
  });

  it('leaves spec, params and x unchanged and returns new logits', () => {
    const net = torchNet('strided');
    expectFresh(networkForward, { spec: clone(net.spec), params: torchParams(net), x: torch.get('strided/x') });
    const flatOnly: NetSpec = { input: [1, 2, 2], layers: [{ type: 'flatten' }] };
    expectFresh(networkForward, { spec: flatOnly, params: {}, x: tensor([1, 1, 2, 2], [1, 2, 3, 4]) });
  });

  it("parameters that do not fit the spec: missing or unexpected names (PyTorch's load_state_dict words), wrong shapes, another float type", () => {
    const net = torchNet('padded');
    const x = torch.get('padded/x');
    const params = torchParams(net);
    const { ['3.bias']: _, ...missing } = params;
    expectError(() => networkForward(net.spec, missing, x), TypeError, [/^networkForward:/, /Missing key\(s\): "3\.bias"/]);
    expectError(() => networkForward(net.spec, { ...params, 'fc.weight': tensor([5, 54]) }, x), TypeError, [/Unexpected key\(s\): "fc\.weight"/, /0\.weight, 0\.bias, 3\.weight/]);
    expectError(() => networkForward(net.spec, { ...params, '7.weight': tensor([54, 5]) }, x), RangeError, [/size mismatch for params\["7\.weight"\]/, /\[5, 54\]/, /\[54, 5\]/]);
    expectError(() => networkForward(net.spec, to64(params) as unknown as Params, x), TypeError, [/Float64Array/, /Float32Array/]);
    const lecture = initNetwork(LECTURE_NET, lcg(2));
    const named = Object.fromEntries(Object.entries(LECTURE_NAMES).map(([from, to]) => [from, lecture[to]]));
    expectError(() => networkForward(LECTURE_NET, named, tensor([1, 1, 28, 28])), TypeError, [/Missing key\(s\): "0\.weight"/, /Unexpected key\(s\): "conv1\.weight"/, /layers 0, 3 and 7/]);
  });

  it("an input that is not [N, ...spec.input]", () => {
    const params = initNetwork(LECTURE_NET, lcg(1));
    expectError(() => networkForward(LECTURE_NET, params, tensor([2, 3, 28, 28])), RangeError, [/^networkForward:/, /\[N, 1, 28, 28\]/, /\[2, 3, 28, 28\]/]);
    expectError(() => networkForward(LECTURE_NET, params, tensor([2, 28, 28])), TypeError, [/^networkForward:/, /rank-4/]);
  });
});

/** A float64 copy of float64 parameters (the code under test gets its own). */
const to64Copy = (params: Params<Float64Array>): Params<Float64Array> => Object.fromEntries(Object.entries(params).map(([k, t]) => [k, copyOf(t)]));

// ---- networkGradients ---------------------------------------------------------------------------

/** The lecture's net by hand from the learner's katas 12, 13 and 14 (LECTURE_NET's names): loss, correct and gradients. */
function lectureChain(params: Params, x: Tensor, targets: number[]): { loss: number; grads: Params } {
  const c1 = kataConv2d(x, params['0.weight'], params['0.bias']);
  const p1 = kataMaxPool2d(c1, 2);
  const r1 = kataRelu(p1);
  const c2 = kataConv2d(r1, params['3.weight'], params['3.bias']);
  const p2 = kataMaxPool2d(c2, 2);
  const r2 = kataRelu(p2);
  const f = kataFlatten(r2);
  const logits = kataLinear(f, params['7.weight'], params['7.bias']);
  const head = linearBackward(crossEntropyBackward(logits, targets), f, params['7.weight']);
  const d2 = reluBackward({ shape: r2.shape, data: head.dx.data }, p2);
  const dc2 = maxPool2dBackward(d2, c2, 2);
  const g2 = conv2dBackwardWeight(dc2, r1, params['3.weight'].shape);
  const dr1 = conv2dBackwardInput(dc2, params['3.weight'], r1.shape);
  const dc1 = maxPool2dBackward(reluBackward(dr1, p1), c1, 2);
  const g1 = conv2dBackwardWeight(dc1, x, params['0.weight'].shape);
  return {
    loss: kataCrossEntropy(logits, targets),
    grads: { '0.weight': g1.dWeight, '0.bias': g1.dBias, '3.weight': g2.dWeight, '3.bias': g2.dBias, '7.weight': head.dWeight, '7.bias': head.dBias },
  };
}

/**
 * Float64 parameters from a seeded random (not dyadic: no ties in pooling, no relu input exactly at 0),
 * scaled by 1/√fan_in as PyTorch's init does, so the softmax is not saturated and no gradient is tiny.
 */
function seeded64(spec: NetSpec, seed: number): Params<Float64Array> {
  const random = lcg(seed);
  return Object.fromEntries(
    shapesOf(spec).map(([k, shape]) => {
      const layer = spec.layers[Number(k.split('.')[0])] as { in: number; kernel?: number };
      const bound = 1 / Math.sqrt(layer.in * (layer.kernel ?? 1) ** 2);
      return [k, { shape, data: Float64Array.from({ length: sizeOf(shape) }, () => (2 * random() - 1) * bound) }];
    }),
  );
}

describe('16-your-network: networkGradients(spec, params, x, targets, grads)', () => {
  it("gives PyTorch's loss and every parameter's .grad after loss.backward(), for every fixture net", () => {
    for (const net of NETS) {
      const params = torchParams(net);
      const grads = zerosOf(params);
      const { loss } = networkGradients(net.spec, params, torch.get(`${net.name}/x`), torchTargets(net), grads);
      expect(loss, `${net.name}: loss`).toBeCloseTo(net.loss, 5);
      for (const k of net.paramNames) expect(grads[k], `${net.name}: ${k}'s gradient`).toBeCloseToTensor(torch.get(`${net.name}/grad/${k}`), FLOAT32);
    }
  });

  it('LECTURE_NET gives what your katas 12, 13 and 14 give, chained by hand for the lecture\'s net', () => {
    const params = initNetwork(LECTURE_NET, lcg(11));
    const random = lcg(12);
    const x = tensor([4, 1, 28, 28], Array.from({ length: 4 * 784 }, () => 4 * random() - 1));
    const targets = [3, 1, 4, 1];
    const grads = zerosOf(params);
    const got = networkGradients(LECTURE_NET, params, x, targets, grads);
    const want = lectureChain(params, x, targets);
    expect(got.loss).toBeCloseTo(want.loss, 5);
    for (const k of Object.keys(want.grads)) expect(grads[k], k).toBeCloseToTensor(want.grads[k], FLOAT32);
  });

  it("LECTURE_NET gives kata 15's accumulateGradients (loss, correct and every gradient, added into grads)", () => {
    const params = initNetwork(LECTURE_NET, seededRandom(21));
    const random = seededRandom(22);
    const x = tensor([8, 1, 28, 28], Array.from({ length: 8 * 784 }, () => 4 * random() - 1));
    const targets = [0, 1, 2, 3, 4, 5, 6, 7];
    const grads = zerosOf(params);
    const got = networkGradients(LECTURE_NET, params, x, targets, grads);
    const lectureParams = Object.fromEntries(Object.entries(LECTURE_NAMES).map(([from, to]) => [from, params[to]])) as Parameters<typeof accumulateGradients>[0];
    const lectureGrads = Object.fromEntries(Object.entries(LECTURE_NAMES).map(([from, to]) => [from, tensor(params[to].shape)])) as Parameters<typeof accumulateGradients>[3];
    const want = accumulateGradients(lectureParams, x, targets, lectureGrads);
    expect(got.loss).toBeCloseTo(want.loss, 5);
    expect(got.correct).toBe(want.correct);
    for (const [from, to] of Object.entries(LECTURE_NAMES)) expect(grads[to], to).toBeCloseToTensor((lectureGrads as Record<string, Tensor>)[from], FLOAT32);
  });

  it('gradient check in float64: every gradient agrees with central differences (h = 2^-16) of the loss of an independent float64 chain (rel_error <= 1e-5)', () => {
    // A whole net is not smooth: relu and max have kinks, and a step of h = 2^-10 crosses some (rel_error
    // 1e-2 there, for a right gradient). h = 2^-16 crosses none on these seeded cases, and the rounding of
    // the difference quotient (about 1e-16 / h of the loss) leaves gradients near 1e-6 with about 1e-6
    // relative error; a wrong gradient is off by 1e-2 or more. Each layer's backward was checked at 1e-7
    // on its own in katas 13 and 14.
    const cases: [string, NetSpec, number][] = [
      ['padded', torchNet('padded').spec, 1],
      ['strided', torchNet('strided').spec, 2],
      ['deep', torchNet('deep').spec, 3],
    ];
    for (const [name, spec, seed] of cases) {
      const random = lcg(100 + seed);
      const params = seeded64(spec, seed);
      const x: T64 = { shape: [2, ...spec.input], data: Float64Array.from({ length: 2 * sizeOf(spec.input) }, () => 4 * random() - 2) };
      const k = describeNet(spec).at(-1)!.outShape[0];
      const targets = [1 % k, 2 % k];
      const grads = zerosOf(params);
      networkGradients(clone(spec), to64Copy(params), copyOf(x), targets, grads);
      const loss = () => crossEntropy64(reference64(spec, params, x), targets);
      for (const key of Object.keys(params)) {
        expect(grads[key].data, `${name}: ${key} should hold Float64Array data when the inputs do`).toBeInstanceOf(Float64Array);
        const err = relError(grads[key].data, numericalGradient(loss, params[key].data, 2 ** -16));
        expect(err, `${name}: ${key}: rel_error between your gradient and the numerical one is ${err.toExponential(2)} (must be <= 1e-5)`).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it('ADDS into grads, as PyTorch accumulates into .grad: two calls give twice the gradient', () => {
    const net = torchNet('deep');
    const params = torchParams(net);
    const x = torch.get('deep/x');
    const grads = zerosOf(params);
    networkGradients(net.spec, params, x, torchTargets(net), grads);
    networkGradients(net.spec, params, x, torchTargets(net), grads);
    for (const k of net.paramNames) {
      const once = torch.get(`deep/grad/${k}`);
      expect(grads[k], k).toBeCloseToTensor({ shape: once.shape, data: Array.from(once.data, (v) => 2 * v) }, {
        ...FLOAT32,
        mistakes: [{ name: 'grads were overwritten, not added into', fix: 'grads[key].data[i] += gradient: the caller zeroes them (optimizer.zero_grad()).', output: once }],
      });
    }
  });

  it('returns the mean loss and how many argmaxes of the logits hit their target', () => {
    const spec: NetSpec = { input: [1, 1, 2], layers: [{ type: 'flatten' }, { type: 'linear', in: 2, out: 3 }] };
    const params = { '1.weight': tensor([3, 2], [1, 0, 0, 1, 0, 0]), '1.bias': tensor([3], [0, 0, 0]) };
    const x = tensor([3, 1, 1, 2], [5, 1, 1, 5, 0, 0]); // logits [5, 1, 0], [1, 5, 0], [0, 0, 0] (a tie: the first wins)
    const r = networkGradients(spec, params, x, [0, 0, 0], zerosOf(params));
    expect(r.correct).toBe(2);
    const lse = (a: number[]) => Math.log(a.reduce((s, v) => s + Math.exp(v), 0));
    expect(r.loss).toBeCloseTo((lse([5, 1, 0]) - 5 + lse([1, 5, 0]) - 1 + lse([0, 0, 0])) / 3, 10);
  });

  it('leaves spec, params, x and targets unchanged; the gradients it adds are its own', () => {
    const net = torchNet('strided');
    const step = (spec: NetSpec, params: Params, x: Tensor, targets: number[]) => {
      const grads = zerosOf(params);
      networkGradients(spec, params, x, targets, grads);
      return grads;
    };
    expectFresh(step, { spec: clone(net.spec), params: torchParams(net), x: torch.get('strided/x'), targets: torchTargets(net) }, { name: 'networkGradients' });
  });

  it('bad input: targets out of range or of the wrong length, grads that do not fit the spec', () => {
    const net = torchNet('padded');
    const params = torchParams(net);
    const x = torch.get('padded/x');
    expectError(() => networkGradients(net.spec, params, x, [0, 1, 5, 2], zerosOf(params)), RangeError, [/^networkGradients:/, /Target 5 is out of bounds/, /0\.\.4/]);
    expectError(() => networkGradients(net.spec, params, x, [0, 1], zerosOf(params)), RangeError, [/^networkGradients:/, /4 targets, but got 2/]);
    const { ['0.bias']: _, ...missing } = zerosOf(params);
    expectError(() => networkGradients(net.spec, params, x, [0, 1, 2, 3], missing), TypeError, [/^networkGradients:/, /grads/, /Missing key\(s\): "0\.bias"/]);
  });
});
