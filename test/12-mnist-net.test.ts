/**
 * Kata 12: the lecture's MNIST net, end to end. Lesson: docs/12-mnist-net.md
 * References: the fixture test/fixtures/mnist-net (weights trained by PyTorch; logits and
 * predictions computed by TensorFlow.js from them; PyTorch's own logits), the real MNIST test
 * images (lib/mnist), and a live tfjs forward in NHWC (lib/reference/mnist.ts) for random weights.
 * Tolerances: 1e-4 absolute on the fixture logits (they reach about 30); FLOAT32 (1e-4 abs + 1e-4
 * rel) against tfjs on random weights, scaled by the size of the logits; exact where the lesson
 * says two orders give the same numbers (pool and ReLU commute).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkStateDict, conv2d, forwardStages, maxPool2d, mnistNet, relu, toInput, type StateDict } from '@kata/12-mnist-net';
import { loadFixture } from '../lib/fixtures';
import { loadMnist } from '../lib/mnist/node';
import { normalize } from '../lib/mnist/normalize';
import { referenceConv2dNchw, referenceMaxPoolNchw } from '../lib/reference/layout';
import { MNIST_FIXTURE } from '../lib/reference/make-mnist-fixtures';
import { tfMnistNet, type TfNetMistake } from '../lib/reference/mnist';
import { tensor, type Tensor } from '../lib/tensor';
import { closeTo, FLOAT32 } from '../lib/testing/compare';
import { expectFresh } from '../lib/testing/fresh';
import { copyOf, describeEachGpuMode, kernelCount } from '../lib/testing/gpu';
import { expectError, type Mistake } from '../lib/testing/matchers';
import { checkProperty, fc, values } from '../lib/testing/property';

const NAMES = ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc.weight', 'fc.bias'] as const;
const SHAPES: Record<(typeof NAMES)[number], number[]> = {
  'conv1.weight': [10, 1, 5, 5],
  'conv1.bias': [10],
  'conv2.weight': [20, 10, 5, 5],
  'conv2.bias': [20],
  'fc.weight': [10, 320],
  'fc.bias': [10],
};
/** Images the logits are compared on, and the slice whose accuracy is checked (the full test set is `npm run mnist`'s). */
const FIRST = 32;
const SLICE = 300;

const fixture = loadFixture(MNIST_FIXTURE);
/** A fresh copy of the trained weights (PyTorch's state_dict). */
const weights = (): StateDict => Object.fromEntries(NAMES.map((k) => [k, fixture.get(k, SHAPES[k])])) as unknown as StateDict;
const test = loadMnist('test', { limit: SLICE });
const images = (n: number, from = 0): Tensor => ({ shape: [n, 1, 28, 28], data: test.images.slice(from * 784, (from + n) * 784) });
const rows = (t: Tensor, n: number): Tensor => ({ shape: [n, ...t.shape.slice(1)], data: t.data.slice(0, n * (t.data.length / t.shape[0])) });
const argmaxRows = (l: Float32Array) => Array.from({ length: l.length / 10 }, (_, i) => l.subarray(i * 10, i * 10 + 10).reduce((b, v, j, r) => (v > r[b] ? j : b), 0));
const accuracyOf = (pred: readonly number[]) => pred.filter((p, i) => p === test.labels[i]).length / pred.length;
const pct = (a: number) => `${(a * 100).toFixed(1)}%`;

/** What each named mistake gives on the first images, by tfjs (never by our solution). */
const MISTAKES: Record<TfNetMistake, { name: string; fix: string }> = {
  nhwcFlatten: {
    name: "the features were flattened in NHWC order ((h * 4 + w) * 20 + c), tfjs's order, not PyTorch's view(N, -1) NCHW order (c * 16 + h * 4 + w)",
    fix: `fc.weight's 320 columns are in NCHW order: flatten [N, 20, 4, 4] as it is stored. With NHWC order the accuracy collapses to about ${pct(
      (fixture.manifest.provenance.mistakes as { nhwcFlattenAccuracy: number }).nhwcFlattenAccuracy,
    )}, near chance.`,
  },
  fcInOut: { name: 'fc.weight was read as [320, 10] (in, out)', fix: "PyTorch's Linear stores [out, in] = [10, 320]: y[o] = b[o] + sum_i x[i] * weight[o * 320 + i]." },
  reluOnLogits: { name: 'a ReLU was applied to the logits too', fix: 'The net ends with fc: logits can be negative. ReLU comes only after each pooling.' },
  noSecondRelu: { name: 'the ReLU after the second pooling is missing', fix: 'F.relu(self.mp(self.conv2(x))): every conv block ends with ReLU.' },
  reluFirst: { name: 'ReLU was applied before each convolution instead of after its pooling', fix: 'ReLU does not commute with a convolution (weights have both signs): conv, then pool, then ReLU.' },
};
let mistakes: Mistake[] = [];
let tfLogits: Tensor;

