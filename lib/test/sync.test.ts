import { describe, expect, it } from 'vitest';
import { outOfDate } from '../cli/sync';
import { autogradingJson } from '../generate';
import { curriculum } from '../curriculum';

describe('generated files', () => {
  it('.github/classroom, the workflow, docs/README.md and test/checksums.json match lib/curriculum.ts (run `npm run sync`)', () => {
    expect(outOfDate()).toEqual([]);
  });

  it('the Classroom config has one test per kata, with its points', () => {
    const { tests } = JSON.parse(autogradingJson()) as { tests: { name: string; run: string; points: number }[] };
    expect(tests.map((t) => t.points)).toEqual(curriculum.map((k) => k.points));
    expect(tests.map((t) => t.run)).toEqual(curriculum.map((k) => `npm test -- ${k.slug}`));
  });
});
