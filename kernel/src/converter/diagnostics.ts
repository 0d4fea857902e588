/**
 * This module contains the formatting of TypeScript diagnostics as a Jupyter error: each one with the cell's
 * line and column, the offending source line and a caret underline.
 */
import ts from './typescript.cjs';
import type { ErrorContent } from '../protocol/messages.js';

const RED = '\x1b[31m';
const BOLD = '\x1b[1m';
const CYAN = '\x1b[36m';
const RESET = '\x1b[0m';

/** Codes that do not stop a cell: importing a JavaScript package without types is allowed (as `any`). */
export const IGNORED_DIAGNOSTICS = new Set([7016]);

/** "Cannot find module 'x' or its corresponding type declarations": the module name, when that is the error. */
export function missingModule(diagnostic: ts.Diagnostic): string | undefined {
  if (diagnostic.code !== 2307) return undefined;
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  return /^Cannot find module '([^']+)'/.exec(text)?.[1];
}

export function formatDiagnostics(
  diagnostics: readonly ts.Diagnostic[],
  code: string,
  label: string,
  explain: (diagnostic: ts.Diagnostic) => string | undefined = () => undefined,
): ErrorContent {
  const lines = code.split('\n');
  const traceback: string[] = [];
  const summaries: string[] = [];
  for (const d of diagnostics) {
    const hint = explain(d);
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n') + (hint ? `\n${hint}` : '');
    let where = label;
    if (d.file && d.start !== undefined) {
      if (d.start >= code.length) {
        where = `${label} (declarations carried from earlier cells)`;
      } else {
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        where = `${label}, line ${line + 1}, column ${character + 1}`;
        const source = lines[line] ?? '';
        const width = Math.max(1, Math.min(d.length ?? 1, source.length - character));
        summaries.push(`line ${line + 1}: ${message.split('\n')[0]}`);
        traceback.push(
          `${CYAN}${where}${RESET} - ${RED}error TS${d.code}${RESET}: ${message}`,
          '',
          `${BOLD}${line + 1}${RESET} ${source}`,
          `${' '.repeat(String(line + 1).length + 1 + character)}${RED}${'~'.repeat(width)}${RESET}`,
          '',
        );
        continue;
      }
    }
    summaries.push(message.split('\n')[0]);
    traceback.push(`${CYAN}${where}${RESET} - ${RED}error TS${d.code}${RESET}: ${message}`, '');
  }
  const count = diagnostics.length;
  return {
    ename: 'TypeScriptError',
    evalue: count === 1 ? summaries[0] : `${count} errors; first at ${summaries[0]}`,
    traceback: [
      `${RED}${BOLD}TypeScriptError${RESET}: the cell was not run (${count} type error${count === 1 ? '' : 's'})`,
      '',
      ...traceback,
    ],
  };
}
