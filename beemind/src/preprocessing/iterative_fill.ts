/**
 * This module contains the `iterative` strategy of the imputer, in the manner of scikit-learn's
 * IterativeImputer: after a first fill with column means, each numeric column that lacked values at fit is
 * predicted from the other columns by a ridge regression fitted on the rows where it is present, and its
 * missing cells are replaced by that prediction; the rounds repeat until the filled values settle. A penguin
 * whose measurements are all missing but whose island is known then gets the measurements of that island's
 * penguins, not those of an average penguin.
 *
 * Predictors are the numeric and boolean columns (as filled so far) and one 0/1 column for each of the
 * MAX_CATEGORIES most frequent categories of every categorical column. A column with more than MAX_PREDICTORS
 * of them keeps the ones most correlated with it. Each regression sees at most MAX_FIT_ROWS rows (evenly
 * spaced), so a round costs the same on large data. Predictions are clipped to the range seen at fit.
 *
 * What is stored is the sequence of fitted regressions, replayed in the same order at transform; missing
 * cells of columns that had no gap at fit, or gaps in most rows, keep their first fill.
 */
import { evenlySpaced } from '../core/evenly_spaced.js';
import { pack } from '../core/serialize.js';
import type { StateReader } from '../core/untrusted.js';
import type { Column } from '../data/frame.js';
import { Ridge } from '../models/linear/linear_regression.js';
import type { ColumnSpec } from './checks.js';

/**
 * Rounds that fit the regressions again, at most. The regressions learn from the rows where their column is
 * present, which change only where other columns were filled, so later rounds only apply the last ones again,
 * which costs no fit: the filled values of a row that lacks several correlated columns settle slowly (a
 * penguin without measurements: its flipper length was 210.5 mm after 5 rounds, 214.0 after 10).
 */
const MAX_FIT_ROUNDS = 3;
/** Rounds in all, at most. */
const MAX_ROUNDS = 100;
/** A round that moves no filled value by more than this share of its column's range ends the fit. */
const SETTLED = 1e-3;
const MAX_CATEGORIES = 10;
const MAX_PREDICTORS = 32;
const MAX_FIT_ROWS = 2000;
/**
 * A column missing in more than this share of the rows keeps its first fill: its regression would learn from
 * fewer rows than it fills, and that the value is missing may be the signal, which a constant fill keeps for
 * trees to split off (a film's unknown budget: 91% of movies).
 */
const MAX_MISSING_SHARE = 0.5;
/** Ridge strength on standardised predictors: enough to keep collinear one-hot columns stable. */
const ALPHA = 1;

/** One predictor: a numeric column's value, or whether a categorical column equals `category`. */
export interface FillPredictor {
  column: number;
  category: string | null;
}

/**
 * The fitted regressions: for fit round r and target t, `coef` holds predictors.length weights, then the
 * intercept. The last fit round is applied `repeats` more times.
 */
export interface IterativeFillState {
  predictors: FillPredictor[];
  /** Numeric columns that lacked values at fit, in the order they are predicted. */
  targets: number[];
  /** fit rounds × targets × (predictors.length + 1). */
  coef: Float64Array;
  repeats: number;
  /** Per target, the smallest and largest value seen at fit. */
  low: Float64Array;
  high: Float64Array;
}

function fitRounds(state: IterativeFillState): number {
  const width = state.targets.length * (state.predictors.length + 1);
  return width === 0 ? 0 : state.coef.length / width;
}

/** The predictors of `columns`: every numeric and boolean column, and the most frequent categories. */
function choosePredictors(columns: readonly Column[]): FillPredictor[] {
  const predictors: FillPredictor[] = [];
  columns.forEach((c, j) => {
    if (c.kind !== 'categorical') {
      predictors.push({ column: j, category: null });
      return;
    }
    const counts = new Map<string, number>();
    for (const v of c.values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
    if (counts.size < 2) return;
    const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_CATEGORIES);
    for (const [category] of top) predictors.push({ column: j, category });
  });
  return predictors;
}

/** The value of predictor `p` at row `i` of the filled columns. */
function predictorValue(p: FillPredictor, filled: readonly Column[], i: number): number {
  const c = filled[p.column];
  if (p.category === null) return c.values[i] as number;
  return c.values[i] === p.category ? 1 : 0;
}

/** Indices of the rows where `values` is missing. */
function missingRows(values: Float64Array): number[] {
  const rows: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) rows.push(i);
  return rows;
}

