/**
 * MNIST in the browser and in Node: IDX parsing, the lecture's normalisation and the
 * preprocessing of a user's own digit. Nothing here imports a Node module; file loading with
 * checksums is in lib/mnist/node.ts, PNG reading in lib/mnist/png.ts.
 */
export * from './idx';
export * from './normalize';
export * from './preprocess';
