/**
 * This module contains what earlier cells declared, as the type checker of the next cell needs it: their
 * emitted `.d.ts` statements, wrapped in `declare global` in one declarations file, and the import bindings
 * carried into later cells. A name declared again in a later cell supersedes the earlier declaration, so
 * re-running a cell with `const x = …` never collides with itself. Keeping a single file keeps the program's
 * root files fixed, which lets TypeScript reuse the previous program's structure on every cell.
 */
import ts from './typescript.cjs';
import { importBindings, type ImportBindings } from './analyze.js';

/** One top-level declaration of an earlier cell, with the names it binds. */
interface Statement {
  names: string[];
  text: string;
}

export class DeclarationStore {
  /** Bindings the next cell sees as its own imports. */
  private readonly carried: ImportBindings = new Map();
  /** Imports the declarations need (latest wins when a local name is re-imported). */
  private readonly headers: ImportBindings = new Map();
  private statements: Statement[] = [];
  private readonly augmentations: string[] = [];
  private cachedText: string | undefined;

  constructor(readonly fileName: string) {}

  /** The declarations file: earlier cells' declarations as globals. */
  text(): string {
    return (this.cachedText ??= [
      ...this.headers.values(),
      'declare global {',
      ...this.statements.map((s) => s.text),
      '}',
      ...this.augmentations,
      'export {};',
      '',
    ].join('\n'));
  }

  /** Everything a cell is checked against: equal states check an unchanged cell the same way. */
  state(): string {
    return `${this.text()}\u0000${[...this.carried.values()].join('\n')}`;
  }

  /** Import statements carried into the next cell, minus bindings that the cell itself declares. */
  carriedImports(shadowed: ReadonlySet<string>): string {
    const lines: string[] = [];
    for (const [local, text] of this.carried) if (!shadowed.has(local)) lines.push(text);
    return lines.join('\n');
  }

  /** Records what a cell declared: its import bindings and the text of its emitted `.d.ts`. */
  commit(imports: ImportBindings, declaredNames: ReadonlySet<string>, dts: string | undefined): void {
    const superseded = new Set([...imports.keys(), ...declaredNames]);
    if (superseded.size === 0 && dts === undefined) return;
    for (const name of superseded) this.carried.delete(name);
    this.statements = this.statements.filter((s) => !s.names.some((n) => superseded.has(n)));
    for (const [local, text] of imports) this.carried.set(local, text);
    if (dts !== undefined) this.addDeclarations(dts);
    this.cachedText = undefined;
  }

  private addDeclarations(dts: string): void {
    const sf = ts.createSourceFile('cell.d.ts', dts, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const slice = (node: ts.Node, withDoc = false) => dts.slice(node.getStart(sf, withDoc), node.end);
    for (const node of sf.statements) {
      if (ts.isImportDeclaration(node)) {
        for (const [local, text] of importBindings(node, sf)) this.headers.set(local, text);
      } else if (
        ts.isExportDeclaration(node) ||
        ts.isExportAssignment(node) ||
        ts.isImportEqualsDeclaration(node)
      ) {
        continue;
      } else if (ts.isVariableStatement(node)) {
        const flags = node.declarationList.flags;
        const keyword = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
        for (const d of node.declarationList.declarations) {
          if (ts.isIdentifier(d.name))
            this.statements.push({ names: [d.name.text], text: `${keyword} ${slice(d)};` });
        }
      } else if (
        ts.isModuleDeclaration(node) &&
        (!ts.isIdentifier(node.name) || node.name.text === 'global')
      ) {
        this.augmentations.push(slice(node)); // declare module 'x' {…} or the cell's own declare global {…}
      } else {
        const name = (node as ts.DeclarationStatement).name;
        if (name && ts.isIdentifier(name)) {
          // Inside `declare global` the `declare`/`export` modifiers are implied (and not allowed).
          const text =
            slice(node, true).slice(0, node.getStart(sf) - node.getStart(sf, true)) +
            slice(node).replace(MODIFIERS, '');
          this.statements.push({ names: [name.text], text });
        }
      }
    }
  }
}

const MODIFIERS = /^(?:(?:export|default|declare)\s+)+/;
