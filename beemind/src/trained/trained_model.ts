/**
 * This module contains TrainedModel: the champion of a run (one pipeline, a weighted ensemble of pipelines, or
 * a stack whose level-2 model combines them) refit on the search rows, predicting class labels or values for
 * new tables.
 */
import { DataError, ProtocolError } from '../core/errors.js';
import { createMatrix, type Matrix } from '../core/matrix.js';
import { listNames, printable, quote, quoteAll } from '../core/text.js';
import { ownData, StateReader } from '../core/untrusted.js';
import { DEFAULT_MISSING_TOKENS, inferColumn, isBooleanToken } from '../data/infer.js';
import { checkDateValues } from '../data/dates.js';
import { DateFeatures } from '../preprocessing/date_features.js';
import { featureImportanceChart } from '../charts/model_charts.js';
import type { Dataset } from '../data/dataset.js';
import {
  booleanLabels,
  checkIsTable,
  columnNames,
  createFrame,
  type Column,
  type ColumnKind,
  type Frame,
  type NumericColumn,
} from '../data/frame.js';
import { DISPLAY, importanceBundle, tableBundle, type MimeBundle } from '../display.js';
import { argmaxRows } from '../models/estimator.js';
import type { Task } from '../core/task.js';
import { Pipeline, type PipelineJSON } from '../pipeline/pipeline.js';
import type { FeatureImportance } from '../explain/importance.js';
import { stackColumnNames, stackPrediction } from '../pipeline/stack.js';
// explanations (explain/): attributions and partial dependence of a trained model
import {
  columnKinds,
  explainModel,
  outputNames,
  recordedKinds,
  type ExplainOptions,
} from '../explain/explain.js';
import type { Explanation } from '../explain/explanation.js';
import {
  partialDependence,
  type PartialDependence,
  type PartialDependenceOptions,
} from '../explain/partial_dependence.js';
import { toFrame, type RowsInput } from '../explain/rows.js';

/** The plain-JSON form of a TrainedModel: every member pipeline with its fitted state. */
export interface TrainedModelJSON {
  format: 'beemind.model';
  version: 1;
  task: Task;
  classes: string[] | null;
  featureNames: string[];
  members: { droneId: string; weight: number; pipeline: PipelineJSON }[];
  /** Binary classifiers only, when tuned: see TrainedModel.decisionThreshold. */
  decisionThreshold?: number;
  /** A stack only: the level-2 pipeline over the members' outputs (see TrainedModel.level2). */
  level2?: PipelineJSON;
}

export interface ModelMember {
  droneId: string;
  weight: number;
  pipeline: Pipeline;
}

/** Feature importances with their spread, displayable as a chart. */
export class ImportanceReport {
  constructor(
    readonly droneId: string,
    readonly metric: string,
    readonly features: readonly FeatureImportance[],
  ) {}

  /** Sorted, most important first. */
  sorted(): FeatureImportance[] {
    return [...this.features].sort((a, b) => b.importance - a.importance);
  }

  chart() {
    return featureImportanceChart(this.features, { title: `Permutation importance (${this.metric} drop)` });
  }

  [DISPLAY](): MimeBundle {
    return importanceBundle(this.sorted(), this.chart());
  }
}

/**
 * A member pipeline must fit the model around it: fitted, for the same task and classes, and taking exactly
 * the model's feature columns (its first step's input, or the model's own input when it has no steps).
 */
