/**
 * This module contains regression metrics.
 */
import { DataError } from '../core/errors.js';

function check(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, who: string): void {
  if (yTrue.length !== yPred.length) {
    throw new DataError(
      'metric.length_mismatch',
      `${who}: ${yTrue.length} true values but ${yPred.length} predictions.`,
    );
  }
  if (yTrue.length === 0) throw new DataError('metric.empty', `${who}: no values to score.`);
}

/** Coefficient of determination (1 is perfect; 0 for a constant target predicted exactly, like scikit-learn). */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred, 'r2');
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += yTrue[i];
  mean /= yTrue.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < yTrue.length; i++) {
    ssRes += (yTrue[i] - yPred[i]) ** 2;
    ssTot += (yTrue[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred, 'rmse');
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += (yTrue[i] - yPred[i]) ** 2;
  return Math.sqrt(s / yTrue.length);
}

export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred, 'mae');
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yTrue[i] - yPred[i]);
  return s / yTrue.length;
}
