/**
 * This module contains `evolve()`: the search loop. Batch by batch (one generation), it asks the strategy
 * for genomes, evaluates them on the backend (successive halving on growing fractions when enabled),
 * records each as a drone, emits the event stream, tells the strategy, and stops at the first limit
 * reached; then it builds the champion (the best drone or a greedy ensemble) and explains it. Events are
 * committed to the experiment store as they happen, so a run can resume (or warm start another) from it.
 */
import { randomUUID } from 'node:crypto';
import { ConfigurationError, DataError } from '../core/errors.js';
import { quote } from '../core/text.js';
import { logger } from '../core/logger.js';
import { Dataset, toDataset } from '../data/dataset.js';
import type { Frame } from '../data/frame.js';
import { dateColumnInfo } from '../data/dates.js';
import { describeDropped, uselessColumns } from '../data/screen.js';
import { isTextColumn } from '../data/text.js';
import { countCategories } from '../preprocessing/categories.js';
import { kFold, trainTestSplit, type Split } from '../data/split.js';
import type { Drone, Genome, Objective, RunEvent, RunStarted } from '../events/events.js';
import { EVENT_PROTOCOL_VERSION } from '../events/events.js';
import { publishRunEvent, runSnapshots } from '../events/hub.js';
import type { Outcome } from '../evaluation/pool/outcome.js';
import { defaultScorer, getScorer, type Scorer } from '../metrics/scorers.js';
import { defaultPipelineSpace, type DefaultSpaceOptions } from '../search/default_space.js';
import { modelFamilies } from '../models/registry.js';
import { checkPipelineSpace, diversity, genomeKey, isValidGenome, restrictFamilies, type PipelineSpace } from '../search/genome.js';
import { paretoFront } from '../search/nsga2.js';
import { defaultPortfolio } from '../search/portfolio.js';
import { createStrategy, type Proposal, type SearchStrategy, type TrialResult } from '../search/strategies/index.js';
import { InlineBackend, ThreadBackend, type EvaluationBackend } from './backends.js';
import { redactSecrets } from '../distributed/redis_url.js';
import { Budget, type StopReason } from './budget.js';
import { evaluationCache } from './cache.js';
import type { EvaluationData, EvaluationJob, EvaluationResult } from './evaluate.js';
import { finishRun } from './finish.js';
import { HalvingLadder, rungFractions } from './halving.js';
import { loadPlugins } from './plugins.js';
import { sizeOptions, type EvolveOptionsInput, type ObjectiveName, type SizedEvolveOptions } from './options.js';
import type { Run } from './run.js';
import { openRunHistory } from '../store/resume.js';

export interface EvolveControls {
  /** Called with every event as it happens (also published to the process-wide event hub). */
  onEvent?: (event: RunEvent) => void;
  /** Aborting stops the run within a second, keeping every drone already evaluated. */
  signal?: AbortSignal;
}

/** Everything the loop and the finishing steps share about one run. */
export interface RunContext {
  runId: string;
  options: SizedEvolveOptions;
  dataset: Dataset;
  search: Dataset;
  test: Dataset | null;
  data: EvaluationData;
  dataKey: string;
  scorer: Scorer;
  objectives: Objective[];
  drones: Drone[];
  /** Out-of-fold predictions of ok drones evaluated on all rows, for ensembles and confusion matrices. */
  predictions: Map<string, Float64Array>;
  events: RunEvent[];
  emit(event: RunEvent): void;
  budget: Budget;
  started: RunStarted;
}

const now = () => new Date().toISOString();

function asDataset(data: Dataset | Frame, options: EvolveOptionsInput): Dataset {
  if (data instanceof Dataset) {
    if (options.target && options.target !== data.target.name) {
      throw new ConfigurationError(
        'evolve.target_mismatch',
        `the dataset's target is ${quote(data.target.name)} but options.target is ${quote(options.target)}; drop one of them.`,
      );
    }
    if (options.task && options.task !== data.task) {
      throw new ConfigurationError(
        'evolve.task_mismatch',
        `the dataset is a ${data.task} dataset but options.task is ${quote(options.task)}; choose the task when building it: toDataset(frame, { target, task }).`,
      );
    }
    return data;
  }
  if (!options.target) {
    throw new ConfigurationError('evolve.no_target', 'evolve() needs to know the target column: pass { target: "name" }.');
  }
  return toDataset(data, { target: options.target, task: options.task, name: options.name });
}

