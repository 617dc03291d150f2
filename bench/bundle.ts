/** What dist/ weighs, and what dist/main.js loads before its first line runs versus on demand. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface DistFile {
  path: string;
  bytes: number;
}

export function distFiles(root: string): DistFile[] {
  const out: DistFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else out.push({ path: relative(root, path), bytes: st.size });
    }
  };
  walk(root);
  return out;
}

/** A content hash of dist/, to notice a re-bundle while the bench runs. */
export function distHash(root: string): string {
  const hash = createHash('sha256');
  for (const file of distFiles(root)) hash.update(file.path).update(readFileSync(join(root, file.path)));
  return hash.digest('hex').slice(0, 16);
}

interface Imports {
  static: string[];
  dynamic: string[];
}

/** Relative specifiers of one ES module: top-level import/export-from (static) and import('...') (dynamic). */
function importsOf(file: string): Imports {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.JS,
  );
  const found: Imports = { static: [], dynamic: [] };
  const local = (spec: string) => spec.startsWith('./') || spec.startsWith('../');
  for (const statement of source.statements) {
    const spec =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
    if (spec && local(spec)) found.static.push(resolve(dirname(file), spec));
  }
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0]) &&
      local(node.arguments[0].text)
    )
      found.dynamic.push(resolve(dirname(file), node.arguments[0].text));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export interface LoadGraph {
  /** Files evaluated before the entry's own code runs (the entry included). */
  static: string[];
  /** Files only reachable through import() (loaded on demand), with their static closures. */
  lazy: string[];
}

export function loadGraph(entry: string): LoadGraph {
  const graph = new Map<string, Imports>();
  const closure = (roots: string[], seen = new Set<string>()): Set<string> => {
    const queue = [...roots];
    while (queue.length) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      if (!graph.has(file)) graph.set(file, importsOf(file));
      queue.push(...graph.get(file)!.static);
    }
    return seen;
  };
  const eager = closure([resolve(entry)]);
  const everything = new Set(eager);
  // Dynamic imports found anywhere reachable, followed to a fixed point.
  for (let grew = true; grew;) {
    grew = false;
    for (const file of [...everything]) {
      for (const target of graph.get(file)?.dynamic ?? []) {
        if (everything.has(target)) continue;
        closure([target], everything);
        grew = true;
      }
    }
  }
  return { static: [...eager], lazy: [...everything].filter((f) => !eager.has(f)) };
}

export const sizeOf = (files: string[]): number => files.reduce((sum, f) => sum + statSync(f).size, 0);
