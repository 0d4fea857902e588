/**
 * This module contains the input contract of a served model: the feature columns it was trained on (name,
 * kind, whether missing values are allowed), the JSON Schema of one input row generated from them (shown in
 * /openapi.json and GET /v1/models/{name}), and the conversion of request rows — JSON objects or CSV text —
 * into a Frame, checked against that contract with one problem per wrong field.
 */
import { parse } from 'csv-parse/sync';
import { printable } from '../core/text.js';
import { createFrame, type Column, type Frame } from '../data/frame.js';
import { DEFAULT_MISSING_TOKENS, inferColumn } from '../data/infer.js';
import type { ModelFile } from '../store/model_file.js';

/** One feature column a model takes. `any` when the model was saved without its run's data schema. */
export interface InputColumn {
  name: string;
  kind: 'numeric' | 'boolean' | 'categorical' | 'any';
  /** Whether null (a missing value) is accepted: when the training data had missing values in it. */
  nullable: boolean;
  /** Training range and frequent categories, documentation only. */
  min?: number;
  max?: number;
  examples?: string[];
}

/** One wrong field of a request, named by a JSON Pointer into the request (RFC 9457 style). */
export interface FieldProblem {
  pointer: string;
  field: string;
  row: number;
  detail: string;
}

/** At most this many field problems are listed in one response (the total is counted). */
export const MAX_LISTED_PROBLEMS = 50;

/** The feature columns of a registered model, in training order, from its run's data schema. */
export function inputColumns(file: ModelFile): InputColumn[] {
  const schema = new Map((file.source.dataset?.features ?? []).map((c) => [c.name, c]));
  return file.model.featureNames.map((name) => {
    const c = schema.get(name);
    if (!c) return { name, kind: 'any', nullable: true };
    return {
      name,
      kind: c.kind,
      nullable: c.missing > 0,
      ...(c.kind === 'numeric' && c.min !== undefined ? { min: c.min, max: c.max } : {}),
      ...(c.kind === 'categorical' && c.top ? { examples: c.top.slice(0, 5).map((t) => t.value) } : {}),
    };
  });
}

const JSON_TYPES: Record<InputColumn['kind'], string[]> = {
  numeric: ['number'],
  boolean: ['boolean'],
  categorical: ['string'],
  any: ['number', 'string', 'boolean'],
};

/** The JSON Schema of one input row: every feature required, typed, null only where missing values are allowed. */
export function rowJsonSchema(columns: readonly InputColumn[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const c of columns) {
    const type = c.nullable ? [...JSON_TYPES[c.kind], 'null'] : JSON_TYPES[c.kind];
    const notes = [
      c.kind === 'boolean' ? 'true/false (0 and 1 are accepted too)' : null,
      c.nullable ? 'null for a missing value' : 'missing values not allowed (none in the training data)',
      c.min !== undefined ? `training range ${c.min} to ${c.max}` : null,
    ].filter(Boolean);
    properties[c.name] = {
      type: type.length === 1 ? type[0] : type,
      description: notes.join('; '),
      ...(c.examples ? { examples: c.examples } : {}),
    };
  }
  return {
    type: 'object',
    properties,
    required: columns.map((c) => c.name),
    additionalProperties: true,
    description: 'one input row: every feature column the model was trained on (other fields are ignored)',
  };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object'
    ? 'an object'
    : `${typeof value} ${printable(JSON.stringify(value), { inline: true }).slice(0, 40)}`;
}

/** Collects problems, listing at most MAX_LISTED_PROBLEMS. */
export class ProblemList {
  readonly listed: FieldProblem[] = [];
  total = 0;
  add(problem: FieldProblem): void {
    this.total++;
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push(problem);
  }
}

/** JSON Pointer escaping (RFC 6901) of one field name. */
const pointerToken = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The rows of a JSON request as a Frame of the model's feature columns (other fields ignored), or the list of
 * problems: a feature absent from a row, null where missing values are not allowed, or a value of the wrong type.
 */