beforeAll(() => {
  const sd = weights();
  const x = images(FIRST);
  tfLogits = tfMnistNet(sd).logits(x);
  mistakes = (Object.keys(MISTAKES) as TfNetMistake[]).map((m) => {
    const net = tfMnistNet(sd, { mistake: m });
    const output = net.logits(x);
    net.dispose();
    return { ...MISTAKES[m], output };
  });
  // Not normalised: the same net on x / 255, or on raw pixels.
  const pixels = test.pixels.slice(0, FIRST * 784);
  const tf = tfMnistNet(sd);
  mistakes.push({
    name: 'the input was not normalised (raw pixels 0..255)',
    fix: 'Normalise as the lecture: (v / 255 - 0.1307) / 0.3081 (toInput).',
    output: tf.logits({ shape: [FIRST, 1, 28, 28], data: Float32Array.from(pixels) }),
  });
  mistakes.push({
    name: 'the input was scaled to 0..1 but not normalised by the mean and std',
    fix: 'After v / 255, subtract 0.1307 and divide by 0.3081.',
    output: tf.logits({ shape: [FIRST, 1, 28, 28], data: Float32Array.from(pixels, (v) => v / 255) }),
  });
  tf.dispose();
});

describe('12-mnist-net', () => {
  describe('the trained net against the reference (test/fixtures/mnist-net)', () => {
    it(`gives the fixture's tfjs logits on the first ${FIRST} test images (within 1e-4)`, () => {
      const logits = mnistNet(weights()).forward(images(FIRST));
      expect(logits).toBeCloseToTensor(rows(fixture.get('logits'), FIRST), { atol: 1e-4, rtol: 1e-6, mistakes });
    });

    describe('names the mistakes a learner makes here (each compared with the same wrong net built in tfjs)', () => {
      const cases: [string, string][] = [
        ['nhwcFlatten', 'flattens [N, 20, 4, 4] in NCHW order as view(N, -1) does, not NHWC (accuracy would collapse)'],
        ['fcInOut', 'reads fc.weight as [10, 320] ([out, in]), not [320, 10]'],
        ['reluOnLogits', 'applies no ReLU to the logits'],
        ['noSecondRelu', 'applies ReLU after the second pooling'],
        ['reluFirst', 'applies ReLU after pooling, not before the convolutions'],
      ];
      // Each fails only when the logits are those of ITS mistake; any other difference is the
      // main correctness tests' to report (with the value diff).
      const expectNotMistake = (logits: Tensor, mistake: Mistake) => {
        expect(closeTo(logits, mistake.output, { atol: 1e-4, rtol: 1e-6 }), `12-mnist-net: these are exactly the logits of a known mistake: ${mistake.name}. ${mistake.fix}`).toBe(false);
      };
      for (const [key, title] of cases) {
        it(title, () => {
          const logits = mnistNet(weights()).forward(images(FIRST));
          expectNotMistake(logits, mistakes.find((m) => m.name === MISTAKES[key as TfNetMistake].name) as Mistake);
        });
      }
      it('is fed normalised input: toInput gives (v / 255 - 0.1307) / 0.3081, not raw or merely scaled pixels', () => {
        const logits = mnistNet(weights()).forward(toInput(test.pixels.slice(0, FIRST * 784)));
        for (const mistake of mistakes.slice(-2)) expectNotMistake(logits, mistake);
      });
    });

    it("agrees with PyTorch's own logits for the same weights (within 1e-4)", () => {
      const logits = mnistNet(weights()).forward(images(FIRST));
      expect(logits).toBeCloseToTensor(rows(fixture.get('pytorch.logits'), FIRST), { atol: 1e-4, rtol: 1e-6, mistakes });
    });

    it(`predicts the digits tfjs predicts on ${SLICE} test images, with the fixture's accuracy`, () => {
      const predicted = mnistNet(weights()).predict(images(SLICE));
      const expected = Array.from(fixture.get('predictions').data.subarray(0, SLICE));
      const accuracy = accuracyOf(predicted);
      const differ = predicted.map((p, i) => (p === expected[i] ? -1 : i)).filter((i) => i >= 0);
      const collapsed =
        accuracy < 0.5
          ? ` Accuracy collapsed to ${pct(accuracy)} (tfjs: ${pct(accuracyOf(expected))}): the features reach fc in the wrong order (flatten [N, 20, 4, 4] in NCHW order, as view(N, -1) does) or fc.weight is read in the wrong layout.`
          : '';
      expect(differ.length, `12-mnist-net: ${differ.length} of ${SLICE} predictions differ from tfjs's (first: image ${differ[0]}); accuracy ${pct(accuracy)}.${collapsed}`).toBeLessThanOrEqual(1);
      expect(accuracy).toBeGreaterThan(0.97);
    });

    it('predict is the argmax of forward', () => {
      const net = mnistNet(weights());
      const x = images(16);
      expect(net.predict(x)).toEqual(argmaxRows(net.forward(x).data));
    });

    it('pool and ReLU in either order give exactly the same logits: they commute (max is monotone), unlike ReLU and a convolution', () => {
      const sd = weights();
      const x = images(8);
      const poolThenRelu = relu(maxPool2d(conv2d(x, sd['conv1.weight'], sd['conv1.bias']), 2));
      const reluThenPool = maxPool2d(relu(conv2d(x, sd['conv1.weight'], sd['conv1.bias'])), 2);
      expect(reluThenPool).toBeCloseToTensor(poolThenRelu, { atol: 0, rtol: 0 });
    });
  });

  describe('the input: toInput normalises as transforms.Normalize((0.1307,), (0.3081,))', () => {
    it('turns N * 784 pixel bytes into [N, 1, 28, 28] normalised values', () => {
      const pixels = test.pixels.slice(0, 3 * 784);
      const x = toInput(pixels);
      const mistakesIn: Mistake[] = [
        { name: 'the pixels were not normalised', fix: '(v / 255 - 0.1307) / 0.3081', output: tensor([3, 1, 28, 28], pixels) },
        { name: 'the pixels were only divided by 255', fix: 'then subtract 0.1307 and divide by 0.3081', output: tensor([3, 1, 28, 28], Array.from(pixels, (v) => v / 255)) },
        { name: 'the channel axis is missing', fix: 'the shape is [N, 1, 28, 28]', output: tensor([3, 28, 28], normalize(pixels)) },
      ];
      expect(x).toBeCloseToTensor(tensor([3, 1, 28, 28], normalize(pixels)), { atol: 1e-6, rtol: 1e-6, mistakes: mistakesIn });
    });

    it('a length that is not a whole number of 28x28 images is a RangeError that says so', () => {
      expectError(() => toInput(new Uint8Array(700)), RangeError, [/^toInput:/, /784/, /700/]);
    });
  });

  describe('random weights against a live tfjs forward (NHWC, its own layouts)', () => {
    it('gives tfjs logits for any weights and images', () => {
      // Each tensor is filled from a short palette of drawn values (prime lengths, so no two
      // tensors line up): every value class of values() reaches every layer, and a failing case
      // shrinks in a moment instead of over 5,000 numbers.
      const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
      const fill = (palette: number[], n: number, step: number) => Array.from({ length: n }, (_, i) => palette[(i * step) % palette.length]);
      // No shrinking: each step would rerun both nets; the palettes are printed as drawn.
      const arb = fc.noShrink(
        fc.record({
          params: fc.tuple(...NAMES.map(() => values(61, { scales: ['fractions', 'integers', 'decimals'] }))),
          x: values(97, { scales: ['fractions', 'integers'] }),
        }),
      );
      checkProperty(
        arb,
        ({ params, x: xs }) => {
          const sd = Object.fromEntries(NAMES.map((k, i) => [k, tensor(SHAPES[k], fill(params[i], size(SHAPES[k]), 7 + i))])) as unknown as StateDict;
          const x = fill(xs, 2 * 784, 5);
          const input = tensor([2, 1, 28, 28], x);
          const received = mnistNet(sd).forward(copyOf(input));
          const net = tfMnistNet(sd);
          const expected = net.logits(input);
          net.dispose();
          const scale = Math.max(1, ...Array.from(expected.data, Math.abs));
          expect(received).toBeCloseToTensor(expected, { atol: FLOAT32.atol * scale, rtol: FLOAT32.rtol });
        },
        12,
      );
    });

    it('conv2d is PyTorch Conv2d on NCHW and maxPool2d is MaxPool2d(2), against tfjs', () => {
      checkProperty(
        fc.record({ c: fc.integer({ min: 1, max: 3 }), m: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 5, max: 9 }), w: fc.integer({ min: 5, max: 9 }) }).chain(({ c, m, h, w }) =>
          fc.record({
            x: values(2 * c * h * w).map((d) => tensor([2, c, h, w], d)),
            weight: values(m * c * 9).map((d) => tensor([m, c, 3, 3], d)),
            bias: values(m).map((d) => tensor([m], d)),
          }),
        ),
        ({ x, weight, bias }) => {
          const y = conv2d(copyOf(x), copyOf(weight), copyOf(bias));
          const expected = referenceConv2dNchw(x, weight, bias);
          const scale = Math.max(1, ...Array.from(expected.data, Math.abs));
          expect(y).toBeCloseToTensor(expected, { atol: FLOAT32.atol * scale, rtol: FLOAT32.rtol });
          expect(maxPool2d(copyOf(x), 2)).toBeCloseToTensor(referenceMaxPoolNchw(x, 2), { atol: 0, rtol: 0 });
        },
        20,
      );
    });
  });

  describe('every stage has the shape the lesson walks through', () => {
    it('[N,1,28,28] → [N,10,24,24] → [N,10,12,12] → [N,20,8,8] → [N,20,4,4] → [N,320] → [N,10]', () => {
      const stages = forwardStages(weights(), images(3));
      expect(stages.map((s) => `${s.name} [${s.tensor.shape.join(', ')}]`)).toEqual([
        'input [3, 1, 28, 28]',
        'conv1 [3, 10, 24, 24]',
        'pool1 [3, 10, 12, 12]',
        'relu1 [3, 10, 12, 12]',
        'conv2 [3, 20, 8, 8]',
        'pool2 [3, 20, 4, 4]',
        'relu2 [3, 20, 4, 4]',
        'flatten [3, 320]',
        'logits [3, 10]',
      ]);
      expect(stages[8].tensor).toBeCloseToTensor(rows(fixture.get('logits'), 3), { atol: 1e-4, rtol: 1e-6, mistakes });
    });
  });

  describe('bad parameters and inputs get PyTorch-grade errors', () => {
    const withParam = (key: string, t: Tensor | undefined) => {
      const sd: Record<string, Tensor> = { ...weights() };
      if (t === undefined) delete sd[key];
      else sd[key] = t;
      return sd as unknown as StateDict;
    };

    it('a weight in another layout names the key and both shapes: conv2.weight: expected [20, 10, 5, 5], got [20, 5, 5, 10]', () => {
      expectError(() => mnistNet(withParam('conv2.weight', tensor([20, 5, 5, 10]))), RangeError, [/conv2\.weight: expected \[20, 10, 5, 5\], got \[20, 5, 5, 10\]/]);
      expectError(() => checkStateDict(withParam('conv1.weight', tensor([1, 10, 5, 5]))), RangeError, [/conv1\.weight: expected \[10, 1, 5, 5\], got \[1, 10, 5, 5\]/]);
    });

    it('fc.weight given as [320, 10] names the key and both shapes', () => {
      expectError(() => mnistNet(withParam('fc.weight', tensor([320, 10]))), RangeError, [/fc\.weight: expected \[10, 320\], got \[320, 10\]/]);
    });

    it('a missing or an unexpected key is named, as load_state_dict names it', () => {
      expectError(() => mnistNet(withParam('conv1.bias', undefined)), TypeError, [/Missing key\(s\) in state_dict: "conv1\.bias"/]);
      expectError(() => mnistNet(withParam('fc1.weight', tensor([10, 320]))), TypeError, [/Unexpected key\(s\) in state_dict: "fc1\.weight"/]);
    });

    it('an input without its channel axis [N, 28, 28] is a TypeError that gives both shapes and says what is missing', () => {
      const net = mnistNet(weights());
      expectError(() => net.forward(tensor([4, 28, 28])), TypeError, [/\[N, 1, 28, 28\]/, /\[4, 28, 28\]/, /channel/]);
    });

    it('an input with 3 channels, or of another size, is a TypeError giving its shape', () => {
      const net = mnistNet(weights());
      expectError(() => net.forward(tensor([2, 3, 28, 28])), TypeError, [/expected input\[2,3,28,28\] to have 1 channels, but got 3 channels instead/]);
      expectError(() => net.forward(tensor([2, 1, 32, 32])), TypeError, [/\[2, 1, 32, 32\]/, /28/]);
    });

    it('conv2d with mismatched channels says so as PyTorch does', () => {
      expectError(() => conv2d(tensor([1, 3, 8, 8]), tensor([2, 1, 3, 3]), tensor([2])), RangeError, [/^conv2d:/, /expected input\[1,3,8,8\] to have 1 channels, but got 3 channels instead/]);
    });
  });

  describe('results are fresh, arguments untouched, parameters copied', () => {
    it('conv2d, maxPool2d and toInput leave their arguments alone and return fresh tensors', () => {
      const x = images(2);
      const sd = weights();
      expectFresh(conv2d, { x, weight: sd['conv1.weight'], bias: sd['conv1.bias'] });
      expectFresh(maxPool2d, { x: tensor([1, 2, 4, 4], Array.from({ length: 32 }, (_, i) => (i * 7) % 11)) });
      expectFresh(toInput, { pixels: test.pixels.slice(0, 784) });
    });

    it('forward leaves x alone and returns a fresh tensor each call', () => {
      const net = mnistNet(weights());
      expectFresh((x: Tensor) => net.forward(x), { x: images(2) }, { name: 'forward' });
    });

    it('changing the state dict after mnistNet(params) does not change the net (load_state_dict copies)', () => {
      const sd = weights();
      const net = mnistNet(sd);
      const before = net.forward(images(2));
      sd['fc.bias'].data.fill(1000);
      sd['conv1.weight'].data.fill(0);
      expect(net.forward(images(2))).toBeCloseToTensor(before, { atol: 0, rtol: 0 });
    });
  });
});

