import { describe, expect, it } from 'vitest';
import { buildResults, junitXml, summaryMarkdown } from '../cli/grade';
import { curriculum } from '../curriculum';
import type { TestReport } from '../runner/report';
import type { KataResult } from '../runner/results';

const test = (fullName: string, state: TestReport['state'], errors: TestReport['errors'] = []): TestReport => ({
  name: fullName,
  fullName,
  state,
  errors,
  durationMs: 1,
  line: undefined,
});

const [k1, k2, k3] = curriculum;
const katas: KataResult[] = [
  { kata: k1, state: 'done', passed: 2, total: 2, durationMs: 5, tests: [test('a', 'passed'), test('b', 'passed')] },
  { kata: k2, state: 'failing', passed: 1, total: 2, durationMs: 5, tests: [test('c', 'passed'), test('d <x>', 'failed', [{ name: 'AssertionError', message: 'expected 1' }])] },
  {
    kata: k3,
    state: 'error',
    passed: 0,
    total: 1,
    durationMs: 0,
    problem: 'the test "e" ran longer than 10.0 s',
    tests: [test('e', 'failed', [{ name: 'TimeoutError', message: 'stopped' }])],
  },
];
const clean = { modified: [], missing: [], added: [] };

describe('the grader', () => {
  const results = buildResults(katas, { target: 'katas', seed: 7, tampering: clean });

  it("writes exercism's results v3: status, message, and tests with name, status, message, output, test_code, task_id", () => {
    expect(results.version).toBe(3);
    expect(results.status).toBe('fail');
    for (const t of results.tests) expect(Object.keys(t).sort()).toEqual(['message', 'name', 'output', 'status', 'task_id', 'test_code']);
    expect(results.tests.map((t) => [t.status, t.task_id])).toEqual([
      ['pass', 1],
      ['pass', 1],
      ['pass', 2],
      ['fail', 2],
      ['error', 3],
    ]);
    expect(results.message).toMatch(/Stride: the test "e" ran longer/);
  });

  it('awards a kata its points only when every test passes', () => {
    expect(results.katas.map((k) => k.earned)).toEqual([k1.points, 0, 0]);
    expect(results.score).toBe(k1.points);
    expect(results.max_score).toBe(k1.points + k2.points + k3.points);
  });

  it('reports tampering instead of grading silently', () => {
    const tampered = buildResults(katas, { target: 'katas', seed: 7, tampering: { modified: ['test/01-single-channel.test.ts'], missing: [], added: [] } });
    expect(tampered.integrity.clean).toBe(false);
    expect(tampered.message).toMatch(/Protected files differ .*modified test\/01-single-channel.test.ts/);
    expect(summaryMarkdown(tampered)).toMatch(/\*\*Warning:\*\*/);
  });

  it('writes JUnit XML with escaped names, failures and errors', () => {
    const xml = junitXml(results);
    expect(xml).toContain('name="d &lt;x&gt;"');
    expect(xml).toMatch(/<testsuites name="cnn-katas" tests="5" failures="1" errors="1">/);
    expect(xml).toContain('<error message="TimeoutError: stopped">');
  });

  it('says pass only when every test passes', () => {
    expect(buildResults([katas[0]], { target: 'katas', seed: 1, tampering: clean }).status).toBe('pass');
    expect(buildResults([katas[2]], { target: 'katas', seed: 1, tampering: clean }).status).toBe('error');
  });
});