function checkMember(
  member: StateReader,
  what: string,
  pipeline: Pipeline,
  task: Task,
  classes: readonly string[] | null,
  featureNames: readonly string[],
): void {
  if (!pipeline.fitted) member.fail(`${what} is not fitted`);
  if (pipeline.task !== task) member.fail(`${what} does ${pipeline.task}, but the model does ${task}`);
  if (classes && pipeline.model.nClasses !== classes.length) {
    member.fail(
      `${what} predicts ${pipeline.model.nClasses} classes, but the model has ${classes.length} classes`,
    );
  }
  const first = pipeline.steps[0];
  const inputs = first ? (first as { inputNames?: () => string[] }).inputNames?.() : pipeline.featureNames();
  const wanted = new Set(featureNames);
  if (inputs && (inputs.length !== wanted.size || !inputs.every((name) => wanted.has(name)))) {
    member.fail(
      `${what} takes the columns ${quoteAll(inputs)}, but the model's feature columns are ${quoteAll(featureNames)}`,
    );
  }
}

/**
 * The columns a model was trained on (`featureNames`), taken from `frame` by name in training order; other
 * columns are ignored. Throws one DataError naming every missing column (`origin` names the data in it),
 * or when there are no rows.
 */
export function selectFeatures(frame: Frame, featureNames: readonly string[], origin = 'the data'): Frame {
  const byName = new Map(frame.columns.map((c) => [c.name, c]));
  const missing = featureNames.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw new DataError(
      'data.missing_columns',
      `${printable(origin, { inline: true })} lacks ${missing.length === 1 ? 'the column' : `${missing.length} columns`} ${quoteAll(missing)} that the model was trained on; ` +
        `it needs every feature column: ${listNames(featureNames)} (other columns are ignored). The columns are: ${listNames(columnNames(frame))}.`,
    );
  }
  if (frame.rows === 0)
    throw new DataError('data.empty', `${printable(origin, { inline: true })} has no rows to predict.`);
  return { rows: frame.rows, columns: featureNames.map((name) => byName.get(name)!) };
}

/**
 * `frame` with each column of the kind the model was trained on (`kinds`), so that a new file read a little
 * differently still predicts: codes that now read as numbers become text again, a yes/no column read as text
 * becomes true/false. A value that cannot be read as the trained kind is a DataError naming its column and row.
 */
export function conformKinds(frame: Frame, kinds: ReadonlyMap<string, ColumnKind>): Frame {
  if (frame.columns.every((c) => (kinds.get(c.name) ?? c.kind) === c.kind)) return frame;
  const columns = frame.columns.map((c): Column => {
    const kind = kinds.get(c.name) ?? c.kind;
    if (kind === c.kind) return c;
    if (kind === 'categorical') {
      // numbers (or true/false) where the model learned text: the text they were read from
      const words = c.kind === 'boolean' ? booleanLabels(c as NumericColumn) : null;
      const values = Array.from(c.values as Float64Array, (v) =>
        Number.isNaN(v) ? null : words ? words[v === 1 ? 1 : 0] : String(v),
      );
      return { name: c.name, kind, values };
    }
    if (c.kind !== 'categorical') return { ...c, kind } as NumericColumn; // numeric ↔ boolean: the same numbers
    // text where the model learned numbers or true/false: read as the CSV reader would have, every value checked
    const read = inferColumn(
      c.name,
      c.values.map((v) => v ?? ''),
      { kinds: { [c.name]: kind } },
    ) as NumericColumn;
    const missing = new Set(DEFAULT_MISSING_TOKENS);
    const bad = c.values.findIndex(
      (v, i) =>
        v !== null &&
        !missing.has(v.trim()) &&
        (kind === 'boolean' ? !isBooleanToken(v) : Number.isNaN(read.values[i])),
    );
    if (bad >= 0) {
      throw new DataError(
        'data.bad_value',
        `column ${printable(c.name, { inline: true })} held ${kind === 'numeric' ? 'numbers' : 'true/false values'} when the model was trained, but row index ${bad} (counting from 0) has ${quote(printable(c.values[bad]!.slice(0, 40), { inline: true }))}; correct that value, or leave it empty to make it missing.`,
      );
    }
    return read;
  });
  return createFrame(columns);
}

/** Rows of class probabilities a notebook shows before the count of the rest. */
const PROBA_ROWS_SHOWN = 20;

