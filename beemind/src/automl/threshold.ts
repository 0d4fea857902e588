/**
 * This module contains the tuning of a binary classifier's decision threshold on out-of-fold predictions, as
 * scikit-learn's TunedThresholdClassifierCV does: for metrics that weigh both classes alike (balanced
 * accuracy, macro F1), predicting the rarer class from a probability below one half often scores better.
 */
import type { Scorer } from '../metrics/scorers.js';

/** Metrics a tuned threshold can serve: computed from labels and weighing the classes alike. */
export const THRESHOLD_METRICS: ReadonlySet<string> = new Set(['balanced_accuracy', 'f1_macro']);

/** Thresholds tried: 0.01, 0.02, …, 0.99. */
const GRID = Array.from({ length: 99 }, (_, k) => (k + 1) / 100);

export interface TunedThreshold {
  threshold: number;
  /** The metric on the out-of-fold predictions with the threshold, and with the more probable class. */
  score: number;
  untuned: number;
}

/**
 * The threshold on the second class's out-of-fold probability that scores best (ties: the one nearest 0.5), or
 * null when no threshold beats predicting the more probable class.
 */
export function tuneThreshold(
  positive: Float64Array,
  y: Float64Array,
  scorer: Scorer,
): TunedThreshold | null {
  const labels = new Float64Array(positive.length);
  const scoreAt = (t: number) => {
    for (let i = 0; i < positive.length; i++) labels[i] = positive[i] >= t ? 1 : 0;
    return scorer.score(y, labels);
  };
  // the more probable class: argmax takes the first of two equal probabilities, class 0
  for (let i = 0; i < positive.length; i++) labels[i] = positive[i] > 0.5 ? 1 : 0;
  const untuned = scorer.score(y, labels);
  let best: TunedThreshold | null = null;
  for (const t of GRID) {
    const score = scoreAt(t);
    const better = scorer.greaterIsBetter
      ? score > (best?.score ?? untuned) + 1e-12
      : score < (best?.score ?? untuned) - 1e-12;
    const tie =
      best !== null &&
      Math.abs(score - best.score) <= 1e-12 &&
      Math.abs(t - 0.5) < Math.abs(best.threshold - 0.5);
    if (better || tie) best = { threshold: t, score, untuned };
  }
  return best;
}
