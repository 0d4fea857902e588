// Property: whatever a CSV holds — random quoting, delimiters, quotes and line breaks inside quoted fields,
// CRLF or LF, a byte-order mark, missing markers ('' NA NaN ?), 10 kB fields and empty ones, any unicode and
// control characters in headers and cells, or plain malformed text — parseCSV returns a DataFrame whose rows
// and columns are those of the input, or throws a DataError; never another exception, never a hang.
import fc from 'fast-check';
import { DataError } from '../../src/core/errors.js';
import { parseCSV } from '../../src/data/csv.js';
import { DataFrame } from '../../src/data/data_frame.js';
import { DEFAULT_MISSING_TOKENS } from '../../src/data/infer.js';

/** Longest one parse may take (the largest tables here are a few hundred kB). */
const PARSE_MS = 2000;

const special = fc.constantFrom(
  ',',
  ';',
  '"',
  '""',
  '\n',
  '\r',
  '\r\n',
  '\t',
  ' ',
  '\u001b[31m',
  '\u0000',
  '\u0007',
  '\u0085',
  '\u009b',
  '\u2028',
  '\ufeff',
  'é',
  '名前',
  '🐝',
  '\u202e',
  'NA',
  '1.5',
);
const text = fc
  .array(
    fc.oneof(
      special,
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    ),
    {
      maxLength: 4,
    },
  )
  .map((parts) => parts.join(''));
const missing = fc.constantFrom('', 'NA', 'NaN', '?', ' NA ', 'nan', 'N/A', 'null');
const number = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double({ noNaN: true }).map(String),
  fc.constantFrom('1e309', '-0', '.5', '5.', '+3', 'Infinity', '-Infinity', '0x1f', '1_000', ' 7 '),
);
const word = fc.constantFrom('yes', 'No', 'TRUE', 'false', 'Yes', 'no');
/** 10 or 20 kB of one character (quotes, commas and line breaks included). */
const huge = fc
  .tuple(fc.constantFrom(10_000, 20_000), fc.constantFrom('a', '"', ',', '\n', 'é', ' '))
  .map(([n, c]) => c.repeat(n));
const cell = fc.oneof(
  { arbitrary: text, weight: 4 },
  { arbitrary: missing, weight: 3 },
  { arbitrary: number, weight: 4 },
  { arbitrary: word, weight: 2 },
  { arbitrary: huge, weight: 1 },
);

interface Table {
  header: string[];
  rows: string[][];
  delimiter: ',' | ';' | '\t';
  newline: '\n' | '\r\n';
  bom: boolean;
  trailingNewline: boolean;
  /** 'proper': RFC 4180 quoting where needed (and at random elsewhere); 'raw': fields written as they are. */
  mode: 'proper' | 'raw';
  quoteAlways: boolean[];
}

const table: fc.Arbitrary<Table> = fc.integer({ min: 1, max: 5 }).chain((cols) =>
  fc.record({
    header: fc.array(
      fc.oneof({ arbitrary: text, weight: 3 }, { arbitrary: fc.constantFrom('a', 'b', ' a'), weight: 1 }),
      {
        minLength: cols,
        maxLength: cols,
      },
    ),
    rows: fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { maxLength: 6 }),
    delimiter: fc.constantFrom(',', ';', '\t'),
    newline: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    trailingNewline: fc.boolean(),
    mode: fc.constantFrom('proper', 'proper', 'raw'),
    quoteAlways: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  }),
);

/** The CSV text of a table. */
function render(t: Table): string {
  let k = 0;
  const field = (value: string, cols: number): string => {
    if (t.mode === 'raw') return value;
    const needs =
      value.includes(t.delimiter) ||
      /["\r\n]/.test(value) ||
      (cols === 1 && value === '') ||
      value.startsWith('\ufeff');
    return needs || t.quoteAlways[k++ % t.quoteAlways.length] ? `"${value.replace(/"/g, '""')}"` : value;
  };
  const line = (fields: string[]) => fields.map((f) => field(f, fields.length)).join(t.delimiter);
  const body = [t.header, ...t.rows].map(line).join(t.newline);
  return `${t.bom ? '\ufeff' : ''}${body}${t.trailingNewline ? t.newline : ''}`;
}

/** parseCSV's result, or its error; fails the property on anything but a DataFrame or a DataError. */
function parse(t: Table): DataFrame | DataError {
  const started = performance.now();
  let result: DataFrame | DataError;
  try {
    result = parseCSV(render(t), { delimiter: t.delimiter });
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    result = error;
  }
  expect(performance.now() - started).toBeLessThan(PARSE_MS);
  return result;
}

const MISSING = new Set(DEFAULT_MISSING_TOKENS);

describe('parseCSV on random input', () => {
  it('returns a DataFrame or throws a DataError, and never hangs', () => {
    fc.assert(
      fc.property(table, (t) => {
        const result = parse(t);
        expect(result instanceof DataFrame || result instanceof DataError).toBe(true);
        if (result instanceof DataError) {
          expect(result.code).toMatch(/^data\./);
          // an escape sequence from the file is shown, never sent to the terminal
          // eslint-disable-next-line no-control-regex -- control characters are what it finds
          expect(result.message).not.toMatch(/[\u001b\u009b]/);
        }
      }),
      { seed: 42, numRuns: 400 },
    );
  }, 20_000);

  it('reads a properly quoted table back with its rows, columns, names and text', () => {
    fc.assert(
      fc.property(
        table.map((t) => ({ ...t, mode: 'proper' as const })),
        (t) => {
          const result = parse(t);
          const names = t.header.map((h, j) => h.trim() || `column_${j}`);
          if (t.rows.length === 0 || new Set(names).size !== names.length) {
            // no data rows, or two columns of one name
            expect(result).toBeInstanceOf(DataError);
            return;
          }
          if (!(result instanceof DataFrame)) throw result;
          expect(result.rows).toBe(t.rows.length);
          expect(result.columnNames).toEqual(names);
          result.columns.forEach((c, j) => {
            expect(c.values.length).toBe(t.rows.length);
            if (c.kind !== 'categorical') return;
            // text columns hold each cell trimmed, missing markers as null
            const expected = t.rows.map((r) => (MISSING.has(r[j].trim()) ? null : r[j].trim()));
            expect(c.values).toEqual(expected);
          });
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  }, 20_000);
});
