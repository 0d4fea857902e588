/**
 * This module contains drift monitoring: per model version, the last rows it predicted (a sliding window of
 * inputs and predictions) compared with reference data — the training table given with `--reference
 * NAME=CSV` — by the population stability index (PSI) per feature and of the predictions, with the share of
 * missing values and of categories the reference never had. A PSI at or above the alert threshold marks a
 * feature (or the predictions) as drifted.
 */
import { isNumericColumn, type Column, type Frame } from '../data/frame.js';
import { binOf, quantileCuts } from '../preprocessing/stats.js';

/** Bins of a numeric feature: reference deciles. */
const NUMERIC_BINS = 10;
/** Floor of a bin's share in the PSI, so an empty bin counts as rare instead of infinitely different. */
const MIN_SHARE = 1e-4;

/** How one feature's values fall into bins: numeric (quantile cuts) or categorical (reference categories). */
interface Binning {
  kind: 'numeric' | 'categorical';
  cuts: Float64Array;
  categories: Map<string, number>;
  /** Number of bins: value bins, then one for unseen categories (categorical), then one for missing values. */
  size: number;
}

type Value = number | string | null;

function numericBinning(values: ArrayLike<number>): Binning {
  const cuts = quantileCuts(Float64Array.from(values), NUMERIC_BINS);
  return { kind: 'numeric', cuts, categories: new Map(), size: cuts.length + 2 };
}

function categoricalBinning(values: readonly Value[]): Binning {
  const categories = new Map<string, number>();
  for (const v of values)
    if (v !== null && !categories.has(String(v))) categories.set(String(v), categories.size);
  return { kind: 'categorical', cuts: new Float64Array(0), categories, size: categories.size + 2 };
}

/** The bin of one value; the last bin is missing, the one before it unseen categories. */
function binIndex(binning: Binning, value: Value): number {
  if (value === null || (typeof value === 'number' && Number.isNaN(value))) return binning.size - 1;
  if (binning.kind === 'numeric') return binOf(binning.cuts, Number(value));
  return binning.categories.get(String(value)) ?? binning.size - 2;
}

function shares(binning: Binning, values: readonly Value[]): Float64Array {
  const counts = new Float64Array(binning.size);
  for (const v of values) counts[binIndex(binning, v)]++;
  for (let b = 0; b < counts.length; b++) counts[b] /= Math.max(values.length, 1);
  return counts;
}

