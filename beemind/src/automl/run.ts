/**
 * This module contains Run: the result of `evolve()` — every drone with its lineage, the leaderboard, the
 * champion, scores per model family, and the run's charts. It displays itself in a notebook.
 */
import { confusionMatrixChart } from '../charts/model_charts.js';
import { historyChart, lineageChart, modelComparisonChart, paretoChart } from '../charts/run_charts.js';
import type { VegaLiteSpec } from '../charts/spec.js';
import { ConfigurationError, EvaluationError } from '../core/errors.js';
import { plural, quote } from '../core/text.js';
import { DataFrame } from '../data/data_frame.js';
import { Dataset } from '../data/dataset.js';
import { takeFrameRows, type Frame } from '../data/frame.js';
import type { DroppedColumn } from '../data/screen.js';
import { DISPLAY, escapeHtml, formatSignificant, tableBundle, type MimeBundle } from '../display.js';
import type { Drone, LeaderboardRow, RunEvent, RunFinished, RunStarted } from '../protocol/events.js';
import type { Explanation } from '../explain/explanation.js';
import type { RowExplanation } from '../protocol/comm.js';

export type { RowExplanation };
import type { ImportanceReport, TrainedModel } from '../trained/trained_model.js';
import type { ConfusionMatrix, HeldOutRows, Refitter } from './refitter.js';

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
      ['rank', 'drone', 'family', this.metric, '± std', 'fit', 'generation', 'pipeline'],
      this.rows.map((r) => {
        const genome = this.drones.get(r.id)?.genome;
        const pipeline = genome ? [...genome.steps.map((s) => s.kind), genome.model.family].join(' → ') : '';
        return [r.rank, r.id, r.family, r.score, r.std, fitTime(r.fitSeconds), r.generation, pipeline];
      }),
      { alignRight: [true, false, false, true, true, true, true, false] },
    );
  }
}

/** The share of the most frequent class from which a run's summary suggests a metric that weighs classes alike. */
const IMBALANCED = 0.75;

