/**
 * This module contains the run's stop rules: wall-clock seconds, maximum evaluations, and patience
 * (generations without improvement). The first limit reached wins.
 */
export type StopReason = 'time' | 'evaluations' | 'stagnation' | 'exhausted' | 'interrupted';

/**
 * Share of the time budget given to the search when finishing is estimated to be quick; the rest is kept for the
 * refit, ensemble and importance. Slow refits keep more (reserveForFinishing). At 85%, runs on small tables ended
 * at 26 s of 30, their finish taking well under a second; importance that does not fit is left for later.
 */
export const SEARCH_SHARE = 0.95;
/** The most of the time budget that finishing may claim, however slow the champion is to fit. */
const MAX_FINISHING_SHARE = 0.5;

export class Budget {
  readonly startedAt = performance.now();
  private evaluated = 0;
  private generationsWithoutGain = 0;
  private best: number | null = null;
  private finishingMs = 0;

  constructor(
    private readonly limits: { seconds?: number; evaluations?: number; patience?: number },
    private readonly greaterIsBetter: boolean,
  ) {}

  elapsedSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /**
   * Keeps at least `ms` (at most half the time budget) for finishing the run, when that is more than the
   * fixed share: a champion slow to fit needs its refits to fit in the budget too.
   */
  reserveForFinishing(ms: number): void {
    this.finishingMs = Math.max(this.finishingMs, ms);
  }

  /** Milliseconds until the search must stop (Infinity without a time limit). */
  searchMsLeft(): number {
    if (this.limits.seconds === undefined) return Infinity;
    const total = this.limits.seconds * 1000;
    const finishing = Math.min(
      Math.max(total * (1 - SEARCH_SHARE), this.finishingMs),
      total * MAX_FINISHING_SHARE,
    );
    return total - finishing - (performance.now() - this.startedAt);
  }

  /** Milliseconds until the whole run must end. */
  runMsLeft(): number {
    if (this.limits.seconds === undefined) return Infinity;
    return this.limits.seconds * 1000 - (performance.now() - this.startedAt);
  }

  /** Evaluations still allowed (Infinity without a limit). */
  evaluationsLeft(): number {
    return this.limits.evaluations === undefined ? Infinity : this.limits.evaluations - this.evaluated;
  }

  countEvaluations(n: number): void {
    this.evaluated += n;
  }

  /** Records the best score after a generation; returns whether it improved. */
  recordGeneration(bestScore: number | null): boolean {
    const improved =
      bestScore !== null &&
      (this.best === null || (this.greaterIsBetter ? bestScore > this.best : bestScore < this.best));
    if (improved) {
      this.best = bestScore;
      this.generationsWithoutGain = 0;
    } else {
      this.generationsWithoutGain++;
    }
    return improved;
  }

  /** The limit that has been reached, if any. */
  reached(): StopReason | null {
    if (this.evaluationsLeft() <= 0) return 'evaluations';
    if (this.searchMsLeft() <= 0) return 'time';
    if (this.limits.patience !== undefined && this.generationsWithoutGain >= this.limits.patience)
      return 'stagnation';
    return null;
  }
}