/** Up to MAX_PREDICTORS predictors for target `t`, by |correlation| with it on `rows` (ties: in order). */
function predictorsFor(
  t: number,
  predictors: readonly FillPredictor[],
  filled: readonly Column[],
  rows: readonly number[],
): number[] {
  const candidates = predictors.map((p, k) => k).filter((k) => predictors[k].column !== t);
  if (candidates.length <= MAX_PREDICTORS) return candidates;
  const y = filled[t].values as Float64Array;
  const strength = new Map<number, number>();
  for (const k of candidates)
    strength.set(
      k,
      Math.abs(
        correlation(
          rows,
          (i) => predictorValue(predictors[k], filled, i),
          (i) => y[i],
        ),
      ),
    );
  return candidates
    .sort((a, b) => strength.get(b)! - strength.get(a)! || a - b)
    .slice(0, MAX_PREDICTORS)
    .sort((a, b) => a - b);
}

function correlation(rows: readonly number[], x: (i: number) => number, y: (i: number) => number): number {
  let sx = 0;
  let sy = 0;
  for (const i of rows) {
    sx += x(i);
    sy += y(i);
  }
  const mx = sx / rows.length;
  const my = sy / rows.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const i of rows) {
    const dx = x(i) - mx;
    const dy = y(i) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/**
 * Fits the rounds of regressions on `filled` (the columns after the first fill, which it updates in place:
 * their filled cells end as the last round left them). `original` holds the same columns before the fill.
 */
export async function fitIterativeFill(
  original: readonly Column[],
  filled: Column[],
): Promise<IterativeFillState> {
  const predictors = choosePredictors(filled);
  const width = predictors.length + 1;
  const targets: number[] = [];
  const gaps: number[][] = [];
  const fitRows: (readonly number[])[] = [];
  const chosen: number[][] = [];
  const lows: number[] = [];
  const highs: number[] = [];
  original.forEach((c, t) => {
    if (c.kind !== 'numeric') return;
    const missing = missingRows(c.values);
    if (missing.length === 0 || missing.length > MAX_MISSING_SHARE * c.values.length) return;
    const present: number[] = [];
    let low = Infinity;
    let high = -Infinity;
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i];
      if (v !== v) continue;
      present.push(i);
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    const rows = evenlySpaced(present, MAX_FIT_ROWS);
    const from = predictorsFor(t, predictors, filled, rows);
    // a column with nothing to learn from keeps its first fill
    if (from.length === 0) return;
    targets.push(t);
    gaps.push(missing);
    fitRows.push(rows);
    chosen.push(from);
    lows.push(low);
    highs.push(high);
  });
  const low = Float64Array.from(lows);
  const high = Float64Array.from(highs);

  const rounds: Float64Array[] = [];
  let repeats = 0;
  for (let r = 0; r < MAX_ROUNDS && targets.length > 0; r++) {
    const refit = r < MAX_FIT_ROUNDS;
    const coef = refit ? new Float64Array(targets.length * width) : rounds[rounds.length - 1];
    let largestMove = 0;
    for (let k = 0; k < targets.length; k++) {
      const weights = coef.subarray(k * width, (k + 1) * width);
      if (refit) await fitTarget(targets[k], fitRows[k], chosen[k], predictors, filled, weights);
      const move = fillTarget(targets[k], gaps[k], predictors, filled, weights, low[k], high[k]);
      const range = high[k] - low[k];
      largestMove = Math.max(largestMove, range > 0 ? move / range : 0);
    }
    if (refit) rounds.push(coef);
    else repeats++;
    if (largestMove < SETTLED) break;
  }
  const coef = new Float64Array(rounds.length * targets.length * width);
  rounds.forEach((c, r) => coef.set(c, r * c.length));
  return { predictors, targets, coef, repeats, low, high };
}

