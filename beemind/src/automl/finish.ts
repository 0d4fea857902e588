/**
 * This module contains the end of a run: the leaderboard, the champion (the best drone, a greedy ensemble or a
 * stack, whichever scores best out of fold) refit on the search rows and scored on the test rows, then refit on
 * every row given to evolve (the delivered model), its permutation importance, and the run.finished event.
 */
import { ConfigurationError } from '../core/errors.js';
import { quote } from '../core/text.js';
import { createMatrix } from '../core/matrix.js';
import { logger } from '../core/logger.js';
import type { Dataset } from '../data/dataset.js';
import type { Frame } from '../data/frame.js';
import type { Drone, LeaderboardRow } from '../events/events.js';
import { confusionMatrix } from '../metrics/classification.js';
import { argmaxRows } from '../models/estimator.js';
import { pipelineFromSpec } from '../pipeline/spec.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { StopReason } from './budget.js';
import { selectEnsemble, type EnsembleCandidate, type EnsembleSelection } from './ensemble.js';
import { fitStack, type Stack } from './stacking.js';
import { fullFoldFitSeconds, standardDeviation, type RunContext } from './evolve.js';
import { permutationImportance } from './importance.js';
import { THRESHOLD_METRICS, tuneThreshold } from './threshold.js';
import { Run } from './run.js';
import { registerRun } from './run_registry.js';
import { ImportanceReport, TrainedModel, type ModelMember } from './trained_model.js';

const ENSEMBLE_CANDIDATES = 20;
/** The best drones a stack may combine (fewer when refitting them all would not fit in the budget). */
const STACK_CANDIDATES = 8;
/** Refitting a drone is estimated at this multiple of its mean fold fit time. */
const REFIT_MARGIN = 1.5;
const IMPORTANCE_REPEATS = 5;

function leaderboard(ctx: RunContext): LeaderboardRow[] {
  const sign = ctx.scorer.greaterIsBetter ? -1 : 1;
  return ctx.drones
    .filter((d) => d.status === 'ok' && d.score !== null)
    .map((d, order) => ({ d, order }))
    .sort((a, b) => sign * (a.d.score! - b.d.score!) || a.order - b.order)
    .map(({ d }, i) => ({
      rank: i + 1,
      id: d.id,
      family: d.family,
      score: d.score!,
      std: standardDeviation(d.foldScores),
      fitSeconds: d.fitSeconds,
      generation: d.generation,
    }));
}

/** A drone's pipeline fit on `rows` (the search rows unless said otherwise). */
async function refit(ctx: RunContext, drone: Drone, rows: Dataset = ctx.search): Promise<Pipeline> {
  const pipeline = pipelineFromSpec(drone.genome, ctx.dataset.task);
  return pipeline.fit(rows.features, rows.target.values, {
    nClasses: ctx.dataset.task === 'classification' ? ctx.dataset.nClasses : undefined,
    seed: ctx.options.seed,
  });
}

/**
 * A decision threshold for a binary champion, tuned on its out-of-fold probabilities (the stack's own, or the
 * members' weighted average) when the metric weighs both classes alike and a threshold scores better than the
 * more probable class; else null.
 */
function decisionThreshold(ctx: RunContext, chosen: readonly { id: string; weight: number }[], stack: Stack | null): number | null {
  if (ctx.dataset.task !== 'classification' || ctx.dataset.nClasses !== 2 || !THRESHOLD_METRICS.has(ctx.scorer.name)) return null;
  if (!chosen.every((m) => ctx.predictions.has(m.id))) return null; // a drone evaluated on part of the rows only
  const positive = new Float64Array(ctx.search.rows);
  const weighted = stack ? [{ p: stack.oof, weight: 1 }] : chosen.map((m) => ({ p: ctx.predictions.get(m.id)!, weight: m.weight }));
  for (const { p, weight } of weighted) {
    for (let i = 0; i < positive.length; i++) positive[i] += weight * p[i * 2 + 1];
  }
  const tuned = tuneThreshold(positive, ctx.search.target.values, ctx.scorer);
  if (tuned) {
    logger.info(
      `decision threshold ${tuned.threshold} for ${ctx.scorer.name}: ${tuned.score.toFixed(4)} out of fold, against ${tuned.untuned.toFixed(4)} for the more probable class`,
    );
  }
  return tuned?.threshold ?? null;
}

