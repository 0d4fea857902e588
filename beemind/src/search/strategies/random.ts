/**
 * This module contains random search: the portfolio first (when given), then genomes drawn from the space's
 * priors, never repeating a genome.
 */
import { toRandom, type Random } from '../../core/random.js';
import { genomeKey, sampleGenome, type Genome, type PipelineSpace } from '../genome.js';
import { fitPortfolio } from '../portfolio.js';
import { Ledger, type Proposal, type SearchStrategy, type TrialResult } from './strategy.js';

/** Draws tried before concluding that a space has no unseen genome left. */
const MAX_DRAWS = 200;

/** A random genome not yet proposed or told, with its key; null when `MAX_DRAWS` draws found none. */
export function sampleNewGenome(
  space: PipelineSpace,
  rng: Random,
  ledger: Ledger,
): { genome: Genome; key: string } | null {
  for (let i = 0; i < MAX_DRAWS; i++) {
    const genome = sampleGenome(space, rng);
    const key = genomeKey(genome);
    if (!ledger.has(key)) return { genome, key };
  }
  return null;
}

export interface RandomSearchOptions {
  seed?: number;
  /** Known-good genomes proposed first (those outside the space are skipped). */
  portfolio?: readonly Genome[];
  /** Proposals per batch; only numbers the `generation` field (default 20). */
  batchSize?: number;
}

export class RandomSearch implements SearchStrategy {
  readonly name = 'random';
  private readonly rng: Random;
  private readonly ledger = new Ledger();
  private readonly queue: Genome[];
  private readonly batchSize: number;
  private done = false;
  private served = 0;

  constructor(
    private readonly space: PipelineSpace,
    options: RandomSearchOptions = {},
  ) {
    this.rng = toRandom(options.seed);
    this.queue = fitPortfolio(space, options.portfolio ?? [], this.rng.fork());
    this.batchSize = Math.max(1, options.batchSize ?? 20);
  }

  get exhausted(): boolean {
    return this.done;
  }

  get pending(): number {
    return this.ledger.pending;
  }

  ask(n: number): Proposal[] {
    const out: Proposal[] = [];
    while (out.length < n && !this.done) {
      const generation = Math.floor(this.served / this.batchSize);
      const fromPortfolio = this.queue.shift();
      if (fromPortfolio) {
        const key = genomeKey(fromPortfolio);
        if (this.ledger.claim(key)) {
          out.push({ genome: fromPortfolio, key, parents: [], operator: 'portfolio', generation });
          this.served++;
        }
        continue;
      }
      const drawn = sampleNewGenome(this.space, this.rng, this.ledger);
      if (!drawn) {
        this.done = true;
        break;
      }
      this.ledger.claim(drawn.key);
      out.push({ ...drawn, parents: [], operator: 'random', generation });
      this.served++;
    }
    return out;
  }

  tell(results: readonly TrialResult[]): void {
    this.ledger.record(results);
  }
}
