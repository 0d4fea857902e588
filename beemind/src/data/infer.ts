/**
 * This module contains type inference for raw text columns: which tokens are missing values, and whether a
 * column is numeric, boolean or categorical.
 */
import type { Column } from './frame.js';

/** Tokens read as a missing value (compared after trimming; case-insensitive for the word forms). */
export const DEFAULT_MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?'];

const TRUE_WORDS = new Set(['true', 'yes']);
const FALSE_WORDS = new Set(['false', 'no']);
/** The other answer of each word, to name the value a column never shows (`yes` → `no`). */
const OPPOSITE: ReadonlyMap<string, string> = new Map([
  ['true', 'false'],
  ['false', 'true'],
  ['yes', 'no'],
  ['no', 'yes'],
]);

/** Whether a token reads as a boolean value: true, false, yes or no (any case), 1 or 0. */
export function isBooleanToken(token: string): boolean {
  const t = token.trim().toLowerCase();
  return TRUE_WORDS.has(t) || FALSE_WORDS.has(t) || t === '1' || t === '0';
}

export interface InferOptions {
  missing?: readonly string[];
  /** Force the kind of named columns. */
  kinds?: Record<string, Column['kind']>;
}

function parseNumber(token: string): number {
  // Number('') is 0 and Number('0x1f') parses hex: accept plain decimal/scientific notation only
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token) && !/^[+-]?Infinity$/.test(token)) return NaN;
  return Number(token);
}

/** Turns one column of raw strings into a typed column. */
export function inferColumn(name: string, raw: readonly string[], options: InferOptions = {}): Column {
  const missing = new Set(options.missing ?? DEFAULT_MISSING_TOKENS);
  const tokens = raw.map((t) => {
    const s = t.trim();
    return missing.has(s) ? null : s;
  });
  // own entries only: a column named "constructor" is not forced to Object.prototype.constructor
  const forced = options.kinds && Object.hasOwn(options.kinds, name) ? options.kinds[name] : undefined;
  const present = tokens.filter((t): t is string => t !== null);

  const isBoolean =
    present.length > 0 &&
    present.every((t) => TRUE_WORDS.has(t.toLowerCase()) || FALSE_WORDS.has(t.toLowerCase()));
  if (forced === 'boolean' || (!forced && isBoolean)) {
    const values = new Float64Array(tokens.length);
    const spelling: (string | undefined)[] = [undefined, undefined];
    tokens.forEach((t, i) => {
      if (t === null) {
        values[i] = NaN;
        return;
      }
      const v = TRUE_WORDS.has(t.toLowerCase()) || t === '1' ? 1 : 0;
      values[i] = v;
      spelling[v] ??= t; // the first spelling seen names the value
    });
    return { name, kind: 'boolean', values, labels: booleanLabels(spelling[0], spelling[1]) };
  }

  const numbers = tokens.map((t) => (t === null ? NaN : parseNumber(t)));
  const allNumeric = present.length > 0 && numbers.every((v, i) => tokens[i] === null || !Number.isNaN(v));
  if (forced === 'numeric' || (!forced && allNumeric)) {
    return { name, kind: 'numeric', values: Float64Array.from(numbers) };
  }
  return { name, kind: 'categorical', values: tokens };
}

/**
 * How a boolean column spells false and true: the first spelling seen of each, and for a value the column
 * never shows, the opposite word in the same case as the other (`Yes` → `No`), else `false` / `true`.
 */
function booleanLabels(no: string | undefined, yes: string | undefined): [string, string] {
  return [no ?? opposite(yes) ?? 'false', yes ?? opposite(no) ?? 'true'];
}

function opposite(word: string | undefined): string | undefined {
  const other = word === undefined ? undefined : OPPOSITE.get(word.toLowerCase());
  if (word === undefined || other === undefined) return undefined;
  if (word === word.toUpperCase()) return other.toUpperCase();
  return word[0] === word[0].toUpperCase() ? other[0].toUpperCase() + other.slice(1) : other;
}
