/**
 * This module contains the predict-only runtime of an exported model: `createPredictor(state)` turns the
 * portable state (see state.ts) into `predict` / `predictProba` on plain row objects, repeating the library's
 * arithmetic operation for operation (input rows → frame, every preprocessing step, every model family, the
 * weighted ensemble average, a stack's level-2 model), so in the same JavaScript engine an exported module predicts bit for bit as the
 * library does. (Engines may round Math.exp, log, log1p, tanh and ** differently in the last bit, so in another
 * engine the families that call them agree to about 1e-14 relative; the others stay bit for bit.)
 *
 * exportModule embeds `createPredictor.toString()` verbatim in the generated module, so this file imports
 * nothing and the function uses only what every JavaScript engine has. Its style is constrained so that the
 * compiled text is also valid strict TypeScript once module.ts adds `: any` to the parameters:
 * - every helper is a `function` declaration nested in createPredictor, with plain identifier parameters;
 * - no arrow functions, classes, `this`, try/catch, or variables declared without a value.
 * The generated modules are tested in Node, in headless Chromium and through the TypeScript compiler.
 */

/** A typed array packed as base64 of its bytes in platform order (core/serialize's PackedArray). */
export interface PortablePacked {
  dtype: 'f64' | 'i32' | 'u8' | 'u16' | 'f32';
  base64: string;
}

export interface PortableColumn {
  name: string;
  kind: 'numeric' | 'boolean' | 'categorical';
}

/** One preprocessing step: its kind, the columns it takes (by name) and what its transform needs. */
export type PortableStep = { kind: string; input: PortableColumn[] } & Record<string, unknown>;

/** One model: its family and what its prediction needs. */
export type PortableModel = {
  family: string;
  nFeatures: number;
  nClasses: number;
  acceptsMissing: boolean;
} & Record<string, unknown>;

export interface PortableState {
  format: 'beemind.portable-model';
  version: 1;
  task: 'classification' | 'regression';
  classes: string[] | null;
  inputColumns: PortableColumn[];
  members: { weight: number; steps: PortableStep[]; model: PortableModel }[];
  /** Binary classifiers: the second class's probability from which it is predicted (TrainedModel.decisionThreshold). */
  decisionThreshold: number | null;
  /** A stack: the level-2 model that predicts from the members' outputs (TrainedModel.level2); else absent. */
  level2?: { model: PortableModel };
}

/** What createPredictor returns: the library's predictions on plain row objects. */
export interface PortablePredictor {
  /** Class labels (classification) or values (regression), one per row. */
  predict(rows: readonly unknown[]): (string | number)[];
  /** Class probabilities, one array per row, in the order of `classes` (classification only). */
  predictProba(rows: readonly unknown[]): number[][];
}

// ---- the state as the runtime holds it: packed arrays unpacked (types only; nothing here is embedded)

interface StepBase {
  kind: string;
  input: PortableColumn[];
}
interface ImputerStep extends StepBase {
  addIndicator: boolean;
  numericFill: Float64Array;
  categoricalFill: (string | null)[];
  indicated: number[];
  /** The iterative strategy's regressions (preprocessing/iterative_fill.ts); null for the other strategies. */
  iterative: {
    predictors: { column: number; category: string | null }[];
    targets: number[];
    coef: Float64Array;
    /** The last fitted round is applied this many more times. */
    repeats: number;
    low: Float64Array;
    high: Float64Array;
  } | null;
}
interface OneHotStep extends StepBase {
  handleUnknown: 'ignore' | 'error';
  layout: ({ categories: string[]; rare: string[]; missing: boolean } | null)[];
}
interface DatesStep extends StepBase {
  /** Per input column: null (passes through) or a date column and whether it has times. */
  dates: ({ hasTime: boolean } | null)[];
  /** `elapsed`: only the elapsed days of each date column; `all`: every part. */
  parts: 'all' | 'elapsed';
}
interface TextStep extends StepBase {
  buckets: number;
  ngrams: 1 | 2;
  /** Per input column: the idf of each bucket for a text column, null for pass-through columns. */
  idf: (number[] | null)[];
}
interface OrdinalStep extends StepBase {
  handleUnknown: 'ignore' | 'error';
  categories: (string[] | null)[];
  /** Per column in target order: each category's code; null: its index. */
  codes: (number[] | null)[];
  /** Per column: the code of a category not seen at fit. */
  unseenCodes: number[];
}
interface TargetEncoderStep extends StepBase {
  frequency: boolean;
  prior: number[];
  encodings: ({ categories: string[]; means: number[]; frequency: number[] } | null)[];
}
interface PairwiseStep extends StepBase {
  sources: number[];
}
interface BinningStep extends StepBase {
  encode: 'ordinal' | 'onehot';
  cuts: Float64Array[];
}
interface AffineStep extends StepBase {
  center: Float64Array;
  scale: Float64Array;
  offset: Float64Array;
  /** min_max_scaler with clip: the feature range; otherwise null. */
  clip: [number, number] | null;
}
interface SelectStep extends StepBase {
  kept: number[];
}

interface ModelBase {
  family: string;
  nFeatures: number;
  nClasses: number;
  acceptsMissing: boolean;
}
interface TreesModel extends ModelBase {
  trees: {
    nOutputs: number;
    feature: Int32Array;
    threshold: Float64Array;
    left: Int32Array;
    right: Int32Array;
    missingLeft: Uint8Array;
    value: Float64Array;
  }[];
}
interface BoostingModel extends ModelBase {
  nOutputs: number;
  baseline: Float64Array;
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  missingGoLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  /** Categorical splits (absent when there are none): per node the start of its codes (−1: threshold), … */
  categoryStart?: Int32Array;
  /** … how many codes it sends left, and every categorical node's ascending codes. */
  categoryCount?: Int32Array;
  categoryCodes?: Float64Array;
}
interface LinearModel extends ModelBase {
  coef: Float64Array;
  intercept: Float64Array;
  outputs: number;
}
interface KnnModel extends ModelBase {
  X: Float64Array;
  y: Float64Array;
  rows: number;
  nNeighbors: number;
  weights: 'uniform' | 'distance';
  p: number;
}
interface NaiveBayesModel extends ModelBase {
  theta: Float64Array;
  variance: Float64Array;
  logPrior: Float64Array;
}
interface SvmMachine {
  support: Int32Array;
  coef: Float64Array;
  rho: number;
}
interface SvmModel extends ModelBase {
  means: Float64Array;
  scales: Float64Array;
  gamma: number;
  supportVectors: Float64Array;
  classes?: number[];
  pairs?: (SvmMachine & { positive: number; negative: number; plattA: number; plattB: number })[];
  machine?: SvmMachine;
  targetMean?: number;
  targetScale?: number;
}
interface MlpModel extends ModelBase {
  layerSizes: number[];
  activation: 'identity' | 'logistic' | 'tanh' | 'relu';
  output: 'sigmoid' | 'softmax' | 'identity';
  weights: Float32Array;
}
interface Member {
  weight: number;
  steps: StepBase[];
  model: ModelBase;
}

