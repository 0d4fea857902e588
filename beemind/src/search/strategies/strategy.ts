/**
 * This module contains the search-strategy contract (Optuna-like ask/tell over genomes) and the Ledger that
 * every strategy uses for its bookkeeping: deduplication of proposed genomes, the proposals still waiting for
 * a result, and the told trials in proposal order (so results can arrive in any order and still give the
 * same search).
 */
import type { Genome } from '../genome.js';
import { genomeKey } from '../genome.js';
import { nsga2Rank } from '../nsga2.js';

/** How a proposal was made (the lineage panel shows it). */
export type Operator = 'portfolio' | 'random' | 'grid' | 'tpe' | 'crossover' | 'mutation';

/** A genome the strategy wants evaluated. */
export interface Proposal {
  genome: Genome;
  /** genomeKey(genome): unique among everything the strategy proposed or was told. */
  key: string;
  /** Ids of the drones it was bred from (empty for portfolio, random, grid and TPE proposals). */
  parents: string[];
  operator: Operator;
  /** What the operator did, e.g. `perturb learningRate` or `swap family random_forest → extra_trees`. */
  detail?: string;
  /** Evolution: the generation; other strategies: the batch number. */
  generation: number;
}

export type TrialStatus = 'ok' | 'failed' | 'timeout' | 'pruned';

/** The outcome of evaluating one genome. */
export interface TrialResult {
  /** Drone id; becomes a parent id of the genomes bred from it. */
  id: string;
  /** The proposal's genome, unchanged (it is matched to its proposal by genomeKey). */
  genome: Genome;
  /**
   * Objective values, every one to MAXIMISE (negate costs such as fit seconds). The first objective is the
   * score; several objectives switch selection to NSGA-II. Ignored unless status is `ok`.
   */
  objectives: number[];
  /** Anything but `ok` ranks below every ok trial (the worst fitness). */
  status: TrialStatus;
}

/**
 * A search strategy. `ask(n)` returns up to n new proposals; it returns fewer (possibly none) when the next
 * proposals depend on results still pending: tell them, then ask again. `tell` accepts results in any order,
 * including results of genomes it never proposed (warm start). Results must be told for every proposal.
 * The same seed and the same told objectives give the same proposals, however the asks are split.
 */
export interface SearchStrategy {
  /** Strategy name: `random`, `grid`, `tpe` or `evolution`. */
  readonly name: string;
  ask(n: number): Proposal[];
  tell(results: readonly TrialResult[]): void;
  /** True when the strategy will never propose again (its grid or its space is used up). */
  readonly exhausted: boolean;
  /** Proposals handed out and not told yet. */
  readonly pending: number;
}

/** A told result with the bookkeeping strategies need. */
export interface Trial extends TrialResult {
  key: string;
  /** Proposal order (told-only genomes are numbered when told): ties and histories are ordered by it. */
  seq: number;
  /** Objectives for ranking: the objectives when ok, all -Infinity otherwise (NaN also counts as -Infinity). */
  fitness: number[];
}

/** Bookkeeping shared by every strategy. */
export class Ledger {
  private readonly seen = new Set<string>();
  private readonly waiting = new Map<string, number>();
  /** Told trials by genome key; a genome told again (e.g. re-evaluated on more data) keeps its place. */
  private readonly told = new Map<string, Trial>();
  private nextSeq = 0;
  private sawOk = false;
  /** Number of objectives, known from the first ok result (1 until then). */
  nObjectives = 1;

  /** Whether `key` was proposed or told already. */
  has(key: string): boolean {
    return this.seen.has(key);
  }

  /** Claims `key` for a new proposal; false when it was already proposed or told. */
  claim(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    this.waiting.set(key, this.nextSeq++);
    return true;
  }

  get pending(): number {
    return this.waiting.size;
  }

  /** Records results (the latest result of a genome replaces an earlier one) and returns them as trials. */
  record(results: readonly TrialResult[]): Trial[] {
    const added: Trial[] = [];
    const before = this.nObjectives;
    for (const r of results) {
      const key = genomeKey(r.genome);
      let seq = this.waiting.get(key) ?? this.told.get(key)?.seq;
      if (seq === undefined) {
        seq = this.nextSeq++;
        this.seen.add(key);
      }
      this.waiting.delete(key);
      if (r.status === 'ok' && r.objectives.length > 0 && !this.sawOk) {
        this.sawOk = true;
        this.nObjectives = r.objectives.length;
      }
      const trial: Trial = { ...r, key, seq, fitness: [] };
      added.push(trial);
      this.told.set(key, trial);
    }
    // fitness needs nObjectives, which this batch may have just learnt
    for (const t of this.nObjectives === before ? added : this.told.values()) {
      t.fitness = fitnessOf(t, this.nObjectives);
    }
    return added;
  }

  /** Every told trial, in proposal order. */
  trials(): Trial[] {
    return [...this.told.values()].sort((a, b) => a.seq - b.seq);
  }
}

function fitnessOf(r: TrialResult, m: number): number[] {
  const out = new Array<number>(m).fill(-Infinity);
  if (r.status !== 'ok') return out;
  for (let i = 0; i < m; i++) {
    const v = r.objectives[i];
    out[i] = typeof v === 'number' && !Number.isNaN(v) ? v : -Infinity;
  }
  return out;
}

/**
 * Trials from best to worst: by the first objective for one objective, by NSGA-II front and crowding distance
 * for several; ties go to the earlier proposal.
 */
export function rankBestFirst(trials: readonly Trial[]): Trial[] {
  if (trials.length === 0) return [];
  if (trials[0].fitness.length <= 1) {
    return [...trials].sort((a, b) => b.fitness[0] - a.fitness[0] || a.seq - b.seq);
  }
  const sorted = [...trials].sort((a, b) => a.seq - b.seq);
  return nsga2Rank(sorted.map((t) => t.fitness)).order.map((i) => sorted[i]);
}
