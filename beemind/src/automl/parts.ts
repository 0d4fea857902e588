/**
 * This module contains the parts a search is built from, and the one place where evolve()'s string options
 * become them: the search space (the user's, or the default space adapted to the data), the strategy that
 * proposes genomes, the pruner that decides which drones earn more rows (successive halving, or none) and the
 * evaluation backend (inline, worker threads or Redis). A user can pass an object of their own for the
 * strategy, the pruner, the backend or the recorder (evolve's third argument); the options build the rest (the
 * store's recorder is built with the run's history, in resume.ts).
 */
import { ConfigurationError } from '../core/errors.js';
import { quote } from '../core/text.js';
import type { Task } from '../core/task.js';
import type { Dataset } from '../data/dataset.js';
import { dateColumnInfo } from '../data/dates.js';
import { hasMissingValue } from '../data/frame.js';
import { isTextColumn } from '../data/text.js';
import { InlineBackend, ThreadBackend, type EvaluationBackend } from '../evaluation/backends.js';
import type { Scorer } from '../metrics/scorers.js';
import { modelFamilies } from '../models/registry.js';
import { countCategories } from '../preprocessing/categories.js';
import { defaultPipelineSpace, type DefaultSpaceOptions } from '../search/default_space.js';
import { checkPipelineSpace, restrictFamilies, type PipelineSpace } from '../search/genome.js';
import { defaultPortfolio } from '../search/portfolio.js';
import {
  createStrategy,
  type SearchStrategy,
  type StrategyOptionsByName,
} from '../search/strategies/index.js';
import { HalvingLadder, rungFractions } from './halving.js';
import type { SizedEvolveOptions } from './options.js';
import type { RunEvent } from '../protocol/events.js';

/**
 * Decides, rung by rung, which drones of a batch are evaluated on more rows. Every drone starts on the first
 * fraction; the last fraction is 1 (all of each fold's training rows), where a drone's score is final.
 */
export interface Pruner {
  /** Fractions of the training rows, smallest first, ending at 1. */
  readonly fractions: readonly number[];
  /** Per entry of a batch's scores at rung `rung` (null = failed): whether it goes on to the next rung. */
  promote(rung: number, scores: readonly (number | null)[]): boolean[];
}

/** Every drone is evaluated on all rows at once. */
export const noPruning: Pruner = { fractions: [1], promote: (_rung, scores) => scores.map(() => false) };

/** Builds the strategy over the run's search space; `seed` and the default portfolio come with the context. */
export type StrategyFactory = (space: PipelineSpace, context: StrategyContext) => SearchStrategy;

export interface StrategyContext {
  seed: number;
  task: Dataset['task'];
  /** Known-good genomes for this task and data to evaluate first (the built-in strategies open with them). */
  portfolio: ReturnType<typeof defaultPortfolio>;
}

/**
 * Where a run's events are committed as they happen, before anyone else hears of them: the experiment store
 * (what `options.store` names), or a recorder of the user's own.
 */
export interface Recorder {
  record(event: RunEvent): void;
}

/** The user's own parts, each replacing what the string options would build. */
export interface CustomParts {
  /** A strategy (or a factory given the search space) in place of `options.strategy`. */
  strategy?: SearchStrategy | StrategyFactory;
  /** A pruner in place of `options.successiveHalving`. */
  pruner?: Pruner;
  /** A backend in place of `options.workers` / `options.backend`; evolve() closes it at the end of the run. */
  backend?: EvaluationBackend;
  /** A recorder in place of the experiment store's (the run is then not kept in the store). */
  recorder?: Recorder;
}

