/**
 * This module contains RunState: one search run as the panels see it. The run's events are folded by the
 * library's FoldedRun (the reading the kernel's and the terminal's progress bars share); the panels add what
 * they asked the kernel for: confusion matrices and one row's attributions per drone. Plain data with a version
 * number that views use as a cache key, no DOM and no kernel.
 */
import { FoldedRun } from 'beemind/protocol';
import type { ConfusionMatrix, ExplainSource, RowExplanation } from '../protocol.js';

export class RunState extends FoldedRun {
  readonly confusion = new Map<string, ConfusionMatrix>();
  /** One row's attributions per drone, by explanationKey(droneId, source, row). */
  readonly explanations = new Map<string, RowExplanation>();
  /** How many rows each source of the "why" view has, as the kernel last said (unknown until it answered). */
  readonly rowCounts = new Map<ExplainSource, number>();

  setConfusion(droneId: string, value: ConfusionMatrix): void {
    this.confusion.set(droneId, value);
    this.version++;
  }

  setExplanation(value: RowExplanation): void {
    this.explanations.set(explanationKey(value.droneId, value.source, value.row), value);
    this.rowCounts.set(value.source, value.rowCount);
    this.version++;
  }

  /** Forgets the explanations of one source (the rows a cell sent may have changed since). */
  forgetExplanations(source: ExplainSource): void {
    for (const [k, v] of this.explanations) if (v.source === source) this.explanations.delete(k);
    this.rowCounts.delete(source);
    this.version++;
  }

  explanation(droneId: string, source: ExplainSource, row: number): RowExplanation | undefined {
    return this.explanations.get(explanationKey(droneId, source, row));
  }
}

export function explanationKey(droneId: string, source: ExplainSource, row: number): string {
  return `${droneId}\u0000${source}\u0000${row}`;
}