/** A fit time in the unit that reads best (0.34 ms, 25.2 ms, 1.35 s), not 3.357e-4 seconds. */
function fitTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  return seconds < 1 ? `${formatSignificant(seconds * 1000, 3)} ms` : `${formatSignificant(seconds, 3)} s`;
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
  private readonly byId: Map<string, Drone>;
  /** Turns drones into models: refits, importance, confusion matrices (kept with the search rows). */
  readonly #refitter: Refitter;
  /**
   * The rows `explainRow` explains by index: the run's test rows (its search rows without a test split); and
   * the search rows, the background of explanations when the model has none of its own.
   */
  private get heldOut(): HeldOutRows {
    return this.#refitter.heldOut;
  }
  /**
   * The rows last given to `run.explain(rows)` from a cell, which the panels can pick too, with their
   * explanation by each model asked so far: a row is read from its batch's explanation, so the panels show the
   * very numbers the cell got (explaining a row alone may differ in the last bits).
   */
  #sent: { rows: ExplainRows; byModel: Map<string, Promise<Explanation>> } | null = null;

  constructor(args: {
    started: RunStarted;
    finished: RunFinished;
    drones: Drone[];
    events: RunEvent[];
    greaterIsBetter: boolean;
    refitter: Refitter;
  }) {
    this.started = args.started;
    this.finished = args.finished;
    this.id = args.started.runId;
    this.metric = args.started.metric;
    this.greaterIsBetter = args.greaterIsBetter;
    this.drones = args.drones;
    this.events = args.events;
    this.byId = new Map(args.drones.map((d) => [d.id, d]));
    this.leaderboard = new Leaderboard(args.finished.leaderboard, this.metric, this.byId);
    this.#refitter = args.refitter;
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

  /**
   * Rows the champion learned: every row given to evolve, or the search rows alone when no time was left to refit
   * it on every row (the run's summary then says so). Null without a champion, and in runs recorded before it was
   * kept.
   */
  get championRows(): number | null {
    return this.finished.championRows ?? null;
  }

  /** Columns set aside before the search (constant, duplicate or identifier), which the models never saw. */
  get droppedColumns(): DroppedColumn[] {
    return this.started.dataset.dropped ?? [];
  }

  /** Whether the run built a champion (false when it was interrupted or no drone finished). */
  get hasChampion(): boolean {
    return this.#refitter.championModel !== null;
  }

  /**
   * The best drone (or ensemble) refit on the search rows. Throws an EvaluationError saying why when the run
   * built none (interrupted, no drone finished, every drone failed); check `hasChampion` first if that can be.
   */
  get champion(): TrainedModel {
    const champion = this.#refitter.championModel;
    if (champion === null) throw this.noChampion();
    return champion;
  }

  /** Why there is no champion, and what to do about it. */
  private noChampion(): EvaluationError {
    return new EvaluationError(
      'run.no_champion',
      `run ${this.id} has no champion: ${this.whyNoChampion}. Give evolve() a bigger budget (budget.seconds or budget.evaluations), ` +
        `look at the failed drones' errors in run.drones and at run.leaderboard, or take a finished drone with ` +
        `run.model(id); check run.hasChampion before using run.champion.`,
    );
  }

  /** Why the run has no champion (a clause: `it stopped (time) before any drone was evaluated`); null when it has one. */
  get whyNoChampion(): string | null {
    if (this.hasChampion) return null;
    const f = this.finished;
    const failed = this.drones.filter((d) => d.status === 'failed' || d.status === 'timeout').length;
    return f.status === 'failed'
      ? `the run stopped on an error${f.error ? ` (${f.error})` : ''}`
      : this.drones.length === 0
        ? `it stopped (${f.reason}) before any drone was evaluated`
        : f.leaderboard.length === 0
          ? `none of its ${this.drones.length} drones finished (${failed} failed or timed out${failed < this.drones.length ? `, ${this.drones.length - failed} pruned or cut short` : ''})`
          : f.error
            ? `building it failed (${f.error})`
            : f.status === 'interrupted'
              ? `it was interrupted, and refitting its best drone would have kept you waiting: run.model(${JSON.stringify(f.leaderboard[0].id)}) refits it`
              : 'none was built';
  }

  drone(id: string): Drone | undefined {
    return this.byId.get(id);
  }

  /** Every drone's parents and the operator that bred it. */
  lineage(): { id: string; parents: string[]; operator: string; generation: number }[] {
    return this.drones.map((d) => ({
      id: d.id,
      parents: d.parents,
      operator: d.operator,
      generation: d.generation,
    }));
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
    return this.#refitter.droneModel(droneId);
  }

  /** Permutation importance of any drone (refit on the search rows when it is not the champion). */
  async importance(droneId?: string): Promise<ImportanceReport> {
    return this.#refitter.importance(droneId ?? this.champion.id);
  }

  /** Confusion matrix (classification) of a drone's out-of-fold predictions, or of the champion on the test rows. */
  async confusionMatrix(droneId?: string): Promise<ConfusionMatrix> {
    if (droneId === undefined && !this.hasChampion) throw this.noChampion();
    return this.#refitter.confusion(droneId);
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
    return paretoChart(
      this.drones,
      last && last.type === 'generation.completed' ? last.paretoIds : [],
      this.metric,
    );
  }

  comparisonChart(): VegaLiteSpec {
    return modelComparisonChart(this.drones, this.metric);
  }

  // --- Per-row attributions for the panels' "why" view ---------------------------------------------------

  /**
   * Explains rows with the champion (or a drone) and remembers them, so the JupyterLab panels can pick them
   * in their "why" view: `await run.explain(data.head(3))`. Resolves to the model's Explanation.
   */
  async explain(rows: Frame | Dataset | Record<string, unknown>[], droneId?: string): Promise<Explanation> {
    const kept: ExplainRows =
      rows instanceof Dataset ? rows.features : Array.isArray(rows) ? [...rows] : rows;
    const model = await this.model(droneId);
    const explanation = await explainWith(model, kept, this.heldOut.background);
    this.#sent = { rows: kept, byModel: new Map([[model.id, Promise.resolve(explanation)]]) };
    return explanation;
  }

  /** How many rows each source of the "why" view has: the run's test rows and the rows last sent with `explain`. */
  explainableRows(): { test: number; sent: number; testKind: 'test' | 'search' | null } {
    return {
      test: this.heldOut.frame.rows,
      sent: rowCount(this.#sent?.rows ?? null),
      testKind: this.heldOut.kind,
    };
  }

  /**
   * The attributions of one row for a drone (or the champion, `championId` or no id): row `rowIndex` of the
   * run's test rows (`source: 'test'`) or of the rows last sent with `run.explain` (`'sent'`). The numbers are
   * those the model's `explain` returns for that row, as plain JSON for the panels.
   */
  async explainRow(
    droneId: string | undefined,
    rowIndex: number,
    source: 'test' | 'sent' = 'test',
  ): Promise<RowExplanation> {
    const sent = this.#sent;
    const rows = source === 'sent' ? (sent?.rows ?? null) : this.heldOut.frame;
    if (!rows) {
      throw new ConfigurationError(
        'run.no_rows',
        source === 'sent'
          ? `run ${this.id} has no rows sent from a cell yet: call await run.explain(rows) first.`
          : `run ${this.id} kept no rows to explain; use await run.explain(rows) with rows of your own.`,
      );
    }
    const count = rowCount(rows);
    if (!Number.isSafeInteger(rowIndex) || rowIndex < 0 || rowIndex >= count) {
      throw new ConfigurationError(
        'run.row_out_of_range',
        `row ${quote(rowIndex)} is not one of the ${count} ${source === 'sent' ? 'rows sent with explain' : 'test rows'}; pick 0 to ${count - 1}.`,
      );
    }
    const id = droneId ?? this.champion.id;
    const model = await this.model(id);
    // A sent row: from its batch's explanation by this model (made once). A test row: explained alone.
    let e: Explanation;
    let at = 0;
    if (source === 'sent' && sent) {
      let batch = sent.byModel.get(model.id);
      if (!batch) {
        batch = explainWith(model, sent.rows, this.heldOut.background);
        sent.byModel.set(model.id, batch);
        batch.catch(() => sent.byModel.delete(model.id));
      }
      e = await batch;
      at = rowIndex;
    } else {
      e = await explainWith(
        model,
        Array.isArray(rows) ? [rows[rowIndex]] : takeFrameRows(rows, [rowIndex]),
        this.heldOut.background,
      );
    }
    const values = e.values[at].map((perColumn) => Array.from(perColumn));
    const input = Array.isArray(rows)
      ? rows[rowIndex]
      : (DataFrame.fromFrame(takeFrameRows(rows, [rowIndex])).toObjects()[0] ?? {});
    return {
      runId: this.id,
      droneId: id,
      source,
      row: rowIndex,
      rowCount: count,
      columns: [...e.columns],
      outputs: [...e.outputs],
      scale: e.scale,
      base: [...e.base],
      values,
      output: e.outputs.map((_, o) => e.output(at, o)),
      method: e.method,
      maxError: e.maxError,
      input: inputValues(input, e.columns),
    };
  }

  /**
   * One line on the run: its drones and why it stopped, the best drone, the champion when it combines drones, the
   * test score (of the champion fit on the search rows, before its refit on every row), and a warning when the
   * champion could not be refit on every row in time.
   */
  toString(): string {
    const f = this.finished;
    const best = f.leaderboard[0];
    const parts = [
      `Run ${this.id}: ${plural(this.drones.length, 'drone')}, ${f.status}${f.reason === f.status ? '' : ` (${f.reason})`}`,
      best
        ? `best drone ${best.id} ${best.family} ${this.metric}=${best.score.toFixed(4)}${this.baselineNote()}`
        : 'best none',
    ];
    if (f.ensemble) {
      const kind = f.ensemble.kind === 'stack' ? 'a stack' : 'an ensemble';
      parts.push(
        `champion ${kind} of ${f.ensemble.members.length} drones ${this.metric}=${f.ensemble.score.toFixed(4)} out of fold`,
      );
    }
    const rows = this.championRows;
    const all = this.started.dataset.rows;
    if (this.testScore !== null) {
      // the test rows are scored by the champion before it learns them; the delivered one may have learned them since
      const refit = rows !== null && rows >= all ? `, then refit on all ${all} rows` : '';
      parts.push(
        `test ${this.metric}=${this.testScore.toFixed(4)} (scored before the champion saw the test rows${refit})`,
      );
    }
    const line = parts.join(', ') + this.imbalanceNote();
    if (rows === null || rows >= all) return line;
    return `${line}; the champion learned the ${rows} search rows only: no time was left to refit it on all ${all} rows (give evolve() more seconds)`;
  }

  /** ` (always "no": 0.8407)`: the score of always predicting the most frequent class, beside the best one. */
  private baselineNote(): string {
    const baseline = this.started.dataset.baseline;
    return baseline ? ` (always ${quote(baseline.predicts)}: ${baseline.score.toFixed(4)})` : '';
  }

  /**
   * A hint when accuracy is the metric and one class is at least IMBALANCED of the rows: accuracy then rewards a
   * model that seldom predicts the others, and balanced accuracy weighs every class alike.
   */
  private imbalanceNote(): string {
    const baseline = this.started.dataset.baseline;
    if (this.metric !== 'accuracy' || !baseline || baseline.score < IMBALANCED) return '';
    return `; ${quote(baseline.predicts)} is ${(100 * baseline.score).toFixed(0)}% of the rows: to weigh every class alike, pass metric: 'balanced_accuracy' (or 'f1_macro')`;
  }

  [DISPLAY](): MimeBundle {
    const board = this.leaderboard[DISPLAY]();
    return {
      'text/plain': `${this.toString()}\n${board['text/plain']}`,
      'text/html': `<p>${escapeHtml(this.toString())}</p>${board['text/html']}`,
    };
  }
}

/**
 * The model's explanation of `rows`, against the run's search rows when the model keeps no background of its
 * own (one row alone cannot be its own background).
 */
function explainWith(
  model: TrainedModel,
  rows: ExplainRows,
  background: Frame | undefined,
): Promise<Explanation> {
  return model.explain(rows, model.background || !background ? {} : { background });
}

/** A row's values in column order (own fields only: column names are data). */
function inputValues(row: Record<string, unknown>, columns: readonly string[]): unknown[] {
  return columns.map((c) => (Object.hasOwn(row, c) && row[c] !== undefined ? row[c] : null));
}

/** Rows `explain` takes: a frame of feature columns, or plain row objects. */
type ExplainRows = Frame | Record<string, unknown>[];

function rowCount(rows: ExplainRows | null): number {
  return rows === null ? 0 : Array.isArray(rows) ? rows.length : rows.rows;
}
