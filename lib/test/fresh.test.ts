/**
 * expectFresh catches every way a result can fail to be fresh, each with a message that names
 * the argument and the place.
 */
import { describe, expect, it } from 'vitest';
import { ABSENT, expectFresh, firstChange } from '../testing/fresh';
import { tensor, type Tensor } from '../tensor';
import { KataNotStartedError } from '../todo';

const m = () => [
  [1, 2],
  [3, 4],
];
const fails = (run: () => void): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expectFresh passed');
};

describe('expectFresh', () => {
  it('passes a function that reads its arguments and builds a new result', () => {
    const double = (x: number[][], options: { by?: number }) => x.map((row) => row.map((v) => v * (options.by ?? 2)));
    expect(expectFresh(double, { x: m(), options: {} })).toEqual([
      [2, 4],
      [6, 8],
    ]);
    const copy = (t: Tensor) => tensor(t.shape, t.data);
    expectFresh(copy, { t: tensor([2], [1, NaN]) });
  });

  it('catches writing into an argument, with the argument and the place', () => {
    const negateInPlace = (x: number[][]) => {
      x[1][0] = -x[1][0];
      return x.map((r) => [...r]);
    };
    expect(fails(() => expectFresh(negateInPlace, { input: m() }))).toMatch(/negateInPlace changed its input: .*`input` \(input\[1\]\[0\] was 3, now -3\)/);
  });

  it('catches a default filled into the caller\'s options object', () => {
    const pool = (x: number[][], options: { stride?: number }) => {
      options.stride ??= 2;
      return x.map((r) => [...r]);
    };
    expect(fails(() => expectFresh(pool, { input: m(), options: {} }))).toMatch(/`options` \(options\.stride was absent, now 2\)/);
  });

  it('catches a module-level output buffer', () => {
    const buffer: number[] = [];
    const sums = (x: number[][]) => {
      x.forEach((row, i) => (buffer[i] = row[0] + row[1]));
      return buffer;
    };
    expect(fails(() => expectFresh(sums, { x: m() }))).toMatch(/share storage: writing into the second call's result changed the first call's result \(result\[0\]/);
  });

  it('catches a result that is the argument, or a view of its data', () => {
    const identity = (t: Tensor) => t;
    expect(fails(() => expectFresh(identity, { t: tensor([2], [1, 2]) }))).toMatch(/identity returned its argument `t` itself/);
    const view = (t: Tensor, shape: number[]): Tensor => ({ shape: [...shape], data: t.data });
    expect(fails(() => expectFresh(view, { t: tensor([2, 2], [1, 2, 3, 4]), shape: [4] }))).toMatch(/`t`: writing into the result changed t\.data\[0\] \(was 1, now 1234567\.5\)/);
    const rowsShared = (x: number[][]) => [...x];
    expect(fails(() => expectFresh(rowsShared, { input: m() }))).toMatch(/`input`: writing into the result changed input\[0\]\[0\]/);
  });

  it('lets a stub\'s "not started" error through, and fails a function that throws', () => {
    const stub = () => {
      throw new KataNotStartedError('07-tensors');
    };
    expect(() => expectFresh(stub, {})).toThrow(KataNotStartedError);
    expect(fails(() => expectFresh(() => { throw new RangeError('no'); }, { x: 1 }))).toMatch(/threw on arguments it should accept: RangeError: no/);
  });

  it('passes a class instance (a GPU, say) through as it is, neither copied nor compared', () => {
    class Device {
      calls = 0;
      run(x: number[]) {
        this.calls++;
        return x.map((v) => v * 2);
      }
    }
    const device = new Device();
    const onDevice = (gpu: Device, x: number[]) => gpu.run(x);
    expect(expectFresh(onDevice, { gpu: device, x: [1, 2] })).toEqual([2, 4]);
    expect(device.calls).toBe(2);
  });
});

describe('firstChange', () => {
  it('compares deeply, NaN equal to NaN, keys and typed arrays included', () => {
    expect(firstChange([[NaN]], [[NaN]])).toBeUndefined();
    expect(firstChange({ a: new Float32Array([1, 2]) }, { a: new Float32Array([1, 3]) })).toEqual({ path: '.a[1]', was: 2, now: 3 });
    expect(firstChange({ a: 1 }, { a: 1, b: 2 })).toEqual({ path: '.b', was: ABSENT, now: 2 });
    expect(firstChange([1, 2], [1])).toEqual({ path: '.length', was: 2, now: 1 });
  });
});
