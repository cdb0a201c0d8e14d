/**
 * What the watchdog says when it stops a test: which kata's code the loop was in. (The pause
 * through the inspector itself was checked by hand: a `while` loop in katas/01-single-channel,
 * run under kata 02's suite, is reported at its line in katas/01-single-channel/index.ts.)
 */
import { describe, expect, it } from 'vitest';
import { hangMessage, kataOf, loopLocation } from '../testing/watchdog';

const root = '/repo';
const frames = [
  { url: 'file:///repo/katas/01-single-channel/index.ts', line: 27, function: 'conv2d' },
  { url: 'file:///repo/katas/02-padding/index.ts', line: 61, function: 'conv2d' },
  { url: 'file:///repo/test/02-padding.test.ts', line: 119, function: '' },
  { url: 'file:///repo/node_modules/@vitest/runner/dist/index.js', line: 302, function: '' },
];

describe('watchdog messages', () => {
  it('knows the kata of a test file and of a kata or solution file', () => {
    expect(kataOf('/repo/test/02-padding.test.ts')).toBe('02-padding');
    expect(kataOf('/repo/katas/01-single-channel/index.ts')).toBe('01-single-channel');
    expect(kataOf('/repo/solutions/08-linear/index.ts')).toBe('08-linear');
    expect(kataOf('/repo/lib/tensor.ts')).toBeUndefined();
  });

  it('finds the innermost frame in a kata file', () => {
    expect(loopLocation(frames, root)).toEqual({ kata: '01-single-channel', file: 'katas/01-single-channel/index.ts', line: 27, function: 'conv2d' });
    expect(loopLocation(frames.slice(2), root)).toBeUndefined();
  });

  it("says so when the loop is in an earlier kata's code than the test's", () => {
    const message = hangMessage('02-padding: conv2d > pads', '/repo/test/02-padding.test.ts', 10_000, loopLocation(frames, root));
    expect(message).toContain('[watchdog] 02-padding: conv2d > pads');
    expect(message).toContain('more than 10.0 s');
    expect(message).toContain("the loop is in kata 01's code, not kata 02's: katas/01-single-channel/index.ts:27 (in conv2d)");
    expect(message).toContain('npm test -- 01');
  });

  it("gives the place when the loop is in the test's own kata, and says nothing more when it is unknown", () => {
    const own = hangMessage('02-padding: pad2d', '/repo/test/02-padding.test.ts', 2000, loopLocation(frames.slice(1), root));
    expect(own).toContain('the loop is at katas/02-padding/index.ts:61 (in conv2d).');
    expect(hangMessage('02-padding: pad2d', '/repo/test/02-padding.test.ts', 2000, undefined).split('\n')).toHaveLength(2);
  });
});
