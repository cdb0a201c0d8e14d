/**
 * For `npm run coverage` only (a no-op unless KATA_COVERAGE_CAPTURE is set): records the code that
 * vitest actually runs for each TypeScript module of this repository, with its inline source map.
 *
 * c8 reads V8's coverage, which is counted on that transformed code; Node hands c8 the source
 * maps of modules it loads itself, but vitest evaluates modules through `vm`, so c8 never sees
 * their maps. lib/cli/coverage.ts puts the recorded maps where c8 looks, so the report is in
 * TypeScript line numbers.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const dir = process.env.KATA_COVERAGE_CAPTURE;
if (dir) {
  fs.mkdirSync(dir, { recursive: true });
  const original = vm.runInThisContext;
  vm.runInThisContext = function capture(this: unknown, code: string, options?: vm.RunningScriptOptions | string) {
    const filename = typeof options === 'string' ? options : options?.filename;
    if (filename && filename.endsWith('.ts') && !filename.includes('node_modules')) {
      const id = createHash('sha1').update(filename).digest('hex');
      fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({ filename, code }));
    }
    return original.call(this, code, options);
  } as typeof vm.runInThisContext;
}
