/**
 * This module contains NotebookModel: everything the three panels show for one notebook — its runs folded
 * from the kernel's events, the shared selection, the runs being compared, per-drone requests (importance,
 * confusion matrix) and the connection status. Signals, no DOM; the kernel is reached through a RequestPort.
 */
import { Signal, type ISignal } from '@lumino/signaling';
import type { ImportanceComputed, RunEvent } from 'beemind/events';
import {
  parseConfusion,
  parseImportance,
  parseRowExplanation,
  type ConfusionMatrix,
  type ExplainSource,
  type Request,
  type RowExplanation,
} from '../protocol.js';
import { RunState } from './run.js';

/** How the model asks the kernel something; the connection implements it while a comm is open. */
export interface RequestPort {
  request(request: Request): Promise<unknown>;
}

export type ConnectionStatus =
  /** No kernel, or a kernel that does not speak the beemind protocol. */
  | 'disconnected'
  | 'connecting'
  | 'connected'
  /** The kernel is restarting or was changed; the runs were cleared. */
  | 'restarting';

export interface Status {
  status: ConnectionStatus;
  /** A sentence for the panels' status line (kernel text: render as text only). */
  message: string;
}

export interface Selection {
  runId: string;
  droneId: string;
}

/** The row the "why" views explain: its source and its index there. */
export interface WhyRow {
  source: ExplainSource;
  row: number;
  /** The output (class) whose attributions are shown; null: the predicted one. */
  output: number | null;
}

/** What the panels show for one drone's requested data. */
export type Requested<T> =
  | { state: 'ready'; value: T }
  | { state: 'pending' }
  /** `code` is the kernel's error code when it sent one (e.g. `unsupported`, `invalid_message`). */
  | { state: 'error'; message: string; code?: string }
  | { state: 'unknown' };

export class NotebookModel {
  private readonly runMap = new Map<string, RunState>();
  private readonly _changed = new Signal<this, void>(this);
  private readonly _selectionChanged = new Signal<this, void>(this);
  private readonly _statusChanged = new Signal<this, Status>(this);
  private port: RequestPort | null = null;
  private _status: Status = { status: 'disconnected', message: 'Waiting for a kernel.' };
  private _selection: Selection | null = null;
  private _activeRunId: string | null = null;
  private _whyRow: WhyRow = { source: 'test', row: 0, output: null };
  /** The drone the comparison panel sets beside the selected one in its "why" view; null: chosen for the user. */
  private _whyPartner: string | null = null;
  private readonly hiddenRuns = new Set<string>();
  /** Runs on other data than the active run's that the user ticked for the comparison. */
  private readonly shownRuns = new Set<string>();
  /** Requests in flight or failed, by `${kind}\u0000${runId}\u0000${droneId}`. */
  private readonly requests = new Map<
    string,
    { state: 'pending' } | { state: 'error'; message: string; code?: string }
  >();
  private _isDisposed = false;
  /** Events dropped because they failed validation (shown in the status line). */
  droppedEvents = 0;

  /** Emitted after a batch of events, a snapshot, a reply or a reset. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get selectionChanged(): ISignal<this, void> {
    return this._selectionChanged;
  }

  get statusChanged(): ISignal<this, Status> {
    return this._statusChanged;
  }

  get status(): Status {
    return this._status;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    this.port = null;
    Signal.clearData(this);
  }

  /** Runs in the order they started. */
  get runs(): RunState[] {
    return [...this.runMap.values()];
  }

  run(runId: string): RunState | undefined {
    return this.runMap.get(runId);
  }

  /** The run the lineage shows: the one the user picked, else the latest. */
  get activeRun(): RunState | null {
    if (this._activeRunId) {
      const run = this.runMap.get(this._activeRunId);
      if (run) return run;
    }
    let last: RunState | null = null;
    for (const run of this.runMap.values()) last = run;
    return last;
  }

  /** Shows another run in the lineage; a selection in a different run goes back to that run's champion. */
  setActiveRun(runId: string | null): void {
    if (runId === this._activeRunId) return;
    this._activeRunId = runId;
    if (this._selection && this._selection.runId !== runId) this._selection = null;
    this._changed.emit();
    this._selectionChanged.emit();
  }

  /**
   * Runs shown side by side in the comparison panel: by default those on the same data as the active run (the
   * same table, target and metric; the store beside the notebook also holds other notebooks' runs), plus or minus
   * the user's ticks.
   */
  get comparedRuns(): RunState[] {
    return this.runs.filter((r) => this.isCompared(r.runId));
  }

  setCompared(runId: string, compared: boolean): void {
    if (compared === this.isCompared(runId)) return;
    if (compared) {
      this.hiddenRuns.delete(runId);
      if (!this.isCompared(runId)) this.shownRuns.add(runId);
    } else {
      this.shownRuns.delete(runId);
      this.hiddenRuns.add(runId);
    }
    this._changed.emit();
  }

  isCompared(runId: string): boolean {
    if (this.hiddenRuns.has(runId)) return false;
    if (this.shownRuns.has(runId)) return true;
    const run = this.runMap.get(runId);
    return run !== undefined && sameData(run, this.activeRun);
  }

