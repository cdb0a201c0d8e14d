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
  /** Slugs of katas whose code this one may import (the learner's own earlier work). */
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
