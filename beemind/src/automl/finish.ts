/**
 * This module contains the end of a run: the leaderboard, the champion (the best drone, a greedy ensemble or a
 * stack, whichever scores best out of fold) refit on the search rows and scored on the test rows, then refit on
 * every row given to evolve (the delivered model), its permutation importance, and the run.finished event.
 */
import { createMatrix, type Matrix } from '../core/matrix.js';
import { logger } from '../core/logger.js';
import type { Drone, LeaderboardRow, RunFinished } from '../protocol/events.js';
import type { StopReason } from './budget.js';
import {
  affordableEnsemble,
  nearCopy,
  scoreAverage,
  type EnsembleCandidate,
  type EnsembleSelection,
} from './ensemble.js';
import { fitStack, type Stack } from './stacking.js';
import {
  finishRefitMs,
  fullFoldFitSeconds,
  refitPlan,
  outOfFold,
  standardDeviation,
  type OutOfFold,
  type RunContext,
} from './context.js';
import { Refitter, type WorkerFits } from './refitter.js';
import { THRESHOLD_METRICS, tuneThreshold } from './threshold.js';
import { Run } from './run.js';
import { registerRun } from './run_registry.js';
import type { ModelMember, TrainedModel } from '../trained/trained_model.js';

const ENSEMBLE_CANDIDATES = 20;
/**
 * The longest refit an interrupted run does to deliver its best drone: the user asked it to stop, and a notebook
 * waits a few seconds for the run to come back (the kernel's grace while a run is active is 5 s).
 */
const INTERRUPTED_REFIT_MS = 3000;
/**
 * The best drones a stack may combine (fewer when refitting them all would not fit in the budget): the first of
 * the ensemble's candidates, so no more than ENSEMBLE_CANDIDATES.
 */
const STACK_CANDIDATES = 8;

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

/**
 * A decision threshold for a binary champion, tuned on its out-of-fold probabilities (the stack's own, or the
 * members' weighted average) when the metric weighs both classes alike and a threshold scores better than the
 * more probable class; else null.
 */
function decisionThreshold(
  ctx: RunContext,
  oof: OutOfFold,
  chosen: readonly { id: string; weight: number }[],
  stack: Stack | null,
): number | null {
  if (
    ctx.dataset.task !== 'classification' ||
    ctx.dataset.nClasses !== 2 ||
    !THRESHOLD_METRICS.has(ctx.scorer.name)
  )
    return null;
  if (!chosen.every((m) => ctx.predictions.has(m.id))) return null; // a drone evaluated on part of the rows only
  const positive = new Float64Array(oof.y.length);
  const weighted = stack
    ? [{ p: stack.oof, weight: 1 }]
    : chosen.map((m) => ({ p: oof.of(m.id)!, weight: m.weight }));
  for (const { p, weight } of weighted) {
    for (let i = 0; i < positive.length; i++) positive[i] += weight * p[i * 2 + 1];
  }
  const tuned = tuneThreshold(positive, oof.y, ctx.scorer);
  if (tuned) {
    logger.info(
      `decision threshold ${tuned.threshold} for ${ctx.scorer.name}: ${tuned.score.toFixed(4)} out of fold, against ${tuned.untuned.toFixed(4)} for the more probable class`,
    );
  }
  return tuned?.threshold ?? null;
}

/**
 * The out-of-fold predictions of the best `limit` drones that have them, best first, none a near copy of one
 * before it: a search that converged proposes many near copies of its leader (on diabetes, the 20 best drones
 * were linear models behind different scalers or with tiny ridge and lasso penalties), combining copies adds
 * nothing, and they would crowd out every other family.
 */
function oofCandidates(oof: OutOfFold, board: readonly LeaderboardRow[], limit: number): EnsembleCandidate[] {
  const kept: Float64Array[] = [];
  const out: EnsembleCandidate[] = [];
  for (const r of board) {
    if (out.length === limit) break;
    const p = oof.of(r.id);
    if (!p || kept.some((q) => nearCopy(p, q))) continue;
    kept.push(p);
    out.push({ id: r.id, oof: shaped(oof, p) });
  }
  return out;
}