  /** The explicitly selected drone, or null when the panels follow the champion. */
  get selection(): Selection | null {
    return this._selection;
  }

  /** The drone the panels show: the selection, else the active run's champion (best so far while live). */
  get effectiveSelection(): (Selection & { isDefault: boolean }) | null {
    if (this._selection && this.runMap.get(this._selection.runId)?.drone(this._selection.droneId)) {
      return { ...this._selection, isDefault: false };
    }
    const run = this.activeRun;
    const championId = run?.championId;
    return run && championId ? { runId: run.runId, droneId: championId, isDefault: true } : null;
  }

  /** Selects a drone (null: back to the champion). Selecting in another run makes that run active. */
  select(selection: Selection | null): void {
    const same =
      selection === this._selection ||
      (selection !== null &&
        this._selection !== null &&
        selection.runId === this._selection.runId &&
        selection.droneId === this._selection.droneId);
    if (same) return;
    this._selection = selection;
    if (selection && selection.runId !== this.activeRun?.runId) this._activeRunId = selection.runId;
    this._selectionChanged.emit();
  }

  /** The row the "why" views explain (shared by the importance and comparison panels). */
  get whyRow(): WhyRow {
    return this._whyRow;
  }

  setWhyRow(row: Partial<WhyRow>): void {
    const next = { ...this._whyRow, ...row };
    if (!Number.isSafeInteger(next.row) || next.row < 0) next.row = 0;
    if (next.source !== this._whyRow.source && row.row === undefined) next.row = 0;
    if (
      next.source === this._whyRow.source &&
      next.row === this._whyRow.row &&
      next.output === this._whyRow.output
    )
      return;
    this._whyRow = next;
    this._selectionChanged.emit();
  }

  get whyPartner(): string | null {
    return this._whyPartner;
  }

  setWhyPartner(droneId: string | null): void {
    if (droneId === this._whyPartner) return;
    this._whyPartner = droneId;
    this._selectionChanged.emit();
  }

  setStatus(status: Status): void {
    if (status.status === this._status.status && status.message === this._status.message) return;
    this._status = status;
    this._statusChanged.emit(status);
  }

  /** Called by the connection when a comm opens (port) or closes (null). */
  setPort(port: RequestPort | null): void {
    this.port = port;
    if (!port) {
      // Requests in flight will never be answered; let the panels ask again on the next connection.
      for (const [key, value] of this.requests) if (value.state === 'pending') this.requests.delete(key);
    }
  }

  /** Replaces every run by the kernel's snapshot (sent when the comm opens). */
  applySnapshot(runs: { runId: string; events: RunEvent[] }[]): void {
    const keep = new Set(runs.map((r) => r.runId));
    for (const id of [...this.runMap.keys()]) if (!keep.has(id)) this.runMap.delete(id);
    for (const { runId, events } of runs) {
      const run = new RunState(runId);
      for (const event of events) run.fold(event);
      this.runMap.set(runId, run);
    }
    this.afterRunsReplaced();
  }

  /** Folds a batch of streamed events. */
  applyEvents(events: readonly RunEvent[]): void {
    if (events.length === 0) return;
    let selectionMayMove = false;
    for (const event of events) {
      let run = this.runMap.get(event.runId);
      if (!run) {
        run = new RunState(event.runId);
        this.runMap.set(event.runId, run);
        selectionMayMove = true;
      }
      run.fold(event);
      if (event.type === 'importance.computed')
        this.requests.delete(key('importance', event.runId, event.droneId));
      if (event.type === 'run.finished' || (event.type === 'drone.evaluated' && this._selection === null))
        selectionMayMove = true;
    }
    this._changed.emit();
    // The default selection (the champion / best so far) moves as drones arrive.
    if (selectionMayMove && this._selection === null) this._selectionChanged.emit();
  }

  /** Forgets every run (kernel restart or change). */
  reset(status: Status): void {
    this.runMap.clear();
    this.requests.clear();
    this._selection = null;
    this._activeRunId = null;
    this._whyRow = { source: 'test', row: 0, output: null };
    this._whyPartner = null;
    this.hiddenRuns.clear();
    this.droppedEvents = 0;
    this.setStatus(status);
    this._changed.emit();
    this._selectionChanged.emit();
  }

  importance(runId: string, droneId: string): Requested<ImportanceComputed> {
    const value = this.runMap.get(runId)?.importance.get(droneId);
    return value
      ? { state: 'ready', value }
      : (this.requests.get(key('importance', runId, droneId)) ?? { state: 'unknown' });
  }

  confusion(runId: string, droneId: string): Requested<ConfusionMatrix> {
    const value = this.runMap.get(runId)?.confusion.get(droneId);
    return value
      ? { state: 'ready', value }
      : (this.requests.get(key('confusion', runId, droneId)) ?? { state: 'unknown' });
  }

  explanation(runId: string, droneId: string, source: ExplainSource, row: number): Requested<RowExplanation> {
    const value = this.runMap.get(runId)?.explanation(droneId, source, row);
    return value
      ? { state: 'ready', value }
      : (this.requests.get(key('explain', runId, `${droneId}\u0000${source}\u0000${row}`)) ?? {
          state: 'unknown',
        });
  }

