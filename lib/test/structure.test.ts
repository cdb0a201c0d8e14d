import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { curriculum, findKata, kataPaths } from '../curriculum';
import { fromRoot } from '../paths';
import { functionBodies, importsOf, importViolations, packagesOf, withoutBodies } from '../structure';

/** A learner's copy (npm run template) has no solutions/: the checks that compare with it are skipped there. */
const hasSolutions = fs.existsSync(fromRoot('solutions'));

describe('the curriculum manifest', () => {
  it('numbers the katas 01, 02, ... in order, each slug starting with its number', () => {
    curriculum.forEach((k, i) => {
      expect(k.id).toBe(String(i + 1).padStart(2, '0'));
      expect(k.slug.startsWith(`${k.id}-`)).toBe(true);
    });
  });

  it('gives every kata at least two hint tiers and some points', () => {
    for (const k of curriculum) {
      expect(k.hints.length, k.slug).toBeGreaterThanOrEqual(2);
      expect(k.points, k.slug).toBeGreaterThan(0);
    }
  });

  it('lets a kata depend only on earlier katas', () => {
    curriculum.forEach((k, i) => {
      for (const dep of k.dependsOn) expect(curriculum.slice(0, i).map((e) => e.slug), `${k.slug} depends on ${dep}`).toContain(dep);
    });
  });

  it('finds a kata by number, slug or part of a slug, and explains a miss', () => {
    expect(findKata('2').slug).toBe('02-padding');
    expect(findKata('02').slug).toBe('02-padding');
    expect(findKata('padding').slug).toBe('02-padding');
    expect(() => findKata('nope')).toThrow(/there is no kata "nope".*\n.*01/);
  });
});

describe.each(curriculum.map((k) => [k.slug, k] as const))('kata %s', (slug, kata) => {
  const p = kataPaths(kata);

  it('has a stub, a solution, a suite and a lesson', () => {
    for (const [what, file] of Object.entries(p)) if (what !== 'solution' || hasSolutions) expect(fs.existsSync(fromRoot(file)), file).toBe(true);
  });

  it.skipIf(!hasSolutions)('has a stub identical to its solution except for function bodies', () => {
    expect(withoutBodies(p.stub)).toBe(withoutBodies(p.solution));
  });

  it(`has stub bodies that call todo('${slug}') and nothing else`, () => {
    const bodies = functionBodies(p.stub);
    expect(bodies.length).toBeGreaterThan(0);
    for (const { name, body } of bodies) expect(body.replace(/\s+/g, ' '), name).toBe(`{ return todo('${slug}'); }`);
  });

  it('imports only lib/ and the earlier katas its manifest entry depends on (the rule the grader flags)', () => {
    const files = [p.stub, ...(hasSolutions ? [p.solution] : [])];
    const text = (f: string) => fs.readFileSync(fromRoot(f), 'utf8');
    // the packages the reference itself uses are allowed (the grader allows the same)
    const packages = new Set(files.flatMap((f) => [...packagesOf(f, text(f))]));
    for (const f of files) expect(importViolations(kata, f, text(f), packages), `${f}: only lib/ and the katas in its dependsOn (and theirs) may be imported`).toEqual([]);
    expect(importsOf(p.stub).some((spec) => spec.includes('solutions'))).toBe(false);
  });

  it(`has a suite that imports the code under test only as @kata/${slug}`, () => {
    const specs = importsOf(p.test);
    expect(specs).toContain(`@kata/${slug}`);
    for (const spec of specs) expect(spec, 'suites must not import katas/ or solutions/ by path').not.toMatch(/(^|\/)(katas|solutions)\//);
  });

  it('has a lesson with a figure', () => {
    const lesson = fs.readFileSync(fromRoot(p.lesson), 'utf8');
    expect(lesson).toMatch(/^# /m);
    expect(lesson, 'the lesson should show a figure (an SVG under docs/figures)').toMatch(/figures\/.+\.svg/);
  });
});
