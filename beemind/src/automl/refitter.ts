/**
 * This module contains the Refitter: what a finished run keeps to turn its drones into models. It holds the
 * search rows, the held-out rows, the out-of-fold predictions and every pipeline it has fit, and it refits
 * drones (side by side on the evaluation workers while the run finishes, see WorkerFits), assembles a model
 * from members, computes a model's permutation importance and a confusion matrix. A Run answers `model()`,
 * `importance()` and `confusionMatrix()` through it.
 */
import { ConfigurationError, EvaluationError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { createMatrix } from '../core/matrix.js';
import { quote } from '../core/text.js';
import type { Dataset } from '../data/dataset.js';
import type { Frame } from '../data/frame.js';
import type { Drone } from '../protocol/events.js';
import { permutationImportance } from '../explain/importance.js';
import { confusionMatrix } from '../metrics/classification.js';
import { argmaxRows } from '../models/estimator.js';
import type { EvaluationBackend } from '../evaluation/backends.js';
import { evaluationDataOf, fitOnEveryRow } from '../evaluation/evaluate.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { ImportanceReport, TrainedModel, type ModelMember } from '../trained/trained_model.js';
import { fullFoldFitSeconds, outOfFold, type RunContext } from './context.js';
import { validationShare } from './options.js';

const IMPORTANCE_REPEATS = 5;

export interface ConfusionMatrix {
  matrix: number[][];
  labels: string[];
}

/** The rows a run explains by index in the panels' "why" view, and the background of its explanations. */
export interface HeldOutRows {
  frame: Frame;
  /** `test` when the run kept test rows, else `search` (the search rows stand in for them). */
  kind: 'test' | 'search';
  background: Frame;
}

/** How many refits a run's finish does at once on `backend`: its workers when it can fit, else one. */
export function refitWorkers(backend: EvaluationBackend): number {
  return backend.fit ? backend.concurrency : 1;
}

/**
 * The evaluation workers, lent to a run's finish to refit its champion's members side by side (they sit idle
 * once the search stops). They hold the search rows already; when the run kept test rows, every row replaces
 * them the first time a refit needs it, so each worker keeps one copy of the data, as during the search.
 */
export class WorkerFits {
  /** The rows the workers hold under the run's data key. */
  private rowsShared: Dataset;

  private constructor(
    private readonly backend: EvaluationBackend & Required<Pick<EvaluationBackend, 'fit'>>,
    private readonly ctx: RunContext,
  ) {
    this.rowsShared = ctx.search;
  }

  /** How many refits run at once. */
  get count(): number {
    return this.backend.concurrency;
  }

  /** Fits on `backend`'s workers, or null when it cannot fit (the run then refits on its own thread). */
  static on(backend: EvaluationBackend, ctx: RunContext): WorkerFits | null {
    return backend.fit && refitWorkers(backend) > 1
      ? new WorkerFits(backend as EvaluationBackend & Required<Pick<EvaluationBackend, 'fit'>>, ctx)
      : null;
  }

  /**
   * `drone`'s pipeline fit by a worker on `rows`: the search rows, then every row given to evolve (the finish
   * refits on them in that order; the search rows are not sent back once replaced).
   */
  async fit(drone: Drone, rows: Dataset): Promise<Pipeline> {
    const { ctx } = this;
    if (rows !== this.rowsShared) {
      if (rows !== ctx.dataset) {
        throw new EvaluationError(
          'refit.rows_gone',
          `the workers no longer hold the rows to refit ${drone.id} on`,
        );
      }
      this.backend.prepare(ctx.dataKey, evaluationDataOf(rows, []));
      this.rowsShared = rows;
    }
    const outcome = await this.backend.fit(ctx.dataKey, { genome: drone.genome, seed: ctx.options.seed });
    if (outcome.status !== 'ok') {
      const why =
        outcome.status === 'failed' || outcome.status === 'crashed' ? outcome.error.message : outcome.status;
      throw new EvaluationError('refit.worker_failed', `refitting ${drone.id} on a worker failed: ${why}`);
    }
    return Pipeline.fromJSON(outcome.value);
  }
}

export class Refitter {
  /** The rows importance and the champion's confusion matrix are measured on: the test rows, else the search rows. */
  readonly holdout: Dataset;
  readonly heldOut: HeldOutRows;
  private readonly fitted = new Map<string, Pipeline>();
  private readonly importances = new Map<string, Promise<ImportanceReport>>();
  private readonly byId: ReadonlyMap<string, Drone>;
  private champion: { id: string; delivered: TrainedModel; unseenTestRows: TrainedModel } | null = null;

  constructor(private readonly ctx: RunContext) {
    this.holdout = ctx.test ?? ctx.search;
    this.heldOut = {
      frame: this.holdout.features,
      kind: ctx.test ? 'test' : 'search',
      background: ctx.search.features,
    };
    this.byId = new Map(ctx.drones.map((d) => [d.id, d]));
  }

  /**
   * A drone's pipeline fit on `rows` (the search rows unless said otherwise), by one of `workers` when given;
   * fits on the search rows are kept. A refit that fails on a worker (out of its memory, say) is done again here.
   */
  async fit(
    drone: Drone,
    rows: Dataset = this.ctx.search,
    workers: WorkerFits | null = null,
  ): Promise<Pipeline> {
    const onSearchRows = rows === this.ctx.search;
    const kept = onSearchRows ? this.fitted.get(drone.id) : undefined;
    if (kept) return kept;
    let pipeline: Pipeline | null = null;
    if (workers) {
      try {
        pipeline = await workers.fit(drone, rows);
      } catch (error) {
        logger.warn({ err: error }, `refitting ${drone.id} here instead`);
      }
    }
    pipeline ??= await fitOnEveryRow(evaluationDataOf(rows, []), {
      genome: drone.genome,
      seed: this.ctx.options.seed,
    });
    if (onSearchRows) this.fitted.set(drone.id, pipeline);
    return pipeline;
  }

  /**
   * The pipelines of `drones` fit on `rows` (the search rows unless said otherwise), in their order: side by
   * side on `workers` when given, slowest first so the last to start is a quick one; else one after the other
   * here.
   */
  async fitAll(
    drones: readonly Drone[],
    rows: Dataset = this.ctx.search,
    workers: WorkerFits | null = null,
  ): Promise<Pipeline[]> {
    const out = new Array<Pipeline>(drones.length);
    if (!workers) {
      for (let i = 0; i < drones.length; i++) out[i] = await this.fit(drones[i], rows);
      return out;
    }
    const slowestFirst = drones
      .map((d, i) => ({ d, i }))
      .sort((a, b) => fullFoldFitSeconds(b.d) - fullFoldFitSeconds(a.d));
    await Promise.all(slowestFirst.map(async ({ d, i }) => (out[i] = await this.fit(d, rows, workers))));
    return out;
  }

  /** A model of `members` named `id` (a drone's id, `ensemble` or `stack`), explained against the search rows. */
  model(members: ModelMember[], id: string, level2: Pipeline | null = null): TrainedModel {
    const { dataset } = this.ctx;
    const model = new TrainedModel(
      dataset.task,
      id,
      members,
      dataset.featureNames,
      dataset.target.classes,
      () => this.importance(id),
      level2,
    );
    model.background = this.ctx.search.features;
    return model;
  }

  /**
   * Records the run's champion: the delivered model, and the same model fit on the search rows only when the
   * delivered one also learned from the test rows (its test score, importance and confusion matrix on those
   * rows must come from a model that has not seen them).
   */
  setChampion(id: string, delivered: TrainedModel, searchRowsOnly: TrainedModel = delivered): void {
    this.champion = { id, delivered, unseenTestRows: searchRowsOnly };
  }

  /** The delivered champion, once recorded. */
  get championModel(): TrainedModel | null {
    return this.champion?.delivered ?? null;
  }

  /** A finished drone refit on the search rows (once), as a one-member model. */
  async droneModel(droneId: string): Promise<TrainedModel> {
    const drone = this.byId.get(droneId);
    if (!drone || drone.status === 'failed' || drone.status === 'timeout') {
      throw new ConfigurationError(
        'run.no_drone',
        `no finished drone ${quote(droneId)} in run ${this.ctx.runId}; pick an id from run.leaderboard.`,
      );
    }
    return this.model([{ droneId, weight: 1, pipeline: await this.fit(drone) }], droneId);
  }

  /** Scores a model on rows with the run's metric (probabilities when the metric needs them). */
  score(model: TrainedModel, data: Dataset | Frame, y: Float64Array): number {
    const { scorer } = this.ctx;
    return scorer.needsProba
      ? scorer.score(y, model.predictProba(data))
      : scorer.score(y, model.predictRaw(data));
  }

  /**
   * Estimated milliseconds to compute the champion's permutation importance, from one timed scoring of the rows
   * (or, when that is sure to be over `limitMs`, from its members' prediction times).
   */
  importanceMs(limitMs: number): number {
    const model = this.champion!.unseenTestRows;
    // the members' prediction times on a validation fold, scaled to these rows, are a bound from below: when it
    // is already over the limit, the timed scoring (itself slow on such models) is not worth its time
    const foldRows = this.ctx.search.rows * validationShare(this.ctx.options.validation);
    const predictSeconds = model.members.reduce(
      (s, m) => s + (this.byId.get(m.droneId)?.predictSeconds ?? 0),
      0,
    );
    const atLeast =
      predictSeconds *
      (this.holdout.rows / Math.max(1, foldRows)) *
      1000 *
      this.holdout.features.columns.length *
      IMPORTANCE_REPEATS;
    if (atLeast >= limitMs) return atLeast;
    const t0 = performance.now();
    this.score(model, this.holdout.features, this.holdout.target.values);
    return (performance.now() - t0) * this.holdout.features.columns.length * IMPORTANCE_REPEATS * 1.2;
  }

  /** Permutation importance of a drone (or the champion) on the held-out rows, computed once and announced. */
  importance(droneId: string): Promise<ImportanceReport> {
    let pending = this.importances.get(droneId);
    if (!pending) {
      pending = this.computeImportance(droneId);
      this.importances.set(droneId, pending);
      pending.catch(() => this.importances.delete(droneId));
    }
    return pending;
  }

  private async computeImportance(droneId: string): Promise<ImportanceReport> {
    const { ctx, holdout } = this;
    const model =
      this.champion?.id === droneId ? this.champion.unseenTestRows : await this.droneModel(droneId);
    const features = permutationImportance(
      (frame) => this.score(model, frame, holdout.target.values),
      holdout.features,
      ctx.scorer,
      {
        repeats: IMPORTANCE_REPEATS,
        seed: ctx.options.seed,
      },
    );
    ctx.emit({
      type: 'importance.computed',
      runId: ctx.runId,
      time: new Date().toISOString(),
      droneId,
      method: 'permutation',
      metric: ctx.scorer.name,
      features,
    });
    return new ImportanceReport(droneId, ctx.scorer.name, features);
  }

  /**
   * Confusion matrix of a drone's out-of-fold predictions on the search rows, or (no id, or the champion's)
   * of the champion on the held-out rows.
   */
  confusion(droneId?: string): ConfusionMatrix {
    const { dataset, predictions } = this.ctx;
    if (dataset.task !== 'classification') {
      throw new ConfigurationError(
        'run.not_classification',
        'a confusion matrix needs a classification run.',
      );
    }
    const labels = dataset.target.classes!;
    const k = labels.length;
    if (droneId && predictions.has(droneId)) {
      // on the rows the drone predicted out of fold: every search row with k folds, the holdout rows with a holdout
      const oof = outOfFold(this.ctx);
      const p = oof.of(droneId)!;
      return { matrix: confusionMatrix(oof.y, argmaxRows(createMatrix(p.length / k, k, p)), k), labels };
    }
    if (droneId && droneId !== this.champion?.id) {
      throw new ConfigurationError(
        'run.no_predictions',
        `drone ${quote(droneId)} has no out-of-fold predictions (only drones evaluated on all rows do).`,
      );
    }
    if (!this.champion)
      throw new EvaluationError(
        'run.no_champion',
        'the run has no champion to build a confusion matrix from.',
      );
    const model = this.champion.unseenTestRows;
    return { matrix: confusionMatrix(this.holdout.target.values, model.predictRaw(this.holdout), k), labels };
  }
}
