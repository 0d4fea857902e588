/**
 * This module contains the evaluation cache: the same genome on the same data, folds, fraction and metric is
 * evaluated once per process. Only settled results are kept (timeouts and cancellations are retried), the
 * least recently used dropped beyond MAX_ENTRIES.
 */
import { LRUCache } from 'lru-cache';
import type { Outcome } from './pool/outcome.js';
import type { EvaluationResult } from './evaluate.js';

const MAX_ENTRIES = 2000;

class EvaluationCache {
  private readonly entries = new LRUCache<string, Outcome<EvaluationResult>>({ max: MAX_ENTRIES });
  hits = 0;

  async getOrEvaluate(
    key: string,
    evaluate: () => Promise<Outcome<EvaluationResult>>,
  ): Promise<Outcome<EvaluationResult>> {
    const cached = this.entries.get(key);
    if (cached) {
      this.hits++;
      return cached;
    }
    const outcome = await evaluate();
    if (outcome.status === 'ok' || outcome.status === 'failed') this.entries.set(key, outcome);
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