/**
 * `proba` displayable in a notebook as a table with a column per class (the first PROBA_ROWS_SHOWN rows); the
 * display is a hidden property, so the matrix is still a plain { data, rows, cols } to code and to JSON.
 */
function withClassTable(proba: Matrix, classes: readonly string[] | null): Matrix {
  const names = classes ?? Array.from({ length: proba.cols }, (_, j) => String(j));
  const shown = Math.min(proba.rows, PROBA_ROWS_SHOWN);
  const display = (): MimeBundle =>
    tableBundle(
      ['row', ...names.map((c) => `P(${c})`)],
      Array.from({ length: shown }, (_, i) => [
        String(i),
        ...proba.data.subarray(i * proba.cols, (i + 1) * proba.cols),
      ]),
      {
        alignRight: [true, ...names.map(() => true)],
        format: (v) => v.toFixed(4),
        ...(proba.rows > shown ? { footer: `… ${proba.rows - shown} more rows (${proba.rows} in all)` } : {}),
      },
    );
  return Object.defineProperty(proba, DISPLAY, { value: display, enumerable: false });
}

export class TrainedModel {
  constructor(
    readonly task: Task,
    /** The drone id, or `ensemble`. */
    readonly id: string,
    readonly members: readonly ModelMember[],
    readonly featureNames: readonly string[],
    readonly classes: readonly string[] | null,
    private readonly computeImportance: () => Promise<ImportanceReport>,
    /**
     * A stack's level-2 pipeline, which predicts from the members' outputs (automl/stacking.ts); the
     * members' weights are then only their shares of it, for display. Null: the weighted average.
     */
    readonly level2: Pipeline | null = null,
  ) {}

  /**
   * Binary classifiers: the probability of the second class from which that class is predicted, when evolve
   * tuned it on out-of-fold predictions for a metric that weighs the classes alike (balanced accuracy, macro
   * F1); null predicts the more probable class. Class probabilities are not affected.
   */
  decisionThreshold: number | null = null;

  get isEnsemble(): boolean {
    return this.members.length > 1;
  }

  /** The kinds of the feature columns when the model was trained, as its first step recorded them (read once). */
  private kinds: ReadonlyMap<string, ColumnKind> | null = null;
  private trainedKinds(): ReadonlyMap<string, ColumnKind> {
    this.kinds ??= recordedKinds(this);
    return this.kinds;
  }

  /**
   * The feature columns of `data` (a Frame, a Dataset or plain row objects), in training order (extra columns,
   * such as the target, are dropped), each of the kind the model was trained on.
   */
  private features(data: RowsInput): Frame {
    checkIsTable(data, 'the model', { rows: true });
    const kinds = this.trainedKinds();
    let frame: Frame;
    if (Array.isArray(data)) {
      // a column no row has is missing, as in a table; a key some rows lack is a missing value there
      const rows = data as readonly Record<string, unknown>[];
      // (given no rows, or a row that is not an object, toFrame says so)
      const objects = rows.length > 0 && rows.every((row) => typeof row === 'object' && row !== null);
      const given = objects
        ? this.featureNames.filter((name) => rows.some((row) => Object.hasOwn(row, name)))
        : this.featureNames;
      frame = toFrame(rows, given, () => columnKinds(this));
    } else frame = 'features' in data ? (data as Dataset).features : (data as Frame);
    const features = conformKinds(selectFeatures(frame, this.featureNames), kinds);
    checkDateValues(features, this.dateColumns());
    return features;
  }

  /** The input columns the model reads as dates (its first step's, when that is the date step; read once). */
  private dates: string[] | null = null;
  private dateColumns(): string[] {
    const first = this.members[0]?.pipeline.steps[0];
    this.dates ??= first instanceof DateFeatures ? first.dateColumns() : [];
    return this.dates;
  }

