import { matrixFromRows } from '../../src/core/matrix.js';
import {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  f1Macro,
  logLoss,
  rocAuc,
} from '../../src/metrics/classification.js';
import { mae, r2, rmse } from '../../src/metrics/regression.js';
import { getScorer } from '../../src/metrics/scorers.js';

// Reference values computed with scikit-learn 1.x on the same inputs.
const yTrue = Float64Array.from([0, 1, 2, 2, 1, 0, 1, 2]);
const yPred = Float64Array.from([0, 2, 2, 2, 1, 0, 0, 1]);
const proba = matrixFromRows([
  [0.7, 0.2, 0.1],
  [0.2, 0.5, 0.3],
  [0.1, 0.2, 0.7],
  [0.2, 0.2, 0.6],
  [0.3, 0.4, 0.3],
  [0.6, 0.3, 0.1],
  [0.4, 0.4, 0.2],
  [0.1, 0.5, 0.4],
]);

describe('classification metrics match scikit-learn', () => {
  it('accuracy, balanced accuracy, macro F1', () => {
    expect(accuracy(yTrue, yPred)).toBeCloseTo(0.625, 12);
    expect(balancedAccuracy(yTrue, yPred)).toBeCloseTo(0.6666666666666666, 12);
    expect(f1Macro(yTrue, yPred)).toBeCloseTo(0.6222222222222222, 12);
  });

  it('log loss and one-vs-rest ROC AUC', () => {
    expect(logLoss(yTrue, proba)).toBeCloseTo(0.6471275639489821, 12);
    expect(rocAuc(yTrue, proba)).toBeCloseTo(0.9444444444444443, 12);
  });

  it('binary ROC AUC with ties', () => {
    const p = matrixFromRows([0.1, 0.4, 0.35, 0.8, 0.4, 0.9].map((s) => [1 - s, s]));
    expect(rocAuc(Float64Array.from([0, 0, 1, 1, 0, 1]), p)).toBeCloseTo(0.7777777777777778, 12);
  });

  it('confusion matrix counts true × predicted', () => {
    expect(confusionMatrix(yTrue, yPred)).toEqual([
      [2, 0, 0],
      [1, 1, 1],
      [0, 1, 2],
    ]);
  });

  it('rejects mismatched lengths and a single-class AUC with clear errors', () => {
    expect(() => accuracy(yTrue, yPred.subarray(1))).toThrow(/8 true values but 7 predictions/);
    const p = matrixFromRows([
      [0.4, 0.6],
      [0.3, 0.7],
    ]);
    expect(() => rocAuc(Float64Array.from([1, 1]), p)).toThrow(/single class/);
  });
});

describe('regression metrics match scikit-learn', () => {
  const a = [3, -0.5, 2, 7];
  const b = [2.5, 0.0, 2, 8];
  it('R², RMSE, MAE', () => {
    expect(r2(a, b)).toBeCloseTo(0.9486081370449679, 12);
    expect(rmse(a, b)).toBeCloseTo(0.6123724356957945, 12);
    expect(mae(a, b)).toBeCloseTo(0.5, 12);
  });
});

describe('scorers', () => {
  it('know their direction and task', () => {
    expect(getScorer('log_loss').greaterIsBetter).toBe(false);
    expect(getScorer('roc_auc').needsProba).toBe(true);
    expect(() => getScorer('r2', 'classification')).toThrow(/for regression/);
    expect(() => getScorer('nope')).toThrow(/unknown metric "nope"/);
  });
});