export function createPredictor(state: PortableState): PortablePredictor {
  const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

  function fail(message: string): never {
    throw new Error('BeeMind model: ' + message);
  }

  function hasOwn(object: object, key: string): boolean {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  function quote(text: string): string {
    const shown = text.length > 60 ? text.slice(0, 57) + '...' : text;
    return JSON.stringify(shown);
  }

  /** The bytes of a base64 text (padding optional). */
  function decodeBase64(text: string): Uint8Array {
    const codes = new Int16Array(128).fill(-1);
    for (let k = 0; k < BASE64.length; k++) codes[BASE64.charCodeAt(k)] = k;
    let end = text.length;
    while (end > 0 && text.charAt(end - 1) === '=') end--;
    const out = new Uint8Array(Math.floor((end * 3) / 4));
    let bits = 0;
    let count = 0;
    let at = 0;
    for (let k = 0; k < end; k++) {
      const c = text.charCodeAt(k);
      const v = c < 128 ? codes[c] : -1;
      if (v < 0) fail('the embedded state is corrupt (bad base64); export the model again.');
      bits = (bits << 6) | v;
      count += 6;
      if (count >= 8) {
        count -= 8;
        out[at++] = (bits >> count) & 255;
      }
    }
    return out;
  }

  /** A packed array as the typed array of its dtype (the bytes are in the platform's order, as packed). */
  function unpack(
    packed: PortablePacked,
  ): Float64Array | Int32Array | Uint8Array | Uint16Array | Float32Array {
    const bytes = decodeBase64(packed.base64);
    const buffer = bytes.buffer;
    if (packed.dtype === 'f64') return new Float64Array(buffer, 0, bytes.length / 8);
    if (packed.dtype === 'f32') return new Float32Array(buffer, 0, bytes.length / 4);
    if (packed.dtype === 'i32') return new Int32Array(buffer, 0, bytes.length / 4);
    if (packed.dtype === 'u16') return new Uint16Array(buffer, 0, bytes.length / 2);
    return bytes;
  }

  /** Replaces every packed array in `value` (recursively) by its typed array. */
  function unpackAll(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      const list = new Array(value.length);
      for (let k = 0; k < value.length; k++) list[k] = unpackAll(value[k]);
      return list;
    }
    const object = value as Record<string, unknown>;
    if (typeof object.base64 === 'string' && typeof object.dtype === 'string') {
      return unpack(object as unknown as PortablePacked);
    }
    // no prototype: keys come from the embedded state, and `__proto__` must stay an ordinary key
    const out: Record<string, unknown> = Object.create(null);
    const keys = Object.keys(object);
    for (let k = 0; k < keys.length; k++) out[keys[k]] = unpackAll(object[keys[k]]);
    return out;
  }

  // ---------------------------------------------------------------- rows → frame (as DataFrame/fromTable)

  interface Column {
    name: string;
    kind: string;
    values: Float64Array | (string | null)[];
  }

  interface Frame {
    rows: number;
    columns: Column[];
  }

  function numberOf(value: unknown, name: string, i: number): number {
    if (typeof value === 'number') return value;
    // '' is missing, as in a CSV file
    if (value === null || value === undefined || value === '') return NaN;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'string') {
      return fail(
        'column ' +
          quote(name) +
          ' holds numbers, but row ' +
          i +
          ' has the text ' +
          quote(value) +
          '; pass a number (convert text with Number()), or null for a missing value.',
      );
    }
    return fail(
      'column ' +
        quote(name) +
        ' holds numbers, but row ' +
        i +
        ' has a ' +
        typeof value +
        '; pass a number or null.',
    );
  }

  function categoryOf(value: unknown, name: string, i: number): string | null {
    if (
      value === null ||
      value === undefined ||
      value === '' ||
      (typeof value === 'number' && value !== value)
    ) {
      return null;
    }
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return fail(
      'column ' +
        quote(name) +
        ' holds categories, but row ' +
        i +
        ' has a ' +
        typeof value +
        '; pass a string or null.',
    );
  }

  /** Plain row objects as a frame of the model's input columns; a column absent from every row is an error. */
  function readRows(rows: unknown): Frame {
    if (!Array.isArray(rows)) fail('predict takes an array of row objects, e.g. predict([{ ... }]).');
    const list = rows as unknown[];
    const n = list.length;
    if (n === 0) fail('there are no rows to predict.');
    for (let i = 0; i < n; i++) {
      const row = list[i];
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        fail('row ' + i + ' is not an object; pass one object per row, keyed by column name.');
      }
    }
    const specs = state.inputColumns;
    const columns: Column[] = [];
    const absent: string[] = [];
    for (let j = 0; j < specs.length; j++) {
      const name = specs[j].name;
      let seen = false;
      const categorical = specs[j].kind === 'categorical';
      const strings: (string | null)[] = categorical ? new Array(n) : [];
      const numbers = new Float64Array(categorical ? 0 : n);
      for (let i = 0; i < n; i++) {
        const row = list[i] as Record<string, unknown>;
        const present = hasOwn(row, name);
        if (present) seen = true;
        const value = present ? row[name] : undefined;
        if (categorical) strings[i] = categoryOf(value, name, i);
        else numbers[i] = numberOf(value, name, i);
      }
      if (!seen) absent.push(quote(name));
      columns.push({ name: name, kind: specs[j].kind, values: categorical ? strings : numbers });
    }
    if (absent.length > 0) {
      const all: string[] = [];
      for (let j = 0; j < specs.length; j++) all.push(quote(specs[j].name));
      fail(
        'no row has ' +
          (absent.length === 1 ? 'the column ' : 'the columns ') +
          absent.join(', ') +
          ' that the model was trained on; every row needs the columns ' +
          all.join(', ') +
          ' (a missing value is null or undefined; other keys are ignored).',
      );
    }
    return { rows: n, columns: columns };
  }

  // ---------------------------------------------------------------- preprocessing steps (preprocessing/*)

  /** The columns a step was fitted on, taken from `frame` by name (checks.ts alignColumns). */
  function alignColumns(step: StepBase, frame: Frame): Column[] {
    const byName = new Map();
    for (let j = 0; j < frame.columns.length; j++) byName.set(frame.columns[j].name, frame.columns[j]);
    const out: Column[] = [];
    for (let j = 0; j < step.input.length; j++) {
      const column = byName.get(step.input[j].name);
      if (column === undefined)
        fail(step.kind + ' lacks its input column ' + quote(step.input[j].name) + '.');
      out.push(column);
    }
    return out;
  }

  /** ±Infinity is refused by the numeric steps and the imputer, as in the library. */
  function requireFinite(columns: Column[], who: string): void {
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      if (c.kind === 'categorical') continue;
      const v = c.values as Float64Array;
      for (let i = 0; i < v.length; i++) {
        if (v[i] === Infinity || v[i] === -Infinity) {
          fail(
            who +
              ' found an infinite value (' +
              v[i] +
              ') in column ' +
              quote(c.name) +
              ' at row ' +
              i +
              '; replace infinite values (clip them or set them to null) before predicting.',
          );
        }
      }
    }
  }

  function hasMissing(c: Column): boolean {
    const v = c.values;
    if (c.kind === 'categorical') return (v as (string | null)[]).indexOf(null) >= 0;
    for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) return true;
    return false;
  }

  /** The iterative strategy: the fitted regressions replayed in order on the cells missing in `columns`. */
  function iterativeFill(step: ImputerStep, columns: Column[], filled: Column[]): void {
    const fit = step.iterative!;
    const m = fit.predictors.length;
    const width = m + 1;
    const targets = fit.targets.length;
    const rounds = targets === 0 ? 0 : fit.coef.length / (targets * width);
    // the rows each target lacks, found once for all rounds
    const gaps: number[][] = [];
    for (let k = 0; k < targets; k++) {
      const src = columns[fit.targets[k]].values as Float64Array;
      const rows: number[] = [];
      for (let i = 0; i < src.length; i++) if (src[i] !== src[i]) rows.push(i);
      gaps.push(rows);
    }
    for (let round = 0; round < rounds + fit.repeats; round++) {
      const r = round < rounds ? round : rounds - 1;
      for (let k = 0; k < targets; k++) {
        const values = filled[fit.targets[k]].values as Float64Array;
        const offset = (r * targets + k) * width;
        for (let g = 0; g < gaps[k].length; g++) {
          const i = gaps[k][g];
          let v = fit.coef[offset + m];
          for (let q = 0; q < m; q++) {
            const w = fit.coef[offset + q];
            if (w === 0) continue;
            const p = fit.predictors[q];
            const x = filled[p.column].values[i];
            v += w * (p.category === null ? (x as number) : x === p.category ? 1 : 0);
          }
          values[i] = Math.min(fit.high[k], Math.max(fit.low[k], v));
        }
      }
    }
  }

  function imputerTransform(step: ImputerStep, columns: Column[], rows: number): Column[] {
    requireFinite(columns, 'simple_imputer');
    const out: Column[] = [];
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      if (!hasMissing(c)) {
        out.push(c);
        continue;
      }
      if (c.kind === 'categorical') {
        const fill = step.categoricalFill[j];
        const src = c.values as (string | null)[];
        const filled: (string | null)[] = new Array(rows);
        for (let i = 0; i < rows; i++) filled[i] = src[i] === null ? fill : src[i];
        out.push({ name: c.name, kind: c.kind, values: filled });
        continue;
      }
      const fill = step.numericFill[j];
      const src = c.values as Float64Array;
      const values = new Float64Array(rows);
      for (let i = 0; i < rows; i++) values[i] = src[i] === src[i] ? src[i] : fill;
      out.push({ name: c.name, kind: c.kind, values: values });
    }
    if (step.iterative) iterativeFill(step, columns, out);
    if (step.addIndicator) {
      for (let k = 0; k < step.indicated.length; k++) {
        const c = columns[step.indicated[k]];
        const flags = new Float64Array(rows);
        const src = c.values;
        if (c.kind === 'categorical') for (let i = 0; i < rows; i++) flags[i] = src[i] === null ? 1 : 0;
        else for (let i = 0; i < rows; i++) flags[i] = src[i] !== src[i] ? 1 : 0;
        out.push({ name: c.name + '__missing', kind: 'boolean', values: flags });
      }
    }
    return out;
  }

  function oneHotTransform(step: OneHotStep, columns: Column[], rows: number): Column[] {
    const out: Column[] = [];
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      const enc = step.layout[j];
      if (c.kind !== 'categorical' || !enc) {
        out.push(c);
        continue;
      }
      const names: string[] = enc.categories.slice();
      if (enc.rare.length) names.push('__rare__');
      if (enc.missing) names.push('__missing__');
      const slot = new Map();
      for (let k = 0; k < enc.categories.length; k++) slot.set(enc.categories[k], k);
      for (let k = 0; k < enc.rare.length; k++) slot.set(enc.rare[k], enc.categories.length);
      const missingSlot = enc.missing ? names.length - 1 : -1;
      const outputs: Float64Array[] = [];
      for (let k = 0; k < names.length; k++) outputs.push(new Float64Array(rows));
      const src = c.values as (string | null)[];
      for (let i = 0; i < rows; i++) {
        const v = src[i];
        const found = v === null ? undefined : slot.get(v);
        const k = v === null ? missingSlot : found === undefined ? -1 : found;
        if (k >= 0) outputs[k][i] = 1;
        else if (v !== null && step.handleUnknown === 'error') {
          fail(
            'one_hot_encoder: column ' +
              quote(c.name) +
              ' has category ' +
              quote(v) +
              ' (row ' +
              i +
              ') that was not in the training data.',
          );
        }
      }
      for (let k = 0; k < names.length; k++)
        out.push({ name: c.name + '=' + names[k], kind: 'boolean', values: outputs[k] });
    }
    return out;
  }

  function ordinalTransform(step: OrdinalStep, columns: Column[], rows: number): Column[] {
    const out: Column[] = [];
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      const cats = step.categories[j];
      if (c.kind !== 'categorical' || !cats) {
        out.push(c);
        continue;
      }
      const codes = step.codes[j];
      const code = new Map();
      for (let k = 0; k < cats.length; k++) code.set(cats[k], codes ? codes[k] : k);
      const values = new Float64Array(rows);
      const src = c.values as (string | null)[];
      for (let i = 0; i < rows; i++) {
        const v = src[i];
        if (v === null) values[i] = NaN;
        else {
          const k = code.get(v);
          if (k === undefined && step.handleUnknown === 'error') {
            fail(
              'ordinal_encoder: column ' +
                quote(c.name) +
                ' has category ' +
                quote(v) +
                ' (row ' +
                i +
                ') that was not in the training data.',
            );
          }
          values[i] = k === undefined ? step.unseenCodes[j] : k;
        }
      }
      out.push({ name: c.name, kind: 'numeric', values: values });
    }
    return out;
  }

  function targetEncoderTransform(step: TargetEncoderStep, columns: Column[], rows: number): Column[] {
    const out: Column[] = [];
    const outputs = step.prior.length;
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      const enc = step.encodings[j];
      if (c.kind !== 'categorical' || !enc) {
        out.push(c);
        continue;
      }
      const index = new Map();
      for (let k = 0; k < enc.categories.length; k++) index.set(enc.categories[k], k);
      const encoded: Float64Array[] = [];
      for (let t = 0; t < outputs; t++) encoded.push(new Float64Array(rows));
      const share = new Float64Array(rows);
      const src = c.values as (string | null)[];
      for (let i = 0; i < rows; i++) {
        const v = src[i];
        const k = v === null ? -2 : index.has(v) ? index.get(v) : -1;
        for (let t = 0; t < outputs; t++) {
          encoded[t][i] = k === -2 ? NaN : k === -1 ? step.prior[t] : enc.means[k * outputs + t];
        }
        share[i] = k === -2 ? NaN : k === -1 ? 0 : enc.frequency[k];
      }
      if (outputs === 1) out.push({ name: c.name + '=target', kind: 'numeric', values: encoded[0] });
      else
        for (let t = 0; t < outputs; t++)
          out.push({ name: c.name + '=target_' + t, kind: 'numeric', values: encoded[t] });
      if (step.frequency) out.push({ name: c.name + '=frequency', kind: 'numeric', values: share });
    }
    return out;
  }

  function log1pTransform(columns: Column[], rows: number): Column[] {
    const out: Column[] = [];
    for (let j = 0; j < columns.length; j++) {
      const src = columns[j].values as Float64Array;
      const values = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        const x = src[i];
        values[i] = x < 0 ? -Math.log1p(-x) : Math.log1p(x);
      }
      out.push({ name: columns[j].name, kind: 'numeric', values: values });
    }
    return out;
  }

  function pairwiseTransform(step: PairwiseStep, columns: Column[], rows: number): Column[] {
    const out: Column[] = columns.slice();
    const src = step.sources;
    for (let p = 0; p < src.length; p++) {
      const a = columns[src[p]];
      const va = a.values as Float64Array;
      for (let q = p + 1; q < src.length; q++) {
        const b = columns[src[q]];
        const vb = b.values as Float64Array;
        const values = new Float64Array(rows);
        for (let i = 0; i < rows; i++) values[i] = va[i] * vb[i];
        out.push({ name: a.name + '*' + b.name, kind: 'numeric', values: values });
      }
    }
    return out;
  }

  /** Number of cut points <= v (preprocessing/stats.ts binOf). */
  function binOf(cuts: Float64Array, v: number): number {
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cuts[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function binningTransform(step: BinningStep, columns: Column[], rows: number): Column[] {
    const out: Column[] = [];
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      const src = c.values as Float64Array;
      const cuts = step.cuts[j];
      if (step.encode === 'ordinal') {
        const values = new Float64Array(rows);
        for (let i = 0; i < rows; i++) values[i] = src[i] === src[i] ? binOf(cuts, src[i]) : NaN;
        out.push({ name: c.name, kind: 'numeric', values: values });
        continue;
      }
      const outputs: Float64Array[] = [];
      for (let b = 0; b <= cuts.length; b++) outputs.push(new Float64Array(rows));
      for (let i = 0; i < rows; i++) if (src[i] === src[i]) outputs[binOf(cuts, src[i])][i] = 1;
      for (let b = 0; b < outputs.length; b++)
        out.push({ name: c.name + '=bin' + b, kind: 'boolean', values: outputs[b] });
    }
    return out;
  }

  function affineTransform(step: AffineStep, columns: Column[], rows: number): Column[] {
    const out: Column[] = [];
    for (let j = 0; j < columns.length; j++) {
      const src = columns[j].values as Float64Array;
      const values = new Float64Array(rows);
      const m = step.center[j];
      const s = step.scale[j];
      const o = step.offset[j];
      for (let i = 0; i < rows; i++) values[i] = (src[i] - m) / s + o;
      if (step.clip) {
        const lo = step.clip[0];
        const hi = step.clip[1];
        for (let i = 0; i < rows; i++) {
          const v = values[i];
          if (v < lo) values[i] = lo;
          else if (v > hi) values[i] = hi;
        }
      }
      out.push({ name: columns[j].name, kind: 'numeric', values: values });
    }
    return out;
  }

  function selectTransform(step: SelectStep, columns: Column[]): Column[] {
    const out: Column[] = [];
    for (let k = 0; k < step.kept.length; k++) out.push(columns[step.kept[k]]);
    return out;
  }

  // date_features (preprocessing/date_features.ts with data/dates.ts): the same integer calendar arithmetic
  const DATE_TIME =
    /^(\d{4})([-/])(\d{2})\2(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;
  const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  function daysFromCivil(year: number, month: number, day: number): number {
    const y = month <= 2 ? year - 1 : year;
    const era = Math.floor(y / 400);
    const yearOfEra = y - era * 400;
    const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
    const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
  }

  /** [year, month, day, weekday, dayofyear, elapsed_days, hour] of a date text, or null when it is not one. */
  function dateParts(text: string): number[] | null {
    const m = DATE_TIME.exec(text.trim());
    if (!m) return null;
    const year = Number(m[1]);
    const month = Number(m[3]);
    const day = Number(m[4]);
    if (month < 1 || month > 12) return null;
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const monthDays = month === 2 && leap ? 29 : MONTH_DAYS[month - 1];
    if (day < 1 || day > monthDays) return null;
    const hasTime = m[5] !== undefined;
    const hours = hasTime ? Number(m[5]) : 0;
    const minutes = hasTime ? Number(m[6]) : 0;
    const seconds = m[7] !== undefined ? Number(m[7] + (m[8] ? '.' + m[8] : '')) : 0;
    if (hours > 23 || minutes > 59 || seconds >= 61) return null;
    const days = daysFromCivil(year, month, day);
    const hour = hours + minutes / 60 + seconds / 3600;
    return [
      year,
      month,
      day,
      (((days + 3) % 7) + 7) % 7,
      days - daysFromCivil(year, 1, 1) + 1,
      days + hour / 24,
      hour,
    ];
  }

  function datesTransform(step: DatesStep, columns: Column[], rows: number): Column[] {
    const names = ['year', 'month', 'day', 'weekday', 'dayofyear', 'elapsed_days', 'hour'];
    const out: Column[] = [];
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      const date = step.dates[j];
      if (!date || c.kind !== 'categorical') {
        out.push(c);
        continue;
      }
      // indices into dateParts' list: the elapsed days alone, or every part (the hour, last, only with times)
      const picked =
        step.parts === 'elapsed'
          ? [names.indexOf('elapsed_days')]
          : names.slice(0, date.hasTime ? names.length : names.length - 1).map((_, k) => k);
      const outputs: Float64Array[] = [];
      for (let k = 0; k < picked.length; k++) outputs.push(new Float64Array(rows));
      const src = c.values as (string | null)[];
      for (let i = 0; i < rows; i++) {
        const v = src[i];
        const parts = v === null ? null : dateParts(v);
        // as the library refuses it: a value that is not a date would otherwise be a missing date
        if (v !== null && !parts) {
          fail(
            'column ' +
              quote(c.name) +
              ' held dates when the model was trained, but row ' +
              i +
              ' has ' +
              quote(v.slice(0, 40)) +
              ', which is not one; write dates as YYYY-MM-DD (ISO 8601), or pass null for a missing value.',
          );
        }
        for (let k = 0; k < picked.length; k++) outputs[k][i] = parts ? parts[picked[k]] : NaN;
      }
      for (let k = 0; k < picked.length; k++)
        out.push({ name: c.name + '.' + names[picked[k]], kind: 'numeric', values: outputs[k] });
    }
    return out;
  }

  // text_tfidf (preprocessing/text_tfidf.ts with data/text.ts): the same words, hash and weights
  const WORD = /[\p{L}\p{N}]+/gu;

  function fnv1a(text: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
  }

  function hashedTerms(text: string, buckets: number, ngrams: number): number[] {
    const w = text.toLowerCase().match(WORD) || [];
    const out: number[] = [];
    for (let i = 0; i < w.length; i++) {
      out.push(fnv1a(w[i]) % buckets);
      if (ngrams === 2 && i + 1 < w.length) out.push(fnv1a(w[i] + ' ' + w[i + 1]) % buckets);
    }
    return out;
  }

  function textTransform(step: TextStep, columns: Column[], rows: number): Column[] {
    const buckets = step.buckets;
    const out: Column[] = [];
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      const idf = step.idf[j];
      if (!idf || c.kind !== 'categorical') {
        out.push(c);
        continue;
      }
      const outputs: Float64Array[] = [];
      for (let b = 0; b < buckets; b++) outputs.push(new Float64Array(rows));
      const weights = new Float64Array(buckets);
      const src = c.values as (string | null)[];
      for (let i = 0; i < rows; i++) {
        const v = src[i];
        if (v === null) continue;
        weights.fill(0);
        const terms = hashedTerms(v, buckets, step.ngrams);
        for (let t = 0; t < terms.length; t++) weights[terms[t]] += 1;
        let norm = 0;
        for (let b = 0; b < buckets; b++) {
          weights[b] *= idf[b];
          norm += weights[b] * weights[b];
        }
        norm = Math.sqrt(norm);
        if (norm > 0) for (let b = 0; b < buckets; b++) outputs[b][i] = weights[b] / norm;
      }
      for (let b = 0; b < buckets; b++)
        out.push({ name: c.name + '=tfidf_' + b, kind: 'numeric', values: outputs[b] });
    }
    return out;
  }

  function applyStep(step: StepBase, frame: Frame): Frame {
    const columns = alignColumns(step, frame);
    const rows = frame.rows;
    const kind = step.kind;
    let out: Column[] = columns;
    if (kind === 'simple_imputer') out = imputerTransform(step as ImputerStep, columns, rows);
    else if (kind === 'one_hot_encoder') out = oneHotTransform(step as OneHotStep, columns, rows);
    else if (kind === 'ordinal_encoder') out = ordinalTransform(step as OrdinalStep, columns, rows);
    else if (kind === 'target_encoder')
      out = targetEncoderTransform(step as TargetEncoderStep, columns, rows);
    else if (kind === 'date_features') out = datesTransform(step as DatesStep, columns, rows);
    else if (kind === 'text_tfidf') out = textTransform(step as TextStep, columns, rows);
    // drop_text keeps the columns that were not text at fit; they may still be categorical
    else if (kind === 'drop_text') out = selectTransform(step as SelectStep, columns);
    else {
      // every other step computes with numbers (BaseTransformer.numericOnly)
      requireFinite(columns, kind);
      if (kind === 'log1p') out = log1pTransform(columns, rows);
      else if (kind === 'pairwise_products') out = pairwiseTransform(step as PairwiseStep, columns, rows);
      else if (kind === 'quantile_binning') out = binningTransform(step as BinningStep, columns, rows);
      else if (kind === 'standard_scaler' || kind === 'robust_scaler' || kind === 'min_max_scaler') {
        out = affineTransform(step as AffineStep, columns, rows);
      } else if (kind === 'variance_threshold' || kind === 'mutual_info_select' || kind === 'model_select') {
        out = selectTransform(step as SelectStep, columns);
      } else fail('unknown preprocessing step ' + quote(String(kind)) + '.');
    }
    return { rows: rows, columns: out };
  }

  // ---------------------------------------------------------------- models (models/**)

  /** The row-major matrix the model sees (frameToMatrix), checked as the estimator checks it. */
  function toMatrix(model: ModelBase, frame: Frame): Float64Array {
    const cols = frame.columns.length;
    if (cols !== model.nFeatures) {
      fail(model.family + ' was fitted on ' + model.nFeatures + ' features but got ' + cols + '.');
    }
    const X = new Float64Array(frame.rows * cols);
    for (let j = 0; j < cols; j++) {
      const c = frame.columns[j];
      if (c.kind === 'categorical')
        fail('column ' + quote(c.name) + ' is categorical but ' + model.family + ' needs numbers.');
      const v = c.values as Float64Array;
      for (let i = 0; i < frame.rows; i++) X[i * cols + j] = v[i];
    }
    for (let k = 0; k < X.length; k++) {
      const v = X[k];
      if (v - v !== 0) {
        if (v !== v && model.acceptsMissing) continue;
        const i = Math.floor(k / cols);
        const what = v !== v ? 'a missing value' : 'an infinite value (' + v + ')';
        fail(
          model.family +
            ' found ' +
            what +
            ' at row ' +
            i +
            ', feature ' +
            quote(frame.columns[k % cols].name) +
            (v !== v
              ? '; this model was trained without missing values in that column.'
              : '; clip or remove infinite values.'),
        );
      }
    }
    return X;
  }

  /** Tree ensembles (models/tree): the mean of the trees' leaf values, rows × outputs. */
  function treesMean(model: TreesModel, X: Float64Array, n: number): Float64Array {
    const trees = model.trees;
    const K = trees[0].nOutputs;
    const p = model.nFeatures;
    const out = new Float64Array(n * K);
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t];
      const feature = tree.feature;
      const threshold = tree.threshold;
      const left = tree.left;
      const right = tree.right;
      const missingLeft = tree.missingLeft;
      const value = tree.value;
      for (let i = 0; i < n; i++) {
        const base = i * p;
        let node = 0;
        let f = feature[0];
        while (f >= 0) {
          const v = X[base + f];
          node = v <= threshold[node] || (v !== v && missingLeft[node] === 1) ? left[node] : right[node];
          f = feature[node];
        }
        const leaf = left[node] * K;
        const o = i * K;
        for (let c = 0; c < K; c++) out[o + c] += value[leaf + c];
      }
    }
    if (trees.length > 1) {
      const scale = 1 / trees.length;
      for (let i = 0; i < out.length; i++) out[i] *= scale;
    }
    return out;
  }

  /** Histogram gradient boosting (models/hist_gradient_boosting/predictor.ts): raw scores, rows × outputs. */
  function boostingRaw(model: BoostingModel, X: Float64Array, n: number): Float64Array {
    const K = model.nOutputs;
    const p = model.nFeatures;
    const roots = model.roots;
    const feature = model.feature;
    const threshold = model.threshold;
    const missingGoLeft = model.missingGoLeft;
    const left = model.left;
    const right = model.right;
    const value = model.value;
    const baseline = model.baseline;
    const categoryStart = model.categoryStart || null;
    const categoryCount = model.categoryCount || null;
    const categoryCodes = model.categoryCodes || null;
    const nTrees = roots.length;
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      const rowBase = i * p;
      const outBase = i * K;
      for (let k = 0; k < K; k++) out[outBase + k] = baseline[k];
      for (let t = 0; t < nTrees; t++) {
        let node = roots[t];
        while (left[node] >= 0) {
          const x = X[rowBase + feature[node]];
          // as models/category_split.ts: NaN follows the missing direction, a categorical node lists its codes
          const goLeft =
            x !== x
              ? missingGoLeft[node] === 1
              : categoryStart !== null && categoryStart[node] >= 0
                ? listsCode(categoryCodes, categoryStart[node], categoryCount![node], x)
                : x <= threshold[node];
          node = goLeft ? left[node] : right[node];
        }
        out[outBase + (t % K)] += value[node];
      }
    }
    return out;
  }

  /** Whether x is among codes[start … start + count) (ascending), by binary search. */
  function listsCode(codes: Float64Array | null, start: number, count: number, x: number): boolean {
    let lo = start;
    let hi = start + count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = codes![mid];
      if (c === x) return true;
      if (c < x) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Boosting scores to class probabilities (hist_gradient_boosting/loss.ts probabilities). */
  function boostingProbabilities(raw: Float64Array, rows: number, nClasses: number): Float64Array {
    const out = new Float64Array(rows * nClasses);
    if (nClasses === 2) {
      for (let i = 0; i < rows; i++) {
        const p1 = 1 / (1 + Math.exp(-raw[i]));
        out[2 * i] = 1 - p1;
        out[2 * i + 1] = p1;
      }
      return out;
    }
    for (let i = 0; i < rows; i++) {
      const base = i * nClasses;
      let max = -Infinity;
      for (let k = 0; k < nClasses; k++) if (raw[base + k] > max) max = raw[base + k];
      let sum = 0;
      for (let k = 0; k < nClasses; k++) {
        const e = Math.exp(raw[base + k] - max);
        out[base + k] = e;
        sum += e;
      }
      for (let k = 0; k < nClasses; k++) out[base + k] /= sum;
    }
    return out;
  }

  /** intercept[k] + Σ_j X[i, j]·coef[k, j] in the library's summation order (linear/design.ts linearScores). */
  function linearScores(
    X: Float64Array,
    n: number,
    p: number,
    coef: Float64Array,
    intercept: Float64Array,
    outputs: number,
  ): Float64Array {
    const out = new Float64Array(n * outputs);
    for (let i = 0; i < n; i++) {
      const base = i * p;
      const o = i * outputs;
      let k = 0;
      for (; k + 3 < outputs; k += 4) {
        const c0 = k * p;
        const c1 = c0 + p;
        const c2 = c1 + p;
        const c3 = c2 + p;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < p; j++) {
          const x = X[base + j];
          s0 += x * coef[c0 + j];
          s1 += x * coef[c1 + j];
          s2 += x * coef[c2 + j];
          s3 += x * coef[c3 + j];
        }
        out[o + k] = s0 + 1 * intercept[k];
        out[o + k + 1] = s1 + 1 * intercept[k + 1];
        out[o + k + 2] = s2 + 1 * intercept[k + 2];
        out[o + k + 3] = s3 + 1 * intercept[k + 3];
      }
      for (; k < outputs; k++) {
        const c = k * p;
        let s0 = 0;
        let s1 = 0;
        let j = 0;
        for (; j + 1 < p; j += 2) {
          s0 += X[base + j] * coef[c + j];
          s1 += X[base + j + 1] * coef[c + j + 1];
        }
        if (j < p) s0 += X[base + j] * coef[c + j];
        out[o + k] = s0 + s1 + 1 * intercept[k];
      }
    }
    return out;
  }

  /** Logistic regression probabilities (linear/logistic_regression.ts). */
  function logisticProbabilities(model: LinearModel, X: Float64Array, n: number): Float64Array {
    const K = model.nClasses;
    const z = linearScores(X, n, model.nFeatures, model.coef, model.intercept, model.outputs);
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      if (model.outputs === 1) {
        const p1 = 1 / (1 + Math.exp(-z[i]));
        out[i * 2] = 1 - p1;
        out[i * 2 + 1] = p1;
        continue;
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, z[i * K + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(z[i * K + k] - max);
        out[i * K + k] = e;
        sum += e;
      }
      for (let k = 0; k < K; k++) out[i * K + k] /= sum;
    }
    return out;
  }

  /** k nearest training rows of query q: indices, nearest first, ties to the lower index (neighbors/brute_force.ts). */
  function nearest(
    model: KnnModel,
    X: Float64Array,
    q: number,
    k: number,
    sums: Float64Array,
  ): { indices: Int32Array; distances: Float64Array } {
    const train = model.X;
    const rows = model.rows;
    const cols = model.nFeatures;
    const power = model.p;
    const qb = q * cols;
    for (let t = 0; t < rows; t++) {
      const tb = t * cols;
      let s = 0;
      if (power === 2) {
        for (let j = 0; j < cols; j++) {
          const d = X[qb + j] - train[tb + j];
          s += d * d;
        }
      } else if (power === 1) {
        for (let j = 0; j < cols; j++) s += Math.abs(X[qb + j] - train[tb + j]);
      } else {
        for (let j = 0; j < cols; j++) s += Math.abs(X[qb + j] - train[tb + j]) ** power;
      }
      sums[t] = s;
    }
    // insertion into a sorted list of the k best (distance, index) pairs
    const indices = new Int32Array(k);
    const distances = new Float64Array(k);
    let size = 0;
    for (let t = 0; t < rows; t++) {
      const s = sums[t];
      if (size === k && !(s < distances[k - 1])) continue;
      let at = size < k ? size++ : k - 1;
      while (at > 0 && distances[at - 1] > s) {
        distances[at] = distances[at - 1];
        indices[at] = indices[at - 1];
        at--;
      }
      distances[at] = s;
      indices[at] = t;
    }
    for (let a = 0; a < k; a++) {
      const s = distances[a];
      distances[a] = power === 2 ? Math.sqrt(s) : power === 1 ? s : s ** (1 / power);
    }
    return { indices: indices, distances: distances };
  }

  /** Vote weights of the neighbours (neighbors/knn.ts NeighborMemory.lookup). */
  function neighbourWeights(model: KnnModel, distances: Float64Array, k: number): Float64Array {
    const weights = new Float64Array(k).fill(1);
    if (model.weights === 'distance') {
      const exact = distances[0] === 0;
      for (let a = 0; a < k; a++) weights[a] = exact ? (distances[a] === 0 ? 1 : 0) : 1 / distances[a];
    }
    return weights;
  }

  function knnOutput(model: KnnModel, X: Float64Array, n: number): Float64Array {
    const k = Math.min(model.nNeighbors, model.rows);
    const K = model.nClasses;
    const sums = new Float64Array(model.rows);
    const out = new Float64Array(K > 0 ? n * K : n);
    for (let q = 0; q < n; q++) {
      const found = nearest(model, X, q, k, sums);
      const weights = neighbourWeights(model, found.distances, k);
      let total = 0;
      if (K > 0) {
        for (let a = 0; a < k; a++) {
          out[q * K + model.y[found.indices[a]]] += weights[a];
          total += weights[a];
        }
        for (let c = 0; c < K; c++) out[q * K + c] /= total;
      } else {
        let s = 0;
        for (let a = 0; a < k; a++) {
          s += weights[a] * model.y[found.indices[a]];
          total += weights[a];
        }
        out[q] = s / total;
      }
    }
    return out;
  }

  /** Gaussian naive Bayes posteriors (naive_bayes/gaussian_nb.ts). */
  function naiveBayesProbabilities(model: NaiveBayesModel, X: Float64Array, n: number): Float64Array {
    const p = model.nFeatures;
    const K = model.nClasses;
    const constant = new Float64Array(K);
    const invVar = new Float64Array(K * p);
    for (let c = 0; c < K; c++) {
      let s = 0;
      for (let j = 0; j < p; j++) {
        s += Math.log(2 * Math.PI * model.variance[c * p + j]);
        invVar[c * p + j] = 1 / model.variance[c * p + j];
      }
      constant[c] = model.logPrior[c] - 0.5 * s;
    }
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < K; c++) {
        let s = 0;
        for (let j = 0; j < p; j++) {
          const d = X[i * p + j] - model.theta[c * p + j];
          s += d * d * invVar[c * p + j];
        }
        out[i * K + c] = constant[c] - 0.5 * s;
      }
    }
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < K; c++) max = Math.max(max, out[i * K + c]);
      let sum = 0;
      for (let c = 0; c < K; c++) sum += Math.exp(out[i * K + c] - max);
      const logSum = max + Math.log(sum);
      for (let c = 0; c < K; c++) out[i * K + c] = Math.exp(out[i * K + c] - logSum);
    }
    return out;
  }

  /** The kernel between every row and every support vector (svm/svm.ts kernelRows): rows × support vectors. */
  function svmKernel(model: SvmModel, X: Float64Array, n: number): Float64Array {
    const p = model.nFeatures;
    const Z = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) Z[i * p + j] = (X[i * p + j] - model.means[j]) / model.scales[j];
    }
    const nSupport = model.supportVectors.length / p;
    const K = new Float64Array(n * nSupport);
    for (let i = 0; i < n; i++) {
      for (let s = 0; s < nSupport; s++) {
        let d2 = 0;
        for (let j = 0; j < p; j++) {
          const d = Z[i * p + j] - model.supportVectors[s * p + j];
          d2 += d * d;
        }
        K[i * nSupport + s] = Math.exp(-model.gamma * d2);
      }
    }
    return K;
  }

  function svmValue(machine: SvmMachine, K: Float64Array, at: number): number {
    let s = -machine.rho;
    for (let t = 0; t < machine.support.length; t++) s += machine.coef[t] * K[at + machine.support[t]];
    return s;
  }

  function svmSigmoid(a: number, b: number, f: number): number {
    const z = a * f + b;
    return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
  }

  /** Pairwise probabilities coupled into one distribution (svm/probability.ts coupledProbabilities). */
  function svmCoupled(r: Float64Array, k: number): Float64Array {
    const size = k + 1;
    const A = new Float64Array(size * size);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        if (i === j) continue;
        A[i * size + i] += r[j * k + i] * r[j * k + i];
        A[i * size + j] = -r[j * k + i] * r[i * k + j];
      }
      A[i * size + k] = 1;
      A[k * size + i] = 1;
    }
    const b = new Float64Array(size);
    b[k] = 1;
    for (let c = 0; c < size; c++) {
      let pivot = c;
      for (let q = c + 1; q < size; q++)
        if (Math.abs(A[q * size + c]) > Math.abs(A[pivot * size + c])) pivot = q;
      if (pivot !== c) {
        for (let j = 0; j < size; j++) {
          const swap = A[c * size + j];
          A[c * size + j] = A[pivot * size + j];
          A[pivot * size + j] = swap;
        }
        const swapB = b[c];
        b[c] = b[pivot];
        b[pivot] = swapB;
      }
      const d = A[c * size + c];
      if (d === 0) continue;
      for (let q = c + 1; q < size; q++) {
        const m = A[q * size + c] / d;
        if (m === 0) continue;
        for (let j = c; j < size; j++) A[q * size + j] -= m * A[c * size + j];
        b[q] -= m * b[c];
      }
    }
    const x = new Float64Array(size);
    for (let q = size - 1; q >= 0; q--) {
      let s = b[q];
      for (let j = q + 1; j < size; j++) s -= A[q * size + j] * x[j];
      const d = A[q * size + q];
      x[q] = d === 0 ? 0 : s / d;
    }
    const p = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < k; i++) {
      p[i] = Math.max(0, x[i]);
      total += p[i];
    }
    for (let i = 0; i < k; i++) p[i] = total > 0 ? p[i] / total : 1 / k;
    return p;
  }

  /** The support vector machine (svm/svm.ts): class probabilities, or values. */
  function svmOutput(model: SvmModel, X: Float64Array, n: number): Float64Array {
    const K = model.nClasses;
    if (K === 0) {
      const kernel = svmKernel(model, X, n);
      const nSupport = model.supportVectors.length / model.nFeatures;
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        values[i] =
          (model.targetMean as number) +
          (model.targetScale as number) * svmValue(model.machine as SvmMachine, kernel, i * nSupport);
      }
      return values;
    }
    const classes = model.classes as number[];
    const pairs = model.pairs as NonNullable<SvmModel['pairs']>;
    const seen = classes.length;
    const out = new Float64Array(n * K);
    const kernel = svmKernel(model, X, n);
    const nSupport = model.supportVectors.length / model.nFeatures;
    const pairwise = new Float64Array(seen * seen);
    for (let i = 0; i < n; i++) {
      const at = i * nSupport;
      if (seen === 2) {
        const first = svmSigmoid(pairs[0].plattA, pairs[0].plattB, svmValue(pairs[0], kernel, at));
        out[i * K + pairs[0].positive] = first;
        out[i * K + pairs[0].negative] = 1 - first;
        continue;
      }
      let m = 0;
      for (let a = 0; a < seen; a++) {
        for (let c = a + 1; c < seen; c++) {
          const pair = pairs[m++];
          const r = Math.min(
            Math.max(svmSigmoid(pair.plattA, pair.plattB, svmValue(pair, kernel, at)), 1e-7),
            1 - 1e-7,
          );
          pairwise[a * seen + c] = r;
          pairwise[c * seen + a] = 1 - r;
        }
      }
      const probabilities = svmCoupled(pairwise, seen);
      for (let a = 0; a < seen; a++) out[i * K + classes[a]] = probabilities[a];
    }
    return out;
  }

  /** The MLP's forward pass (neural/network.ts forward): outputs after the output activation. */
  function networkForward(model: MlpModel, X: Float64Array, n: number): Float64Array {
    const sizes = model.layerSizes;
    const weights = model.weights;
    let h = X;
    let offset = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const inputs = sizes[l];
      const outputs = sizes[l + 1];
      const biases = offset + inputs * outputs;
      const next = new Float64Array(n * outputs);
      for (let i = 0; i < n; i++) {
        const o = i * outputs;
        for (let k = 0; k < outputs; k++) next[o + k] = weights[biases + k];
        const hb = i * inputs;
        for (let j = 0; j < inputs; j++) {
          const v = h[hb + j];
          if (v === 0) continue;
          const wb = offset + j * outputs;
          for (let k = 0; k < outputs; k++) next[o + k] += v * weights[wb + k];
        }
      }
      if (l + 2 < sizes.length) {
        const activation = model.activation;
        if (activation === 'relu')
          for (let i = 0; i < next.length; i++) {
            if (next[i] < 0) next[i] = 0;
          }
        else if (activation === 'tanh') for (let i = 0; i < next.length; i++) next[i] = Math.tanh(next[i]);
        else if (activation === 'logistic')
          for (let i = 0; i < next.length; i++) next[i] = 1 / (1 + Math.exp(-next[i]));
      }
      h = next;
      offset = biases + outputs;
    }
    const k = sizes[sizes.length - 1];
    if (model.output === 'sigmoid') {
      for (let i = 0; i < h.length; i++) h[i] = 1 / (1 + Math.exp(-h[i]));
    } else if (model.output === 'softmax') {
      for (let i = 0; i < n; i++) {
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, h[i * k + c]);
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const e = Math.exp(h[i * k + c] - max);
          h[i * k + c] = e;
          sum += e;
        }
        for (let c = 0; c < k; c++) h[i * k + c] /= sum;
      }
    }
    return h;
  }

  function mlpOutput(model: MlpModel, X: Float64Array, n: number): Float64Array {
    const out = networkForward(model, X, n);
    if (model.output !== 'sigmoid') return out;
    const proba = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      proba[2 * i] = 1 - out[i];
      proba[2 * i + 1] = out[i];
    }
    return proba;
  }

  /** Probabilities (rows × classes) of a classifier, or values of a regressor. */
  function modelOutput(model: ModelBase, X: Float64Array, n: number): Float64Array {
    const family = model.family;
    if (family === 'decision_tree' || family === 'random_forest' || family === 'extra_trees')
      return treesMean(model as TreesModel, X, n);
    if (family === 'hist_gradient_boosting') {
      const raw = boostingRaw(model as BoostingModel, X, n);
      return model.nClasses > 0 ? boostingProbabilities(raw, n, model.nClasses) : raw;
    }
    if (family === 'logistic_regression') return logisticProbabilities(model as LinearModel, X, n);
    if (family === 'linear_regression' || family === 'ridge' || family === 'lasso') {
      return linearScores(
        X,
        n,
        model.nFeatures,
        (model as LinearModel).coef,
        (model as LinearModel).intercept,
        1,
      );
    }
    if (family === 'knn') return knnOutput(model as KnnModel, X, n);
    if (family === 'gaussian_nb') return naiveBayesProbabilities(model as NaiveBayesModel, X, n);
    if (family === 'mlp') return mlpOutput(model as MlpModel, X, n);
    if (family === 'svm') return svmOutput(model as SvmModel, X, n);
    return fail('unknown model family ' + quote(String(family)) + '.');
  }

  // ---------------------------------------------------------------- the model (automl/trained_model.ts)

  const members = unpackAll(state.members) as Member[];
  const classes = state.classes;

  function memberOutput(member: Member, frame: Frame): Float64Array {
    let current = frame;
    for (let s = 0; s < member.steps.length; s++) current = applyStep(member.steps[s], current);
    return modelOutput(member.model, toMatrix(member.model, current), frame.rows);
  }

  const level2 = state.level2 ? (unpackAll(state.level2) as { model: ModelBase }) : null;

  /**
   * A stack's level-2 inputs, rows × inputs, from its members' outputs (automl/stacking.ts stackInputs): the
   * second class's log-odds for two classes, each class's log-probability for more, the value for regression.
   */
  function stackInputs(outputs: Float64Array[], n: number): Float64Array {
    const K = classes === null ? 1 : classes.length;
    const perMember = K > 2 ? K : 1;
    const q = outputs.length * perMember;
    const X = new Float64Array(n * q);
    for (let m = 0; m < outputs.length; m++) {
      const out = outputs[m];
      for (let i = 0; i < n; i++) {
        if (classes === null) X[i * q + m] = out[i];
        else if (K === 2) {
          const p = Math.min(1 - 1e-6, Math.max(1e-6, out[i * 2 + 1]));
          X[i * q + m] = Math.log(p / (1 - p));
        } else {
          for (let k = 0; k < K; k++)
            X[i * q + m * K + k] = Math.log(Math.min(1 - 1e-6, Math.max(1e-6, out[i * K + k])));
        }
      }
    }
    return X;
  }

  /** The weighted sum over members of their outputs (probabilities or values), in member order; for a stack,
   *  its level-2 model's output on them. */
  function combined(rows: unknown): { rows: number; values: Float64Array } {
    const frame = readRows(rows);
    if (level2 !== null) {
      const outputs: Float64Array[] = [];
      for (let m = 0; m < members.length; m++) outputs.push(memberOutput(members[m], frame));
      return {
        rows: frame.rows,
        values: modelOutput(level2.model, stackInputs(outputs, frame.rows), frame.rows),
      };
    }
    let sum = new Float64Array(0);
    for (let m = 0; m < members.length; m++) {
      const p = memberOutput(members[m], frame);
      if (m === 0) sum = new Float64Array(p.length);
      const weight = members[m].weight;
      for (let i = 0; i < p.length; i++) sum[i] += weight * p[i];
    }
    return { rows: frame.rows, values: sum };
  }

  function predictProba(rows: readonly unknown[]): number[][] {
    if (classes === null)
      fail('predictProba is for classification; this model does regression (use predict).');
    const K = (classes as string[]).length;
    const result = combined(rows);
    const out: number[][] = [];
    for (let i = 0; i < result.rows; i++)
      out.push(Array.prototype.slice.call(result.values.subarray(i * K, (i + 1) * K)));
    return out;
  }

  function predict(rows: readonly unknown[]): (string | number)[] {
    const result = combined(rows);
    const out: (string | number)[] = [];
    if (classes === null) {
      for (let i = 0; i < result.rows; i++) out.push(result.values[i]);
      return out;
    }
    const K = classes.length;
    const threshold = state.decisionThreshold;
    if (typeof threshold === 'number' && K === 2) {
      for (let i = 0; i < result.rows; i++) out.push(classes[result.values[i * 2 + 1] >= threshold ? 1 : 0]);
      return out;
    }
    for (let i = 0; i < result.rows; i++) {
      // the first largest probability (models/estimator.ts argmaxRows)
      let best = 0;
      let bestValue = -Infinity;
      for (let c = 0; c < K; c++) {
        const v = result.values[i * K + c];
        if (v > bestValue) {
          bestValue = v;
          best = c;
        }
      }
      out.push(classes[best]);
    }
    return out;
  }

  return { predict: predict, predictProba: predictProba };
}
