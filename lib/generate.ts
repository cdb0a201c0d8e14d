/**
 * Files generated from the curriculum manifest, so that they never drift from it:
 * the GitHub Classroom config and workflow, the docs index and the lessons' figures. `npm run sync` writes them
 * (and test/checksums.json); lib/test/sync.test.ts fails when one is out of date.
 */
import { curriculum } from './curriculum';
import { figures } from './figures';

/** Per-kata time limit, in minutes, for GitHub Classroom (its unit). */
const CLASSROOM_TIMEOUT_MIN = 2;

const testName = (k: (typeof curriculum)[number]) => `${k.id} ${k.title}`;
const runCommand = (slug: string) => `npm test -- ${slug}`;

export function autogradingJson(): string {
  const tests = curriculum.map((k, i) => ({
    name: testName(k),
    setup: i === 0 ? 'npm ci' : '',
    run: runCommand(k.slug),
    input: '',
    output: '',
    comparison: 'included',
    timeout: CLASSROOM_TIMEOUT_MIN,
    points: k.points,
  }));
  return `${JSON.stringify({ tests }, null, 2)}\n`;
}

export function classroomWorkflow(): string {
  const id = (k: (typeof curriculum)[number]) => `kata-${k.id}`;
  const steps = curriculum
    .map(
      (k) => `      - name: ${testName(k)}
        id: ${id(k)}
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: ${testName(k)}
          setup-command: ''
          command: ${runCommand(k.slug)}
          timeout: ${CLASSROOM_TIMEOUT_MIN}
          max-score: ${k.points}`,
    )
    .join('\n');
  const env = curriculum.map((k) => `          ${id(k).toUpperCase()}_RESULTS: "\${{ steps.${id(k)}.outputs.result }}"`).join('\n');
  return `# Generated from lib/curriculum.ts by \`npm run sync\`: edit the manifest, not this file.
name: Autograding Tests
on: [push, workflow_dispatch, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 20
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      # Fails the job when protected files differ from test/checksums.json, a config file was added
      # at the top (vitest.config.ts...), or a kata imports what it may not. This repository's owner
      # can change this file too: the class grade (docs/instructor.md) is the one to trust.
      - name: Integrity
        run: npm run grade -- --check-only
${steps}
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
${env}
        with:
          runners: ${curriculum.map(id).join(',')}
      - name: Detailed report (results.json, junit.xml, summary.md)
        if: always()
        run: npm run grade
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: grading
          path: grading/
`;
}

export function docsIndex(): string {
  const rows = curriculum
    .map((k) => `| ${k.id} | [${k.title}](${k.slug}.md) | ${k.concept} | ${k.points} | ${k.dependsOn.map((d) => d.slice(0, 2)).join(', ') || '-'} |`)
    .join('\n');
  const total = curriculum.reduce((s, k) => s + k.points, 0);
  return `<!-- Generated from lib/curriculum.ts by \`npm run sync\`: edit the manifest, not this file. -->
# The lessons

Work through them in order: each kata's lesson explains the idea with real numbers, then
\`npm test -- NN\` tells you how far your code in \`katas/NN-.../index.ts\` has come.

| # | Lesson | What you will understand | Points | Builds on |
| --- | --- | --- | --- | --- |
${rows}

${curriculum.length} katas, ${total} points. Also: the [glossary](glossary.md), the
[instructor guide](instructor.md) and the [architecture](architecture.md).
`;
}

/** Every generated file: path relative to the root, and its content. */
export function generatedFiles(): Record<string, string> {
  return {
    '.github/classroom/autograding.json': autogradingJson(),
    '.github/workflows/classroom.yml': classroomWorkflow(),
    'docs/README.md': docsIndex(),
    ...Object.fromEntries(Object.entries(figures()).map(([name, svg]) => [`docs/figures/${name}`, svg])),
  };
}
