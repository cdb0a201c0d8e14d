/**
 * The curriculum manifest: the one list of katas.
 *
 * Everything that lists katas reads this file: the learner CLI (`npm run kata`), the grader
 * (`npm run grade`), `npm run verify`, the docs index and the GitHub Classroom config
 * (`npm run sync` writes those two). To add a kata, add an entry here and the four files it
 * names (see docs/instructor.md).
 */

export interface Kata {
  /** Two-digit order number, as typed on the command line: `npm test -- 02`. */
  readonly id: string;
  /** Folder name under katas/, solutions/, and the base name of its test and lesson. */
  readonly slug: string;
  readonly title: string;
  /** One line: what the learner will understand after this kata. */
  readonly concept: string;
  /** Points the grader awards when every test of the kata passes. */
  readonly points: number;
  /** Slugs of the katas whose code this one imports (the learner's own earlier work), directly or through each other. */
  readonly dependsOn: readonly string[];
  /** Hints, revealed one tier at a time by `npm run kata -- hint NN`; never the solution. */
  readonly hints: readonly string[];
}

export const curriculum: readonly Kata[] = [
  {
    id: '01',
    slug: '01-single-channel',
    title: 'Single-channel convolution',
    concept: 'Slide a kernel over a matrix, multiply element-wise and sum: what Conv2d computes.',
    points: 10,
    dependsOn: [],
    hints: [
      'The output has (H - kH + 1) rows and (W - kW + 1) columns: one entry for every position where the whole kernel fits inside the input. Start by computing those two numbers and validating the arguments with checkMatrix from lib/matrix.',
      'Output entry (i, j) is the sum over every kernel cell (u, v) of input[i + u][j + v] * kernel[u][v]. That is four nested loops: i, j over the output, u, v over the kernel.',
      'Do not flip the kernel: Conv2d computes cross-correlation, so kernel[0][0] always meets the top-left input cell of the window. Build a fresh output matrix; never write into the input.',
    ],
  },
  {
    id: '02',
    slug: '02-padding',
    title: 'Padding',
    concept: 'Zero padding on every side keeps the output as large as the input.',
    points: 10,
    dependsOn: ['01-single-channel'],
    hints: [
      'pad2d(input, p) returns a new matrix of (H + 2p) x (W + 2p): p rows of zeros above and below, p columns of zeros left and right, the input copied into the middle at offset (p, p).',
      'Once you can pad, conv2d(input, kernel, padding) is pad2d followed by the convolution you wrote in kata 01 (import it from ../01-single-channel).',
      'Check the padding first: it must be a whole number >= 0 (checkInteger from lib/matrix). Then the kernel must fit inside the padded input, or there is no window at all: throw a RangeError that says both sizes.',
    ],
  },
  {
    id: '03',
    slug: '03-stride',
    title: 'Stride',
    concept: 'The stride is how far the window jumps; the output size is floor((H + 2p - k) / s) + 1.',
    points: 10,
    dependsOn: ['02-padding'],
    hints: [
      'convOutputSize(size, kernelSize, padding, stride) is floor((size + 2 * padding - kernelSize) / stride) + 1. Validate every argument first, and throw a RangeError when the kernel is larger than the padded size.',
      'With a stride s, output entry (i, j) looks at the window whose top-left corner is (i * s, j * s) of the padded input. The stride moves the window; inside the window, you still visit every kernel cell.',
      'Pad with pad2d from kata 02, size the output with convOutputSize for rows and for columns separately (H and W may differ, and so may kH and kW), then fill it.',
    ],
  },
  {
    id: '04',
    slug: '04-multi-channel',
    title: 'Multi-channel input',
    concept: 'A C-channel input meets a C-channel kernel: convolve channel by channel, then add, for ONE output channel.',
    points: 10,
    dependsOn: ['03-stride'],
    hints: [
      'An RGB image is [3, H, W]: three matrices. The kernel has the same number of channels, [3, kH, kW]: one kH x kW slice per input channel. Check both with checkNested from lib/nested, then check that their channel counts agree.',
      "Output = conv2d(input[0], kernel[0]) + conv2d(input[1], kernel[1]) + ... : kata 03's conv2d on each channel pair (with the same padding and stride), then an element-wise sum of the resulting matrices.",
      'The result is ONE matrix, not C of them: multiply, then add across channels. When the channel counts differ, say both, PyTorch-style: "expected input[1, 5, 5] to have 3 channels, but got 1 channels instead".',
    ],
  },
  {
    id: '05',
    slug: '05-multi-kernel',
    title: 'M kernels, 4D weights and bias',
    concept: 'M kernels stacked as a [M, C, kH, kW] weight, plus a bias of M, give M output channels: Conv2d(C, M, k).',
    points: 15,
    dependsOn: ['04-multi-channel'],
    hints: [
      'Two rules: the weight\'s second axis (C) must equal the input\'s channel count, and the output has one channel per kernel (M = weight.length). Neither depends on the image size H x W.',
      "Output channel m is kata 04's conv2d(input, weight[m], options) plus bias[m] added to every one of its cells. Stack the M matrices.",
      'bias may be null (Conv2d(..., bias=False)); otherwise it must have exactly M entries. Check the shapes before any arithmetic, and name both shapes in the error.',
      "Both functions make the same checks: write them once in checkConv2dShapes(fn, inputShape, weightShape, options), which returns [M, H', W'] (kata 03's convOutputSize for H' and W'), so that conv2dOutputShape's errors start with 'conv2dOutputShape:' and conv2d's with 'conv2d:'.",
    ],
  },
  {
    id: '06',
    slug: '06-max-pooling',
    title: 'Max pooling',
    concept: 'MaxPool2d keeps the largest value of each window, channel by channel: no weights, channels unchanged.',
    points: 10,
    dependsOn: ['03-stride'],
    hints: [
      "MaxPool2d(k) uses stride = k unless told otherwise: windows do not overlap. The output size is kata 03's convOutputSize(H, k, padding, stride) for each of H and W.",
      'Pool each channel of each image on its own: for [N, C, H, W] the output is [N, C, H\', W\']. Never take a max across channels.',
      'Padding for max pooling is -Infinity, not 0 (a padded cell must never win), and PyTorch allows at most kernelSize / 2 of it. Compare with Math.max: like PyTorch it keeps a NaN, where `if (v > best)` silently skips it.',
    ],
  },
  {
    id: '07',
    slug: '07-tensors',
    title: 'Tensors and layouts',
    concept: 'A tensor is a flat Float32Array plus a shape; strides turn an index into an offset, and layouts (NCHW, NHWC) are transposes.',
    points: 15,
    dependsOn: [],
    hints: [
      'Row-major strides: the last axis has stride 1, and each earlier axis\'s stride is the product of all the sizes after it. For [N, C, H, W]: [C*H*W, H*W, W, 1]. As in PyTorch, a size 0 counts as 1 in that product ([2, 0, 3] has strides [3, 3, 1]). The offset of an index is the sum of index[d] * stride[d].',
      'reshape never moves data: it only checks that the sizes multiply to the same total (one -1 may stand for "whatever is left") and returns the same values with the new shape.',
      'NCHW to NHWC is a transpose: out[n][h][w][c] = in[n][c][h][w]. Write permute(t, dims) once (axis d of the result is axis dims[d] of the input, as torch.permute and tf.transpose), then each adapter is one call: [0, 2, 3, 1], its inverse [0, 3, 1, 2], and [2, 3, 1, 0] for PyTorch weights [M, C, kH, kW] to tfjs filters [kH, kW, C, M].',
    ],
  },
  {
    id: '08',
    slug: '08-linear',
    title: 'Linear layer and activations',
    concept: 'linear, relu, flatten, logSoftmax and argmax: the pieces that turn feature maps into a digit.',
    points: 15,
    dependsOn: [],
    hints: [
      'linear(x, weight, bias) with x [N, in] and weight [out, in] (PyTorch\'s layout) is y[n][o] = bias[o] + sum over i of x[n][i] * weight[o][i]: a matrix product with the weight transposed.',
      'flatten keeps the batch axis and joins the rest in NCHW order, like x.view(N, -1): for row-major data that is a reshape, not a reordering.',
      'logSoftmax(x)[k] = x[k] - log(sum_j exp(x[j])). Subtract the row\'s maximum before exp so that large logits (1000) do not overflow to Infinity.',
      'argmax: keep the index of the best value so far, starting from the row\'s first value (not 0, not -1e9: scores can be below any constant); replace it only when a value is strictly larger (the first of a tie wins) or is NaN while the best is not (torch.argmax counts NaN as the largest).',
    ],
  },
  {
    id: '09',
    slug: '09-first-kernels',
    title: 'First GPU kernels',
    concept: 'A kernel computes one output element per thread; gpu.js sizes its output [x, y, z] = [W, H, N*C], the reverse of NCHW.',
    points: 15,
    dependsOn: [],
    hints: [
      'kernelOutput([N, C, H, W]) is [W, H, N * C]: x is the fastest-moving axis (the last one of the shape, W), and N and C share z. toTensor walks the result in z, y, x order and copies every number into a new Float32Array; a Texture has a toArray() that gives you the arrays.',
      'A kernel is a plain function of numbers and arrays: no variables from outside it (pass them as arguments or as constants: this.constants.C), no objects, loops with fixed bounds. relu reads x[this.thread.z][this.thread.y][this.thread.x], with x = nchwInput(t) (a gpu.js Input over the flat data).',
      'For addBias, thread z is n * C + c, so the channel is c = z - Math.floor(z / C) * C: whole-number arithmetic that GL computes exactly. Make each kernel once per (GPU, shape) with cachedKernel from lib/kernels; compiling is the slow part.',
    ],
  },
  {
    id: '10',
    slug: '10-conv-kernel',
    title: 'Conv2d as one kernel',
    concept: "Kata 05's Conv2d on a batch as one gpu.js kernel: one thread per output element, padding by a bounds check.",
    points: 20,
    dependsOn: ['09-first-kernels'],
    hints: [
      "The output is [N, M, H', W'] with kata 03's size formula, so the kernel's output is kernelOutput([N, M, H', W']) = [W', H', N * M]. Thread (x, y, z) is output element (n, m, h', w') with w' = x, h' = y, n = Math.floor(z / M), m = z - n * M.",
      "The window of thread (x, y) starts at row y * stride - padding and column x * stride - padding of the unpadded image; kernel cell (u, v) reads one row u and one column v further. The stride moves the window, never the offset inside it.",
      'Loop over c < C, u < kH, v < kW with the sizes as constants; read x[n * C + c][row][col] only when 0 <= row < H and 0 <= col < W (that is the zero padding), and weight[((m * C + c) * kH + u) * kW + v] from the flat weight. Start the sum at bias[m].',
    ],
  },
  {
    id: '11',
    slug: '11-device-features',
    title: 'The feature extractor on the device',
    concept: 'conv → pool → ReLU twice as a chain of pipeline kernels: intermediates stay on the device, one read-back at the end.',
    points: 20,
    dependsOn: ['05-multi-kernel', '06-max-pooling', '08-linear', '10-conv-kernel'],
    hints: [
      'maxPool2d with window k: output [N, C, floor(H / k), floor(W / k)]; thread (x, y, z) takes the maximum of x[z][y * k + u][x * k + v] over u, v < k. Start from the window\'s first value, not from 0 (negative inputs).',
      'extractFeaturesStepwise is four lines: conv2d (kata 10), maxPool2d, relu (kata 09), twice. Get it passing first; it is the reference for the chained version.',
      "For extractFeatures, make every kernel with { pipeline: true } (conv2dKernelFor, maxPool2dKernelFor, reluKernelFor) and pass each kernel's result straight into the next: on GL it stays a texture on the device. Only the last result goes through toTensor.",
    ],
  },
  {
    id: '12',
    slug: '12-mnist-net',
    title: 'The MNIST net, end to end',
    concept: "The lecture's whole net on flat tensors, PyTorch's state_dict in, logits out, on the CPU or the GPU, checked against TensorFlow.js and PyTorch on real digits.",
    points: 30,
    dependsOn: ['08-linear', '11-device-features'],
    hints: [
      'Walk the shapes first: [N,1,28,28] → conv1 [N,10,24,24] → pool [N,10,12,12] → relu → conv2 [N,20,8,8] → pool [N,20,4,4] → relu → flatten [N,320] → fc [N,10]. checkStateDict compares every key of the state dict with PARAM_SHAPES and says `conv2.weight: expected [20, 10, 5, 5], got [20, 5, 5, 10]`; checkInput refuses [N, 28, 28] (no channel axis).',
      'conv2d on flat NCHW arrays: y[n][m][i][j] = bias[m] + sum over c, u, v of x[((n*C + c)*H + i+u)*W + j+v] * weight[((m*C + c)*kH + u)*kW + v]. Hoist the offsets out of the inner loop (a row of x times one weight, added into a row of y) and it runs at thousands of images per second. maxPool2d(x, 2) takes the max of each 2x2 window of each plane.',
      'Flatten [N, 20, 4, 4] as it is stored (NCHW, view(N, -1)) and use fc.weight as [10, 320] with linear from kata 08. mnistNet copies the parameters, then forward = linear(flatten(relu(maxPool2d(conv2d(relu(maxPool2d(conv2d(x, ...), 2)), ...), 2))), ...). On a gpu.js GPU, the features come from extractFeatures of kata 11 instead.',
    ],
  },
  {
    id: '13',
    slug: '13-backward-head',
    title: 'Backward of the head',
    concept: 'The chain rule, layer by layer: gradients of linear, relu and the cross-entropy loss, proved by a gradient check.',
    points: 20,
    dependsOn: [],
    hints: [
      'Every gradient has the shape of what it is the gradient of: dx is [N, in] like x, dWeight is [out, in] like the weight, dBias is [out]. Make each with zerosLike(dy, shape) from lib/tensor, so float64 in gives float64 out, then add into it.',
      'Think of each forward product x[n][i] * weight[o][i] inside y[n][o]: it sends dy[n][o] * weight[o][i] back to dx[n][i] and dy[n][o] * x[n][i] back to dWeight[o][i]. The bias was added to every sample, so dBias[o] is dy[n][o] summed over n.',
      'relu passes dy where x > 0 (strictly: PyTorch gives 0 at x = 0). For the loss, dlogits[n][k] = (softmax[n][k] - (k === targets[n] ? 1 : 0)) / N: the 1/N comes from the mean, and the softmax must subtract the row maximum before exp.',
    ],
  },
  {
    id: '14',
    slug: '14-backward-conv',
    title: 'Backward of conv and pool',
    concept: 'Conv2d backward is a convolution with the flipped kernel (dx) and of the input with dy (dWeight); max pooling sends each gradient to its winner.',
    points: 20,
    dependsOn: [],
    hints: [
      'Write the forward loops of Conv2d (n, o, i, j, c, u, v, with r = i * stride + u - padding and q = j * stride + v - padding) and keep only the terms whose input cell (r, q) is inside x. Each forward product x[n][c][r][q] * w[o][c][u][v] now sends g = dy[n][o][i][j] back: dx[n][c][r][q] += g * w[o][c][u][v] and dWeight[o][c][u][v] += g * x[n][c][r][q].',
      'Scattering like that flips the kernel for you and crops the padding (cells outside x are skipped). dBias[o] is dy summed over n, i and j: every position of every image used the same bias. Let conv2dBackward call conv2dBackwardInput and conv2dBackwardWeight.',
      'For max pooling, find each window\'s maximum as the forward pass did (skip cells outside x: padding is -Infinity), keep the FIRST one on a tie (replace only when v > best, or when v is NaN), and add dy of that window to that one cell: windows may overlap, so +=.',
    ],
  },
  {
    id: '15',
    slug: '15-training',
    title: 'Training',
    concept: "The lecture's training loop: PyTorch's default initialisation, gradients added up batch by batch, SGD with momentum exactly as torch.optim.SGD steps, zero_grad, a seeded shuffle and batches of 64.",
    points: 20,
    dependsOn: ['12-mnist-net', '13-backward-head', '14-backward-conv'],
    hints: [
      'initParams: for each name of PARAM_SHAPES, the bound is 1 / Math.sqrt(fanIn), where fanIn is the size of ONE row of that layer\'s weight (1·5·5 for conv1, 10·5·5 for conv2, 320 for fc), for the bias too; each value is (2 * random() - 1) * bound. shuffle is Fisher–Yates: for i from n - 1 down to 1, j = Math.floor(random() * (i + 1)), swap. batches cuts the order into copies of `size` (the last one shorter).',
      'accumulateGradients runs the forward pass of kata 12 keeping each layer\'s input (forwardStages gives every stage: x, conv1, pool1, relu1, conv2, pool2, relu2, flatten, logits), then the backward passes in reverse: crossEntropyBackward, linearBackward, reluBackward, maxPool2dBackward, conv2dBackward, reluBackward, maxPool2dBackward, conv2dBackwardWeight (conv1 needs no dx). flatten\'s backward is the same numbers with the shape [N, 20, 4, 4]. ADD each gradient into grads[name] (+=): backward accumulates.',
      'sgd keeps one Float32Array buffer PER PARAMETER, created on the first step as a copy of d = g + weightDecay·p; later steps do buf = momentum·buf + (1 - dampening)·d. The step is p -= lr·(nesterov ? d + momentum·buf : buf) with the lr read at each step (optimizer.lr); with momentum 0 it is p -= lr·d. zeroGrad fills every gradient with 0 in place; trainStep is zeroGrad, accumulateGradients, step.',
    ],
  },
  {
    id: '16',
    slug: '16-your-network',
    title: 'Your own network (the homework)',
    concept: 'A network as data: a typed list of layers, shape inference that fails early, parameters and multiply-adds counted, and any such net trained with your katas.',
    points: 20,
    dependsOn: ['12-mnist-net', '13-backward-head', '14-backward-conv', '15-training'],
    hints: [
      "Start with describeNet: walk the layers carrying the current shape (without N), [C, H, W] until flatten and [F] after it. conv gives [out, floor((H + 2p - k) / s) + 1, ...] (padding 0 and stride 1 when absent), pool gives [C, floor((H - size) / stride) + 1, ...] (stride = size when absent), relu keeps the shape, flatten gives [C*H*W], linear gives [out]. Check each layer against the shape it receives BEFORE computing its output, and name the layer by its index from 0: `layer 7 (linear) expects 320 inputs, but the previous layer gives 500`.",
      'Parameters: conv out*in*k*k + out, linear out*in + out (the biases count). Multiply-adds for one image: conv out*H\'*W\' * in*k*k (every OUTPUT cell is one dot product, padding zeros included), linear in*out, nothing for pool, relu and flatten. countParams and countMacs are sums over the same LayerInfo list; write the checks once as inferShapes(fn, spec), so that the errors of each function start with its own name (countParams: layer 7 ..., networkForward: layer 7 ...). initNetwork names parameters `${index}.weight` and `${index}.bias` and draws (2*random() - 1) / sqrt(fan_in) for each, weight then bias, layer by layer, with fan_in = in*k*k (conv) or in (linear).',
      "conv2dForward is kata 12's flat conv with kata 03's padding and stride: window (i, j) starts at input cell (i*s - p, j*s - p) and cells outside x count as 0. networkForward keeps every layer's output in a list; networkGradients walks that list backwards with kata 13's linearBackward/reluBackward/crossEntropyBackward and kata 14's maxPool2dBackward/conv2dBackwardWeight/conv2dBackwardInput (flatten's gradient is a reshape back to [N, C, H, W]), ADDING each dWeight and dBias into grads.",
    ],
  },
];

/** Where a kata's pieces live, relative to the repository root. */
export const kataPaths = (kata: Kata) => ({
  stub: `katas/${kata.slug}/index.ts`,
  solution: `solutions/${kata.slug}/index.ts`,
  test: `test/${kata.slug}.test.ts`,
  lesson: `docs/${kata.slug}.md`,
});

export type Target = 'katas' | 'solutions';

/**
 * Finds a kata by what a person types: `2`, `02`, `02-padding` or `padding`.
 * Throws an error that lists the katas when nothing (or more than one) matches.
 */
export function findKata(query: string): Kata {
  const q = query.trim().toLowerCase();
  const byId = /^\d+$/.test(q) ? curriculum.find((k) => Number(k.id) === Number(q)) : undefined;
  if (byId) return byId;
  const exact = curriculum.find((k) => k.slug === q);
  if (exact) return exact;
  const partial = curriculum.filter((k) => k.slug.includes(q));
  if (partial.length === 1) return partial[0];
  const list = curriculum.map((k) => `  ${k.id}  ${k.slug}`).join('\n');
  const why = partial.length > 1 ? `"${query}" matches more than one kata` : `there is no kata "${query}"`;
  throw new Error(`${why}; the katas are:\n${list}`);
}
