/**
 * The class report of `npm run grade -- --class ...`: one row per learner, one column per kata
 * (points earned, ⚑ when flagged), then the total, what is flagged, and how long it took.
 * Written as class.csv (for a spreadsheet), class.md (for people and CI summaries) and
 * class.html (the same table, standalone).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Kata } from '../curriculum';
import { TYPECHECK_TEST } from '../runner/report';
import type { Results } from './grade';

export interface ClassRow {
  name: string;
  spec: string;
  results: Results;
  seconds: number;
}

export interface ClassMeta {
  seed: number;
  katas: readonly Kata[];
  wallSeconds: number;
}

/** What a person must look at for one learner: tampering outside katas/, flagged katas, a grade that failed. */
export function rowFlags(r: Results): string[] {
  const out: string[] = [];
  if (r.tests.length === 0 && r.status === 'error') out.push(`not graded: ${r.message ?? 'error'}`);
  if (!r.integrity.clean) {
    const parts = [
      r.integrity.modified.length ? `modified ${r.integrity.modified.join(' ')}` : '',
      r.integrity.added.length ? `added ${r.integrity.added.join(' ')}` : '',
      r.integrity.missing.length ? `deleted ${r.integrity.missing.join(' ')}` : '',
      r.integrity.skipped.length ? `not taken ${r.integrity.skipped.join(' ')}` : '',
    ].filter(Boolean);
    out.push(`outside katas/: ${parts.join('; ')}`);
  }
  for (const k of r.katas) for (const f of k.flags) out.push(`${k.slug.slice(0, 2)} ${f.kind}: ${f.message}`);
  for (const k of r.katas) if (k.status === 'error' && k.problem) out.push(`${k.slug.slice(0, 2)} error: ${k.problem.split('\n')[0]}`);
  for (const t of r.tests.filter((t) => t.name === TYPECHECK_TEST && t.status !== 'pass')) {
    // Only the compiler's own message counts: a type-check test that never ran (its suite was stopped) is no type error.
    const first = (t.message ?? '').split('\n').find((l) => /error TS\d+/.test(l));
    if (first) out.push(`${String(t.task_id).padStart(2, '0')} type error: ${first.replace(/^[^:]*: /, '')}`);
  }
  return out;
}

const cell = (r: Results, kata: Kata): { text: string; flagged: boolean } => {
  const k = r.katas.find((g) => g.slug === kata.slug);
  if (!k) return { text: '-', flagged: false };
  return { text: String(k.earned), flagged: k.flags.length > 0 };
};

export function classCsv(rows: readonly ClassRow[], meta: ClassMeta): string {
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const header = ['learner', 'repository', 'commit', ...meta.katas.map((k) => k.slug), 'score', 'max_score', 'status', 'flags', 'seconds', 'seed'];
  const lines = rows.map((row) => {
    const r = row.results;
    return [
      row.name,
      row.spec,
      r.learner?.commit ?? '',
      ...meta.katas.map((k) => {
        const c = cell(r, k);
        return c.flagged ? `${c.text} (flagged)` : c.text;
      }),
      String(r.score),
      String(r.max_score),
      r.status,
      rowFlags(r).join(' | '),
      row.seconds.toFixed(1),
      String(r.seed),
    ]
      .map(esc)
      .join(',');
  });
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

export function classMarkdown(rows: readonly ClassRow[], meta: ClassMeta): string {
  const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const head = `| Learner | ${meta.katas.map((k) => `${k.id} (${k.points})`).join(' | ')} | Score | Flags | Time |`;
  const sep = `| --- | ${meta.katas.map(() => '---:').join(' | ')} | ---: | --- | ---: |`;
  const body = rows.map((row) => {
    const r = row.results;
    const flags = rowFlags(r);
    return `| ${md(row.name)} | ${meta.katas
      .map((k) => {
        const c = cell(r, k);
        return c.flagged ? `${c.text} ⚑` : c.text;
      })
      .join(' | ')} | ${r.score} / ${r.max_score} | ${flags.length ? `⚑ ${flags.length}` : ''} | ${row.seconds.toFixed(1)} s |`;
  });
  const details = rows
    .filter((row) => rowFlags(row.results).length > 0)
    .map((row) => `- **${md(row.name)}** (\`${md(row.spec)}\`):\n${rowFlags(row.results).map((f) => `  - ${md(f)}`).join('\n')}`);
  return [
    `## cnn-katas class report: ${rows.length} learners`,
    '',
    head,
    sep,
    ...body,
    '',
    ...(details.length ? ['### Flags (⚑: those katas earn nothing until a person has looked)', '', ...details, ''] : ['Nothing flagged.', '']),
    `Each learner's katas/ ran in a pristine copy of the suites, lib/ and configs (nothing else from their repository was used); seed ${meta.seed}; ${meta.wallSeconds.toFixed(1)} s in all. Each learner's own results.json, junit.xml and summary.md are in the folder of their name.`,
    '',
  ].join('\n');
}

export function classHtml(rows: readonly ClassRow[], meta: ClassMeta): string {
  const h = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const body = rows
    .map((row) => {
      const r = row.results;
      const flags = rowFlags(r);
      const cells = meta.katas.map((k) => {
        const c = cell(r, k);
        const full = r.katas.find((g) => g.slug === k.slug);
        const cls = c.flagged ? 'flag' : full?.status === 'pass' ? 'pass' : full?.status === 'error' ? 'error' : '';
        return `<td class="${cls}" title="${h(full ? `${full.status}, ${full.passed}/${full.total} tests` : '')}">${h(c.text)}${c.flagged ? ' ⚑' : ''}</td>`;
      });
      return `<tr><th><a href="${h(encodeURIComponent(row.name))}/summary.md">${h(row.name)}</a></th>${cells.join('')}<td>${r.score} / ${r.max_score}</td><td>${flags.map((f) => h(f)).join('<br>')}</td><td>${row.seconds.toFixed(1)} s</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cnn-katas class report</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right;vertical-align:top}td:nth-last-child(2){text-align:left;max-width:40em}.pass{background:#e6f4e6}.error{background:#fde8e8}.flag{background:#fff3cd}</style></head>
<body><h1>cnn-katas class report: ${rows.length} learners</h1>
<table><thead><tr><th>Learner</th>${meta.katas.map((k) => `<th title="${h(k.title)}">${h(k.id)} (${k.points})</th>`).join('')}<th>Score</th><th>Flags</th><th>Time</th></tr></thead>
<tbody>
${body}
</tbody></table>
<p>⚑ flagged: that kata earns nothing until a person has looked. Seed ${meta.seed}; ${meta.wallSeconds.toFixed(1)} s in all.</p>
</body></html>
`;
}

export function writeClassReport(out: string, rows: readonly ClassRow[], meta: ClassMeta): { files: string[]; markdown: string } {
  fs.mkdirSync(out, { recursive: true });
  const markdown = classMarkdown(rows, meta);
  const files: [string, string][] = [
    ['class.csv', classCsv(rows, meta)],
    ['class.md', markdown],
    ['class.html', classHtml(rows, meta)],
  ];
  const stamp = `.tmp-${process.pid}`;
  for (const [name, text] of files) fs.writeFileSync(path.join(out, name + stamp), text);
  for (const [name] of files) fs.renameSync(path.join(out, name + stamp), path.join(out, name));
  return { files: files.map(([name]) => path.join(out, name)), markdown };
}