/** Out-of-fold predictions as the scorers take them: a rows × classes matrix for classification. */
function shaped(oof: OutOfFold, p: Float64Array): Matrix | Float64Array {
  return oof.width === 1 ? p : createMatrix(p.length / oof.width, oof.width, p);
}

/**
 * A drone's score on its out-of-fold predictions pooled over the rows, as the ensemble and the stack are scored;
 * its leaderboard score is the mean of its fold scores, which differs a little (132 of 133 rows right is 0.9925
 * pooled, and a mean of 0.9926 over folds of unequal size). Without predictions, the leaderboard score.
 */
function pooledScore(ctx: RunContext, oof: OutOfFold, drone: Drone): number {
  const p = oof.of(drone.id);
  return p ? scoreAverage(ctx.scorer, oof.y, shaped(oof, p)) : drone.score!;
}

/**
 * Estimated time of the finish's refits of drones (by id), with margin: on the search rows and, when the run
 * kept test rows, on every row.
 */
type RefitEstimate = (ids: readonly string[]) => number;

/** The refit estimate of drones `byId`, refit `workers` at a time. */
function refitEstimate(ctx: RunContext, byId: ReadonlyMap<string, Drone>, workers: number): RefitEstimate {
  return (ids) =>
    finishRefitMs(
      ctx,
      ids.map((id) => fullFoldFitSeconds(byId.get(id)!)),
      workers,
    );
}

/**
 * The best drone whose refit fits in what is left of the budget (else the quickest to refit: the run must
 * deliver a model); null without a finished drone. Without a seconds budget, simply the best drone.
 */
