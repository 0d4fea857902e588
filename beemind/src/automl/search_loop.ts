/**
 * This module contains the search loop. Batch by batch (one generation), it asks the strategy for genomes,
 * evaluates them on the backend rung by rung as the pruner allows, records each as a drone, emits the event
 * stream, tells the strategy, and stops at the first limit reached: the budget, the user's interrupt, or a
 * strategy with nothing left to propose.
 */
import { droneNumber, type Drone, type Genome } from '../protocol/events.js';
import type { EvaluationBackend } from '../evaluation/backends.js';
import { evaluationCache } from '../evaluation/cache.js';
import type { EvaluationJob, EvaluationResult } from '../evaluation/evaluate.js';
import type { Outcome } from '../evaluation/pool/outcome.js';
import { cheapestFirst, type TableShape } from '../search/cost.js';
import { diversity, evaluationKey, genomeKey, isValidGenome, type PipelineSpace } from '../search/genome.js';
import type { Proposal, TrialResult } from '../search/strategies/index.js';
import type { StopReason } from './budget.js';
import {
  bestDrone,
  finishRefitMs,
  fullFoldFitSeconds,
  mean,
  now,
  paretoIds,
  type RunContext,
} from './context.js';
import { refitWorkers } from './refitter.js';
import type { ObjectiveName } from './options.js';
import type { Pruner, SearchParts } from './parts.js';

/** What the loop evaluates: a strategy's proposal, or a genome of an earlier run (warm start). */
type Candidate = Pick<Proposal, 'genome' | 'parents'> & { operator: string };

/** A drone as a result the strategy learns from (every objective maximised). */
function trialResult(ctx: RunContext, drone: Drone): TrialResult {
  return {
    id: drone.id,
    genome: drone.genome,
    status: drone.status,
    objectives: drone.objectives.map((v, j) =>
      v === null ? -Infinity : ctx.objectives[j].direction === 'maximize' ? v : -v,
    ),
  };
}

/** Objective values of a finished evaluation, in run order (raw units). */
function objectiveValues(names: readonly ObjectiveName[], score: number, r: EvaluationResult): number[] {
  return names.map((name) => {
    switch (name) {
      case 'score':
        return score;
      case 'fit_seconds':
        return r.fitSeconds;
      case 'model_size':
        return r.modelSize;
      case 'predict_seconds':
        return r.predictSeconds;
    }
  });
}

/**
 * Runs the search on `parts` until a limit is reached and returns why it stopped. A resumed run's drones
 * (already in the context) are told to the strategy first; a warm start's genomes are evaluated first.
 */
