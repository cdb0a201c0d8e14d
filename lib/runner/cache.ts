/**
 * `npm run kata` answers from here when nothing changed: each kata's last verdict is kept in
 * .kata/cache/results.json under a key that hashes the content of every file its run reads (its
 * own folder and every kata folder it imports, directly or not; its suite and everything else in
 * test/ but the other suites; all of lib/; package.json, package-lock.json, tsconfig.json, the vitest
 * config), the Node.js version and the KATA_* settings. Any change to any of them is a new key,
 * so a cached verdict can never hide a change.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { curriculum, kataPaths, type Kata } from '../curriculum';
import { walk } from '../integrity';
import { ROOT } from '../paths';
import { moduleReferences } from '../structure';
import type { KataResult } from './results';

const CONFIGS = ['package.json', 'package-lock.json', 'tsconfig.json', 'vitest.config.mts'];

/** Folders under katas/ that a kata's run loads: its own and every one its files import, transitively. */
export function kataFolders(kata: Kata, root = ROOT): string[] {
  const seen = new Set<string>();
  let everything = false;
  const visit = (slug: string): void => {
    if (seen.has(slug)) return;
    seen.add(slug);
    for (const file of walk(`katas/${slug}`, root)) {
      if (!/\.[cm]?[jt]sx?$/.test(file)) continue;
      for (const ref of moduleReferences(file, fs.readFileSync(path.join(root, file), 'utf8'))) {
        if (ref.computed) everything = true;
        if (!ref.spec.startsWith('.')) continue;
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), ref.spec));
        const m = /^katas\/([^/]+)/.exec(target);
        if (m) visit(m[1]);
      }
    }
  };
  visit(kata.slug);
  if (everything) return fs.existsSync(path.join(root, 'katas')) ? fs.readdirSync(path.join(root, 'katas')).sort() : [];
  return [...seen].sort();
}

export function cacheKey(kata: Kata, root = ROOT): string {
  const hash = createHash('sha256');
  const otherSuites = new Set(curriculum.filter((k) => k !== kata).map((k) => kataPaths(k).test));
  const files = [
    ...kataFolders(kata, root).flatMap((slug) => walk(`katas/${slug}`, root)),
    ...walk('test', root).filter((f) => !otherSuites.has(f)),
    ...walk('lib', root),
    ...CONFIGS,
  ];
  for (const f of files) {
    hash.update(`${f}\0`);
    const abs = path.join(root, f);
    hash.update(fs.existsSync(abs) ? fs.readFileSync(abs) : Buffer.from('(missing)'));
    hash.update('\0');
  }
  hash.update(`node ${process.version}\0`);
  for (const [k, v] of Object.entries(process.env).filter(([k]) => k.startsWith('KATA_') && k !== 'KATA_REPORT_FILE' && k !== 'KATA_HANG_DIR').sort()) hash.update(`${k}=${v}\0`);
  return hash.digest('hex');
}

interface Entry {
  key: string;
  at: string;
  result: Omit<KataResult, 'kata'>;
}

const cacheFile = (root: string) => path.join(root, '.kata', 'cache', 'results.json');

function load(root: string): Record<string, Entry> {
  try {
    return JSON.parse(fs.readFileSync(cacheFile(root), 'utf8')) as Record<string, Entry>;
  } catch {
    return {};
  }
}

/**
 * The verdict of every kata in `katas`: from the cache where its key still matches, from `run`
 * (called once, with only the katas that changed) for the rest. Says which came from the cache.
 */
export async function cachedResults(
  katas: readonly Kata[],
  run: (stale: readonly Kata[]) => Promise<KataResult[]>,
  root = ROOT,
): Promise<{ results: KataResult[]; cached: Kata[] }> {
  const cache = load(root);
  const keys = new Map(katas.map((k) => [k.slug, cacheKey(k, root)]));
  const fresh = katas.filter((k) => cache[k.slug]?.key === keys.get(k.slug));
  const stale = katas.filter((k) => !fresh.includes(k));
  const ran = stale.length > 0 ? await run(stale) : [];
  for (const r of ran) {
    // a verdict the run could not reach (a crash, a killed run) is not worth keeping
    if (r.state === 'error' && !/ran longer than|does not compile|error TS/.test(r.problem ?? '')) delete cache[r.kata.slug];
    else cache[r.kata.slug] = { key: keys.get(r.kata.slug)!, at: new Date().toISOString(), result: { ...r, kata: undefined } as Omit<KataResult, 'kata'> };
  }
  try {
    fs.mkdirSync(path.dirname(cacheFile(root)), { recursive: true });
    fs.writeFileSync(cacheFile(root), JSON.stringify(cache));
  } catch {
    // a read-only checkout still works, only slower
  }
  const results = katas.map((k) => ran.find((r) => r.kata === k) ?? ({ ...cache[k.slug].result, kata: k } as KataResult));
  return { results, cached: fresh };
}
