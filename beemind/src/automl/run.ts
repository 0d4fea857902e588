/**
 * This module contains Run: the result of `evolve()` — every drone with its lineage, the leaderboard, the
 * champion, scores per model family, and the run's charts. It displays itself in a notebook.
 */
import { confusionMatrixChart } from '../charts/model_charts.js';
import { historyChart, lineageChart, modelComparisonChart, paretoChart } from '../charts/run_charts.js';
import type { VegaLiteSpec } from '../charts/spec.js';
import { EvaluationError } from '../core/errors.js';
import type { DroppedColumn } from '../data/screen.js';
import { DISPLAY, escapeHtml, tableBundle, type MimeBundle } from '../display.js';
import type { Drone, LeaderboardRow, RunEvent, RunFinished, RunStarted } from '../events/events.js';
import type { TrainedModel } from './trained_model.js';

/** Leaderboard rows with a notebook display. */
export class Leaderboard {
  constructor(
    readonly rows: readonly LeaderboardRow[],
    readonly metric: string,
    private readonly drones: ReadonlyMap<string, Drone>,
  ) {}

  get length(): number {
    return this.rows.length;
  }

  [DISPLAY](): MimeBundle {
    return tableBundle(
      ['rank', 'drone', 'family', this.metric, '± std', 'fit s', 'generation', 'pipeline'],
      this.rows.map((r) => {
        const genome = this.drones.get(r.id)?.genome;
        const pipeline = genome ? [...genome.steps.map((s) => s.kind), genome.model.family].join(' → ') : '';
        return [r.rank, r.id, r.family, r.score, r.std, r.fitSeconds, r.generation, pipeline];
      }),
    );
  }
}

export interface FamilySummary {
  family: string;
  evaluated: number;
  ok: number;
  best: number | null;
  mean: number | null;
}

export class Run {
  readonly id: string;
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  readonly drones: readonly Drone[];
  readonly leaderboard: Leaderboard;
  readonly started: RunStarted;
  readonly finished: RunFinished;
  readonly events: readonly RunEvent[];
  readonly #champion: TrainedModel | null;
  private readonly byId: Map<string, Drone>;
  private readonly confusion: (droneId?: string) => Promise<{ matrix: number[][]; labels: string[] }>;
  private readonly importanceOf: (droneId: string) => Promise<unknown>;
  private readonly droneModel: (droneId: string) => Promise<TrainedModel>;

  constructor(args: {
    started: RunStarted;
    finished: RunFinished;
    drones: Drone[];
    events: RunEvent[];
    champion: TrainedModel | null;
    greaterIsBetter: boolean;
    confusion: (droneId?: string) => Promise<{ matrix: number[][]; labels: string[] }>;
    importance: (droneId: string) => Promise<unknown>;
    /** A finished drone refit on the search rows. */
    model: (droneId: string) => Promise<TrainedModel>;
  }) {
    this.started = args.started;
    this.finished = args.finished;
    this.id = args.started.runId;
    this.metric = args.started.metric;
    this.greaterIsBetter = args.greaterIsBetter;
    this.drones = args.drones;
    this.events = args.events;
    this.#champion = args.champion;
    this.byId = new Map(args.drones.map((d) => [d.id, d]));
    this.leaderboard = new Leaderboard(args.finished.leaderboard, this.metric, this.byId);
    this.confusion = args.confusion;
    this.importanceOf = args.importance;
    this.droneModel = args.model;
  }

  get status() {
    return this.finished.status;
  }

  /** Why the search stopped: time, evaluations, stagnation, exhausted, interrupted or error. */
  get reason(): string {
    return this.finished.reason;
  }

  get testScore(): number | null {
    return this.finished.testScore;
  }

  /** Columns set aside before the search (constant, duplicate or identifier), which the models never saw. */
  get droppedColumns(): DroppedColumn[] {
    return this.started.dataset.dropped ?? [];
  }

  /** Whether the run built a champion (false when it was interrupted or no drone finished). */
  get hasChampion(): boolean {
    return this.#champion !== null;
  }

