/**
 * This module contains Dataset: feature columns plus an encoded target, with the task inferred (or chosen)
 * and a content fingerprint. Classification labels are encoded as class indices into `classes`.
 */
import { DataError } from '../core/errors.js';
import { printable, quote } from '../core/text.js';
import type { Task } from '../core/task.js';
import { DataFrame } from './data_frame.js';
import { booleanLabels, takeFrameRows, type Column, type Frame } from './frame.js';
import { fingerprintFrame, type ColumnSchema } from './schema.js';

export interface TargetInfo {
  name: string;
  task: Task;
  /** Class indices (classification) or values (regression). */
  values: Float64Array;
  /** Class labels, index i ↔ label classes[i] (classification only). */
  classes: string[] | null;
}

export interface DatasetOptions {
  /** Name of the target column. */
  target: string;
  /** Override the inferred task. */
  task?: Task;
  /** Drop rows whose target is missing instead of failing. */
  dropMissingTarget?: boolean;
  /** Optional display name. */
  name?: string;
}

/** Integer-valued targets with at most this many distinct values are classification targets. */
const MAX_CLASSES_FOR_INTEGER_TARGET = 20;

export class Dataset {
  readonly features: DataFrame;
  readonly target: TargetInfo;
  readonly name: string;
  readonly fingerprint: string;

  constructor(features: Frame, target: TargetInfo, name = 'dataset') {
    if (features.rows !== target.values.length) {
      throw new DataError('data.length_mismatch', 'features and target must have the same number of rows.');
    }
    this.features = DataFrame.fromFrame(features);
    this.target = target;
    this.name = name;
    this.fingerprint = fingerprintFrame(
      this.features,
      `${target.name}|${target.task}|${target.classes?.join('\u0000')}|${Buffer.from(target.values.buffer, target.values.byteOffset, target.values.byteLength).toString('base64')}`,
    );
  }

  get rows(): number {
    return this.features.rows;
  }

  get task(): Task {
    return this.target.task;
  }

  get nClasses(): number {
    return this.target.classes?.length ?? 0;
  }

  get featureNames(): string[] {
    return this.features.columnNames;
  }

  get schema(): ColumnSchema[] {
    return this.features.schema;
  }

  /** The rows at `indices` (same classes, so indices stay comparable across subsets). */
  subset(indices: ArrayLike<number>): Dataset {
    const values = new Float64Array(indices.length);
    for (let k = 0; k < indices.length; k++) values[k] = this.target.values[indices[k]];
    return new Dataset(takeFrameRows(this.features, indices), { ...this.target, values }, this.name);
  }

  /** Class labels for predicted class indices (classification), or the values themselves. */
  decode(predictions: ArrayLike<number>): (string | number)[] {
    const classes = this.target.classes;
    return Array.from(predictions, (p) => (classes ? classes[p] : p));
  }

  toString(): string {
    const what = this.task === 'classification' ? `${this.nClasses} classes` : 'regression';
    return `Dataset(${printable(this.name, { inline: true })}: ${this.rows} rows × ${this.features.columns.length} features, target ${quote(this.target.name)}, ${what})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Infers the task from a target column: text and booleans classify; few distinct integers classify. */
export function inferTask(column: Column): Task {
  if (column.kind !== 'numeric') return 'classification';
  const distinct = new Set<number>();
  for (const v of column.values) {
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) return 'regression';
    distinct.add(v);
    if (distinct.size > MAX_CLASSES_FOR_INTEGER_TARGET) return 'regression';
  }
  return 'classification';
}

/** Splits a frame into features and an encoded target. */
export function toDataset(frame: Frame, options: DatasetOptions): Dataset {
  if (!options || typeof options.target !== 'string') {
    throw new DataError('data.no_target', 'choose a target column: toDataset(frame, { target: "name" }).');
  }
  const df = DataFrame.fromFrame(frame);
  if (df.rows === 0) throw new DataError('data.empty', 'the table has no rows.');
  const targetColumn = df.column(options.target);
  const task = options.task ?? inferTask(targetColumn);

  const missingRows: number[] = [];
  for (let i = 0; i < df.rows; i++) {
    const v = targetColumn.values[i];
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) missingRows.push(i);
  }
  let features = df.drop([options.target]);
  let column = targetColumn;
  if (missingRows.length > 0) {
    if (!options.dropMissingTarget) {
      throw new DataError(
        'data.missing_target',
        `target ${quote(options.target)} is missing in ${missingRows.length} of ${df.rows} rows (the first at row index ${missingRows[0]}, counting from 0). ` +
          'Fill them in, or drop those rows: evolve(data, { target, dropMissingTarget: true }), toDataset(frame, { target, dropMissingTarget: true }), or --drop-missing-target on the command line.',
      );
    }
    const missing = new Set(missingRows);
    const keep = Array.from({ length: df.rows }, (_, i) => i).filter((i) => !missing.has(i));
    features = features.take(keep);
    column = takeFrameRows({ rows: df.rows, columns: [targetColumn] }, keep).columns[0];
  }
  if (features.columns.length === 0) {
    throw new DataError(
      'data.no_features',
      `the table has no columns besides the target ${quote(options.target)}.`,
    );
  }
  return new Dataset(features, encodeTarget(column, task), options.name ?? df.name);
}

function encodeTarget(column: Column, task: Task): TargetInfo {
  if (task === 'regression') {
    if (column.kind === 'categorical') {
      throw new DataError(
        'data.bad_target',
        `target ${quote(column.name)} is text, so it cannot be a regression target; use task: "classification".`,
      );
    }
    return { name: column.name, task, values: Float64Array.from(column.values), classes: null };
  }
  // a boolean column read from text keeps the file's own words (No / Yes), not false / true
  const words = column.kind === 'boolean' ? booleanLabels(column) : null;
  const labels: string[] = Array.from(column.values as ArrayLike<string | number>, (v) =>
    words ? words[v === 1 ? 1 : 0] : String(v),
  );
  const numericLabels = column.kind === 'numeric';
  const classes = [...new Set(labels)].sort((a, b) =>
    numericLabels ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0,
  );
  if (classes.length < 2) {
    throw new DataError(
      'data.single_class',
      `target ${quote(column.name)} has only one class (${quote(classes[0])}); classification needs at least two.`,
    );
  }
  // an identifier or a free-text column chosen as the target: most classes are seen once, and no model can learn them
  if (labels.length >= 20 && classes.length * 2 > labels.length) {
    throw new DataError(
      'data.too_many_classes',
      `target ${quote(column.name)} has ${classes.length} distinct values in ${labels.length} rows, so most classes are seen once and no model can learn them: is it an identifier? ` +
        `Choose another target column${numericLabels ? ', or pass task: "regression" to predict it as a number' : ''}.`,
    );
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  return { name: column.name, task, values: Float64Array.from(labels, (l) => index.get(l)!), classes };
}