/** The out-of-fold predictions of the best `limit` drones that have them, best first. */
function oofCandidates(ctx: RunContext, board: readonly LeaderboardRow[], limit: number): EnsembleCandidate[] {
  const cols = ctx.dataset.task === 'classification' ? ctx.dataset.nClasses : 1;
  return board
    .filter((r) => ctx.predictions.has(r.id))
    .slice(0, limit)
    .map((r) => {
      const p = ctx.predictions.get(r.id)!;
      return { id: r.id, oof: cols === 1 ? p : createMatrix(p.length / cols, cols, p) };
    });
}

/** Estimated time to refit drones `ids` on the search rows, with margin. */
function refitMs(byId: ReadonlyMap<string, Drone>, ids: readonly string[]): number {
  return ids.reduce((s, id) => s + fullFoldFitSeconds(byId.get(id)!), 0) * REFIT_MARGIN * 1000;
}

/**
 * The best drone whose refit fits in what is left of the budget (else the quickest to refit: the run must
 * deliver a model); null without a finished drone. Without a seconds budget, simply the best drone.
 */
function championDrone(ctx: RunContext, board: readonly LeaderboardRow[], byId: ReadonlyMap<string, Drone>): Drone | null {
  const ranked = board.map((r) => byId.get(r.id)!);
  if (ranked.length === 0) return null;
  const msLeft = ctx.budget.runMsLeft();
  const chosen =
    ranked.find((d) => refitMs(byId, [d.id]) < msLeft) ?? ranked.reduce((a, b) => (refitMs(byId, [b.id]) < refitMs(byId, [a.id]) ? b : a));
  if (chosen !== ranked[0]) {
    logger.info(`champion ${chosen.id} instead of ${ranked[0].id}: refitting ${ranked[0].id} (about ${(refitMs(byId, [ranked[0].id]) / 1000).toFixed(1)} s) would not fit in the budget`);
  }
  return chosen;
}

/** A combination of drones delivered as the champion: a greedy ensemble, or a stack with its level-2 model. */
interface Combination {
  selection: EnsembleSelection;
  stack: Stack | null;
}

/**
 * The combination of drones that scores best out of fold (a greedy ensemble or a stack), when it beats the best
 * drone and refitting its members fits in what is left of the budget; else null (the best drone alone).
 */
async function combineDrones(ctx: RunContext, board: readonly LeaderboardRow[], best: Drone, byId: ReadonlyMap<string, Drone>): Promise<Combination | null> {
  const sign = ctx.scorer.greaterIsBetter ? 1 : -1;
  let chosen: Combination | null = null;
  let chosenScore = sign * best.score! + 1e-12; // a combination must beat the best drone
  const consider = (selection: EnsembleSelection | null, stack: Stack | null) => {
    if (!selection || selection.members.length < 2 || sign * selection.score <= chosenScore) return;
    if (refitMs(byId, selection.members.map((m) => m.id)) >= ctx.budget.runMsLeft()) return;
    chosen = { selection, stack };
    chosenScore = sign * selection.score + 1e-12;
  };
  const y = ctx.search.target.values;
  if (ctx.options.ensemble) consider(selectEnsemble(oofCandidates(ctx, board, ENSEMBLE_CANDIDATES), y, ctx.scorer), null);
  if (ctx.options.stacking) {
    // as many of the best drones as can be refit in half of what is left, so the level-2 model and the
    // refit on every row still have time
    const candidates = oofCandidates(ctx, board, STACK_CANDIDATES);
    while (candidates.length > 2 && refitMs(byId, candidates.map((c) => c.id)) * 2 >= ctx.budget.runMsLeft()) candidates.pop();
    const shape = { task: ctx.dataset.task, nClasses: ctx.dataset.task === 'classification' ? ctx.dataset.nClasses : 1 };
    const msAvailable = () => ctx.budget.runMsLeft() / 2 - refitMs(byId, candidates.map((c) => c.id));
    const stack = await fitStack(candidates, y, ctx.scorer, shape, { seed: ctx.options.seed, msAvailable });
    if (stack) logger.info(`stack of ${stack.members.length} drones: ${stack.score.toFixed(4)} out of fold, against ${best.score!.toFixed(4)} for the best drone`);
    consider(stack, stack);
  }
  return chosen;
}

