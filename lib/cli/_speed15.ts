import { seededRandom } from '../../lib/random';
import { initParams, zerosLikeParams, accumulateGradients, sgd } from '../../solutions/15-training';
import { loadMnist } from '../../lib/mnist/node';
const set = loadMnist('train', { limit: 6400 });
console.log(Object.keys(set));
const params = initParams(seededRandom(1));
const grads = zerosLikeParams(params);
const opt = sgd(params, grads, { lr: 0.01, momentum: 0.5 });
const imgs: Float32Array = (set as any).images;
const labels: Uint8Array = (set as any).labels;
for (let rep = 0; rep < 3; rep++) {
  const t0 = performance.now();
  let loss = 0, correct = 0;
  for (let b = 0; b < 100; b++) {
    const x = { shape: [64, 1, 28, 28], data: imgs.subarray(b * 64 * 784, (b + 1) * 64 * 784) };
    opt.zeroGrad();
    const r = accumulateGradients(params, x, labels.subarray(b * 64, b * 64 + 64), grads);
    opt.step();
    loss += r.loss; correct += r.correct;
  }
  const dt = (performance.now() - t0) / 1000;
  console.log(`rep ${rep}: ${(6400 / dt).toFixed(0)} img/s, loss ${(loss / 100).toFixed(3)} acc ${(correct / 64).toFixed(1)}%`);
}
