/**
 * This module contains readCSV: CSV from a path or from text into a typed DataFrame.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DataError } from '../core/errors.js';
import { printable, quote } from '../core/text.js';
import { DataFrame } from './data_frame.js';
import { inferColumn, type InferOptions } from './infer.js';

export interface ReadCSVOptions extends InferOptions {
  /** Field delimiter (default ","). */
  delimiter?: string;
}

/**
 * Reads a CSV with a header row. `source` is a file path, or CSV text when it contains a line break.
 * Types are inferred per column (numeric, boolean, categorical); empty, NA, NaN and ? are missing.
 */
export async function readCSV(source: string, options: ReadCSVOptions = {}): Promise<DataFrame> {
  const isText = /[\r\n]/.test(source);
  let text: string;
  if (isText) {
    text = source;
  } else {
    try {
      text = await readFile(source, 'utf8');
    } catch (error) {
      throw new DataError(
        'data.unreadable',
        `cannot read CSV file ${quote(source)} (${printable((error as Error).message, { inline: true })}); check the path (CSV text must contain a line break).`,
        { cause: error },
      );
    }
  }
  const frame = parseCSV(text, options, isText ? 'CSV text' : source);
  // A table read from a file is named after it (iris.csv → iris), so its runs are too.
  return isText ? frame : frame.named(basename(source, extname(source)) || basename(source));
}

/** Parses CSV text (header row first) into a DataFrame. */
export function parseCSV(text: string, options: ReadCSVOptions = {}, origin = 'CSV text'): DataFrame {
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: options.delimiter ?? ',',
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as string[][];
  } catch (error) {
    throw new DataError(
      'data.bad_csv',
      `${printable(origin, { inline: true })} is not valid CSV: ${printable((error as Error).message)}. Check quoting and that every row has as many fields as the header.`,
      { cause: error },
    );
  }
  if (records.length === 0) {
    throw new DataError(
      'data.empty',
      `${printable(origin, { inline: true })} is empty; a CSV needs a header row and at least one data row.`,
    );
  }
  const [header, ...body] = records;
  if (body.length === 0) {
    throw new DataError(
      'data.empty',
      `${printable(origin, { inline: true })} has a header but no data rows.`,
    );
  }
  const names = header.map((h, j) => h.trim() || `column_${j}`);
  const columns = names.map((name, j) =>
    inferColumn(
      name,
      body.map((r) => r[j]),
      options,
    ),
  );
  return new DataFrame(columns);
}