export function frameFromJsonRows(
  rows: readonly unknown[],
  columns: readonly InputColumn[],
): { frame: Frame; problems: null } | { frame: null; problems: ProblemList } {
  const problems = new ProblemList();
  const built: Column[] = columns.map((c) => {
    const problem = (row: number, detail: string) =>
      problems.add({ pointer: `/rows/${row}/${pointerToken(c.name)}`, field: c.name, row, detail });
    const value = (row: number): unknown => {
      const record = rows[row] as Record<string, unknown>;
      // own properties only: a field named "constructor" or "__proto__" is data, never a prototype member
      if (!Object.hasOwn(record, c.name)) {
        problem(row, `is required${c.nullable ? ' (send null for a missing value)' : ''}`);
        return undefined;
      }
      const v = record[c.name];
      if (v === null && !c.nullable)
        problem(row, 'must not be null: the model was trained without missing values here');
      return v;
    };
    const kind = c.kind === 'any' ? anyKind(rows, c.name) : c.kind;
    if (kind === 'categorical') {
      const values = rows.map((_, i) => {
        const v = value(i);
        if (v === null || v === undefined) return null;
        if (typeof v === 'string') return v;
        if (c.kind === 'any' && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
        problem(i, `must be a string${c.nullable ? ' or null' : ''}, not ${typeName(v)}`);
        return null;
      });
      return { name: c.name, kind: 'categorical', values };
    }
    const values = new Float64Array(rows.length);
    rows.forEach((_, i) => {
      const v = value(i);
      if (v === null || v === undefined) values[i] = NaN;
      else if (typeof v === 'number' && kind === 'numeric') values[i] = v;
      else if (kind === 'boolean' && (typeof v === 'boolean' || v === 0 || v === 1)) values[i] = Number(v);
      else {
        problem(
          i,
          `must be ${kind === 'boolean' ? 'true or false' : 'a number'}${c.nullable ? ' or null' : ''}, not ${typeName(v)}`,
        );
        values[i] = NaN;
      }
    });
    return { name: c.name, kind, values };
  });
  if (problems.total > 0) return { frame: null, problems };
  return { frame: createFrame(built), problems: null };
}

/** The kind of a column the model has no schema for: numeric when every value is a number or null. */
function anyKind(rows: readonly unknown[], name: string): 'numeric' | 'categorical' {
  return rows.every((r) => {
    const v = Object.hasOwn(r as object, name) ? (r as Record<string, unknown>)[name] : null;
    return v === null || typeof v === 'number';
  })
    ? 'numeric'
    : 'categorical';
}

const MISSING = new Set(DEFAULT_MISSING_TOKENS);
const BOOLEAN_TOKENS = new Set(['true', 'false', 'yes', 'no', '1', '0']);

/**
 * The rows of a CSV request (header row first) as a Frame of the model's feature columns, or the problems:
 * a feature column absent from the header, a missing value where none is allowed, text where a number or a
 * boolean belongs. Missing values are spelled as in readCSV: empty, NA, N/A, NaN, null, ?.
 */
export function frameFromCsv(
  text: string,
  columns: readonly InputColumn[],
  maxRows: number,
): { frame: Frame; problems: null } | { frame: null; problems: ProblemList; message?: string } {
  const problems = new ProblemList();
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (error) {
    return {
      frame: null,
      problems,
      message: `the body is not valid CSV: ${printable((error as Error).message, { inline: true })}`,
    };
  }
  const [header, ...body] = records;
  if (!header || body.length === 0)
    return { frame: null, problems, message: 'the CSV body needs a header row and at least one data row' };
  if (body.length > maxRows)
    return {
      frame: null,
      problems,
      message: `the CSV body has ${body.length} rows; at most ${maxRows} are accepted per request`,
    };
  const position = new Map<string, number>();
  header.forEach((name, j) => position.has(name) || position.set(name, j));
  const built: Column[] = [];
  for (const c of columns) {
    const j = position.get(c.name);
    if (j === undefined) {
      problems.add({
        pointer: `/header/${pointerToken(c.name)}`,
        field: c.name,
        row: -1,
        detail: 'is a feature column the CSV header lacks',
      });
      continue;
    }
    const raw = body.map((r) => r[j]);
    const kind = c.kind === 'any' ? undefined : c.kind;
    const column = inferColumn(c.name, raw, kind ? { kinds: { [c.name]: kind } } : {});
    raw.forEach((token, i) => {
      const t = token.trim();
      const problem = (detail: string) =>
        problems.add({ pointer: `/rows/${i}/${pointerToken(c.name)}`, field: c.name, row: i, detail });
      if (MISSING.has(t)) {
        if (!c.nullable) problem('must not be missing: the model was trained without missing values here');
      } else if (column.kind === 'numeric' && Number.isNaN(column.values[i])) {
        problem(`must be a number, not ${JSON.stringify(printable(t, { inline: true }).slice(0, 40))}`);
      } else if (column.kind === 'boolean' && !BOOLEAN_TOKENS.has(t.toLowerCase())) {
        problem(
          `must be true or false (yes/no, 1/0), not ${JSON.stringify(printable(t, { inline: true }).slice(0, 40))}`,
        );
      }
    });
    built.push(column);
  }
  if (problems.total > 0) return { frame: null, problems };
  return { frame: createFrame(built), problems: null };
}