/** Scores a model on a dataset with the run's metric (probabilities when the metric needs them). */
function scoreOn(ctx: RunContext, model: TrainedModel, data: Dataset | Frame, y: Float64Array): number {
  if (ctx.scorer.needsProba) return ctx.scorer.score(y, model.predictProba(data));
  return ctx.scorer.score(y, model.predictRaw(data));
}

export async function finishRun(ctx: RunContext, reason: StopReason, failure: unknown, signal?: AbortSignal): Promise<Run> {
  const board = leaderboard(ctx);
  const byId = new Map(ctx.drones.map((d) => [d.id, d]));
  const holdout = ctx.test ?? ctx.search;
  const fitted = new Map<string, Pipeline>();
  const importanceCache = new Map<string, Promise<ImportanceReport>>();
  let champion: TrainedModel | null = null;
  /** The champion fit on the search rows only, when the delivered one also learned from the test rows: the
   *  test score, importance and confusion matrix on the test rows come from it, which has not seen them. */
  let searchRowsChampion: TrainedModel | null = null;
  /** The best drone's id, `ensemble` when the champion is a greedy ensemble, or `stack`. */
  let championId: string | null = null;
  /** The champion's combination of drones, when it is not one drone. */
  let combination: Combination | null = null;
  let testScore: number | null = null;
  let error: string | undefined = failure ? String((failure as Error).message ?? failure) : undefined;

  const makeModel = (members: ModelMember[], id: string, combination: Combination | null = null) => {
    const model = new TrainedModel(
      ctx.dataset.task,
      id,
      members,
      ctx.dataset.featureNames,
      ctx.dataset.target.classes,
      () => importanceOf(id),
      combination?.stack?.level2 ?? null,
    );
    model.background = ctx.search.features; // explanations compare against the search rows by default
    return model;
  };

  /** A finished drone refit on the search rows (once), as a one-member model. */
  const droneModel = async (droneId: string): Promise<TrainedModel> => {
    const drone = byId.get(droneId);
    if (!drone || drone.status === 'failed' || drone.status === 'timeout') {
      throw new ConfigurationError('run.no_drone', `no finished drone ${quote(droneId)} in run ${ctx.runId}; pick an id from run.leaderboard.`);
    }
    const pipeline = fitted.get(droneId) ?? (await refit(ctx, drone));
    fitted.set(droneId, pipeline);
    return makeModel([{ droneId, weight: 1, pipeline }], droneId);
  };

  /** Permutation importance of a drone (or the champion) on the held-out rows, computed once. */
  const importanceOf = (droneId: string): Promise<ImportanceReport> => {
    let pending = importanceCache.get(droneId);
    if (!pending) {
      pending = (async () => {
        const model = champion && droneId === championId ? (searchRowsChampion ?? champion) : await droneModel(droneId);
        const features = permutationImportance(
          (frame) => scoreOn(ctx, model, frame, holdout.target.values),
          holdout.features,
          ctx.scorer,
          { repeats: IMPORTANCE_REPEATS, seed: ctx.options.seed },
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
      })();
      importanceCache.set(droneId, pending);
      pending.catch(() => importanceCache.delete(droneId));
    }
    return pending;
  };

  const best = championDrone(ctx, board, byId);
  if (best && !signal?.aborted && !failure) {
    try {
      combination = await combineDrones(ctx, board, best, byId);
      const chosen = combination?.selection.members ?? [{ id: best.id, weight: 1 }];
      const members: ModelMember[] = [];
      for (const m of chosen) {
        const pipeline = await refit(ctx, byId.get(m.id)!);
        fitted.set(m.id, pipeline);
        members.push({ droneId: m.id, weight: m.weight, pipeline });
      }
      championId = combination ? (combination.stack ? 'stack' : 'ensemble') : best.id;
      const threshold = decisionThreshold(ctx, chosen, combination?.stack ?? null);
      champion = makeModel(members, championId, combination);
      champion.decisionThreshold = threshold;
      if (ctx.test) {
        testScore = scoreOn(ctx, champion, ctx.test, ctx.test.target.values);
        // As scikit-learn's refit after a held-out check: the delivered model learns from every row, the
        // test rows included, when the budget leaves time for fitting the members once more on them.
        if (refitMs(byId, chosen.map((m) => m.id)) < ctx.budget.runMsLeft()) {
          const allRows: ModelMember[] = [];
          for (const m of members) {
            allRows.push({ ...m, pipeline: await refit(ctx, byId.get(m.droneId)!, ctx.dataset) });
          }
          searchRowsChampion = champion;
          champion = makeModel(allRows, championId, combination);
          champion.decisionThreshold = threshold;
        } else {
          logger.warn('no time left to refit the champion on every row: it is delivered fit on the search rows');
        }
      }
      if (ctx.options.importance) {
        // Importance scores the champion once per column and repeat: time one scoring of the rows it uses and
        // compute it now only when all of them fit in the budget (else run.importance() computes it on demand).
        const scored = searchRowsChampion ?? champion;
        const t0 = performance.now();
        scoreOn(ctx, scored, holdout.features, holdout.target.values);
        const importanceMs = (performance.now() - t0) * holdout.features.columns.length * IMPORTANCE_REPEATS * 1.2;
        if (importanceMs < ctx.budget.runMsLeft()) await champion.importance();
        else logger.info(`permutation importance left for later: about ${(importanceMs / 1000).toFixed(1)} s, more than the budget has left`);
      }
    } catch (e) {
      logger.error({ err: e }, 'finishing the run failed');
      error = `could not build the champion: ${(e as Error).message}`;
    }
  }

  const status = failure ? 'failed' : reason === 'interrupted' ? 'interrupted' : 'completed';
  const finished = {
    type: 'run.finished' as const,
    runId: ctx.runId,
    time: new Date().toISOString(),
    status,
    reason: failure ? 'error' : reason,
    championId,
    ensemble: combination
      ? {
          members: combination.selection.members,
          score: combination.selection.score,
          kind: combination.stack ? ('stack' as const) : ('greedy' as const),
        }
      : null,
    leaderboard: board,
    testScore,
    elapsedSeconds: ctx.budget.elapsedSeconds(),
    evaluated: ctx.drones.length,
    ...(error ? { error } : {}),
  } satisfies import('../events/events.js').RunFinished;
  ctx.emit(finished);

  const confusion = async (droneId?: string) => {
    if (ctx.dataset.task !== 'classification') throw new Error('a confusion matrix needs a classification run.');
    const labels = ctx.dataset.target.classes!;
    const k = labels.length;
    if (droneId && ctx.predictions.has(droneId)) {
      const p = ctx.predictions.get(droneId)!;
      const predicted = argmaxRows(createMatrix(p.length / k, k, p));
      return { matrix: confusionMatrix(ctx.search.target.values, predicted, k), labels };
    }
    if (droneId && droneId !== championId) {
      throw new Error(`drone "${droneId}" has no out-of-fold predictions (only drones evaluated on all rows do).`);
    }
    if (!champion) throw new Error('the run has no champion to build a confusion matrix from.');
    const model = searchRowsChampion ?? champion;
    return { matrix: confusionMatrix(holdout.target.values, model.predictRaw(holdout), k), labels };
  };

  if (failure) logger.error({ err: failure }, 'the run stopped on an error');
  const run = new Run({
    started: ctx.started,
    finished,
    drones: ctx.drones,
    events: ctx.events,
    champion,
    greaterIsBetter: ctx.scorer.greaterIsBetter,
    confusion,
    importance: importanceOf,
    model: droneModel,
    // the rows the panels' "why" view explains by index (panels addition)
    heldOut: { frame: holdout.features, kind: ctx.test ? 'test' : 'search', background: ctx.search.features },
  });
  registerRun(run);
  if (failure) throw Object.assign(failure as Error, { run });
  return run;
}