/** Population stability index of `actual` against `expected` shares: Σ (a − e) · ln(a / e). */
export function psi(expected: Float64Array, actual: Float64Array): number {
  let sum = 0;
  for (let b = 0; b < expected.length; b++) {
    const e = Math.max(expected[b], MIN_SHARE);
    const a = Math.max(actual[b], MIN_SHARE);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

const columnValues = (c: Column): Value[] => (isNumericColumn(c) ? Array.from(c.values) : [...c.values]);

/** A feature's reference: its binning and the reference's share per bin. */
interface FeatureReference {
  name: string;
  binning: Binning;
  expected: Float64Array;
}

/** Reference data of one model: its feature columns and how each falls into bins. */
export class Reference {
  readonly features: FeatureReference[];
  /** Reference predictions' binning and shares, per version (computed on first use). */
  private readonly predictionRefs = new Map<number, FeatureReference>();

  constructor(
    readonly source: string,
    readonly frame: Frame,
  ) {
    this.features = frame.columns.map((c) => {
      const values = columnValues(c);
      const binning = isNumericColumn(c) ? numericBinning(c.values) : categoricalBinning(values);
      return { name: c.name, binning, expected: shares(binning, values) };
    });
  }

  /** The binning and shares of a version's predictions on the reference rows. */
  predictions(version: number, predict: (frame: Frame) => Value[]): FeatureReference {
    let found = this.predictionRefs.get(version);
    if (!found) {
      const values = predict(this.frame);
      const binning = values.every((v) => typeof v === 'number')
        ? numericBinning(values as number[])
        : categoricalBinning(values);
      found = { name: 'prediction', binning, expected: shares(binning, values) };
      this.predictionRefs.set(version, found);
    }
    return found;
  }
}

/** The last `capacity` values of one column (a ring buffer). */
class Window {
  private readonly values: Value[];
  private next = 0;
  count = 0;
  constructor(private readonly capacity: number) {
    this.values = new Array<Value>(capacity);
  }
  push(value: Value): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }
  snapshot(): Value[] {
    return this.count < this.capacity ? this.values.slice(0, this.count) : this.values;
  }
}

export interface FeatureDrift {
  feature: string;
  /** null until the window holds `minRows` rows, or without reference data. */
  psi: number | null;
  drifted: boolean;
  missingShare: number;
  /** Categorical features: share of values the reference never had (null for numeric ones or without reference). */
  unseenShare: number | null;
}

export interface VersionDrift {
  version: number;
  rows: number;
  features: FeatureDrift[];
  prediction: { psi: number | null; drifted: boolean };
  driftedFeatures: string[];
}

export interface MonitorSettings {
  windowRows: number;
  minRows: number;
  threshold: number;
}

/** The sliding windows of every monitored model version, and their drift against the references. */
export class DriftMonitor {
  private readonly windows = new Map<
    string,
    { version: number; columns: Map<string, Window>; predictions: Window }[]
  >();

  constructor(
    private readonly references: ReadonlyMap<string, Reference>,
    readonly settings: MonitorSettings,
  ) {}

  reference(model: string): Reference | null {
    return this.references.get(model) ?? null;
  }

  /** Adds a request's rows and predictions to the window of (model, version). */
  record(model: string, version: number, frame: Frame, predictions: readonly Value[]): void {
    let versions = this.windows.get(model);
    if (!versions) this.windows.set(model, (versions = []));
    let entry = versions.find((v) => v.version === version);
    if (!entry) {
      entry = { version, columns: new Map(), predictions: new Window(this.settings.windowRows) };
      versions.push(entry);
    }
    for (const c of frame.columns) {
      let window = entry.columns.get(c.name);
      if (!window) entry.columns.set(c.name, (window = new Window(this.settings.windowRows)));
      for (let i = 0; i < frame.rows; i++) window.push(c.values[i] as Value);
    }
    for (const p of predictions) entry.predictions.push(p);
  }

  /** The drift of every version of `model` that answered requests, newest version first. */
  report(model: string, predict: (version: number, frame: Frame) => Value[]): VersionDrift[] {
    const reference = this.references.get(model) ?? null;
    const { minRows, threshold } = this.settings;
    return [...(this.windows.get(model) ?? [])]
      .sort((a, b) => b.version - a.version)
      .map((entry) => {
        const rows = entry.predictions.count;
        const enough = rows >= minRows && reference !== null;
        const features: FeatureDrift[] = [...entry.columns].map(([name, window]) => {
          const values = window.snapshot();
          const missing = values.filter(
            (v) => v === null || (typeof v === 'number' && Number.isNaN(v)),
          ).length;
          const ref = reference?.features.find((f) => f.name === name) ?? null;
          const actual = ref ? shares(ref.binning, values) : null;
          const value = enough && ref && actual ? psi(ref.expected, actual) : null;
          return {
            feature: name,
            psi: value,
            drifted: value !== null && value >= threshold,
            missingShare: values.length ? missing / values.length : 0,
            unseenShare:
              ref && actual && ref.binning.kind === 'categorical' ? actual[ref.binning.size - 2] : null,
          };
        });
        let prediction: VersionDrift['prediction'] = { psi: null, drifted: false };
        if (enough) {
          const ref = reference.predictions(entry.version, (frame) => predict(entry.version, frame));
          const value = psi(ref.expected, shares(ref.binning, entry.predictions.snapshot()));
          prediction = { psi: value, drifted: value >= threshold };
        }
        return {
          version: entry.version,
          rows,
          features,
          prediction,
          driftedFeatures: features.filter((f) => f.drifted).map((f) => f.feature),
        };
      });
  }

  /** Every monitored model. */
  models(): string[] {
    return [...this.windows.keys()];
  }
}
