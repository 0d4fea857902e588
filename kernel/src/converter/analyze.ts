/**
 * This module contains the syntactic facts about a cell that the converter needs before type checking: the
 * names it declares at top level, its import bindings (to carry into later cells), the names it already
 * exports, and whether it ends with an expression (whose value becomes the execute_result).
 */
import ts from './typescript.cjs';

export interface CellFacts {
  /** Top-level names the cell declares (values and types), imports excluded. */
  declared: Set<string>;
  /** Names the cell exports itself (they must not be exported twice). */
  exported: Set<string>;
  imports: ImportBindings;
  /** Parse errors (the cell does not parse). */
  syntaxErrors: number;
}

export function analyzeCell(code: string): CellFacts {
  const sf = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const facts: CellFacts = { declared: new Set(), exported: new Set(), imports: new Map(), syntaxErrors: 0 };
  facts.syntaxErrors = (sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length;
  for (const node of sf.statements) {
    const exportedHere = hasModifier(node, ts.SyntaxKind.ExportKeyword);
    const names = declaredNames(node);
    for (const name of names) {
      facts.declared.add(name);
      if (exportedHere) facts.exported.add(name);
    }
    if (ts.isImportDeclaration(node))
      for (const [local, text] of importBindings(node, sf)) facts.imports.set(local, text);
    if (ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause)) {
      for (const e of node.exportClause.elements) facts.exported.add(e.name.text);
    }
  }
  return facts;
}

/** The names a top-level statement binds. */
export function declaredNames(node: ts.Statement): string[] {
  if (ts.isVariableStatement(node))
    return node.declarationList.declarations.flatMap((d) => bindingNames(d.name));
  if (ts.isModuleDeclaration(node))
    return ts.isIdentifier(node.name) && node.name.text !== 'global' ? [node.name.text] : [];
  if (
    ts.isFunctionDeclaration(node) ||
    ts.isClassDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isEnumDeclaration(node) ||
    ts.isImportEqualsDeclaration(node)
  ) {
    return node.name ? [node.name.text] : [];
  }
  return [];
}

export function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** The import bindings of a cell: local name → a one-binding import statement. */
export type ImportBindings = Map<string, string>;

/** One single-binding import statement per local name, so later cells can drop the names they shadow. */
export function importBindings(node: ts.ImportDeclaration, sf: ts.SourceFile): ImportBindings {
  const out: ImportBindings = new Map();
  const clause = node.importClause;
  if (!clause) return out; // `import 'x'` binds nothing
  const from = node.moduleSpecifier.getText(sf);
  const attributes = node.attributes ? ` ${node.attributes.getText(sf)}` : '';
  const type = clause.isTypeOnly ? 'type ' : '';
  if (clause.name) out.set(clause.name.text, `import ${type}${clause.name.text} from ${from}${attributes};`);
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    out.set(bindings.name.text, `import ${type}* as ${bindings.name.text} from ${from}${attributes};`);
  } else if (bindings) {
    for (const e of bindings.elements) {
      const imported = e.propertyName ? `${e.propertyName.getText(sf)} as ` : '';
      const inline = e.isTypeOnly && !clause.isTypeOnly ? 'type ' : '';
      out.set(e.name.text, `import ${type}{ ${inline}${imported}${e.name.text} } from ${from}${attributes};`);
    }
  }
  return out;
}