/** Fits target `t` on `rows` from the predictors `chosen`, writing raw-scale weights and intercept into `out`. */
async function fitTarget(
  t: number,
  rows: readonly number[],
  chosen: readonly number[],
  predictors: readonly FillPredictor[],
  filled: readonly Column[],
  out: Float64Array,
): Promise<void> {
  const n = rows.length;
  const m = chosen.length;
  const X = new Float64Array(n * m);
  const y = new Float64Array(n);
  const target = filled[t].values as Float64Array;
  rows.forEach((i, r) => {
    y[r] = target[i];
    for (let c = 0; c < m; c++) X[r * m + c] = predictorValue(predictors[chosen[c]], filled, i);
  });
  // standardise, so one ridge strength suits predictors of every scale
  const mean = new Float64Array(m);
  const scale = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += X[r * m + c];
    mean[c] = s / n;
    let ss = 0;
    for (let r = 0; r < n; r++) ss += (X[r * m + c] - mean[c]) ** 2;
    scale[c] = Math.sqrt(ss / n) || 1;
    for (let r = 0; r < n; r++) X[r * m + c] = (X[r * m + c] - mean[c]) / scale[c];
  }
  const ridge = await new Ridge({ alpha: ALPHA }).fit({ data: X, rows: n, cols: m }, y);
  let intercept = ridge.intercept;
  for (let c = 0; c < m; c++) {
    const w = ridge.coef[c] / scale[c];
    out[chosen[c]] = w;
    intercept -= w * mean[c];
  }
  out[predictors.length] = intercept;
}

/**
 * Replaces the cells `rows` of target `t` in `filled` by the regression `weights` (clipped to [low, high]);
 * returns the largest change.
 */
function fillTarget(
  t: number,
  rows: readonly number[],
  predictors: readonly FillPredictor[],
  filled: Column[],
  weights: Float64Array,
  low: number,
  high: number,
): number {
  const values = filled[t].values as Float64Array;
  const m = predictors.length;
  let largest = 0;
  for (const i of rows) {
    let v = weights[m];
    for (let k = 0; k < m; k++)
      if (weights[k] !== 0) v += weights[k] * predictorValue(predictors[k], filled, i);
    v = Math.min(high, Math.max(low, v));
    largest = Math.max(largest, Math.abs(v - values[i]));
    values[i] = v;
  }
  return largest;
}

/**
 * Replays the fitted rounds on `filled` (first-filled copies of `original`'s columns, updated in place): the
 * cells missing in `original` of each target column get the rounds' predictions, in the order of the fit.
 */
export function applyIterativeFill(
  state: IterativeFillState,
  original: readonly Column[],
  filled: Column[],
): void {
  const { predictors, targets } = state;
  const width = predictors.length + 1;
  const gaps = targets.map((t) => missingRows(original[t].values as Float64Array));
  const rounds = fitRounds(state);
  for (let r = 0; r < rounds + state.repeats; r++) {
    for (let k = 0; k < targets.length; k++) {
      if (gaps[k].length === 0) continue;
      const offset = (Math.min(r, rounds - 1) * targets.length + k) * width;
      const weights = state.coef.subarray(offset, offset + width);
      fillTarget(targets[k], gaps[k], predictors, filled, weights, state.low[k], state.high[k]);
    }
  }
}

export function writeIterativeFill(state: IterativeFillState): unknown {
  return {
    predictors: state.predictors,
    targets: state.targets,
    coef: pack(state.coef),
    repeats: state.repeats,
    low: pack(state.low),
    high: pack(state.high),
  };
}

/** Reads what writeIterativeFill wrote, checked against the imputer's input columns. */
export function readIterativeFill(state: StateReader, input: readonly ColumnSpec[]): IterativeFillState {
  const n = input.length;
  const predictors = state.list('predictors').map((p): FillPredictor => {
    const column = p.integer('column', 0, n - 1);
    const categorical = input[column].kind === 'categorical';
    if (categorical !== !p.isNull('category')) {
      p.fail(`${p.field('category')} must be a category exactly when column ${column} is categorical`);
    }
    return { column, category: categorical ? p.string('category') : null };
  });
  const targets = state.integers('targets', 0, n - 1, { increasing: true });
  for (const t of targets)
    if (input[t].kind !== 'numeric')
      state.fail(`${state.field('targets')} lists column ${t}, which is not numeric`);
  const low = state.f64('low', { length: targets.length });
  const high = state.f64('high', { length: targets.length });
  const coef = state.f64('coef');
  const width = targets.length * (predictors.length + 1);
  if (width === 0 ? coef.length !== 0 : coef.length % width !== 0 || coef.length / width > MAX_FIT_ROUNDS) {
    state.fail(`${state.field('coef')} must hold up to ${MAX_FIT_ROUNDS} rounds of ${width} weights`);
  }
  const repeats = state.integer('repeats', 0, coef.length === 0 ? 0 : MAX_ROUNDS - coef.length / width);
  return { predictors, targets, coef, repeats, low, high };
}