  /**
   * A cell of the notebook ran: it may have sent other rows with run.explain, so the rows sent from cells are
   * explained again when shown (the kernel answers from its cache when they did not change).
   */
  cellExecuted(): void {
    let forgot = false;
    for (const run of this.runMap.values()) {
      if (run.rowCounts.has('sent') || [...run.explanations.values()].some((e) => e.source === 'sent')) {
        run.forgetExplanations('sent');
        forgot = true;
      }
    }
    for (const [k, v] of this.requests) {
      // failed requests for sent rows (e.g. "no rows sent yet") are asked again too
      if (v.state === 'error' && k.startsWith('explain\u0000') && k.includes('\u0000sent\u0000')) {
        this.requests.delete(k);
        forgot = true;
      }
    }
    if (forgot) this._changed.emit();
  }

  /** Explains the chosen rows again (a cell may have sent other rows with run.explain since). */
  refreshExplanations(runId: string, source: ExplainSource): void {
    this.runMap.get(runId)?.forgetExplanations(source);
    const prefix = key('explain', runId, '');
    for (const [k, v] of this.requests)
      if (k.startsWith(prefix) && v.state !== 'pending') this.requests.delete(k);
    this._changed.emit();
  }

  /** Asks the kernel for one row's attributions for a drone (the "why" view). */
  requestExplanation(runId: string, droneId: string, source: ExplainSource, row: number): void {
    this.send(
      key('explain', runId, `${droneId}\u0000${source}\u0000${row}`),
      { method: 'explain', params: { runId, droneId, row, source } },
      (result) => {
        const parsed = parseRowExplanation(result);
        if (!parsed || parsed.droneId !== droneId || parsed.row !== row || parsed.source !== source)
          return 'the kernel answered the explain request with an unexpected shape';
        this.runMap.get(runId)?.setExplanation(parsed);
        return null;
      },
    );
  }

  /** Asks the kernel for a drone's permutation importance; the answer arrives as an importance.computed event or reply. */
  requestImportance(runId: string, droneId: string): void {
    this.send(
      key('importance', runId, droneId),
      { method: 'importance', params: { runId, droneId } },
      (result) => {
        const parsed = parseImportance(result, runId, droneId);
        if (!parsed) return 'the kernel answered the importance request with an unexpected shape';
        this.runMap.get(runId)?.fold(parsed);
        return null;
      },
    );
  }

  /** Asks the kernel for a drone's confusion matrix (out-of-fold predictions; classification runs only). */
  requestConfusion(runId: string, droneId: string): void {
    this.send(
      key('confusion', runId, droneId),
      { method: 'confusion', params: { runId, droneId } },
      (result) => {
        const matrix = parseConfusion(result);
        if (!matrix) return 'the kernel answered the confusion-matrix request with an unexpected shape';
        this.runMap.get(runId)?.setConfusion(droneId, matrix);
        return null;
      },
    );
  }

  private send(k: string, request: Request, accept: (result: unknown) => string | null): void {
    if (this.requests.get(k)?.state === 'pending') return;
    const port = this.port;
    if (!port) {
      this.requests.set(k, { state: 'error', message: 'Not connected to a BeeMind kernel.' });
      this._changed.emit();
      return;
    }
    this.requests.set(k, { state: 'pending' });
    this._changed.emit();
    port.request(request).then(
      (result) => {
        if (this._isDisposed || this.requests.get(k)?.state !== 'pending') return;
        const problem = accept(result);
        if (problem) this.requests.set(k, { state: 'error', message: problem });
        else this.requests.delete(k);
        this._changed.emit();
      },
      (error: unknown) => {
        if (this._isDisposed || this.requests.get(k)?.state !== 'pending') return;
        const code = (error as { code?: unknown }).code;
        this.requests.set(k, {
          state: 'error',
          message: error instanceof Error ? error.message : String(error),
          ...(typeof code === 'string' ? { code } : {}),
        });
        this._changed.emit();
      },
    );
  }

  private afterRunsReplaced(): void {
    if (this._selection && !this.runMap.get(this._selection.runId)?.drone(this._selection.droneId))
      this._selection = null;
    if (this._activeRunId && !this.runMap.has(this._activeRunId)) this._activeRunId = null;
    for (const id of [...this.hiddenRuns]) if (!this.runMap.has(id)) this.hiddenRuns.delete(id);
    this._changed.emit();
    this._selectionChanged.emit();
  }
}

function key(kind: 'importance' | 'confusion' | 'explain', runId: string, droneId: string): string {
  return `${kind}\u0000${runId}\u0000${droneId}`;
}

/** Whether two runs learned the same table, target and metric (true when either has not started yet). */
function sameData(a: RunState, b: RunState | null): boolean {
  const x = a.started;
  const y = b?.started;
  if (!x || !y) return true;
  return (
    x.dataset.fingerprint === y.dataset.fingerprint &&
    x.dataset.target === y.dataset.target &&
    x.metric === y.metric
  );
}