describeEachGpuMode('12-mnist-net gpu device', (ctx) => {
  it('runs its features with kata 11\'s kernels on the gpu instance it was given (the gpu device is not ignored)', () => {
    const gpu = ctx.gpu();
    const net = mnistNet(weights(), gpu);
    // A batch size no other test here uses: its kernels are made on this first forward.
    const before = kernelCount(gpu);
    net.forward(images(5));
    expect(
      kernelCount(gpu),
      `12-mnist-net: mnistNet(params, gpu).forward made no kernel on that gpu.js instance (${ctx.mode}): the device was ignored and the features were computed on the CPU. On a GPU device, compute the features with kata 11's extractFeatures(gpu, x, ...) on the GPU you were given.`,
    ).toBeGreaterThan(before);
  });

  it('gives the logits of the cpu device and of tfjs (float32 tolerance)', () => {
    const sd = weights();
    const x = images(8);
    const cpu = mnistNet(sd, 'cpu').forward(x);
    const gpu = mnistNet(sd, ctx.gpu()).forward(x);
    expect(gpu).toBeCloseToTensor(cpu, { atol: 1e-4, rtol: 1e-5 });
    expect(gpu).toBeCloseToTensor(rows(tfLogits, 8), { atol: 1e-4, rtol: 1e-6, mistakes });
  });
});
