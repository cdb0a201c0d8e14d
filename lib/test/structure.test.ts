import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { curriculum, findKata, kataPaths } from '../curriculum';
import { fromRoot } from '../paths';
import { functionBodies, importsOf, withoutBodies } from '../structure';

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
    for (const file of Object.values(p)) expect(fs.existsSync(fromRoot(file)), file).toBe(true);
  });

  it('has a stub identical to its solution except for function bodies', () => {
    expect(withoutBodies(p.stub)).toBe(withoutBodies(p.solution));
  });

  it(`has stub bodies that call todo('${slug}') and nothing else`, () => {
    const bodies = functionBodies(p.stub);
    expect(bodies.length).toBeGreaterThan(0);
    for (const { name, body } of bodies) expect(body.replace(/\s+/g, ' '), name).toBe(`{ return todo('${slug}'); }`);
  });

  it('imports only lib/ and the earlier katas its manifest entry depends on', () => {
    const reachable = new Set<string>();
    const visit = (deps: readonly string[]): void => {
      for (const d of deps.filter((dep) => !reachable.has(dep))) {
        reachable.add(d);
        visit(curriculum.find((k) => k.slug === d)?.dependsOn ?? []);
      }
    };
    visit(kata.dependsOn);
    for (const spec of [...importsOf(p.stub), ...importsOf(p.solution)]) {
      if (!spec.startsWith('.')) continue; // packages
      const target = path.posix.normalize(path.posix.join(`katas/${slug}`, spec));
      const ok = target.startsWith('lib/') || [...reachable].some((e) => target === `katas/${e}` || target.startsWith(`katas/${e}/`));
      expect(ok, `${slug} imports ${spec}: only lib/ and the katas in its dependsOn (and theirs) may be imported`).toBe(true);
    }
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
