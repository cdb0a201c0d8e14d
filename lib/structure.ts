/**
 * The shape every kata keeps (checked by lib/test/structure.test.ts, and on a learner's code by
 * the grader): the stub and the solution are the same file but for function bodies; each stub body
 * calls todo('<slug>'); katas import only lib/ and earlier katas; suites import the code under test
 * only through the `@kata/<slug>` alias.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { curriculum, type Kata } from './curriculum';
import { fromRoot } from './paths';

function parse(rel: string, text = fs.readFileSync(fromRoot(rel), 'utf8')): ts.SourceFile {
  return ts.createSourceFile(rel, text, ts.ScriptTarget.ES2022, true);
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
  return moduleReferences(rel, fs.readFileSync(fromRoot(rel), 'utf8'))
    .filter((r) => r.kind === 'static')
    .map((r) => r.spec);
}

export interface ModuleReference {
  spec: string;
  /** static: import/export ... from; dynamic: import(...), require(...), import x = require(...). */
  kind: 'static' | 'dynamic';
  /** `import type` / `export type`: erased at compile time, so it cannot load code. */
  typeOnly: boolean;
  /** A dynamic import or require whose argument is not a string literal: it could load anything. */
  computed?: boolean;
}

/** Every module a source file refers to: imports, re-exports, dynamic import() and require(). */
export function moduleReferences(rel: string, text: string): ModuleReference[] {
  const file = parse(rel, text);
  const refs: ModuleReference[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node)
        ? node.importClause?.isTypeOnly === true ||
          (node.importClause !== undefined &&
            node.importClause.name === undefined &&
            node.importClause.namedBindings !== undefined &&
            ts.isNamedImports(node.importClause.namedBindings) &&
            node.importClause.namedBindings.elements.length > 0 &&
            node.importClause.namedBindings.elements.every((e) => e.isTypeOnly))
        : node.isTypeOnly;
      refs.push({ spec: node.moduleSpecifier.text, kind: 'static', typeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression;
      refs.push({ spec: ts.isStringLiteral(e) ? e.text : e.getText(file), kind: 'dynamic', typeOnly: node.isTypeOnly, computed: !ts.isStringLiteral(e) });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const arg = node.arguments[0];
      const literal = arg !== undefined && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg));
      refs.push({ spec: literal ? (arg as ts.StringLiteral).text : (arg?.getText(file) ?? ''), kind: 'dynamic', typeOnly: false, computed: !literal });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return refs;
}

/** The slugs a kata may import: its dependsOn, and theirs, recursively. */
export function reachableKatas(kata: Kata): Set<string> {
  const reachable = new Set<string>();
  const visit = (deps: readonly string[]): void => {
    for (const d of deps.filter((dep) => !reachable.has(dep))) {
      reachable.add(d);
      visit(curriculum.find((k) => k.slug === d)?.dependsOn ?? []);
    }
  };
  visit(kata.dependsOn);
  return reachable;
}

/**
 * What is wrong with the imports of one file of a kata (path relative to the repository root, e.g.
 * `katas/02-padding/index.ts`): a kata may import lib/, files of its own folder, the earlier katas
 * its manifest entry depends on (and theirs), and the packages in `packages` (those the reference
 * solution itself imports). Type-only imports load no code and are allowed.
 * Returns one line per offending reference; none when the file keeps the rule.
 */
export function importViolations(kata: Kata, rel: string, text: string, packages: ReadonlySet<string> = new Set()): string[] {
  const reachable = reachableKatas(kata);
  const dir = path.posix.dirname(rel);
  const tree = rel.split('/')[0]; // katas or solutions
  const problems: string[] = [];
  for (const ref of moduleReferences(rel, text)) {
    if (ref.computed) {
      problems.push(`${rel} loads a module chosen at run time (${ref.spec || 'no argument'})`);
      continue;
    }
    if (ref.typeOnly) continue;
    if (!ref.spec.startsWith('.') && !ref.spec.startsWith('/')) {
      const pkg = ref.spec.startsWith('@') ? ref.spec.split('/').slice(0, 2).join('/') : ref.spec.split('/')[0];
      if (!packages.has(pkg.replace(/^node:/, ''))) problems.push(`${rel} imports the package "${ref.spec}"`);
      continue;
    }
    const target = path.posix.normalize(path.posix.join(dir, ref.spec));
    const own = target === `${tree}/${kata.slug}` || target.startsWith(`${tree}/${kata.slug}/`);
    const ok =
      target.startsWith('lib/') ||
      own ||
      [...reachable].some((e) => target === `${tree}/${e}` || target.startsWith(`${tree}/${e}/`));
    if (!ok) {
      const why = target.startsWith('solutions/') ? ' (the reference solutions)' : target.startsWith(`${tree}/`) ? ` (not in ${kata.slug}'s dependsOn)` : '';
      problems.push(`${rel} imports ${ref.spec}${why}`);
    }
  }
  return problems;
}

/** The packages a file imports at run time (bare specifiers, `node:` prefix dropped). */
export function packagesOf(rel: string, text: string): Set<string> {
  return new Set(
    moduleReferences(rel, text)
      .filter((r) => !r.computed && !r.typeOnly && !r.spec.startsWith('.') && !r.spec.startsWith('/'))
      .map((r) => (r.spec.startsWith('@') ? r.spec.split('/').slice(0, 2).join('/') : r.spec.split('/')[0]).replace(/^node:/, '')),
  );
}

/**
 * The file as a stream of tokens, without whitespace or comments, with string quotes, semicolons
 * and trailing commas normalised: two files with the same tokens differ only in formatting.
 */
export function tokens(text: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, text);
  const out: string[] = [];
  // Inside `${...}` of a template literal, the `}` that closes it continues the template: the
  // scanner must be told (templates[i] is the brace depth at which template i's `${` opened).
  const templates: number[] = [];
  let depth = 0;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.OpenBraceToken) depth++;
    if (kind === ts.SyntaxKind.CloseBraceToken) {
      if (templates.length > 0 && templates[templates.length - 1] === depth) {
        kind = scanner.reScanTemplateToken(false);
        if (kind === ts.SyntaxKind.TemplateTail) templates.pop();
      } else depth--;
    }
    if (kind === ts.SyntaxKind.TemplateHead) templates.push(depth);
    if (kind === ts.SyntaxKind.SemicolonToken) continue;
    if (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral) out.push(JSON.stringify(scanner.getTokenValue()));
    else out.push(scanner.getTokenText());
  }
  // a comma just before a closing bracket is formatting (prettier's trailing commas)
  return out.filter((t, i) => !(t === ',' && [')', ']', '}', '>'].includes(out[i + 1])));
}

/** True when two sources are the same program up to whitespace, comments, quotes, semicolons and trailing commas. */
export function sameUpToFormatting(a: string, b: string): boolean {
  const ta = tokens(a);
  const tb = tokens(b);
  return ta.length === tb.length && ta.every((t, i) => t === tb[i]);
}
