/**
 * The grader against learners who cheat, each route a small repository built in a temporary
 * folder: every route is caught (flagged, and the kata earns nothing) or neutralised (the trusted
 * harness never runs what the learner changed outside katas/, and says what that was).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeClass, gradeCommand, parseGradeArgs, type GradeCli } from '../cli/grade';
import { curriculum, findKata } from '../curriculum';
import { classroomWorkflow } from '../generate';
import { computeChecksums } from '../integrity';
import { ROOT } from '../paths';
import { checkLearner } from '../runner/grader';
import { commitAll, learnerRepo, makeTemp, ownSolution, read, write } from './learners';

const katas = [findKata('01'), findKata('02')];
const seconds = 240_000;

describe('grading a class of six-plus learners in the trusted harness, in one command', () => {
  let tmp: string;
  let out: string;
  let rows: Awaited<ReturnType<typeof gradeClass>>;
  const specs: Record<string, string> = {};
  let honestCommit = '';

  beforeAll(async () => {
    tmp = makeTemp('kata-class-');
    out = path.join(tmp, 'report');
    // honest: their own code for 01 and 02; graded from a git URL at a ref
    const honest = learnerRepo(tmp, 'honest');
    write(honest, 'katas/01-single-channel/index.ts', ownSolution('01-single-channel'));
    write(honest, 'katas/02-padding/index.ts', ownSolution('02-padding'));
    honestCommit = commitAll(honest);
    specs.honest = `file://${honest}#main`;
    // stubs: nothing done
    specs.stubs = learnerRepo(tmp, 'stubs');
    // alias: a root vitest.config.ts that points @kata/* at solutions/ (scored 95/95 before)
    const alias = learnerRepo(tmp, 'alias', true);
    write(
      alias,
      'vitest.config.ts',
      `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ resolve: { alias: [{ find: /^@kata\\/(.*)$/, replacement: '${alias}/solutions/$1/index.ts' }] }, test: { include: ['test/*.test.ts'] } });\n`,
    );
    specs.alias = alias;
    // synced: kata 01's suite edited to pass trivially, then `npm run sync` (checksums rewritten to match)
    const synced = learnerRepo(tmp, 'synced');
    write(synced, 'test/01-single-channel.test.ts', `import { it } from 'vitest';\nit('passes', () => {});\n`);
    write(synced, 'test/checksums.json', `${JSON.stringify(computeChecksums(synced), null, 2)}\n`);
    specs.synced = synced;
    // reexport: kata 02 re-exports the reference solution; 01 is their own
    const reexport = learnerRepo(tmp, 'reexport', true);
    write(reexport, 'katas/01-single-channel/index.ts', ownSolution('01-single-channel'));
    write(reexport, 'katas/02-padding/index.ts', `export * from '../../solutions/02-padding';\n`);
    specs.reexport = reexport;
    // copied: solutions/ copied over katas/
    const copied = learnerRepo(tmp, 'copied', true);
    fs.cpSync(path.join(copied, 'solutions'), path.join(copied, 'katas'), { recursive: true });
    specs.copied = copied;
    // workflow: the Classroom workflow edited so that every step passes; kata 01 their own
    const workflow = learnerRepo(tmp, 'workflow');
    write(workflow, '.github/workflows/classroom.yml', read(workflow, '.github/workflows/classroom.yml').replace(/command: npm test -- \S+/g, 'command: "true"'));
    write(workflow, 'katas/01-single-channel/index.ts', ownSolution('01-single-channel'));
    specs.workflow = workflow;
    // typeerror: kata 01 runs but does not type-check; kata 02 (built on it) is fine
    const typeerror = learnerRepo(tmp, 'typeerror');
    write(typeerror, 'katas/01-single-channel/index.ts', `${ownSolution('01-single-channel')}\nexport const x: number = 'a';\n`);
    write(typeerror, 'katas/02-padding/index.ts', ownSolution('02-padding'));
    specs.typeerror = typeerror;

    const cli: GradeCli = {
      learner: '.',
      harness: ROOT,
      katas,
      target: 'katas',
      testTimeout: 10,
      timeout: 5,
      seed: 42,
      seedGiven: true,
      failOnFlags: false,
      checkOnly: false,
      jobs: 2,
    };
    rows = await gradeClass(cli, Object.values(specs), out, () => undefined);
  }, seconds);

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const row = (name: string) => rows.find((r) => r.name === name || r.name.startsWith(`${name}@`))!.results;
  const earned = (name: string) => row(name).katas.map((k) => k.earned);
  const flagKinds = (name: string) => row(name).katas.map((k) => k.flags.map((f) => f.kind).join(','));

  it('gives the honest learner (graded from a git URL at a ref) full marks, no flags, and records the commit', () => {
    expect(earned('honest')).toEqual([10, 10]);
    expect(flagKinds('honest')).toEqual(['', '']);
    expect(row('honest').integrity.clean).toBe(true);
    expect(row('honest').learner?.commit).toBe(honestCommit);
  });

  it('gives untouched stubs nothing, as not started, with nothing flagged', () => {
    expect(earned('stubs')).toEqual([0, 0]);
    expect(row('stubs').katas.map((k) => k.status)).toEqual(['not-started', 'not-started']);
    expect(row('stubs').integrity.clean).toBe(true);
  });

  it('neutralises a root vitest.config.ts that points @kata/* at solutions/, and reports the added file', () => {
    expect(earned('alias')).toEqual([0, 0]);
    expect(row('alias').integrity.added).toContain('vitest.config.ts');
    expect(row('alias').message).toMatch(/vitest\.config\.ts/);
  });

  it('neutralises an edited suite even after `npm run sync` rewrote the checksums, and reports both files', () => {
    expect(earned('synced')).toEqual([0, 0]);
    expect(row('synced').integrity.modified).toEqual(expect.arrayContaining(['test/01-single-channel.test.ts', 'test/checksums.json']));
    expect(row('synced').katas[0].total).toBeGreaterThan(5); // the pristine suite ran, not the learner's one test
  });

  it('flags a kata that re-exports the reference solution, and gives it nothing', () => {
    expect(earned('reexport')).toEqual([10, 0]);
    expect(row('reexport').katas[1].flags[0]).toMatchObject({ kind: 'imports', message: expect.stringMatching(/solutions\/02-padding \(the reference solutions\)/) });
  });

  it('flags solutions/ copied over katas/: the tests pass, the points are withheld', () => {
    expect(row('copied').katas.map((k) => k.status)).toEqual(['pass', 'pass']);
    expect(earned('copied')).toEqual([0, 0]);
    expect(flagKinds('copied')).toEqual(['copied', 'copied']);
  });

  it("reports an edited Classroom workflow (which a learner's own CI would trust) and grades the katas all the same", () => {
    expect(earned('workflow')).toEqual([10, 0]);
    expect(row('workflow').integrity.modified).toEqual(['.github/workflows/classroom.yml']);
  });

  it("fails a kata with a type error (vitest alone would pass it) and says what tsc says", () => {
    expect(earned('typeerror')).toEqual([0, 10]);
    const failing = row('typeerror').tests.filter((t) => t.task_id === 1 && t.status !== 'pass');
    expect(failing.map((t) => t.name)).toEqual(['type-checks (tsc)']);
    expect(failing[0].message).toMatch(/TS2322: Type 'string' is not assignable to type 'number'/);
  });

  it('writes one class report (CSV, markdown, HTML) with points per kata, flags and time, and each learner\'s three reports', () => {
    const csv = fs.readFileSync(path.join(out, 'class.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('learner,repository,commit,01-single-channel,02-padding,score,max_score,status,flags,seconds,seed');
    expect(csv).toHaveLength(1 + Object.keys(specs).length);
    expect(csv.find((l) => l.startsWith('copied,'))).toMatch(/,0 \(flagged\),0 \(flagged\),0,20,pass,/);
    const md = fs.readFileSync(path.join(out, 'class.md'), 'utf8');
    expect(md).toMatch(/\| honest@main \| 10 \| 10 \| 20 \/ 20 \|/);
    expect(md).toMatch(/\*\*reexport\*\*[^]*02 imports: katas\/02-padding\/index\.ts imports \.\.\/\.\.\/solutions\/02-padding/);
    expect(fs.readFileSync(path.join(out, 'class.html'), 'utf8')).toMatch(/<table>/);
    for (const r of rows) {
      for (const f of ['results.json', 'junit.xml', 'summary.md']) expect(fs.existsSync(path.join(out, r.name, f)), `${r.name}/${f}`).toBe(true);
      const junit = fs.readFileSync(path.join(out, r.name, 'junit.xml'), 'utf8');
      const summary = fs.readFileSync(path.join(out, r.name, 'summary.md'), 'utf8');
      for (const k of r.results.katas) for (const flag of k.flags) expect(junit + summary).toContain(flag.kind === 'copied' ? 'reference solution' : 'imports');
      expect(summary).toContain(`${r.results.score} / ${r.results.max_score} points`);
    }
  });
});

describe('the Classroom workflow', { timeout: 60_000 }, () => {
  it('checks integrity in a step that can fail, before any points are awarded', () => {
    const yml = classroomWorkflow();
    const step = yml.indexOf('npm run grade -- --check-only');
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(yml.indexOf('autograding-command-grader'));
    const block = yml.slice(yml.lastIndexOf('- name:', step), yml.indexOf('- name:', step));
    expect(block).not.toMatch(/continue-on-error|if: always\(\)/);
  });

  it("--check-only fails on a learner's own checkout with an added root config (the part a learner's CI can see)", () => {
    const tmp = makeTemp('kata-check-');
    try {
      const repo = learnerRepo(tmp, 'alias', true);
      write(repo, 'vitest.config.ts', 'export default {};\n');
      write(repo, 'katas/02-padding/index.ts', `export * from '../../solutions/02-padding';\n`);
      const c = checkLearner({ learner: repo, harness: repo, katas: curriculum });
      expect(c.harness.inPlace).toBe(true);
      expect(c.tampering.added).toContain('vitest.config.ts');
      expect(c.flags['02-padding'].map((f) => f.kind)).toEqual(['imports']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('grade options are checked before any work', () => {
  const parse = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const command = gradeCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    return parseGradeArgs(['node', 'grade', ...args], env, command);
  };

  it.each([
    [['--fail-under', 'abc'], /--fail-under/],
    [['--seed', 'abc'], /--seed/],
    [['--seed', '-1'], /--seed/],
    [['--target', 'foo'], /Allowed choices are katas, solutions/],
    [['--katas', '99'], /there is no kata "99"/],
    [['--test-timeout', '0'], /--test-timeout/],
    [['--jobs', 'two'], /--jobs/],
    [['frobnicate'], /too many arguments|unknown/],
  ])('%j is refused', (args, message) => {
    expect(() => parse(args)).toThrow(message);
  });

  it('takes the seed from --seed, else KATA_SEED, else a random one, and refuses a KATA_SEED that is not one', () => {
    expect(parse(['--seed', '7'], { KATA_SEED: '9' }).seed).toBe(7);
    expect(parse([], { KATA_SEED: '1234' })).toMatchObject({ seed: 1234, seedGiven: true });
    expect(parse([]).seedGiven).toBe(false);
    expect(() => parse([], { KATA_SEED: 'x' })).toThrow(/KATA_SEED=x is not a seed/);
  });

  it('reads a class from a file listing repositories, comments and blank lines skipped', () => {
    const tmp = makeTemp('kata-list-');
    try {
      const list = path.join(tmp, 'class.txt');
      fs.writeFileSync(list, `# my class\n../alice\n\nhttps://example.com/bob.git#main  # Bob\n`);
      expect(parse(['--class', list]).class).toEqual(['../alice', 'https://example.com/bob.git#main']);
      expect(parse(['--katas', '2,01']).katas.map((k) => k.id)).toEqual(['01', '02']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
