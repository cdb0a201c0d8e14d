/**
 * Kata 05's worked examples (lib/reference/multi-kernel.ts) agree with tfjs, and the reference's
 * layout conversions are checked on cases whose answer is known without tfjs.
 */
import { describe, expect, it } from 'vitest';
import { referenceConv2dChannels } from '../reference/multi-channel';
import * as R from '../reference/multi-kernel';
import * as E from '../testing/examples';

describe('kata 05: the worked examples agree with tfjs', () => {
  it('each kernel of the Conv2d(2, 3, 3) example, before the bias, is a kata 04 convolution', () => {
    E.LAYER_WEIGHT.forEach((kernel, m) => expect(referenceConv2dChannels(E.LAYER_INPUT, kernel), `kernel ${m}`).toEqual(E.LAYER_BEFORE_BIAS[m]));
    expect(R.referenceConv2dLayer(E.LAYER_INPUT, E.LAYER_WEIGHT, null)).toEqual(E.LAYER_BEFORE_BIAS);
  });

  it('with bias [1, 0, -1]', () => {
    expect(R.referenceConv2dLayer(E.LAYER_INPUT, E.LAYER_WEIGHT, E.LAYER_BIAS)).toEqual(E.LAYER_OUTPUT);
  });

  it.each([E.MNIST_CONV1, E.MNIST_CONV2])('the MNIST shape story: $layer takes $input to $output', ({ input, weight, output }) => {
    expect(R.referenceConv2dOutputShape(input, weight)).toEqual(output);
  });

  it('reads the weight as [M, C, kH, kW]: kernel m, slice c meets input channel c and makes output channel m', () => {
    // 2 input channels, 3 kernels of 1x1: output m = w[m][0] * x0 + w[m][1] * x1
    const input = [[[1]], [[10]]];
    const weight = [[[[1]], [[0]]], [[[0]], [[1]]], [[[2]], [[3]]]];
    expect(R.referenceConv2dLayer(input, weight, [0, 100, 1000])).toEqual([[[1]], [[110]], [[1032]]]);
  });

  it('gives H\' and W\' their own sizes and the output channels in order (H != W, kH != kW, stride 2)', () => {
    const input = [Array.from({ length: 3 }, (_, i) => Array.from({ length: 6 }, (_, j) => i * 6 + j))];
    const weight = [[[[1, 0, 0]]], [[[0, 0, 1]]]];
    expect(R.referenceConv2dLayer(input, weight, null, { stride: 2 })).toEqual([
      [
        [0, 2],
        [12, 14],
      ],
      [
        [2, 4],
        [14, 16],
      ],
    ]);
  });
});
