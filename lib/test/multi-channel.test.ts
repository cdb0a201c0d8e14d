/**
 * Kata 04's worked examples (lib/reference/multi-channel.ts) agree with tfjs, and the reference
 * itself agrees with the one-channel reference of katas 01-03 channel by channel.
 */
import { describe, expect, it } from 'vitest';
import { referenceConv2d } from '../reference/conv';
import * as R from '../reference/multi-channel';
import * as E from '../testing/examples';
import { LECTURE_INPUT, LECTURE_KERNEL } from '../testing/lecture';

describe('kata 04: the worked examples agree with tfjs', () => {
  it('the RGB example: each channel on its own', () => {
    E.RGB_INPUT.forEach((channel, c) => expect(referenceConv2d(channel, E.RGB_KERNEL[c]), `channel ${c}`).toEqual(E.RGB_PER_CHANNEL[c]));
  });

  it('the RGB example: the sum of the three is the one output channel', () => {
    expect(R.referenceConv2dChannels(E.RGB_INPUT, E.RGB_KERNEL)).toEqual(E.RGB_OUTPUT);
  });

  it('the 4-channel example: ten times the lecture output', () => {
    expect(R.referenceConv2dChannels(E.FOUR_CHANNEL_INPUT, E.FOUR_CHANNEL_KERNEL)).toEqual(E.FOUR_CHANNEL_OUTPUT);
  });

  it('one channel is the one-channel reference, padding and stride included', () => {
    expect(R.referenceConv2dChannels([LECTURE_INPUT], [LECTURE_KERNEL], { padding: 1, stride: 2 })).toEqual(
      referenceConv2d(LECTURE_INPUT, LECTURE_KERNEL, { padding: 1, stride: 2 }),
    );
  });

  it('keeps the channels apart when converting to NHWC (a transpose, not a reshape)', () => {
    // channel 1 alone carries the signal: a reshape would spread it over the wrong cells
    const input = [
      [
        [0, 0],
        [0, 0],
      ],
      [
        [1, 2],
        [3, 4],
      ],
    ];
    const kernel = [[[0]], [[1]]];
    expect(R.referenceConv2dChannels(input, kernel)).toEqual(input[1]);
  });
});