  /**
   * The best drone (or ensemble) refit on the search rows. Throws an EvaluationError saying why when the run
   * built none (interrupted, no drone finished, every drone failed); check `hasChampion` first if that can be.
   */
  get champion(): TrainedModel {
    if (this.#champion === null) throw this.noChampion();
    return this.#champion;
  }

  /** Why there is no champion, and what to do about it. */
  private noChampion(): EvaluationError {
    const f = this.finished;
    const failed = this.drones.filter((d) => d.status === 'failed' || d.status === 'timeout').length;
    const why =
      f.status === 'failed'
        ? `the run stopped on an error${f.error ? ` (${f.error})` : ''}`
        : this.drones.length === 0
          ? `it stopped (${f.reason}) before any drone was evaluated`
          : f.leaderboard.length === 0
            ? `none of its ${this.drones.length} drones finished (${failed} failed or timed out${failed < this.drones.length ? `, ${this.drones.length - failed} pruned or cut short` : ''})`
            : f.error
              ? `building it failed (${f.error})`
              : 'it was interrupted, and a champion is only built when a run ends on its own';
    return new EvaluationError(
      'run.no_champion',
      `run ${this.id} has no champion: ${why}. Give evolve() a bigger budget (budget.seconds or budget.evaluations), ` +
        `look at the failed drones' errors in run.drones and at run.leaderboard, or take a finished drone with ` +
        `run.model(id); check run.hasChampion before using run.champion.`,
    );
  }

  drone(id: string): Drone | undefined {
    return this.byId.get(id);
  }

  /** Every drone's parents and the operator that bred it. */
  lineage(): { id: string; parents: string[]; operator: string; generation: number }[] {
    return this.drones.map((d) => ({ id: d.id, parents: d.parents, operator: d.operator, generation: d.generation }));
  }

  /** Evaluated / finished counts and best and mean score per model family. */
  familySummary(): FamilySummary[] {
    const groups = new Map<string, Drone[]>();
    for (const d of this.drones) groups.set(d.family, [...(groups.get(d.family) ?? []), d]);
    const better = (a: number, b: number) => (this.greaterIsBetter ? a > b : a < b);
    return [...groups.entries()]
      .map(([family, list]) => {
        const scores = list.filter((d) => d.status === 'ok' && d.score !== null).map((d) => d.score!);
        return {
          family,
          evaluated: list.length,
          ok: scores.length,
          best: scores.length ? scores.reduce((a, b) => (better(a, b) ? a : b)) : null,
          mean: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
        };
      })
      .sort((a, b) => (a.best === null ? 1 : b.best === null ? -1 : better(a.best, b.best) ? -1 : 1));
  }

  /** The champion (no id), or any finished drone refit on the search rows, e.g. to save in the model registry. */
  async model(droneId?: string): Promise<TrainedModel> {
    if (droneId === undefined || droneId === this.finished.championId) return this.champion;
    return this.droneModel(droneId);
  }

  /** Permutation importance of any drone (refit on the search rows when it is not the champion). */
  async importance(droneId?: string): Promise<unknown> {
    return this.importanceOf(droneId ?? this.champion.id);
  }

  /** Confusion matrix (classification) of a drone's out-of-fold predictions, or of the champion on the test rows. */
  async confusionMatrix(droneId?: string): Promise<{ matrix: number[][]; labels: string[] }> {
    if (droneId === undefined && !this.hasChampion) throw this.noChampion();
    return this.confusion(droneId);
  }

  async confusionMatrixChart(droneId?: string): Promise<VegaLiteSpec> {
    const { matrix, labels } = await this.confusionMatrix(droneId);
    return confusionMatrixChart(matrix, labels, `Confusion matrix (${droneId ?? 'champion'})`);
  }

  historyChart(): VegaLiteSpec {
    return historyChart(this.drones, this.metric, this.greaterIsBetter);
  }

  lineageChart(): VegaLiteSpec {
    return lineageChart(this.drones);
  }

  paretoChart(): VegaLiteSpec {
    const last = [...this.events].reverse().find((e) => e.type === 'generation.completed');
    return paretoChart(this.drones, last && last.type === 'generation.completed' ? last.paretoIds : [], this.metric);
  }

  comparisonChart(): VegaLiteSpec {
    return modelComparisonChart(this.drones, this.metric);
  }

  toString(): string {
    const best = this.finished.leaderboard[0];
    return `Run ${this.id}: ${this.drones.length} drones, ${this.finished.status} (${this.finished.reason}), best ${best ? `${best.id} ${best.family} ${this.metric}=${best.score.toFixed(4)}` : 'none'}${this.testScore !== null ? `, test ${this.metric}=${this.testScore.toFixed(4)}` : ''}`;
  }

  [DISPLAY](): MimeBundle {
    const board = this.leaderboard[DISPLAY]();
    return {
      'text/plain': `${this.toString()}\n${board['text/plain']}`,
      'text/html': `<p>${escapeHtml(this.toString())}</p>${board['text/html']}`,
    };
  }
}