  /** Class probabilities (weighted average over members), rows × classes. */
  predictProba(data: RowsInput): Matrix {
    if (this.task !== 'classification') {
      throw new DataError(
        'model.no_proba',
        'predictProba is for classification; this model does regression.',
      );
    }
    const frame = this.features(data);
    if (this.level2)
      return withClassTable(stackPrediction(this.members, this.level2, frame) as Matrix, this.classes);
    let sum: Matrix | null = null;
    for (const m of this.members) {
      const p = m.pipeline.predictProba(frame);
      if (!sum) sum = createMatrix(p.rows, p.cols);
      for (let i = 0; i < p.data.length; i++) sum.data[i] += m.weight * p.data[i];
    }
    return withClassTable(sum!, this.classes);
  }

  /** Class indices (classification) or values (regression). */
  predictRaw(data: RowsInput): Float64Array {
    if (this.task === 'classification') {
      const p = this.predictProba(data);
      const threshold = this.decisionThreshold;
      if (threshold === null || p.cols !== 2) return argmaxRows(p);
      return Float64Array.from({ length: p.rows }, (_, i) => (p.data[i * 2 + 1] >= threshold ? 1 : 0));
    }
    const frame = this.features(data);
    if (this.level2) return stackPrediction(this.members, this.level2, frame) as Float64Array;
    const out = new Float64Array(frame.rows);
    for (const m of this.members) {
      const p = m.pipeline.predict(frame);
      for (let i = 0; i < p.length; i++) out[i] += m.weight * p[i];
    }
    return out;
  }

  /** Class labels (classification) or values (regression), one per row. */
  predict(data: RowsInput): (string | number)[] {
    const raw = this.predictRaw(data);
    const classes = this.classes;
    return Array.from(raw, (v) => (classes ? classes[v] : v));
  }

  // --- explanations (explain/) ---
  /**
   * Rows explanations compare against when `explain` is given no `background` (the training rows or a sample
   * of them); null until set.
   */
  background: Frame | null = null;

  /**
   * Per-row attributions of the raw output (log-odds, probability or value) to each input column, with the
   * base value: base + Σ attributions = the raw output. Exact TreeSHAP for tree models, exact for linear
   * models, seeded Shapley sampling (with its standard error) for the others. `data` and
   * `options.background`: a Frame, a Dataset or plain row objects.
   */
  async explain(data: RowsInput, options: ExplainOptions<RowsInput> = {}): Promise<Explanation> {
    const frame = this.features(data);
    const given = options.background ?? this.background;
    const background = given ? this.features(given) : frame;
    return explainModel(this, frame, background, options);
  }

  /**
   * Partial dependence of the prediction (class probabilities, or the value) on one or two features over
   * `data`, with ICE curves for one feature; displayable as a line or heat map.
   */
  async partialDependence(
    data: RowsInput,
    features: string | string[],
    options: PartialDependenceOptions = {},
  ): Promise<PartialDependence> {
    const frame = this.features(data);
    const predict = (f: Frame) =>
      this.task === 'classification' ? this.predictProba(f).data : this.predictRaw(f);
    const scale = this.task === 'classification' ? 'probability' : 'value';
    return partialDependence(
      predict,
      frame,
      typeof features === 'string' ? [features] : features,
      outputNames(this),
      scale,
      options,
    );
  }
  // --- end explanations ---

  /** Permutation importance on the run's held-out rows (computed once, then cached). */
  importance(): Promise<ImportanceReport> {
    return this.computeImportance();
  }

  toJSON(): TrainedModelJSON {
    return {
      format: 'beemind.model',
      version: 1,
      task: this.task,
      classes: this.classes ? [...this.classes] : null,
      featureNames: [...this.featureNames],
      members: this.members.map((m) => ({
        droneId: m.droneId,
        weight: m.weight,
        pipeline: m.pipeline.toJSON(),
      })),
      ...(this.decisionThreshold !== null ? { decisionThreshold: this.decisionThreshold } : {}),
      ...(this.level2 ? { level2: this.level2.toJSON() } : {}),
    };
  }

