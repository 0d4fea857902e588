/**
 * This module contains ModelTracker: one NotebookModel (and its KernelBridge) per open notebook, created when
 * the notebook opens and disposed when it closes, and `current`, the model of the active notebook, which the
 * panels follow.
 */
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import { KernelBridge, type BridgeOptions, type KernelSource } from './connection.js';
import { NotebookModel } from './model/notebook.js';

/** The parts of a notebook widget the tracker uses (NotebookPanel fits). */
export interface NotebookLike {
  readonly id: string;
  readonly sessionContext: KernelSource;
  readonly disposed: ISignal<unknown, unknown>;
}

/** The parts of INotebookTracker the tracker uses. */
export interface NotebookTrackerLike<T extends NotebookLike> {
  readonly currentWidget: T | null;
  readonly currentChanged: ISignal<unknown, T | null>;
  readonly widgetAdded: ISignal<unknown, T>;
  forEach(fn: (widget: T) => void): void;
}

interface Entry {
  model: NotebookModel;
  bridge: KernelBridge;
}

export class ModelTracker<T extends NotebookLike> implements IDisposable {
  private readonly entries = new Map<T, Entry>();
  private readonly _currentChanged = new Signal<this, NotebookModel | null>(this);
  private _current: NotebookModel | null = null;
  private _isDisposed = false;

  constructor(
    private readonly notebooks: NotebookTrackerLike<T>,
    private readonly options: () => BridgeOptions,
  ) {
    notebooks.forEach((widget) => this.track(widget));
    notebooks.widgetAdded.connect((_, widget) => this.track(widget), this);
    notebooks.currentChanged.connect(() => this.updateCurrent(), this);
    this.updateCurrent();
  }

  /** The model of the active notebook (null when no notebook is open). */
  get current(): NotebookModel | null {
    return this._current;
  }

  get currentChanged(): ISignal<this, NotebookModel | null> {
    return this._currentChanged;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The bridge of the active notebook (for the reconnect command). */
  get currentBridge(): KernelBridge | null {
    const widget = this.notebooks.currentWidget;
    return widget ? (this.entries.get(widget)?.bridge ?? null) : null;
  }

  modelFor(widget: T): NotebookModel | null {
    return this.entries.get(widget)?.model ?? null;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    for (const entry of this.entries.values()) {
      entry.bridge.dispose();
      entry.model.dispose();
    }
    this.entries.clear();
    Signal.clearData(this);
  }

  private track(widget: T): void {
    if (this.entries.has(widget) || this._isDisposed) return;
    const model = new NotebookModel();
    const bridge = new KernelBridge(model, widget.sessionContext, this.options);
    this.entries.set(widget, { model, bridge });
    widget.disposed.connect(() => {
      const entry = this.entries.get(widget);
      if (!entry) return;
      this.entries.delete(widget);
      entry.bridge.dispose();
      entry.model.dispose();
      this.updateCurrent();
    }, this);
    this.updateCurrent();
  }

  private updateCurrent(): void {
    const widget = this.notebooks.currentWidget;
    const model = widget ? (this.entries.get(widget)?.model ?? null) : null;
    if (model === this._current) return;
    this._current = model;
    this._currentChanged.emit(model);
  }
}