function objectiveList(names: readonly ObjectiveName[], scorer: Scorer): Objective[] {
  return names.map((name) =>
    name === 'score'
      ? { name: scorer.name, direction: scorer.greaterIsBetter ? 'maximize' : 'minimize' }
      : { name, direction: 'minimize' },
  );
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

function searchSplits(search: Dataset, options: SizedEvolveOptions): Split[] {
  const stratify = search.task === 'classification' ? search.target.values : null;
  if ('holdout' in options.validation) {
    return [trainTestSplit(search.rows, options.validation.holdout, { seed: options.seed + 1, stratify })];
  }
  return kFold(search.rows, options.validation.folds, { seed: options.seed + 1, stratify });
}

/**
 * Breeds and evaluates candidate pipelines on `data` within the budget and returns the run. With a
 * maximum-evaluations budget (and no time limit) the same seed gives the same leaderboard, whatever the
 * number of workers; time limits make the number of drones depend on the machine.
 */
export async function evolve(data: Dataset | Frame, input: EvolveOptionsInput = {}, controls: EvolveControls = {}): Promise<Run> {
  // In a notebook, the kernel publishes each cell's interrupt signal here, so an interrupt stops the run
  // (keeping its drones) even when the cell did not pass one.
  const cellSignal = (globalThis as Record<symbol, AbortSignal | undefined>)[Symbol.for('beemind.interruptSignal')];
  if (!controls.signal && cellSignal) controls = { ...controls, signal: cellSignal };
  // the experiment store: the run to resume (its options come back from it), a warm start, the recorder
  const history = openRunHistory(input);
  const given = asDataset(data, history.options);
  history.checkData(given);
  const dropped = history.options.screenColumns ? uselessColumns(given.features) : [];
  const dataset = dropped.length > 0 ? new Dataset(given.features.drop(dropped.map((d) => d.column)), given.target, given.name) : given;
  if (dropped.length > 0) logger.info(`columns set aside before the search: ${describeDropped(dropped)}`);
  const { metric, objectives: objectiveNames, testSize, seed } = history.options;
  const scorer = metric ? getScorer(metric, dataset.task) : defaultScorer(dataset.task);
  const objectives = objectiveList(objectiveNames, scorer);
  if (dataset.rows < 10) {
    throw new DataError('data.too_small', `evolve() needs at least 10 rows to validate candidates; the data has ${dataset.rows}.`);
  }

  let search = dataset;
  let test: Dataset | null = null;
  if (testSize > 0) {
    const split = trainTestSplit(dataset.rows, testSize, {
      seed,
      stratify: dataset.task === 'classification' ? dataset.target.values : null,
    });
    search = dataset.subset(split.train);
    test = dataset.subset(split.test);
  }
  // validation and successive halving follow the size of the data unless the caller chose them
  const options = sizeOptions(history.options, search.rows);
  const folds = searchSplits(search, options);
  const evaluationData: EvaluationData = {
    features: { rows: search.rows, columns: search.features.columns },
    y: search.target.values,
    task: dataset.task,
    nClasses: dataset.nClasses,
    folds,
  };
  const dataKey = `${search.fingerprint}|${JSON.stringify(options.validation)}|${options.seed}|${options.testSize}`;
  const resumed = history.resumed;
  const runId = resumed?.runId ?? randomUUID().slice(0, 8);
  const events: RunEvent[] = [];
  const predictions = new Map<string, Float64Array>(resumed?.predictions);
  const recorder = history.recorder(predictions);
  // a resumed run's history goes to the caller again, and to the hub unless this process saw it already
  const hubKnowsRun = resumed !== null && runSnapshots().some((s) => s.runId === runId);
  const announce = (event: RunEvent, replayed = false) => {
    events.push(event);
    if (!(replayed && hubKnowsRun)) publishRunEvent(event);
    try {
      controls.onEvent?.(event);
    } catch (error) {
      logger.warn({ err: error }, 'an onEvent callback threw; the run goes on');
    }
  };
  // the store first: a drone is committed before anyone hears of it, so a kill loses only drones in flight
  const emit = (event: RunEvent) => {
    recorder?.record(event);
    announce(event);
  };
  const budget = new Budget(options.budget, scorer.greaterIsBetter);
  const started: RunStarted = resumed?.started ?? {
    type: 'run.started',
    version: EVENT_PROTOCOL_VERSION,
    runId,
    time: now(),
    name: options.name ?? dataset.name,
    seed: options.seed,
    config: JSON.parse(JSON.stringify(options, redactSecrets)),
    metric: scorer.name,
    objectives,
    dataset: {
      name: dataset.name,
      rows: dataset.rows,
      fingerprint: given.fingerprint, // of the data as given, which a resume is checked against
      task: dataset.task,
      target: dataset.target.name,
      classes: dataset.target.classes,
      features: dataset.schema,
      ...(dropped.length > 0 ? { dropped } : {}),
    },
  };
  if (resumed) resumed.events.forEach((e) => announce(e, true));
  else emit(started);
  // the evaluations budget counts the drones a resumed run already has
  budget.countEvaluations(resumed?.drones.length ?? 0);

  const context: RunContext = {
    runId,
    options,
    dataset,
    search,
    test,
    data: evaluationData,
    dataKey,
    scorer,
    objectives,
    drones: [...(resumed?.drones ?? [])],
    predictions,
    events,
    emit,
    budget,
    started,
  };

  await loadPlugins(options.plugins);
  // The Redis backend is loaded only when asked for: the queue library stays out of local runs.
  const backend: EvaluationBackend = options.backend
    ? await (await import('../distributed/backend.js')).RedisBackend.connect({ ...options.backend, runId, plugins: options.plugins })
    : options.workers > 0
      ? new ThreadBackend(options.workers, options.workerMemoryMb, options.plugins)
      : new InlineBackend();
  let reason: StopReason;
  let failure: unknown = null;
  try {
    backend.prepare(dataKey, evaluationData);
    reason = await searchLoop(context, backend, controls.signal, history.warmStart);
  } catch (error) {
    failure = error;
    reason = 'interrupted';
  } finally {
    await backend.close();
  }
  return finishRun(context, reason, failure, controls.signal);
}

/** Metrics that weigh every class alike, for which balancing class weights can help. */
const BALANCING_METRICS = new Set(['balanced_accuracy', 'f1_macro', 'roc_auc']);

/** The rarest class has under a quarter of the rows of the most common one. */
function isImbalanced(dataset: Dataset): boolean {
  if (dataset.task !== 'classification') return false;
  const counts = new Float64Array(dataset.nClasses);
  for (const y of dataset.target.values) counts[y]++;
  return Math.min(...counts) < 0.25 * Math.max(...counts);
}

/** A categorical column with at least this many categories is worth encoding by target mean and frequency. */
const HIGH_CARDINALITY = 16;

/** What the data holds that the default space and portfolio adapt to. */
function dataTraits(dataset: Dataset, scorer: Scorer): DefaultSpaceOptions {
  const columns = dataset.features.columns;
  return {
    dates: columns.some((c) => dateColumnInfo(c) !== null),
    text: columns.some((c) => isTextColumn(c)),
    manyCategories: columns.some(
      (c) =>
        c.kind === 'categorical' && !isTextColumn(c) && dateColumnInfo(c) === null && countCategories(c.values).size >= HIGH_CARDINALITY,
    ),
    classWeights: BALANCING_METRICS.has(scorer.name) && isImbalanced(dataset),
  };
}

/**
 * The user's space, or the default space over the registered model families (plugins included) adapted to
 * the data's traits; either restricted to `options.families` when given.
 */
function searchSpace(options: SizedEvolveOptions, task: Dataset['task'], traits: DefaultSpaceOptions): PipelineSpace {
  if (options.space) {
    const space = checkPipelineSpace(options.space);
    return options.families ? restrictFamilies(space, options.families) : space;
  }
  const registered = new Set(modelFamilies(task).map((f) => f.family));
  const space = defaultPipelineSpace(task, { ...traits, families: options.families });
  const available = Object.keys(space.models).filter((f) => registered.has(f));
  if (available.length === 0) {
    throw new ConfigurationError('evolve.no_families', `none of the model families ${Object.keys(space.models).join(', ')} is available for ${task}.`);
  }
  return restrictFamilies(space, available);
}

/** The chosen strategy, seeded, opening with the portfolio of known-good genomes (except grid search). */
function strategyFor(options: SizedEvolveOptions, space: PipelineSpace, task: Dataset['task'], traits: DefaultSpaceOptions): SearchStrategy {
  const common = { seed: options.seed, portfolio: defaultPortfolio(task, traits) };
  switch (options.strategy) {
    case 'evolution':
      return createStrategy('evolution', space, { ...common, populationSize: options.populationSize });
    case 'tpe':
      return createStrategy('tpe', space, common);
    case 'random':
      return createStrategy('random', space, { ...common, batchSize: options.populationSize });
    case 'grid':
      return createStrategy('grid', space, { seed: options.seed, batchSize: options.populationSize });
  }
}

/** What the loop evaluates: a strategy's proposal, or a genome of an earlier run (warm start). */
type Candidate = Pick<Proposal, 'genome' | 'parents'> & { operator: string };

/** A drone as a result the strategy learns from (every objective maximised). */
function trialResult(ctx: RunContext, drone: Drone): TrialResult {
  return {
    id: drone.id,
    genome: drone.genome,
    status: drone.status,
    objectives: drone.objectives.map((v, j) => (v === null ? -Infinity : ctx.objectives[j].direction === 'maximize' ? v : -v)),
  };
}

async function searchLoop(ctx: RunContext, backend: EvaluationBackend, signal?: AbortSignal, warmStart: readonly Genome[] = []): Promise<StopReason> {
  const { options, scorer, budget } = ctx;
  const traits = dataTraits(ctx.dataset, scorer);
  const space = searchSpace(options, ctx.dataset.task, traits);
  const strategy = strategyFor(options, space, ctx.dataset.task, traits);
  const halving = options.successiveHalving || null;
  const minTrainRows = Math.min(...ctx.data.folds.map((f) => f.train.length));
  const fractions = rungFractions(halving, minTrainRows);
  const ladder = new HalvingLadder(fractions, halving?.eta ?? 3, scorer.greaterIsBetter);
  const wantSize = options.objectives.includes('model_size');
  // A resumed run tells the strategy every drone it has (none is evaluated again) and numbers on from them.
  if (ctx.drones.length > 0) strategy.tell(ctx.drones.map((d) => trialResult(ctx, d)));
  let generation = ctx.drones.reduce((g, d) => Math.max(g, d.generation + 1), 0);
  let droneCounter = ctx.drones.reduce((n, d) => Math.max(n, Number(/^d(\d+)$/.exec(d.id)?.[1] ?? 0)), 0);
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
  // the deadline moves earlier when the leader is slow to refit (budget.reserveForFinishing)
  let timer: NodeJS.Timeout | undefined;
  const armDeadline = () => {
    clearTimeout(timer);
    const msLeft = budget.searchMsLeft();
    timer = Number.isFinite(msLeft) ? setTimeout(() => stop('time'), Math.max(0, msLeft)) : undefined;
    timer?.unref();
  };
  armDeadline();

  try {
    for (;;) {
      if (signal?.aborted) return 'interrupted';
      const limit = budget.reached();
      if (limit) return limit;
      if (stopped) return stopped;
      const batchSize = Math.min(options.populationSize, budget.evaluationsLeft());
      const proposals: Candidate[] = queued.length > 0 ? queued.splice(0, batchSize) : strategy.ask(batchSize);
      if (proposals.length === 0) return 'exhausted';

      const ids = proposals.map(() => `d${++droneCounter}`);
      const outcomes = await evaluateBatch(ctx, backend, proposals, ids, fractions, ladder, wantSize, () => stopped !== null);

      // Drones cut off by the deadline or an interrupt are dropped; every finished one is kept.
      const results: TrialResult[] = [];
      const finished: Drone[] = [];
      proposals.forEach((p, k) => {
        const outcome = outcomes[k];
        if (!outcome) return;
        const drone = toDrone(ctx, ids[k], p, outcome, generation);
        ctx.drones.push(drone);
        finished.push(drone);
        ctx.emit({ type: 'drone.evaluated', runId: ctx.runId, time: now(), drone });
        results.push(trialResult(ctx, drone));
      });
      if (results.length < proposals.length) {
        emitGeneration(ctx, space, generation, finished);
        return stopped ?? 'interrupted';
      }
      budget.countEvaluations(proposals.length);
      strategy.tell(results);
      const leader = bestDrone(ctx.drones, ctx.scorer.greaterIsBetter);
      if (leader) {
        budget.reserveForFinishing(finishingMs(leader, ctx));
        armDeadline();
      }

      budget.recordGeneration(emitGeneration(ctx, space, generation, finished));
      generation++;
    }
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * A drone's mean fold fit time scaled to its folds' full training rows: a drone that successive halving stopped
 * at a fraction of the rows was timed on that fraction only.
 */
export function fullFoldFitSeconds(drone: Drone): number {
  return drone.fitSeconds / drone.fraction;
}

/**
 * Time to finish a run whose champion is `leader`, with margin: its refit on the search rows (its fit time
 * was measured on a fold's share of them) and, with test rows, its refit on every row.
 */
function finishingMs(leader: Drone, ctx: RunContext): number {
  const v = ctx.options.validation;
  const trainShare = 'holdout' in v ? 1 - v.holdout : 1 - 1 / v.folds;
  const perRow = fullFoldFitSeconds(leader) / Math.max(1, ctx.search.rows * trainShare);
  const refitRows = ctx.search.rows + (ctx.test ? ctx.dataset.rows : 0);
  return perRow * refitRows * 1000 * 1.5;
}

/** Emits generation.completed; returns the best score so far. */
function emitGeneration(ctx: RunContext, space: PipelineSpace, generation: number, finished: readonly Drone[]): number | null {
  const best = bestDrone(ctx.drones, ctx.scorer.greaterIsBetter);
  ctx.emit({
    type: 'generation.completed',
    runId: ctx.runId,
    time: now(),
    generation,
    bestId: best?.id ?? null,
    bestScore: best?.score ?? null,
    paretoIds: paretoIds(ctx),
    diversity: diversity(space, finished.map((d) => d.genome)),
    evaluated: ctx.drones.length,
  });
  return best?.score ?? null;
}

/** The ok drone with the best score (earliest on ties). */
export function bestDrone(drones: readonly Drone[], greaterIsBetter: boolean): Drone | null {
  let best: Drone | null = null;
  for (const d of drones) {
    if (d.status !== 'ok' || d.score === null) continue;
    if (!best || (greaterIsBetter ? d.score > best.score! : d.score < best.score!)) best = d;
  }
  return best;
}

/** Ids of the Pareto-optimal ok drones over the run's objectives. */
export function paretoIds(ctx: RunContext): string[] {
  const ok = ctx.drones.filter((d) => d.status === 'ok' && d.objectives.every((v) => v !== null));
  const points = ok.map((d) => d.objectives.map((v, j) => (ctx.objectives[j].direction === 'maximize' ? v! : -v!)));
  return paretoFront(points).map((i) => ok[i].id);
}

interface BatchOutcome {
  outcome: Outcome<EvaluationResult>;
  fraction: number;
  pruned: boolean;
}

/**
 * Evaluates a batch rung by rung: all proposals on the smallest fraction, the promoted ones on the next,
 * up to all rows. Returns null for an entry cut off by the deadline or an interrupt.
 */
export async function evaluateBatch(
  ctx: RunContext,
  backend: EvaluationBackend,
  proposals: readonly Candidate[],
  ids: readonly string[],
  fractions: readonly number[],
  ladder: HalvingLadder,
  measureSize: boolean,
  isStopped: () => boolean,
): Promise<(BatchOutcome | null)[]> {
  const { options, scorer } = ctx;
  const timeoutMs = options.budget.evaluationSeconds !== undefined ? options.budget.evaluationSeconds * 1000 : undefined;
  const out: (BatchOutcome | null)[] = proposals.map(() => null);
  let active = proposals.map((_, k) => k);
  for (let r = 0; r < fractions.length && active.length > 0; r++) {
    // past the deadline (or an interrupt) no drone climbs further: a promoted one keeps its score at the
    // fraction it finished, as one cut off while climbing does
    if (r > 0 && isStopped()) break;
    const fraction = fractions[r];
    const last = r === fractions.length - 1;
    const settled = await Promise.all(
      active.map((k) => {
        const job: EvaluationJob = {
          genome: proposals[k].genome,
          fraction,
          metric: scorer.name,
          seed: options.seed,
          wantPredictions: last,
          measureSize: measureSize && last,
        };
        const key = `${ctx.dataKey}|${scorer.name}|${fraction}|${measureSize}|${genomeKey(job.genome)}`;
        return evaluationCache.getOrEvaluate(key, () => backend.evaluate(ctx.dataKey, job, { timeoutMs, id: `${ids[k]}.r${r}` }));
      }),
    );
    const scores = settled.map((o) => (o.status === 'ok' ? mean(o.value.foldScores) : null));
    const promoted = last ? settled.map(() => false) : ladder.promote(r, scores);
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

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function std(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
}

export { std as standardDeviation };

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
