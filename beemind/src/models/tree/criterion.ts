/**
 * This module contains the split criteria. A criterion reads the summary statistics of a set of rows
 * (classification: the weight of each class; regression: [total weight, weighted target sum]) and gives its
 * cost = weight × impurity, up to a term linear in the statistics; that term cancels between a node and its
 * two children, so `cost(node) − cost(left) − cost(right)` is exactly scikit-learn's weighted impurity
 * decrease, and the best split is the one with the smallest `cost(left) + cost(right)`.
 */
import type { Criterion as CriterionName } from './params.js';

export interface Criterion {
  /** Statistics per set of rows (and per histogram slot). */
  readonly nStats: number;
  /** cost of the statistics s[off .. off + nStats). */
  cost(s: Float64Array, off: number): number;
  /** cost(left) + cost(total − left): the quantity a split search minimises. */
  splitCost(left: Float64Array, total: Float64Array): number;
}

/** Gini: weight × (1 − Σ p²) = W − Σ c²/W; the linear W is dropped. */
class Gini implements Criterion {
  constructor(readonly nStats: number) {}

  cost(s: Float64Array, off: number): number {
    let w = 0;
    let sq = 0;
    for (let c = 0; c < this.nStats; c++) {
      const v = s[off + c];
      w += v;
      sq += v * v;
    }
    return w > 0 ? -sq / w : 0;
  }

  splitCost(left: Float64Array, total: Float64Array): number {
    let wl = 0;
    let wr = 0;
    let sl = 0;
    let sr = 0;
    for (let c = 0; c < this.nStats; c++) {
      const l = left[c];
      const r = total[c] - l;
      wl += l;
      wr += r;
      sl += l * l;
      sr += r * r;
    }
    return -sl / wl - sr / wr;
  }
}

/** Entropy (natural log): weight × H = W ln W − Σ c ln c. */
class Entropy implements Criterion {
  constructor(readonly nStats: number) {}

  cost(s: Float64Array, off: number): number {
    let w = 0;
    let e = 0;
    for (let c = 0; c < this.nStats; c++) {
      const v = s[off + c];
      w += v;
      if (v > 0) e += v * Math.log(v);
    }
    return w > 0 ? w * Math.log(w) - e : 0;
  }

  splitCost(left: Float64Array, total: Float64Array): number {
    let wl = 0;
    let wr = 0;
    let el = 0;
    let er = 0;
    for (let c = 0; c < this.nStats; c++) {
      const l = left[c];
      const r = total[c] - l;
      wl += l;
      wr += r;
      if (l > 0) el += l * Math.log(l);
      if (r > 0) er += r * Math.log(r);
    }
    return wl * Math.log(wl) - el + wr * Math.log(wr) - er;
  }
}

/** Squared error: weight × variance = Σ w y² − S²/W; the Σ w y² term is linear and dropped. */
class SquaredError implements Criterion {
  readonly nStats = 2;

  cost(s: Float64Array, off: number): number {
    const w = s[off];
    return w > 0 ? -(s[off + 1] * s[off + 1]) / w : 0;
  }

  splitCost(left: Float64Array, total: Float64Array): number {
    const sl = left[1];
    const sr = total[1] - sl;
    return -(sl * sl) / left[0] - (sr * sr) / (total[0] - left[0]);
  }
}

/** The criterion for a name; classification criteria need the number of classes. */
export function makeCriterion(name: CriterionName, nClasses: number): Criterion {
  switch (name) {
    case 'gini':
      return new Gini(nClasses);
    case 'entropy':
    case 'log_loss':
      return new Entropy(nClasses);
    case 'squared_error':
      return new SquaredError();
  }
}

/** Impurity of class weights: Gini 1 − Σ p², or entropy −Σ p ln p. */
export function classImpurity(name: CriterionName, s: Float64Array, k: number): number {
  let w = 0;
  for (let c = 0; c < k; c++) w += s[c];
  let imp = name === 'gini' ? 1 : 0;
  for (let c = 0; c < k; c++) {
    const p = s[c] / w;
    if (name === 'gini') imp -= p * p;
    else if (p > 0) imp -= p * Math.log(p);
  }
  return imp;
}
