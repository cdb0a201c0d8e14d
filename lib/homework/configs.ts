/**
 * The network configurations `npm run homework` compares, written as kata 16's network
 * descriptions ([C, H, W] input, nn.Sequential-like layer list). Each changes ONE thing of the
 * lecture's net, so a difference in the table can be put down to that change.
 */
import type { SpecLike } from '../train/model';

export interface HomeworkConfig {
  readonly name: string;
  /** One line: what changes against the lecture's net. */
  readonly about: string;
  readonly spec: SpecLike;
}

const conv = (cin: number, out: number, kernel: number, extra: { padding?: number; stride?: number } = {}) => ({ type: 'conv', in: cin, out, kernel, ...extra }) as const;
const pool = { type: 'pool', size: 2 } as const;
const relu = { type: 'relu' } as const;
const flatten = { type: 'flatten' } as const;
const linear = (cin: number, out: number) => ({ type: 'linear', in: cin, out }) as const;
const MNIST = [1, 28, 28] as const;

export const HOMEWORK_CONFIGS: readonly HomeworkConfig[] = [
  {
    name: 'lecture',
    about: "the lecture's net: conv 5x5 (10) → pool → relu → conv 5x5 (20) → pool → relu → linear 320→10",
    spec: { input: MNIST, layers: [conv(1, 10, 5), pool, relu, conv(10, 20, 5), pool, relu, flatten, linear(320, 10)] },
  },
  {
    name: 'third-conv',
    about: 'a third conv layer (3x3, 40 channels) before the last pooling',
    spec: { input: MNIST, layers: [conv(1, 10, 5), pool, relu, conv(10, 20, 5), relu, conv(20, 40, 3), pool, relu, flatten, linear(360, 10)] },
  },
  {
    name: '3x3-padded',
    about: '3x3 kernels with padding 1 (sizes kept), so the maps stay 28 and 14 wide',
    spec: { input: MNIST, layers: [conv(1, 10, 3, { padding: 1 }), pool, relu, conv(10, 20, 3, { padding: 1 }), pool, relu, flatten, linear(980, 10)] },
  },
  {
    name: 'wide',
    about: 'wider channels: 16 and 32 instead of 10 and 20',
    spec: { input: MNIST, layers: [conv(1, 16, 5), pool, relu, conv(16, 32, 5), pool, relu, flatten, linear(512, 10)] },
  },
  {
    name: 'stride-2',
    about: 'stride-2 convolutions instead of max pooling',
    spec: { input: MNIST, layers: [conv(1, 10, 5, { stride: 2 }), relu, conv(10, 20, 5, { stride: 2 }), relu, flatten, linear(320, 10)] },
  },
];