/** The parts one search runs on. */
export interface SearchParts {
  space: PipelineSpace;
  strategy: SearchStrategy;
  pruner: Pruner;
  backend: EvaluationBackend;
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
export function dataTraits(dataset: Dataset, scorer: Scorer): DefaultSpaceOptions {
  const columns = dataset.features.columns;
  // each column classified once: dates and free text have slots of their own, other categories reach the encoder
  const dates = columns.filter((c) => dateColumnInfo(c) !== null);
  // an ISO date has three "words" (2024-01-31), but the dates slot has turned it into numbers before the text slot
  const text = columns.filter((c) => !dates.includes(c) && isTextColumn(c));
  const encoded = columns.filter((c) => c.kind === 'categorical' && !dates.includes(c) && !text.includes(c));
  const manyCategories = encoded.some(
    (c) => c.kind === 'categorical' && countCategories(c.values).size >= HIGH_CARDINALITY,
  );
  return {
    dates: dates.length > 0,
    // with nothing but text, leaving it out would leave no feature at all
    text: text.length === 0 ? false : text.length === columns.length ? 'only' : true,
    missing: columns.some(hasMissingValue),
    categories: encoded.length > 0,
    manyCategories,
    // one target order for categories: a regression's values, or the share of the second of two classes
    orderedCategories: manyCategories && (dataset.task === 'regression' || dataset.nClasses === 2),
    classWeights: BALANCING_METRICS.has(scorer.name) && isImbalanced(dataset),
  };
}

/**
 * Families asked for that are registered but do not learn `task` (ridge for a classification target): a
 * ConfigurationError that says so and lists the families that do, rather than calling them unknown.
 */
export function checkFamilyTasks(task: Task, families: readonly string[] | undefined): void {
  const supporting = modelFamilies(task).map((f) => f.family);
  const registered = new Set(modelFamilies().map((f) => f.family));
  const otherTask = (families ?? []).filter((f) => registered.has(f) && !supporting.includes(f));
  if (otherTask.length === 0) return;
  throw new ConfigurationError(
    'evolve.family_task',
    `${otherTask.map(quote).join(', ')} ${otherTask.length > 1 ? 'do' : 'does'} not learn ${task}, and this ` +
      `target is a ${task} task; choose from ${supporting.join(', ')}.`,
  );
}

/**
 * The user's space, or the default space over the registered model families (plugins included) adapted to
 * the data's traits; either restricted to `options.families` when given.
 */
export function searchSpace(
  options: SizedEvolveOptions,
  task: Dataset['task'],
  traits: DefaultSpaceOptions,
): PipelineSpace {
  if (options.space) {
    const space = checkPipelineSpace(options.space);
    return options.families ? restrictFamilies(space, options.families) : space;
  }
  checkFamilyTasks(task, options.families);
  const registered = new Set(modelFamilies(task).map((f) => f.family));
  const space = defaultPipelineSpace(task, { ...traits, families: options.families });
  const available = Object.keys(space.models).filter((f) => registered.has(f));
  if (available.length === 0) {
    throw new ConfigurationError(
      'evolve.no_families',
      `none of the model families ${Object.keys(space.models).join(', ')} is available for ${task}.`,
    );
  }
  return restrictFamilies(space, available);
}

/** What a run searches: the data's traits and the space adapted to them. */
export interface SearchedSpace {
  traits: DefaultSpaceOptions;
  space: PipelineSpace;
}

/**
 * The space of a run on `dataset`, worked out once before the run is recorded: a space that cannot be searched (an
 * unknown family, one of the other task) fails there, before any worker starts.
 */
export function searchedSpace(options: SizedEvolveOptions, dataset: Dataset, scorer: Scorer): SearchedSpace {
  const traits = dataTraits(dataset, scorer);
  return { traits, space: searchSpace(options, dataset.task, traits) };
}

/** The strategy `options.strategy` names, seeded, opening with the portfolio (except grid search). */
function namedStrategy(
  options: SizedEvolveOptions,
  space: PipelineSpace,
  context: StrategyContext,
): SearchStrategy {
  const common = { seed: context.seed, portfolio: context.portfolio };
  const byName: StrategyOptionsByName = {
    evolution: { ...common, populationSize: options.populationSize },
    tpe: common,
    random: { ...common, batchSize: options.populationSize },
    grid: { seed: context.seed, batchSize: options.populationSize },
  };
  return createStrategy(options.strategy, space, byName[options.strategy]);
}

/** Successive halving as `options.successiveHalving` sets it, or no pruning. */
function namedPruner(options: SizedEvolveOptions, scorer: Scorer, minTrainRows: number): Pruner {
  const halving = options.successiveHalving || null;
  if (!halving) return noPruning;
  return new HalvingLadder(rungFractions(halving, minTrainRows), halving.eta, scorer.greaterIsBetter);
}

/** The user's backend, or the one `options.backend` / `options.workers` ask for. */
export async function evaluationBackend(
  options: SizedEvolveOptions,
  runId: string,
  custom: CustomParts = {},
): Promise<EvaluationBackend> {
  if (custom.backend) return custom.backend;
  // The Redis backend is loaded only when asked for: the queue library stays out of local runs.
  if (options.backend) {
    const { RedisBackend } = await import('../distributed/backend.js');
    return RedisBackend.connect({ ...options.backend, runId, plugins: options.plugins });
  }
  return options.workers > 0
    ? new ThreadBackend(options.workers, options.workerMemoryMb, options.plugins)
    : new InlineBackend();
}

/** The parts of one run on `backend`: the user's own where given, else those its options name. */
export function searchParts(
  options: SizedEvolveOptions,
  run: { dataset: Dataset; scorer: Scorer; minTrainRows: number; searched: SearchedSpace },
  backend: EvaluationBackend,
  custom: CustomParts = {},
): SearchParts {
  const { traits, space } = run.searched;
  const context: StrategyContext = {
    seed: options.seed,
    task: run.dataset.task,
    portfolio: defaultPortfolio(run.dataset.task, { ...traits, families: options.families }),
  };
  const strategy =
    typeof custom.strategy === 'function'
      ? custom.strategy(space, context)
      : (custom.strategy ?? namedStrategy(options, space, context));
  const pruner = custom.pruner ?? namedPruner(options, run.scorer, run.minTrainRows);
  checkPruner(pruner);
  return { space, strategy, pruner, backend };
}

/** A pruner's rungs must grow to all rows, or no drone would ever be scored on its folds' full training rows. */
function checkPruner(pruner: Pruner): void {
  const f = pruner.fractions;
  const ok =
    f.length > 0 && f.every((x, i) => x > 0 && x <= 1 && (i === 0 || x > f[i - 1])) && f[f.length - 1] === 1;
  if (!ok) {
    throw new ConfigurationError(
      'evolve.bad_pruner',
      `a pruner's fractions must grow from above 0 and end at 1 (got [${f.join(', ')}]); e.g. [1/9, 1/3, 1].`,
    );
  }
}
