/**
 * This module contains the conversion of a thrown value into a Jupyter error: name, message and a traceback
 * whose cell frames point at the cell's own lines (through each cell script's source map) and whose kernel
 * frames are dropped.
 */
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import type { ErrorContent } from '../protocol/messages.js';

const RED = '\x1b[31m';
const BOLD = '\x1b[1m';
const CYAN = '\x1b[36m';
const RESET = '\x1b[0m';

/** The kernel's compiled sources: frames from here are machinery, not the user's code. */
const KERNEL_DIST = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

interface Script {
  label: string;
  map: SourceMap | undefined;
  /** Generated line (1-based) of the `(async () => {…})()` call: its frame is machinery, not the cell. */
  wrapperLine: number;
}

/** The cell scripts run so far, for mapping stack frames back to cells. */
export class ScriptRegistry {
  private readonly scripts = new Map<string, Script>();
  private readonly payloads = new Map<string, string>();

  register(filename: string, label: string, js: string, sourceMap: string): void {
    // Parsing the map is deferred until a stack trace needs it.
    const wrapperLine = js.trimEnd().split('\n').length;
    this.scripts.set(filename, { label, map: undefined, wrapperLine });
    this.payloads.set(filename, sourceMap);
  }

  /** True for the frame of the wrapper call that starts a cell script. */
  isWrapperCall(filename: string, line: number): boolean {
    return this.scripts.get(filename)?.wrapperLine === line;
  }

  /** `cell[3]:2:5` for a position in a cell script (1-based line and column), or undefined. */
  locate(filename: string, line: number, column: number): string | undefined {
    const script = this.scripts.get(filename);
    if (!script) return undefined;
    if (!script.map) {
      try {
        script.map = new SourceMap(JSON.parse(this.payloads.get(filename) ?? '{}'));
      } catch {
        return script.label;
      }
    }
    const entry = script.map.findEntry(line - 1, column - 1) as {
      originalLine?: number;
      originalColumn?: number;
    };
    if (entry.originalLine === undefined) return script.label;
    return `${script.label}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
  }
}

const FRAME = /^(\s*at (?:async )?)(?:(.*?) \()?(.+?):(\d+):(\d+)(\)?)$/;

export function errorContent(error: unknown, scripts: ScriptRegistry): ErrorContent {
  if (!(error instanceof Error) && !(typeof error === 'object' && error !== null && 'stack' in error)) {
    const evalue = inspect(error, { depth: 2, colors: false });
    return {
      ename: 'Error',
      evalue: `a non-Error value was thrown: ${evalue}`,
      traceback: [`${RED}${BOLD}Uncaught${RESET} ${evalue}`],
    };
  }
  const e = error as Error;
  const ename = e.name && e.name !== 'Error' ? e.name : (e.constructor?.name ?? 'Error');
  const evalue = String(e.message ?? '');
  // an error the library explains (a BeeMindError's code such as `data.bad_value`) shows the cell's lines only:
  // its message says what is wrong, and the library's own frames would bury that
  const code = (e as { code?: unknown }).code;
  const explained = typeof code === 'string' && /^[a-z_]+(\.[a-z_]+)+$/.test(code);
  const traceback = [`${RED}${BOLD}${ename}${RESET}: ${evalue}`, ...frames(e.stack, scripts, explained)];
  let cause = e.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    const c = cause instanceof Error ? cause : undefined;
    traceback.push(
      '',
      `${BOLD}Caused by${RESET} ${c ? `${c.name}: ${c.message}` : inspect(cause)}`,
      ...(c ? frames(c.stack, scripts) : []),
    );
    cause = c?.cause;
  }
  return { ename, evalue, traceback };
}

/** The stack's frames, those of cells mapped to their lines; with `cellsOnly`, only those. */
function frames(stack: string | undefined, scripts: ScriptRegistry, cellsOnly = false): string[] {
  const out: string[] = [];
  for (const line of (stack ?? '').split('\n')) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const [, at, fn, url, row, col] = m;
    const file = url.startsWith('file://') ? fileURLToPath(url) : url;
    if (file.startsWith('node:') || file.startsWith(KERNEL_DIST)) continue;
    if (!fn && scripts.isWrapperCall(file, Number(row))) continue;
    const cell = scripts.locate(file, Number(row), Number(col));
    if (cell) out.push(`${at}${fn && fn !== '<anonymous>' ? `${fn} ` : ''}(${CYAN}${cell}${RESET})`);
    else if (!cellsOnly) out.push(line);
  }
  return out;
}
