/**
 * Loaded before every kata suite (vitest `setupFiles`): adds the test "type-checks", which fails
 * with the compiler's messages when the kata's own files have type errors and is skipped when they
 * have none (see lib/runner/typecheck.ts).
 */
import fs from 'node:fs';
import { beforeAll, expect, inject, it } from 'vitest';
import { TYPECHECK_TEST } from './report';


const slug = /([0-9]{2}-[a-z0-9-]+)\.test\.ts$/.exec(expect.getState().testPath ?? '')?.[1];

async function typeErrors(): Promise<string[]> {
  const file = inject('kataTypecheckFile');
  if (!file) return []; // KATA_TYPECHECK=0
  const deadline = Date.now() + 120_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) return ['the type check took longer than 2 minutes'];
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const result = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string[]>;
  return [...(result['*'] ?? []), ...(slug ? (result[slug] ?? []) : [])];
}

if (slug) {
  // Waiting happens in a hook: the per-test watchdog (lib/testing/setup.ts) must not count a slow type check as a hung test.
  let errors: string[] = [];
  beforeAll(async () => {
    errors = await typeErrors();
  }, 130_000);
  it(TYPECHECK_TEST, (ctx) => {
    if (errors.length === 0) ctx.skip();
    const error = new Error(`${slug} does not type-check: vitest runs it anyway, but TypeScript rejects it:\n\n${errors.join('\n\n')}`);
    error.name = 'TypeError (tsc)';
    error.stack = `${error.name}: ${error.message}`;
    throw error;
  });
}
