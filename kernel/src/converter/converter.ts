/**
 * This module contains the Converter: TypeScript cell → type-checked JavaScript that runs in the kernel's
 * global scope, with the cell's declarations carried into later cells; and the language features the
 * frontend asks for (completion, inspection, is-complete) from the same language service.
 */
import path from 'node:path';
import ts from './typescript.cjs';
import type { CompleteResult, InspectResult, IsCompleteResult } from '../executor/executor.js';
import type { ErrorContent } from '../protocol/messages.js';
import { isBareSpecifier, PackageLocator } from '../packages/locate.js';
import { analyzeCell, type CellFacts } from './analyze.js';
import { CellProgram } from './compiler.js';
import { DeclarationStore } from './declarations.js';
import { fallbackDeclarations } from './fallback.js';
import { formatDiagnostics, IGNORED_DIAGNOSTICS, missingModule } from './diagnostics.js';
import { PRELUDE, PRELUDE_FILE } from './prelude.js';
import { hoistIntoAsyncWrapper, importsToDynamic } from './transform.js';

export interface Compiled {
  /** A classic script: `"use strict"; var …; function …; (async () => { … })()`. */
  js: string;
  /** Source map of `js` back to the cell (version 3 JSON). */
  sourceMap: string;
}

export type CompileResult = { ok: true; compiled: Compiled } | { ok: false; error: ErrorContent };

/** What a successful compile records, kept so that re-running an unchanged cell skips the compiler. */
interface CacheEntry {
  compiled: Compiled;
  facts: CellFacts;
  dts: string | undefined;
}

/** Successful compiles remembered (keyed by the cell and the declarations it was checked against). */
const CACHE_SIZE = 64;

