/**
 * TensorFlow.js, the independent reference every kata is compared with.
 *
 * The backend is chosen once: KATA_TF_BACKEND when set, else the fastest one installed:
 * `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node` (both optional: they download
 * libtensorflow when installed, which needs a network), else the pure-JavaScript `cpu` backend
 * that always works. `referenceInfo()` says which one is in use.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

// tfjs prints an advertisement for tfjs-node on first use of the cpu backend; tests stay quiet.
tf.env().set('IS_TEST', true);

const optional = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

function selectBackend(): string {
  const wanted = process.env.KATA_TF_BACKEND;
  if (!wanted || wanted === 'tensorflow') {
    for (const name of optional) {
      try {
        require(name); // registers the 'tensorflow' backend
        if (tf.findBackendFactory('tensorflow')) break;
      } catch {
        // not installed (the usual case offline): fall through to the next one
      }
    }
  }
  const name = wanted ?? (tf.findBackendFactory('tensorflow') ? 'tensorflow' : 'cpu');
  if (!tf.findBackendFactory(name)) {
    throw new Error(`KATA_TF_BACKEND=${name}, but that backend is not installed (available: ${Object.keys(tf.engine().registryFactory).join(', ')})`);
  }
  void tf.setBackend(name); // cpu and tensorflow initialise synchronously
  return tf.getBackend();
}

const backend = selectBackend();

export function referenceInfo(): string {
  return `tfjs-core ${tf.version_core}, ${backend} backend`;
}

export { tf };
