/**
 * npm run sync            writes the files generated from lib/curriculum.ts and test/checksums.json
 * npm run sync -- --check lists what is out of date and exits 1 (verify runs the same check)
 */
import fs from 'node:fs';
import path from 'node:path';
import { generatedFiles } from '../generate';
import { CHECKSUMS_FILE, computeChecksums } from '../integrity';
import { fromRoot } from '../paths';

/** Files whose content on disk differs from what sync would write, in the order sync writes them. */
export function outOfDate(): string[] {
  const stale = Object.entries(generatedFiles())
    .filter(([rel, content]) => !fs.existsSync(fromRoot(rel)) || fs.readFileSync(fromRoot(rel), 'utf8') !== content)
    .map(([rel]) => rel);
  if (stale.length > 0 || !fs.existsSync(fromRoot(CHECKSUMS_FILE)) || fs.readFileSync(fromRoot(CHECKSUMS_FILE), 'utf8') !== checksumsJson()) {
    stale.push(CHECKSUMS_FILE);
  }
  return stale;
}

const checksumsJson = () => `${JSON.stringify(computeChecksums(), null, 2)}\n`;

function write(rel: string, content: string): void {
  fs.mkdirSync(path.dirname(fromRoot(rel)), { recursive: true });
  fs.writeFileSync(fromRoot(rel), content);
}

function main(): void {
  if (process.argv.includes('--check')) {
    const stale = outOfDate();
    if (stale.length === 0) {
      console.log('sync: every generated file is up to date');
      return;
    }
    console.error(`sync: out of date: ${stale.join(', ')}\nRun \`npm run sync\` and commit the result.`);
    process.exitCode = 1;
    return;
  }
  for (const [rel, content] of Object.entries(generatedFiles())) write(rel, content);
  write(CHECKSUMS_FILE, checksumsJson()); // last: it covers the files written above
  console.log(`sync: wrote ${[...Object.keys(generatedFiles()), CHECKSUMS_FILE].join(', ')}`);
}

if (require.main === module) main();
