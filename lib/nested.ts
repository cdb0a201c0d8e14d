/**
 * Nested arrays of any rank (a [C, H, W] volume is `number[][][]`, a [N, C, H, W] batch is
 * `number[][][][]`) and the argument check the katas on channels and pooling share.
 */
import { describe } from './matrix';

/** [C, H, W]: channels of H x W matrices. */
export type Volume = number[][][];
/** [N, C, H, W]: a batch of volumes, PyTorch's NCHW layout as nested arrays. */
export type Batch = number[][][][];

/**
 * Throws a TypeError unless `value` is a non-empty, rectangular nested array of numbers of the
 * given rank; returns its shape. The message names the function, the argument, the rank
 * expected, and the first place where the value is not that.
 *
 *   conv2d: input must be a rank-3 [C, H, W] array of numbers, but [1][2] has 4 entries where [0][0] has 5
 *
 * @param layout names the axes for the message, e.g. `[C, H, W]`
 */
export function checkNested(fn: string, name: string, value: unknown, rank: number, layout = ''): number[] {
  const what = `${name} must be a rank-${rank}${layout ? ` ${layout}` : ''} array of numbers`;
  const fail = (problem: string): never => {
    throw new TypeError(`${fn}: ${what}, but ${problem}`);
  };
  const shape: number[] = [];
  let level: unknown = value;
  for (let d = 0; d < rank; d++) {
    if (!Array.isArray(level)) return fail(d === 0 ? `got ${describe(value)}` : `it has only ${d} levels of nesting`);
    if (level.length === 0) return fail(`axis ${d} is empty`);
    shape.push(level.length);
    level = level[0];
  }
  if (Array.isArray(level)) fail(`it has more than ${rank} levels of nesting`);
  const walk = (node: unknown, depth: number, path: number[]): void => {
    const where = `[${path.join('][')}]`;
    if (depth === rank) {
      if (typeof node !== 'number') fail(`${where} is ${describe(node)}`);
      return;
    }
    if (!Array.isArray(node)) return fail(`${where} is ${describe(node)}, not an array`);
    if (node.length !== shape[depth]) {
      return fail(`${where} has ${node.length} entries where [${path.map(() => 0).join('][')}] has ${shape[depth]}`);
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, [...path, i]);
  };
  walk(value, 0, []);
  return shape;
}
