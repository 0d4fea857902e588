/**
 * This module contains grid search over a finite discretisation of the pipeline space (see space/grid.ts):
 * every grid point exactly once, in a seeded shuffled order by default (so a time budget samples the whole
 * grid rather than its first corner) or in index order; `exhausted` turns true once all points are proposed.
 */
import { toRandom, type Random } from '../../core/random.js';
import { compilePipelineSpace, configToGenome, genomeKey, type PipelineSpace } from '../genome.js';
import { SpaceGrid } from '../space/grid.js';
import { Ledger, type Proposal, type SearchStrategy, type TrialResult } from './strategy.js';

export interface GridSearchOptions {
  seed?: number;
  /** Values per numeric parameter (every integer when a range has fewer); default 3. */
  resolution?: number;
  /** `shuffled` (default): a seeded permutation of the grid; `ordered`: index order, last parameter fastest. */
  order?: 'shuffled' | 'ordered';
  /** Proposals per batch; only numbers the `generation` field (default 20). */
  batchSize?: number;
}

/** Mixes a 32-bit integer (one Feistel round function). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A seeded pseudo-random permutation of 0..n-1 computed one index at a time: a 4-round Feistel network on
 * the smallest even-bit domain ≥ n, with cycle walking to stay below n. Needs no memory however large n is.
 */
export function lazyPermutation(n: number, rng: Random): (i: number) => number {
  if (n <= 1) return (i) => i;
  let half = 1;
  while (Math.pow(4, half) < n) half++;
  const side = Math.pow(2, half);
  const mask = side - 1;
  const keys = [rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()];
  const encrypt = (x: number): number => {
    let left = Math.floor(x / side);
    let right = x % side;
    for (const k of keys) {
      const next = (left ^ (mix32(right ^ k) & mask)) >>> 0;
      left = right;
      right = next;
    }
    return left * side + right;
  };
  return (i) => {
    let x = encrypt(i);
    while (x >= n) x = encrypt(x);
    return x;
  };
}

export class GridSearch implements SearchStrategy {
  readonly name = 'grid';
  /** Number of grid points. */
  readonly size: number;
  private readonly grid: SpaceGrid;
  private readonly ledger = new Ledger();
  private readonly order: (i: number) => number;
  private readonly batchSize: number;
  private next = 0;
  private served = 0;

  constructor(
    private readonly space: PipelineSpace,
    options: GridSearchOptions = {},
  ) {
    this.grid = new SpaceGrid(compilePipelineSpace(space).space, options.resolution ?? 3);
    this.size = this.grid.size;
    this.order = options.order === 'ordered' ? (i) => i : lazyPermutation(this.size, toRandom(options.seed));
    this.batchSize = Math.max(1, options.batchSize ?? 20);
  }

  get exhausted(): boolean {
    return this.next >= this.size;
  }

  get pending(): number {
    return this.ledger.pending;
  }

  ask(n: number): Proposal[] {
    const out: Proposal[] = [];
    while (out.length < n && this.next < this.size) {
      const genome = configToGenome(this.space, this.grid.at(this.order(this.next++)));
      const key = genomeKey(genome);
      // a point told earlier (warm start) is skipped
      if (!this.ledger.claim(key)) continue;
      const generation = Math.floor(this.served++ / this.batchSize);
      out.push({ genome, key, parents: [], operator: 'grid', generation });
    }
    return out;
  }

  tell(results: readonly TrialResult[]): void {
    this.ledger.record(results);
  }
}
