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
import path from 'node:path';

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

let backend = selectBackend();

export function referenceInfo(): string {
  return `tfjs-core ${tf.version_core}, ${backend} backend`;
}

/**
 * Switches the reference to another backend by name and says which one runs: `cpu`, `tensorflow`
 * (when tfjs-node(-gpu) is installed) or `wasm` (`@tensorflow/tfjs-backend-wasm`, fast for
 * forward passes; tfjs 4.22's wasm has no Conv2DBackpropFilter, so it cannot train a conv net).
 * The suites stay on the synchronous default; benchmarks and `npm run reference` switch.
 */
export async function useBackend(name: 'cpu' | 'tensorflow' | 'wasm'): Promise<string> {
  if (name === 'wasm' && !tf.findBackendFactory('wasm')) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(`${dir}${path.sep}`);
  }
  if (!tf.findBackendFactory(name)) {
    throw new Error(`tfjs backend '${name}' is not installed (available: ${Object.keys(tf.engine().registryFactory).join(', ')})`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' failed to initialise`);
  backend = tf.getBackend();
  return referenceInfo();
}

/** The backends that can run here, fastest first (tensorflow only when tfjs-node(-gpu) loaded). */
export function availableBackends(): string[] {
  return [tf.findBackendFactory('tensorflow') ? 'tensorflow' : '', 'wasm', 'cpu'].filter(Boolean);
}

export { tf };