export async function searchLoop(
  ctx: RunContext,
  parts: SearchParts,
  signal?: AbortSignal,
  warmStart: readonly Genome[] = [],
): Promise<StopReason> {
  const { options, budget } = ctx;
  const { space, strategy, pruner, backend } = parts;
  const wantSize = options.objectives.includes('model_size');
  // A resumed run tells the strategy every drone it has (none is evaluated again) and numbers on from them.
  if (ctx.drones.length > 0) strategy.tell(ctx.drones.map((d) => trialResult(ctx, d)));
  let generation = ctx.drones.reduce((g, d) => Math.max(g, d.generation + 1), 0);
  let droneCounter = ctx.drones.reduce((n, d) => Math.max(n, droneNumber(d.id)), 0);
  // A warm start evaluates an earlier run's best genomes first; the strategy is then told their results.
  const known = new Set(ctx.drones.map((d) => genomeKey(d.genome)));
  const queued: Candidate[] = warmStart
    .filter((genome) => !known.has(genomeKey(genome)) && isValidGenome(space, genome))
    .map((genome) => ({ genome, parents: [], operator: 'warm_start' }));

  // The deadline and the user's abort both cancel running evaluations; finished drones are kept.
  let stopped: StopReason | null = null;
  const stop = (why: StopReason) => {
    if (!stopped) stopped = why;
    backend.cancelAll();
  };
  const onAbort = () => stop('interrupted');
  signal?.addEventListener('abort', onAbort, { once: true });
  // the deadline moves earlier when the leaders are slow to refit (budget.reserveForFinishing)
  let timer: NodeJS.Timeout | undefined;
  const armDeadline = () => {
    clearTimeout(timer);
    const msLeft = budget.searchMsLeft();
    timer = Number.isFinite(msLeft) ? setTimeout(() => stop('time'), Math.max(0, msLeft)) : undefined;
    timer?.unref();
  };
  armDeadline();
  // The leaders so far, updated as each drone finishes on all rows rather than once its whole batch is done: a
  // batch cut off by the deadline still keeps time to refit the champion, or the ensemble the leaders would form.
  const leaders = new Leaders(
    ctx.scorer.greaterIsBetter,
    options.ensemble || options.stacking ? ENSEMBLE_LEADERS : 1,
  );
  const keepTimeForLeaders = () => {
    budget.reserveForFinishing(finishRefitMs(ctx, leaders.fitSeconds(), refitWorkers(backend)));
    armDeadline();
  };
  const onScored = (score: number, fullFoldFitSeconds: number) => {
    if (leaders.add(score, fullFoldFitSeconds)) keepTimeForLeaders();
  };
  // a resumed run's drones are leaders too; the deadline is set once for all of them
  for (const d of ctx.drones)
    if (d.status === 'ok' && d.score !== null) leaders.add(d.score, fullFoldFitSeconds(d));
  keepTimeForLeaders();

  try {
    for (;;) {
      if (signal?.aborted) return 'interrupted';
      const limit = budget.reached();
      if (limit) return limit;
      if (stopped) return stopped;
      const batchSize = Math.min(options.populationSize, budget.evaluationsLeft());
      const proposals: Candidate[] =
        queued.length > 0 ? queued.splice(0, batchSize) : strategy.ask(batchSize);
      if (proposals.length === 0) return 'exhausted';

      const ids = proposals.map(() => `d${++droneCounter}`);
      // A drone scored on all rows is announced as it finishes (the panels and progress bars show it at once);
      // the others when their batch ends. The run lists them in proposal order, whatever order they finished in.
      const announced = new Map<number, Drone>();
      const announce = (k: number, outcome: BatchOutcome) => {
        const drone = toDrone(ctx, ids[k], proposals[k], outcome, generation);
        announced.set(k, drone);
        ctx.emit({ type: 'drone.evaluated', runId: ctx.runId, time: now(), drone });
      };
      const outcomes = await evaluateBatch(
        ctx,
        backend,
        proposals,
        ids,
        pruner,
        wantSize,
        () => stopped !== null,
        onScored,
        announce,
      );

      // Drones cut off by the deadline or an interrupt are dropped; every finished one is kept.
      const results: TrialResult[] = [];
      const finished: Drone[] = [];
      proposals.forEach((_, k) => {
        const outcome = outcomes[k];
        if (!outcome) return;
        if (!announced.has(k)) announce(k, outcome);
        const drone = announced.get(k)!;
        ctx.drones.push(drone);
        finished.push(drone);
        results.push(trialResult(ctx, drone));
      });
      if (results.length < proposals.length) {
        emitGeneration(ctx, space, generation, finished);
        return stopped ?? 'interrupted';
      }
      budget.countEvaluations(proposals.length);
      strategy.tell(results);

      budget.recordGeneration(emitGeneration(ctx, space, generation, finished));
      generation++;
    }
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * How many of the best drones the finishing time is kept for when the champion may be an ensemble or a stack:
 * about as many as a greedy ensemble keeps. With time kept for the leader alone, an ensemble of drones slower to
 * refit than the leader no longer fitted: on forbes2000 at 10 s it was formed without its two best drones, forests.
 */
const ENSEMBLE_LEADERS = 5;

/** The best `size` scores so far and their fold fit times. */
export class Leaders {
  private readonly kept: { score: number; fitSeconds: number }[] = [];

  constructor(
    private readonly greaterIsBetter: boolean,
    private readonly size: number,
  ) {}

  /** Records a score; returns whether it is among the best `size`. */
  add(score: number, fitSeconds: number): boolean {
    const better = (a: number, b: number) => (this.greaterIsBetter ? a > b : a < b);
    let at = this.kept.findIndex((k) => better(score, k.score));
    if (at === -1) at = this.kept.length;
    if (at >= this.size) return false;
    this.kept.splice(at, 0, { score, fitSeconds });
    if (this.kept.length > this.size) this.kept.pop();
    return true;
  }

  /** The fold fit seconds of the kept scores, best score first. */
  fitSeconds(): number[] {
    return this.kept.map((k) => k.fitSeconds);
  }
}

/** Emits generation.completed; returns the best score so far. */
function emitGeneration(
  ctx: RunContext,
  space: PipelineSpace,
  generation: number,
  finished: readonly Drone[],
): number | null {
  const best = bestDrone(ctx.drones, ctx.scorer.greaterIsBetter);
  ctx.emit({
    type: 'generation.completed',
    runId: ctx.runId,
    time: now(),
    generation,
    bestId: best?.id ?? null,
    bestScore: best?.score ?? null,
    paretoIds: paretoIds(ctx),
    diversity: diversity(
      space,
      finished.map((d) => d.genome),
    ),
    evaluated: ctx.drones.length,
  });
  return best?.score ?? null;
}

/** Operators whose genomes skip the pruner's smaller rungs. */
const KNOWN_GOOD = new Set(['portfolio', 'warm_start']);

interface BatchOutcome {
  outcome: Outcome<EvaluationResult>;
  fraction: number;
  pruned: boolean;
}

/**
 * Evaluates a batch rung by rung: all proposals on the pruner's smallest fraction (those of the portfolio or an
 * earlier run on all rows), the promoted ones on the next, up to all rows; `onScored` hears each score on all
 * rows as it arrives, and `onFinal` each outcome on all rows (proposal `k`), so that a drone is shown when it
 * finishes rather than when its whole batch does. Returns null for an entry cut off by the deadline or an interrupt.
 */
export async function evaluateBatch(
  ctx: RunContext,
  backend: EvaluationBackend,
  proposals: readonly Candidate[],
  ids: readonly string[],
  pruner: Pruner,
  measureSize: boolean,
  isStopped: () => boolean,
  onScored?: (score: number, foldFitSeconds: number) => void,
  onFinal?: (k: number, outcome: BatchOutcome) => void,
): Promise<(BatchOutcome | null)[]> {
  const { options, scorer } = ctx;
  const fractions = pruner.fractions;
  const timeoutMs =
    options.budget.evaluationSeconds !== undefined ? options.budget.evaluationSeconds * 1000 : undefined;
  const out: (BatchOutcome | null)[] = proposals.map(() => null);
  // a genome of the portfolio or of an earlier run is known to be good: it is scored on all rows at once,
  // with the drones promoted to the last rung, instead of being judged on a few rows first
  const entryRung = (k: number) => (KNOWN_GOOD.has(proposals[k].operator) ? fractions.length - 1 : 0);
  let active: number[] = [];
  for (let r = 0; r < fractions.length; r++) {
    // past the deadline (or an interrupt) no drone climbs further: a promoted one keeps its score at the
    // fraction it finished, as one cut off while climbing does
    if (r > 0 && isStopped()) break;
    active = [...active, ...proposals.flatMap((_, k) => (entryRung(k) === r ? [k] : []))];
    if (active.length === 0) continue;
    const fraction = fractions[r];
    const last = r === fractions.length - 1;
    const dispatch = (k: number) => {
      const job: EvaluationJob = {
        genome: proposals[k].genome,
        fraction,
        metric: scorer.name,
        seed: options.seed,
        wantPredictions: last,
        measureSize: measureSize && last,
      };
      // a scaler changes the measured size, though not a forest's predictions
      const genome = job.measureSize ? genomeKey(job.genome) : evaluationKey(job.genome);
      const key = `${ctx.dataKey}|${scorer.name}|${fraction}|${measureSize}|${genome}`;
      return evaluationCache.getOrEvaluate(key, () =>
        backend.evaluate(ctx.dataKey, job, { timeoutMs, id: `${ids[k]}.r${r}` }),
      );
    };
    // Handed to the backend cheapest first, so that a deadline cuts off the few slow drones rather than many
    // fast ones; results are read in proposal order, so the search itself does not change.
    const pending: Promise<Outcome<EvaluationResult>>[] = [];
    const order = cheapestFirst(
      active.map((k) => proposals[k].genome),
      foldShape(ctx, fraction),
    );
    for (const i of order) {
      pending[i] = dispatch(active[i]).then((o) => {
        if (last && o.status === 'ok') onScored?.(mean(o.value.foldScores), o.value.fitSeconds);
        if (last && o.status !== 'cancelled') onFinal?.(active[i], { outcome: o, fraction, pruned: false });
        return o;
      });
    }
    const settled = await Promise.all(pending);
    const scores = settled.map((o) => (o.status === 'ok' ? mean(o.value.foldScores) : null));
    const promoted = last ? settled.map(() => false) : pruner.promote(r, scores);
    const next: number[] = [];
    active.forEach((k, i) => {
      const outcome = settled[i];
      if (outcome.status === 'cancelled') return; // stays null: cut off by the deadline or an interrupt
      out[k] = { outcome, fraction, pruned: !last && outcome.status === 'ok' && !promoted[i] };
      if (promoted[i]) next.push(k);
    });
    active = next;
  }
  return out;
}

/** The shape of what one fold's fit sees at `fraction` of its training rows. */
function foldShape(ctx: RunContext, fraction: number): TableShape {
  const { folds, features, nClasses, task } = ctx.data;
  const trainRows = folds.length > 0 ? folds[0].train.length : ctx.search.rows;
  return {
    rows: Math.ceil(trainRows * fraction),
    columns: features.columns.length,
    classes: task === 'classification' ? nClasses : 1,
  };
}

function toDrone(ctx: RunContext, id: string, p: Candidate, b: BatchOutcome, generation: number): Drone {
  const base = {
    id,
    generation,
    parents: p.parents,
    operator: p.operator,
    genome: p.genome,
    family: p.genome.model.family,
    fraction: b.fraction,
  };
  const o = b.outcome;
  if (o.status !== 'ok') {
    const error =
      o.status === 'timeout'
        ? `stopped after ${ctx.options.budget.evaluationSeconds} s (the per-evaluation limit budget.evaluationSeconds)`
        : o.status === 'cancelled'
          ? 'cancelled'
          : `${o.error.name}: ${o.error.message}`;
    return {
      ...base,
      status: o.status === 'timeout' ? 'timeout' : 'failed',
      foldScores: [],
      score: null,
      objectives: ctx.objectives.map(() => null),
      fitSeconds: 'seconds' in o ? o.seconds : 0,
      predictSeconds: 0,
      error,
    };
  }
  const r = o.value;
  const score = mean(r.foldScores);
  if (!b.pruned && r.predictions) ctx.predictions.set(id, r.predictions);
  return {
    ...base,
    status: b.pruned ? 'pruned' : 'ok',
    foldScores: r.foldScores,
    score,
    objectives: objectiveValues(ctx.options.objectives, score, r),
    fitSeconds: r.fitSeconds,
    predictSeconds: r.predictSeconds,
  };
}
