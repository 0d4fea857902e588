/**
 * This module contains the text helpers for quoting user data (column names, values, file and model names) in
 * messages and text tables: control characters are shown as escapes, so an escape sequence hidden in a CSV
 * header is displayed, never interpreted by the terminal.
 */

/** C0 controls but tab and line feed, DEL, and the C1 controls (ESC, CSI … included). */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** The same with tab and line feed: inside a quoted name they are not layout. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL_INLINE = /[\u0000-\u001f\u007f-\u009f]/g;

const NAMED: ReadonlyMap<string, string> = new Map([
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
]);

function escape(c: string): string {
  return NAMED.get(c) ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

export interface PrintableOptions {
  /** Escape tab and line feed too (text quoted inside one line, such as a column name). */
  inline?: boolean;
}

/**
 * `text` with its control characters written as escapes (`\x1b`, `\r`, `\x07`, `\x9b`); tab and line feed stay
 * unless `inline`. Everything else, Unicode included, is unchanged.
 */
export function printable(text: unknown, options: PrintableOptions = {}): string {
  return String(text).replace(options.inline ? CONTROL_INLINE : CONTROL, escape);
}

/** A name from user data in double quotes, for messages: `"price"`, `"\x1b[31mred"`. */
export function quote(name: unknown): string {
  return `"${printable(name, { inline: true })}"`;
}

/** Several quoted names, comma-separated. */
export function quoteAll(names: Iterable<unknown>): string {
  return Array.from(names, quote).join(', ');
}

/** Several names from user data, comma-separated (unquoted, each printable). */
export function listNames(names: Iterable<unknown>): string {
  return Array.from(names, (name) => printable(name, { inline: true })).join(', ');
}

/**
 * `value` as indented JSON for a terminal: JSON.stringify already escapes C0 controls; DEL and the C1
 * controls, which it leaves raw, become `\u00XX` escapes (they can only occur inside strings, so the JSON
 * means the same).
 */
export function printableJSON(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `1 drone`, `2 drones`: a count with its noun, plural unless the count is one. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
