/**
 * The shape every kata keeps (checked by lib/test/structure.test.ts):
 * the stub and the solution are the same file but for function bodies; each stub body calls
 * todo('<slug>'); katas import only lib/ and earlier katas; suites import the code under test
 * only through the `@kata/<slug>` alias.
 */
import fs from 'node:fs';
import ts from 'typescript';
import { fromRoot } from './paths';

function parse(rel: string): ts.SourceFile {
  return ts.createSourceFile(rel, fs.readFileSync(fromRoot(rel), 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** The bodies of the file's top-level functions, in order. */
export function functionBodies(rel: string): { name: string; body: string }[] {
  const file = parse(rel);
  return file.statements
    .filter((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.body !== undefined)
    .map((f) => ({ name: f.name?.text ?? '(anonymous)', body: f.body!.getText(file) }));
}

/** The file with every top-level function body replaced by `{}`: what stub and solution share. */
export function withoutBodies(rel: string): string {
  const file = parse(rel);
  let text = file.getFullText();
  const bodies = file.statements
    .filter((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.body !== undefined)
    .map((f) => f.body!)
    .reverse();
  for (const body of bodies) text = `${text.slice(0, body.getStart(file))}{}${text.slice(body.getEnd())}`;
  return text;
}

/** Module specifiers the file imports (static imports and re-exports). */
export function importsOf(rel: string): string[] {
  const file = parse(rel);
  return file.statements
    .filter((s): s is ts.ImportDeclaration | ts.ExportDeclaration => ts.isImportDeclaration(s) || ts.isExportDeclaration(s))
    .map((s) => s.moduleSpecifier)
    .filter((m): m is ts.StringLiteral => m !== undefined && ts.isStringLiteral(m))
    .map((m) => m.text);
}
