/**
 * This module contains the declarations of a cell whose own TypeScript could not emit. TypeScript emits no
 * declarations for a whole file when one value's type names something its package does not export (a model that
 * `createModel` returned once did), and without them every name the cell declared would be unknown to later
 * cells. Here each value keeps the type the checker prints when every name in it can be written outside the cell,
 * and is `any` otherwise; interfaces and type aliases keep their source; the cell's imports come along for the
 * types that name them.
 */
import ts from './typescript.cjs';

/** A declarations text (as TypeScript would have emitted it) for the names `declared` by the cell's code. */
export function fallbackDeclarations(
  checker: ts.TypeChecker,
  sf: ts.SourceFile,
  declared: ReadonlySet<string>,
  codeLength: number,
): string {
  // inside the file, so that its imports (aliases) count too
  const inScope = new Set(
    checker
      .getSymbolsInScope(
        sf.endOfFileToken,
        ts.SymbolFlags.Type | ts.SymbolFlags.Namespace | ts.SymbolFlags.Alias,
      )
      .map((s) => s.name),
  );
  const lines: string[] = [];
  const valueOf = (name: ts.Identifier) => {
    const symbol = checker.getSymbolAtLocation(name);
    const text = symbol
      ? checker.typeToString(
          checker.getTypeOfSymbolAtLocation(symbol, name),
          name,
          ts.TypeFormatFlags.NoTruncation,
        )
      : 'any';
    return `export declare let ${name.text}: ${writable(text, inScope) ? text : 'any'};`;
  };
  for (const node of sf.statements) {
    if (node.getStart(sf) >= codeLength) continue;
    if (ts.isImportDeclaration(node)) {
      lines.push(node.getText(sf));
    } else if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && declared.has(d.name.text)) lines.push(valueOf(d.name));
      }
    } else if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name) {
      if (declared.has(node.name.text)) lines.push(valueOf(node.name));
    } else if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) {
      if (declared.has(node.name.text)) lines.push(node.getText(sf));
    }
  }
  return lines.join('\n');
}

/** Whether a printed type names only what is in scope (no `import("…")` types, nothing private to a package). */
function writable(type: string, inScope: ReadonlySet<string>): boolean {
  const sf = ts.createSourceFile('type.ts', `type T = ${type};`, ts.ScriptTarget.ES2022, true);
  let ok = (sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length === 0;
  const leftmost = (name: ts.EntityName): string => (ts.isIdentifier(name) ? name.text : leftmost(name.left));
  const visit = (node: ts.Node): void => {
    if (!ok) return;
    if (ts.isImportTypeNode(node)) ok = false;
    else if (ts.isTypeReferenceNode(node) && !inScope.has(leftmost(node.typeName))) ok = false;
    else ts.forEachChild(node, visit);
  };
  visit(sf);
  return ok;
}
