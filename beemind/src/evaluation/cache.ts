/**
 * This module contains the evaluation cache: the same genome on the same data, folds, fraction and metric is
 * evaluated once per process. Only settled results are kept (timeouts and cancellations are retried).
 */
import type { Outcome } from './pool/outcome.js';
import type { EvaluationResult } from './evaluate.js';

const MAX_ENTRIES = 2000;

class EvaluationCache {
  private readonly entries = new Map<string, Outcome<EvaluationResult>>();
  hits = 0;

  async getOrEvaluate(
    key: string,
    evaluate: () => Promise<Outcome<EvaluationResult>>,
  ): Promise<Outcome<EvaluationResult>> {
    const cached = this.entries.get(key);
    if (cached) {
      this.hits++;
      this.entries.delete(key); // re-insert: most recently used last
      this.entries.set(key, cached);
      return cached;
    }
    const outcome = await evaluate();
    if (outcome.status === 'ok' || outcome.status === 'failed') {
      this.entries.set(key, outcome);
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    }
    return outcome;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.hits = 0;
  }
}

/** The process-wide cache used by evolve(). */
export const evaluationCache = new EvaluationCache();
