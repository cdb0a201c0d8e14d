import { describe, expect, it } from 'vitest';
import { EXACT, drawGrid, explainDifference, flatten, unravel } from '../testing/compare';
import { expectError } from '../testing/matchers';
import { KataNotStartedError } from '../todo';

describe('flatten', () => {
  it('reads nested arrays, typed arrays and { shape, data }', () => {
    expect(flatten([[1, 2, 3], [4, 5, 6]])).toEqual({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });
    expect(flatten(new Float32Array([1, 2]))).toMatchObject({ shape: [2] });
    expect(flatten({ shape: [1, 2], data: new Float32Array([7, 8]) })).toMatchObject({ shape: [1, 2] });
  });

  it('says why a value is not a tensor', () => {
    expect(flatten([[1, 2], [3]])).toMatch(/ragged: \[1\] has 1 entries where \[0\] has 2/);
    expect(flatten([[1, 'x']])).toMatch(/entry \[0, 1\] is x, not a number/);
    expect(flatten(5)).toMatch(/not an array/);
  });
});

describe('explainDifference', () => {
  it('is undefined for tensors within tolerance, NaN matching NaN', () => {
    expect(explainDifference([[1, NaN]], [[1 + 1e-12, NaN]], EXACT)).toBeUndefined();
  });

  it('gives both shapes when they differ', () => {
    expect(explainDifference([[1, 2]], [[1], [2]], EXACT)).toBe('expected shape [2, 1], but received shape [1, 2]');
  });

  it('names the first differing index and draws both grids around it', () => {
    const expected = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const message = explainDifference([[1, 2, 3], [4, 9, 6]], expected, EXACT)!;
    expect(message).toContain('1 of 6 values differ; the first is at [1, 1]: expected 5, received 9');
    expect(message).toContain('[5]');
    expect(message).toContain('[9]');
  });

  it('draws the 2-D slice of a rank-4 tensor that holds the difference', () => {
    const t = { shape: [1, 2, 2, 2], data: [0, 1, 2, 3, 4, 5, 6, 7] };
    expect(unravel(6, t.shape)).toEqual([0, 1, 1, 0]);
    expect(drawGrid(t, [0, 1, 1, 0])).toEqual(['[0, 1, :, :] rows 0-1 of 2, cols 0-1 of 2', ' 4  5 ', '[6] 7 ']);
  });
});

describe('expectError', () => {
  it('passes for the right error class and message', () => {
    expectError(() => {
      throw new RangeError('f: stride must be positive');
    }, RangeError, [/^f:/, /stride/]);
  });

  it('fails when nothing is thrown, when the class is wrong, or when the message says too little', () => {
    expect(() => expectError(() => 1, RangeError, [])).toThrow(/expected a RangeError for this input, but the call returned 1/);
    expect(() =>
      expectError(() => {
        throw new TypeError('f: x');
      }, RangeError, []),
    ).toThrow(/but got TypeError: f: x/);
    expect(() =>
      expectError(() => {
        throw new RangeError('bad');
      }, RangeError, [/^f:/]),
    ).toThrow(/does not say enough/);
  });

  it("passes a stub's not-started error through unchanged", () => {
    expect(() =>
      expectError(() => {
        throw new KataNotStartedError('01-single-channel');
      }, RangeError, []),
    ).toThrow(KataNotStartedError);
  });
});
