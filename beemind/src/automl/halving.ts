/**
 * This module contains successive halving over growing data fractions (an asynchronous-successive-halving
 * rule applied batch by batch, so decisions do not depend on the number of workers): every drone is first
 * scored on a small fraction of the training rows, and only those within the best 1/eta of all drones seen
 * at that fraction go on to the next, larger fraction.
 */
export interface HalvingSettings {
  minFraction: number;
  eta: number;
}

/** Fractions of the rungs, smallest first, always ending at 1; rungs with too few rows are skipped. */
export function rungFractions(settings: HalvingSettings | null, trainRows: number, minRows = 40): number[] {
  if (!settings) return [1];
  const fractions: number[] = [];
  for (let f = settings.minFraction; f < 1 - 1e-9; f *= settings.eta) {
    if (f * trainRows >= minRows) fractions.push(f);
  }
  return [...fractions, 1];
}

export class HalvingLadder {
  private readonly history: number[][];

  constructor(
    readonly fractions: readonly number[],
    private readonly eta: number,
    private readonly greaterIsBetter: boolean,
  ) {
    this.history = fractions.map(() => []);
  }

  /**
   * Records a batch's scores at rung `r` (null = failed) and returns, per entry, whether it is promoted: its
   * score ranks within the best ⌈n/eta⌉ of every score seen at this rung.
   */
  promote(r: number, scores: readonly (number | null)[]): boolean[] {
    const seen = this.history[r];
    for (const s of scores) if (s !== null) seen.push(s);
    const ordered = [...seen].sort((a, b) => (this.greaterIsBetter ? b - a : a - b));
    const keep = Math.max(1, Math.ceil(ordered.length / this.eta));
    const threshold = ordered[keep - 1];
    return scores.map((s) => s !== null && (this.greaterIsBetter ? s >= threshold : s <= threshold));
  }
}