  /**
   * Rebuilds a model from its toJSON() output (e.g. loaded from the model registry); it predicts exactly as
   * the original. Its permutation importance needs data: use permutationImportance() on your own rows.
   *
   * The JSON is untrusted (a model file): it is checked completely, every pipeline step and model included,
   * and refused with a BeeMindError naming what is wrong, so a loaded model predicts or it does not load.
   */
  static fromJSON(json: TrainedModelJSON): TrainedModel {
    // own fields only, all the way down: nothing is read through a `__proto__` key
    const data = ownData(json) as TrainedModelJSON;
    if (
      data?.format !== 'beemind.model' ||
      data.version !== 1 ||
      !Array.isArray(data.members) ||
      data.members.length === 0
    ) {
      throw new ProtocolError(
        'model.bad_json',
        'not a serialised BeeMind model (expected format "beemind.model", version 1, with members).',
      );
    }
    const s = StateReader.of(data, 'the saved model', '');
    const task = s.oneOf('task', ['classification', 'regression'] as const);
    const classes = task === 'classification' ? (s.strings('classes', { unique: true }) as string[]) : null;
    if (classes && classes.length < 2) s.fail('classes must list at least two classes');
    if (!classes && !s.isNull('classes')) s.fail('classes must be null for a regression model');
    const featureNames = s.strings('featureNames', { unique: true }) as string[];
    if (featureNames.length === 0) s.fail('featureNames lists no feature');
    const members = s.list('members').map((m, i) => {
      const member = {
        droneId: m.string('droneId'),
        weight: m.number('weight', { min: 0 }),
        pipeline: Pipeline.fromJSON(data.members[i].pipeline),
      };
      checkMember(m, m.field('pipeline'), member.pipeline, task, classes, featureNames);
      return member;
    });
    if (!(members.reduce((sum, m) => sum + m.weight, 0) > 0)) s.fail("the members' weights add up to 0");
    let threshold: number | null = null;
    if (Object.hasOwn(data, 'decisionThreshold')) {
      if (classes?.length !== 2) s.fail('decisionThreshold is for binary classifiers only');
      threshold = s.number('decisionThreshold', { min: 0, max: 1 });
    }
    let level2: Pipeline | null = null;
    if (Object.hasOwn(data, 'level2')) {
      if (members.length < 2) s.fail('level2 combines several members, but the model has one');
      level2 = Pipeline.fromJSON(data.level2!);
      if (level2.steps.length > 0)
        s.fail("the level-2 pipeline has preprocessing steps; it takes the members' outputs as they are");
      const inputs = stackColumnNames(members.length, { task, nClasses: classes?.length ?? 1 });
      checkMember(s, s.field('level2'), level2, task, classes, inputs);
      if (level2.featureNames().join('\n') !== inputs.join('\n'))
        s.fail(`${s.field('level2')} takes its columns out of order; it needs ${quoteAll(inputs)}`);
    }
    const id = level2 ? 'stack' : members.length > 1 ? 'ensemble' : members[0].droneId;
    const model = new TrainedModel(
      task,
      id,
      members,
      featureNames,
      classes,
      () =>
        Promise.reject(
          new DataError(
            'model.no_importance_data',
            'this model was loaded without its run, so it has no held-out rows for importance; call permutationImportance() with your own data.',
          ),
        ),
      level2,
    );
    model.decisionThreshold = threshold;
    return model;
  }

  [DISPLAY](): MimeBundle {
    return tableBundle(
      ['drone', 'weight', 'pipeline'],
      this.members.map((m) => [
        m.droneId,
        m.weight,
        [...m.pipeline.steps.map((s) => s.kind), m.pipeline.model.family].join(' → '),
      ]),
      this.level2
        ? `Champion (${this.task}): a stack, whose ${this.level2.model.family} combines the members (weight: its share)`
        : `Champion (${this.task})`,
    );
  }
}
