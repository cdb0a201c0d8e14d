import { describe, expect, it } from 'vitest';
import { referenceConv2d } from '../reference/conv';
import * as L from '../testing/lecture';

describe('the lecture examples agree with tfjs', () => {
  it.each([
    ['no padding, stride 1', {}, L.LECTURE_VALID],
    ['padding 1, stride 1', { padding: 1 }, L.LECTURE_PADDED],
    ['no padding, stride 2', { stride: 2 }, L.LECTURE_STRIDED],
    ['padding 1, stride 2', { padding: 1, stride: 2 }, L.LECTURE_PADDED_STRIDED],
  ])('%s', (_, options, expected) => {
    expect(referenceConv2d(L.LECTURE_INPUT, L.LECTURE_KERNEL, options)).toEqual(expected);
  });
});
