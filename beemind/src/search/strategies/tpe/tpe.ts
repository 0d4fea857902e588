/**
 * This module contains the TPE strategy (Tree-structured Parzen Estimator, Bayesian optimisation as in
 * hyperopt and Optuna): after `nStartup` portfolio or random genomes, trials are split into the best
 * `gamma` share (good) and the rest, and each new genome maximises l(x)/g(x) parameter by parameter along
 * the space tree (model family and step kinds first, then their hyperparameters).
 *
 * After the startup phase TPE proposes `batchSize` genomes at a time from the results of every earlier
 * proposal: ask() returns nothing while results are pending, so the search does not depend on the number of
 * workers. Failed, timed-out and pruned trials always count as bad. Several objectives rank trials by NSGA-II.
 */
import { toRandom, type Random } from '../../../core/random.js';
import {
  compilePipelineSpace,
  configToGenome,
  genomeKey,
  genomeToConfig,
  type CompiledPipelineSpace,
  type Genome,
  type PipelineSpace,
} from '../../genome.js';
import { fitPortfolio } from '../../portfolio.js';
import { activeValues } from '../../space/dimensions.js';
import { sampleNewGenome } from '../random.js';
import { Ledger, rankBestFirst, type Proposal, type SearchStrategy, type TrialResult } from '../strategy.js';
import { TpeModel } from './sampler.js';

export interface TpeOptions {
  seed?: number;
  /** Known-good genomes evaluated first (they count towards the startup trials). */
  portfolio?: readonly Genome[];
  /** Portfolio and random trials before the model is used; default 10. */
  nStartup?: number;
  /** Share of trials taken as good (Optuna's default); default 0.1. */
  gamma?: number;
  /** At most this many good trials; default 25. */
  maxGood?: number;
  /** Candidates drawn from l(x) per parameter; default 24. */
  nCandidates?: number;
  /** Weight of the prior kernel in every density; default 1. */
  priorWeight?: number;
  /** Share of proposals after the startup drawn at random instead, to keep exploring (as BOHB); default 0. */
  randomFraction?: number;
  /**
   * Genomes proposed from one model fit; default 2. Larger batches keep more workers busy but learn less per
   * trial (1 is classic sequential TPE). Keep it fixed, not tied to the worker count, for reproducible runs.
   */
  batchSize?: number;
}

/** Tries before a TPE proposal that keeps hitting known genomes gives way to a random one. */
const MAX_TPE_DRAWS = 10;

export class TpeSearch implements SearchStrategy {
  readonly name = 'tpe';
  private readonly rng: Random;
  private readonly ledger = new Ledger();
  private readonly compiled: CompiledPipelineSpace;
  private readonly portfolio: Genome[];
  private readonly settings: Required<Omit<TpeOptions, 'seed' | 'portfolio'>>;
  /** Active values of each told genome, by key (computed once). */
  private readonly valuesByKey = new Map<string, Map<string, unknown>>();
  private queue: Proposal[] = [];
  private served = 0;
  private batch = 0;
  private done = false;

  constructor(
    private readonly space: PipelineSpace,
    options: TpeOptions = {},
  ) {
    this.rng = toRandom(options.seed);
    this.compiled = compilePipelineSpace(space);
    this.portfolio = fitPortfolio(space, options.portfolio ?? [], this.rng.fork());
    this.settings = {
      nStartup: Math.max(0, options.nStartup ?? 10),
      gamma: options.gamma ?? 0.1,
      maxGood: Math.max(1, options.maxGood ?? 25),
      nCandidates: Math.max(1, options.nCandidates ?? 24),
      priorWeight: options.priorWeight ?? 1,
      randomFraction: options.randomFraction ?? 0,
      batchSize: Math.max(1, options.batchSize ?? 2),
    };
  }

  get exhausted(): boolean {
    return this.done;
  }

  get pending(): number {
    // queued proposals are claimed in the ledger but not handed out yet
    return this.ledger.pending - this.queue.length;
  }

  ask(n: number): Proposal[] {
    const out: Proposal[] = [];
    while (out.length < n) {
      if (this.queue.length === 0) {
        if (this.done) break;
        if (this.portfolio.length > 0 || this.served < this.settings.nStartup) {
          this.queue = this.startupProposal();
        } else if (this.ledger.pending > 0) {
          break; // the next batch needs every pending result
        } else {
          this.queue = this.modelBatch();
        }
        if (this.queue.length === 0) {
          this.done = true;
          break;
        }
      }
      out.push(this.queue.shift()!);
      this.served++;
    }
    return out;
  }

  tell(results: readonly TrialResult[]): void {
    this.ledger.record(results);
  }

  private startupProposal(): Proposal[] {
    while (this.portfolio.length > 0) {
      const genome = this.portfolio.shift()!;
      const key = genomeKey(genome);
      if (this.ledger.claim(key)) return [{ genome, key, parents: [], operator: 'portfolio', generation: 0 }];
    }
    return this.randomProposal(0);
  }

  private randomProposal(generation: number): Proposal[] {
    const drawn = sampleNewGenome(this.space, this.rng, this.ledger);
    if (!drawn) return [];
    this.ledger.claim(drawn.key);
    return [{ ...drawn, parents: [], operator: 'random', generation }];
  }

  private valuesOf(key: string, genome: Genome): Map<string, unknown> {
    let values = this.valuesByKey.get(key);
    if (!values) {
      values = activeValues(this.compiled.space, genomeToConfig(this.space, genome).config);
      this.valuesByKey.set(key, values);
    }
    return values;
  }

  private modelBatch(): Proposal[] {
    const generation = ++this.batch;
    const trials = this.ledger.trials();
    const nOk = trials.filter((t) => t.status === 'ok').length;
    const { gamma, maxGood, batchSize } = this.settings;
    const nGood = nOk === 0 ? 0 : Math.max(1, Math.min(Math.ceil(gamma * trials.length), maxGood, nOk));
    const goodKeys = new Set(
      rankBestFirst(trials)
        .slice(0, nGood)
        .map((t) => t.key),
    );
    const good: Map<string, unknown>[] = [];
    const bad: Map<string, unknown>[] = [];
    for (const t of trials) (goodKeys.has(t.key) ? good : bad).push(this.valuesOf(t.key, t.genome));
    const model = new TpeModel(this.compiled.dimensions, good, bad, this.settings);

    const out: Proposal[] = [];
    for (let b = 0; b < batchSize; b++) {
      if (this.rng.float() < this.settings.randomFraction) {
        const drawn = this.randomProposal(generation);
        if (drawn.length === 0) break;
        out.push(...drawn);
        continue;
      }
      let proposal: Proposal | null = null;
      for (let attempt = 0; attempt < MAX_TPE_DRAWS && !proposal; attempt++) {
        const genome = configToGenome(this.space, model.sample(this.compiled.space, this.rng));
        const key = genomeKey(genome);
        if (this.ledger.claim(key)) proposal = { genome, key, parents: [], operator: 'tpe', generation };
      }
      const next = proposal ? [proposal] : this.randomProposal(generation);
      if (next.length === 0) break;
      out.push(...next);
    }
    return out;
  }
}