export class Converter {
  private readonly cells: CellProgram;
  private readonly store: DeclarationStore;
  private readonly cellFile: string;
  private readonly preludeFile: string;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    readonly directory: string,
    private readonly packages: PackageLocator = new PackageLocator(directory),
  ) {
    this.cells = new CellProgram(directory, packages);
    this.store = new DeclarationStore(path.join(directory, '__beemind_declarations__.d.ts'));
    this.cellFile = path.join(directory, '__beemind_cell__.ts');
    this.preludeFile = path.join(directory, PRELUDE_FILE);
  }

  /**
   * Type-checks and converts a cell. On success the cell's declarations are recorded for later cells at once
   * (a cell that throws half-way has still bound the names before the throw).
   */
  compile(code: string, label: string): CompileResult {
    // The same cell against the same earlier declarations type-checks and converts the same way.
    const key = `${this.store.state()}\u0000${code}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.store.commit(hit.facts.imports, hit.facts.declared, hit.dts);
      return { ok: true, compiled: hit.compiled };
    }
    const facts = analyzeCell(code);
    const file = this.load(code, facts, true);
    const relevant = (d: ts.Diagnostic) =>
      d.category === ts.DiagnosticCategory.Error &&
      !IGNORED_DIAGNOSTICS.has(d.code) &&
      // Diagnostics past the user's code belong to carried declarations, which do not run.
      (d.start === undefined || d.start < code.length);
    const program = this.cells.program();
    const sf = program.getSourceFile(this.cellFile);
    if (!sf || sf.text !== file) throw new Error('the cell file is missing from the program');
    const syntax = program.getSyntacticDiagnostics(sf).filter(relevant);
    const errors = syntax.length > 0 ? syntax : program.getSemanticDiagnostics(sf).filter(relevant);
    if (errors.length > 0) {
      return { ok: false, error: formatDiagnostics(errors, code, label, (d) => this.installHint(d)) };
    }

    const last = [...sf.statements].reverse().find((s) => s.getStart(sf) < code.length);
    const lastExpression = last && ts.isExpressionStatement(last) ? last : undefined;
    let js = '';
    let sourceMap = '';
    let dts: string | undefined;
    // One emit gives the script, its source map and the cell's declarations for later cells.
    program.emit(
      sf,
      (name, text) => {
        if (name.endsWith('.map')) sourceMap = text;
        else if (name.endsWith('.d.ts')) dts = text;
        else if (name.endsWith('.js')) js = text;
      },
      undefined,
      false,
      {
        before: [importsToDynamic(program.getTypeChecker(), code.length)],
        after: [hoistIntoAsyncWrapper(lastExpression)],
      },
    );
    js = js.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
    if (facts.declared.size === 0) dts = undefined;
    else dts ??= fallbackDeclarations(program.getTypeChecker(), sf, facts.declared, code.length);
    this.store.commit(facts.imports, facts.declared, dts);
    const compiled = { js, sourceMap };
    this.cache.set(key, { compiled, facts, dts });
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    return { ok: true, compiled };
  }

  /**
   * For an import of a package found nowhere: where it was looked for and how to install it. For a file not
   * found: that a file this very cell writes is importable from the next cell only (the whole cell is checked
   * before any of it runs).
   */
  private installHint(diagnostic: ts.Diagnostic): string | undefined {
    const specifier = missingModule(diagnostic);
    if (specifier === undefined) return undefined;
    if (!isBareSpecifier(specifier))
      return `If a line of this cell writes ${specifier}, import it in the next cell: a cell is type-checked as a whole before any of it runs.`;
    return this.packages.locate(specifier) ? undefined : this.packages.missingMessage(specifier);
  }

  /** Called after packages were installed or removed: imports are resolved afresh from the next cell on. */
  packagesChanged(): void {
    this.cells.forgetResolutions();
    this.cache.clear();
  }

  complete(code: string, cursor: number): CompleteResult {
    this.load(code, analyzeCell(code), false);
    const prefix = /[\p{L}\p{N}_$]*$/u.exec(code.slice(0, cursor))?.[0] ?? '';
    let start = cursor - prefix.length;
    let end = cursor;
    const info = this.cells.languageService().getCompletionsAtPosition(this.cellFile, cursor, {
      includeCompletionsWithInsertText: true,
      includeCompletionsForModuleExports: false,
    });
    // An entry with a replacement span (a module path, a bracketed member) replaces that span's text.
    const matchesTyped = (e: ts.CompletionEntry) =>
      e.replacementSpan
        ? (e.insertText ?? e.name).startsWith(code.slice(e.replacementSpan.start, cursor))
        : e.name.startsWith(prefix);
    const entries = (info?.entries ?? [])
      .filter(matchesTyped)
      .sort((a, b) =>
        a.sortText === b.sortText ? a.name.localeCompare(b.name) : a.sortText < b.sortText ? -1 : 1,
      );
    const span = entries.find((e) => e.replacementSpan)?.replacementSpan;
    if (span) {
      start = span.start;
      end = span.start + span.length;
    }
    const seen = new Set<string>();
    const matches: string[] = [];
    const types: { start: number; end: number; text: string; type: string }[] = [];
    for (const e of entries) {
      const text = e.insertText ?? e.name;
      if (seen.has(text)) continue;
      seen.add(text);
      matches.push(text);
      types.push({ start, end, text, type: e.kind });
      if (matches.length >= 2000) break;
    }
    return {
      matches,
      cursor_start: start,
      cursor_end: end,
      metadata: { _jupyter_types_experimental: types },
    };
  }

  inspect(code: string, cursor: number, detailLevel: number): InspectResult {
    this.load(code, analyzeCell(code), false);
    const service = this.cells.languageService();
    const info =
      service.getQuickInfoAtPosition(this.cellFile, cursor) ??
      (cursor > 0 ? service.getQuickInfoAtPosition(this.cellFile, cursor - 1) : undefined);
    if (!info) return { found: false, data: {}, metadata: {} };
    const signature = ts.displayPartsToString(info.displayParts);
    const docs = ts.displayPartsToString(info.documentation);
    const tags = (info.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`.trim());
    const details = detailLevel > 0 ? tags : tags.slice(0, 3);
    const text = [signature, docs, ...details].filter(Boolean).join('\n\n');
    const markdown = ['```typescript', signature, '```', docs, ...details.map((t) => `*${t}*`)]
      .filter(Boolean)
      .join('\n');
    return { found: true, data: { 'text/plain': text, 'text/markdown': markdown }, metadata: {} };
  }

  isComplete(code: string): IsCompleteResult {
    if (code.trim() === '') return { status: 'complete' };
    const sf = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
    const diagnostics = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
    if (diagnostics.length === 0) return { status: 'complete' };
    const end = code.trimEnd().length;
    // The parser ran out of text (an open brace, bracket, template or comment): more lines will come.
    const atEnd = diagnostics.every((d) => (d.start ?? 0) >= end && d.code !== 1002);
    if (!atEnd) return { status: 'invalid' };
    return { status: 'incomplete', indent: '  '.repeat(openDepth(code)) };
  }

  /** Puts the cell (plus carried imports and an export list for declaration emit) into the program. */
  private load(code: string, facts: CellFacts, withExports: boolean): string {
    const shadowed = new Set([...facts.declared, ...facts.imports.keys()]);
    const exportable = withExports ? [...facts.declared].filter((n) => !facts.exported.has(n)) : [];
    const text = [
      code,
      this.store.carriedImports(shadowed),
      exportable.length > 0 ? `export { ${exportable.join(', ')} };` : '',
      'export {};',
      '',
    ].join('\n');
    const files = new Map<string, string>([
      [this.preludeFile, PRELUDE],
      [this.store.fileName, this.store.text()],
      [this.cellFile, text],
    ]);
    this.cells.setFiles(files);
    return text;
  }
}

/** How many brackets are still open at the end of the code (strings and comments skipped). */
function openDepth(code: string): number {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, code);
  let depth = 0;
  for (let t = scanner.scan(); t !== ts.SyntaxKind.EndOfFileToken; t = scanner.scan()) {
    if (
      t === ts.SyntaxKind.OpenBraceToken ||
      t === ts.SyntaxKind.OpenParenToken ||
      t === ts.SyntaxKind.OpenBracketToken
    )
      depth++;
    if (
      t === ts.SyntaxKind.CloseBraceToken ||
      t === ts.SyntaxKind.CloseParenToken ||
      t === ts.SyntaxKind.CloseBracketToken
    )
      depth--;
  }
  return Math.max(0, depth);
}
