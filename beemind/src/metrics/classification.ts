/**
 * This module contains classification metrics on class indices (and probabilities for log loss / ROC AUC).
 */
import { DataError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

function checkLengths(a: ArrayLike<number>, b: { length: number } | Matrix, who: string): void {
  const n = 'rows' in b ? b.rows : b.length;
  if (a.length !== n) {
    throw new DataError('metric.length_mismatch', `${who}: ${a.length} true values but ${n} predictions.`);
  }
  if (a.length === 0) throw new DataError('metric.empty', `${who}: no values to score.`);
}

function classCount(...arrays: ArrayLike<number>[]): number {
  let k = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (a[i] + 1 > k) k = a[i] + 1;
  return k;
}

/** counts[t * k + p] = number of rows with true class t predicted as p. */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses?: number,
): number[][] {
  checkLengths(yTrue, yPred, 'confusionMatrix');
  const k = nClasses ?? classCount(yTrue, yPred);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths(yTrue, yPred, 'accuracy');
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return hit / yTrue.length;
}

/** Mean recall over the classes present in yTrue. */
export function balancedAccuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const m = confusionMatrix(yTrue, yPred);
  let sum = 0;
  let present = 0;
  m.forEach((row, t) => {
    const support = row.reduce((a, b) => a + b, 0);
    if (support > 0) {
      sum += row[t] / support;
      present++;
    }
  });
  return sum / present;
}

/** Unweighted mean of per-class F1 over classes appearing in yTrue or yPred (0 where undefined). */
export function f1Macro(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const m = confusionMatrix(yTrue, yPred);
  const k = m.length;
  let sum = 0;
  let count = 0;
  for (let c = 0; c < k; c++) {
    const tp = m[c][c];
    let fn = 0;
    let fp = 0;
    for (let o = 0; o < k; o++) {
      if (o === c) continue;
      fn += m[c][o];
      fp += m[o][c];
    }
    if (tp + fn + fp === 0) continue;
    sum += (2 * tp) / (2 * tp + fp + fn);
    count++;
  }
  return sum / count;
}

/** Mean negative log-likelihood of the true class; probabilities clipped to [1e-15, 1]. */
export function logLoss(yTrue: ArrayLike<number>, proba: Matrix): number {
  checkLengths(yTrue, proba, 'logLoss');
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    let rowSum = 0;
    for (let j = 0; j < proba.cols; j++) rowSum += proba.data[i * proba.cols + j];
    const p = proba.data[i * proba.cols + yTrue[i]] / (rowSum || 1);
    sum -= Math.log(Math.min(1, Math.max(1e-15, p)));
  }
  return sum / yTrue.length;
}

/** Area under the ROC curve of scores for a binary 0/1 truth (ties get half credit). */
export function binaryAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  // Mann–Whitney U with average ranks for ties
  let rankSumPositive = 0;
  let positives = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (yTrue[order[t]] === 1) {
        rankSumPositive += avgRank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new DataError(
      'metric.one_class',
      'ROC AUC is undefined when the true labels contain a single class.',
    );
  }
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** ROC AUC: binary on the positive-class probability; multiclass as the macro one-vs-rest average. */
export function rocAuc(yTrue: ArrayLike<number>, proba: Matrix): number {
  checkLengths(yTrue, proba, 'rocAuc');
  const column = (j: number) => {
    const s = new Float64Array(proba.rows);
    for (let i = 0; i < proba.rows; i++) s[i] = proba.data[i * proba.cols + j];
    return s;
  };
  if (proba.cols === 2) return binaryAuc(yTrue, column(1));
  let sum = 0;
  let count = 0;
  for (let c = 0; c < proba.cols; c++) {
    const truth = Float64Array.from(yTrue, (t) => (t === c ? 1 : 0));
    const positives = truth.reduce((a, b) => a + b, 0);
    if (positives === 0 || positives === truth.length) continue;
    sum += binaryAuc(truth, column(c));
    count++;
  }
  if (count === 0)
    throw new DataError('metric.one_class', 'ROC AUC is undefined: only one class is present.');
  return sum / count;
}
