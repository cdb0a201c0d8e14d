/**
 * The worked examples of the lecture the katas follow, as plain numbers. The kata suites check
 * them, and lib/test/lecture.test.ts checks them against tfjs, so a typo here cannot hide.
 * They are frozen, as lib/testing/examples.ts's are: a kata that writes into its input fails
 * where it writes (and its suite's "leaves its arguments unchanged" test says so) instead of
 * changing the numbers every later test reads.
 */

/** `m` with its rows and itself frozen. */
const frozen = (m: number[][]): number[][] => Object.freeze(m.map((row) => Object.freeze(row) as number[])) as number[][];

/** The 5x5 input of the convolution figures. */
export const LECTURE_INPUT = frozen([
  [3, 4, 6, 5, 7],
  [2, 4, 6, 8, 2],
  [1, 6, 7, 8, 4],
  [9, 7, 4, 6, 2],
  [3, 7, 5, 4, 1],
]);

/** The 3x3 kernel of the convolution figures: 1..9, asymmetric, so a flipped kernel shows. */
export const LECTURE_KERNEL = frozen([
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
]);

/** No padding, stride 1: 3x3. */
export const LECTURE_VALID = frozen([
  [211, 295, 262],
  [259, 282, 214],
  [251, 253, 169],
]);

/** Padding 1, stride 1: 5x5, the same size as the input. */
export const LECTURE_PADDED = frozen([
  [91, 168, 224, 215, 127],
  [114, 211, 295, 262, 149],
  [192, 259, 282, 214, 122],
  [194, 251, 253, 169, 86],
  [96, 112, 110, 68, 31],
]);

/** No padding, stride 2: 2x2. */
export const LECTURE_STRIDED = frozen([
  [211, 262],
  [251, 169],
]);

/** Padding 1, stride 2: 3x3. */
export const LECTURE_PADDED_STRIDED = frozen([
  [91, 224, 127],
  [192, 282, 122],
  [96, 110, 31],
]);