function championDrone(
  ctx: RunContext,
  board: readonly LeaderboardRow[],
  byId: ReadonlyMap<string, Drone>,
  refitMs: RefitEstimate,
): Drone | null {
  const ranked = board.map((r) => byId.get(r.id)!);
  if (ranked.length === 0) return null;
  const msLeft = ctx.budget.runMsLeft();
  const chosen =
    ranked.find((d) => refitMs([d.id]) < msLeft) ??
    ranked.reduce((a, b) => (refitMs([b.id]) < refitMs([a.id]) ? b : a));
  if (chosen !== ranked[0]) {
    logger.info(
      `champion ${chosen.id} instead of ${ranked[0].id}: refitting ${ranked[0].id} (about ${(refitMs([ranked[0].id]) / 1000).toFixed(1)} s) would not fit in the budget`,
    );
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
async function combineDrones(
  ctx: RunContext,
  oof: OutOfFold,
  board: readonly LeaderboardRow[],
  best: Drone,
  refitMs: RefitEstimate,
): Promise<Combination | null> {
  const sign = ctx.scorer.greaterIsBetter ? 1 : -1;
  let chosen: Combination | null = null;
  // a greedy ensemble of distinct drones that ties with the best drone is taken (averaging generalises better than
  // the one drone that happened to score best); a stack, a model learned on top, must beat what is chosen
  let chosenScore = sign * pooledScore(ctx, oof, best);
  const consider = (selection: EnsembleSelection | null, stack: Stack | null) => {
    if (!selection || selection.members.length < 2) return;
    if (stack ? sign * selection.score <= chosenScore + 1e-12 : sign * selection.score < chosenScore - 1e-12)
      return;
    chosen = { selection, stack };
    chosenScore = sign * selection.score;
  };
  const y = oof.y;
  if (!ctx.options.ensemble && !ctx.options.stacking) return null;
  // chosen once for both: the stack's candidates are the first of the ensemble's
  const distinct = oofCandidates(oof, board, ENSEMBLE_CANDIDATES);
  if (ctx.options.ensemble) {
    const ensemble = affordableEnsemble(distinct, y, ctx.scorer, refitMs, () => ctx.budget.runMsLeft());
    if (ensemble)
      logger.info(
        `greedy ensemble of ${ensemble.members.length} drones (of ${distinct.length} candidates): ${ensemble.score.toFixed(4)} out of fold, against ${best.score!.toFixed(4)} for the best drone`,
      );
    else
      logger.info(
        `no greedy ensemble of two or more drones (of ${distinct.length} candidates) scores as well as the best drone out of fold`,
      );
    consider(ensemble, null);
  }
  if (ctx.options.stacking) {
    // as many of the best drones as can be refit in half of what is left, so the level-2 model and the
    // refit on every row still have time
    const candidates = distinct.slice(0, STACK_CANDIDATES);
    while (candidates.length > 2 && refitMs(candidates.map((c) => c.id)) * 2 >= ctx.budget.runMsLeft())
      candidates.pop();
    const shape = {
      task: ctx.dataset.task,
      nClasses: ctx.dataset.task === 'classification' ? ctx.dataset.nClasses : 1,
    };
    const msAvailable = () => ctx.budget.runMsLeft() / 2 - refitMs(candidates.map((c) => c.id));
    const stack = await fitStack(candidates, y, ctx.scorer, shape, { seed: ctx.options.seed, msAvailable });
    if (stack)
      logger.info(
        `stack of ${stack.members.length} drones: ${stack.score.toFixed(4)} out of fold, against ${best.score!.toFixed(4)} for the best drone`,
      );
    // the level-2 fit took time: its members must still be refit in what is left. (An ensemble's members are
    // chosen to fit by affordableEnsemble; checking them again a moment later once turned down an ensemble of 9
    // that fit by a few milliseconds, and a weaker stack was delivered instead.)
    if (stack && refitMs(stack.members.map((m) => m.id)) < ctx.budget.runMsLeft()) consider(stack, stack);
  }
  return chosen;
}

/** The champion built from the best drone, or from a combination of drones, its test score and the rows it learned. */
interface Champion {
  id: string;
  combination: Combination | null;
  testScore: number | null;
  /** Rows of the delivered fit: every row given to evolve, or the search rows when no time was left for them. */
  rows: number;
}

/**
 * Builds the champion of a finished search on the refitter: the best drone whose refit fits, or the ensemble or
 * stack that beats it out of fold; refit on the search rows (side by side on `workers` when given), scored on
 * the test rows, then refit on every row when the budget allows. A search the user interrupted gets the best
 * drone alone, at once: no ensemble or stack is looked for. Null without a finished drone.
 */
async function buildChampion(
  ctx: RunContext,
  refitter: Refitter,
  board: readonly LeaderboardRow[],
  workers: WorkerFits | null,
  interrupted: boolean,
): Promise<Champion | null> {
  const byId = new Map(ctx.drones.map((d) => [d.id, d]));
  const workerCount = workers?.count ?? 1;
  const refitMs = refitEstimate(ctx, byId, workerCount);
  const best = championDrone(ctx, board, byId, refitMs);
  if (!best) return null;
  const bestRefitMs = refitMs([best.id]);
  if (interrupted && bestRefitMs > INTERRUPTED_REFIT_MS) {
    logger.info(
      `interrupted: the best drone ${best.id} is not refit now (about ${(bestRefitMs / 1000).toFixed(1)} s); run.model('${best.id}') refits it`,
    );
    return null;
  }
  const oof = outOfFold(ctx);
  const combination = interrupted ? null : await combineDrones(ctx, oof, board, best, refitMs);
  const chosen = combination?.selection.members ?? [{ id: best.id, weight: 1 }];
  const chosenDrones = chosen.map((m) => byId.get(m.id)!);
  // on the workers only when that is sooner than here, their start included
  const plan = refitPlan(chosenDrones.map(fullFoldFitSeconds), workerCount);
  const fitters = plan.onWorkers ? workers : null;
  if (fitters)
    logger.info(
      `refitting ${chosen.length} drones side by side on ${fitters.count} workers (about ${(plan.ms / 1000).toFixed(1)} s)`,
    );
  const members: ModelMember[] = (await refitter.fitAll(chosenDrones, ctx.search, fitters)).map(
    (pipeline, k) => ({
      droneId: chosen[k].id,
      weight: chosen[k].weight,
      pipeline,
    }),
  );
  const id = combination ? (combination.stack ? 'stack' : 'ensemble') : best.id;
  const level2 = combination?.stack?.level2 ?? null;
  const threshold = decisionThreshold(ctx, oof, chosen, combination?.stack ?? null);
  const deliver = (ms: ModelMember[]) => {
    const model = refitter.model(ms, id, level2);
    model.decisionThreshold = threshold;
    return model;
  };
  const searchRowsModel = deliver(members);
  let champion = searchRowsModel;
  let rows = ctx.search.rows;
  let testScore: number | null = null;
  if (ctx.test) {
    testScore = refitter.score(searchRowsModel, ctx.test, ctx.test.target.values);
    // As scikit-learn's refit after a held-out check: the delivered model learns from every row, the test
    // rows included, when the budget leaves time for fitting the members once more on them.
    if (plan.ms < ctx.budget.runMsLeft()) {
      const everyRow = await refitter.fitAll(chosenDrones, ctx.dataset, fitters);
      champion = deliver(members.map((m, k) => ({ ...m, pipeline: everyRow[k] })));
      rows = ctx.dataset.rows;
    } else {
      logger.warn('no time left to refit the champion on every row: it is delivered fit on the search rows');
    }
  }
  refitter.setChampion(id, champion, searchRowsModel);
  return { id, combination, testScore, rows };
}

/**
 * Computes the champion's permutation importance now when it fits in what is left of the budget (it scores the
 * champion once per column and repeat), else leaves it to run.importance().
 */
async function importanceInBudget(
  ctx: RunContext,
  refitter: Refitter,
  champion: TrainedModel,
): Promise<void> {
  const importanceMs = refitter.importanceMs(ctx.budget.runMsLeft());
  if (importanceMs < ctx.budget.runMsLeft()) await champion.importance();
  else
    logger.info(
      `permutation importance left for later: about ${(importanceMs / 1000).toFixed(1)} s, more than the budget has left`,
    );
}

/**
 * Ends a run: the leaderboard, the champion (unless the run failed; when the user interrupted it, the best drone
 * alone, without importance), the run.finished event, and the Run. A search that failed is rethrown with the run
 * attached (`error.run`), its drones kept. `workers` refit the champion's members side by side; the caller
 * closes them after.
 */
export async function finishRun(
  ctx: RunContext,
  reason: StopReason,
  failure: unknown,
  signal?: AbortSignal,
  workers: WorkerFits | null = null,
): Promise<Run> {
  const board = leaderboard(ctx);
  const refitter = new Refitter(ctx);
  let champion: Champion | null = null;
  let error: string | undefined = failure ? String((failure as Error).message ?? failure) : undefined;
  if (!failure) {
    // interrupted, the user still gets a model of what was evaluated: the best drone, refit at once
    const interrupted = signal?.aborted === true;
    try {
      champion = await buildChampion(ctx, refitter, board, workers, interrupted);
      if (champion && ctx.options.importance && !interrupted)
        await importanceInBudget(ctx, refitter, refitter.championModel!);
    } catch (e) {
      logger.error({ err: e }, 'finishing the run failed');
      error = `could not build the champion: ${(e as Error).message}`;
    }
  }
  const combination = champion?.combination ?? null;
  const finished: RunFinished = {
    type: 'run.finished',
    runId: ctx.runId,
    time: new Date().toISOString(),
    status: failure ? 'failed' : reason === 'interrupted' ? 'interrupted' : 'completed',
    reason: failure ? 'error' : reason,
    championId: champion?.id ?? null,
    ensemble: combination
      ? {
          members: combination.selection.members,
          score: combination.selection.score,
          kind: combination.stack ? 'stack' : 'greedy',
        }
      : null,
    leaderboard: board,
    testScore: champion?.testScore ?? null,
    ...(champion ? { championRows: champion.rows } : {}),
    elapsedSeconds: ctx.budget.elapsedSeconds(),
    evaluated: ctx.drones.length,
    ...(error ? { error } : {}),
  };
  ctx.emit(finished);

  if (failure) logger.error({ err: failure }, 'the run stopped on an error');
  const run = new Run({
    started: ctx.started,
    finished,
    drones: ctx.drones,
    events: ctx.events,
    greaterIsBetter: ctx.scorer.greaterIsBetter,
    refitter,
  });
  registerRun(run);
  if (failure) throw Object.assign(failure as Error, { run });
  return run;
}
