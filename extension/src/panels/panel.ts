/**
 * This module contains BeeMindPanel, the base of the three sidebar panels: it follows the active notebook's
 * model, owns the signal connections, and redraws only while visible, at most once per refresh interval for
 * streamed data (selection changes draw on the next frame).
 */
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { cancelFrame, el, nextFrame } from '../dom.js';
import type { NotebookModel, Status } from '../model/notebook.js';
import type { Settings } from '../settings.js';

/** Where a panel gets its model and settings (ModelTracker plus the settings registry). */
export interface PanelContext {
  readonly current: NotebookModel | null;
  readonly currentChanged: {
    connect(fn: (sender: unknown, model: NotebookModel | null) => void, thisArg?: unknown): boolean;
    disconnect(fn: (sender: unknown, model: NotebookModel | null) => void, thisArg?: unknown): boolean;
  };
  settings(): Settings;
}

export abstract class BeeMindPanel extends Widget {
  protected model: NotebookModel | null = null;
  protected readonly statusLine: HTMLDivElement;
  protected readonly body: HTMLDivElement;
  private dirty = true;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private frame: number | null = null;
  private lastRender = -Infinity;
  /** Milliseconds the last render took (also written to data-render-ms for the benchmark). */
  lastRenderMs = 0;

  constructor(
    protected readonly context: PanelContext,
    options: { id: string; label: string; className: string },
  ) {
    super();
    this.id = options.id;
    this.title.caption = options.label;
    this.addClass('jp-BeeMind-panel');
    this.addClass(options.className);
    this.statusLine = el('div', {
      className: 'jp-BeeMind-status',
      attrs: { role: 'status', 'aria-live': 'polite' },
    });
    this.body = el('div', { className: 'jp-BeeMind-body' });
    this.node.appendChild(this.statusLine);
    this.node.appendChild(this.body);
    context.currentChanged.connect(this.onCurrentChanged, this);
    this.setModel(context.current);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.context.currentChanged.disconnect(this.onCurrentChanged, this);
    this.setModel(null);
    this.cancel();
    super.dispose();
  }

  /** Marks the panel for a redraw (theme or settings changed). */
  invalidate(): void {
    this.schedule(true);
  }

  /** Renders now if anything changed (used by tests and the benchmark; normal updates are scheduled). */
  flush(): void {
    this.cancel();
    this.renderNow();
  }

  protected abstract renderContent(model: NotebookModel | null): void;

  protected onModelChanged(): void {
    this.schedule(false);
  }

  protected onSelectionChanged(): void {
    this.schedule(true);
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (this.dirty) this.schedule(true);
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.dirty) this.schedule(true);
  }

  protected override onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this.schedule(true);
  }

  private onCurrentChanged(_: unknown, model: NotebookModel | null): void {
    this.setModel(model);
  }

  private setModel(model: NotebookModel | null): void {
    if (this.model === model) return;
    if (this.model && !this.model.isDisposed) {
      this.model.changed.disconnect(this.onModelChanged, this);
      this.model.selectionChanged.disconnect(this.onSelectionChanged, this);
      this.model.statusChanged.disconnect(this.onStatus, this);
    }
    this.model = model;
    if (model) {
      model.changed.connect(this.onModelChanged, this);
      model.selectionChanged.connect(this.onSelectionChanged, this);
      model.statusChanged.connect(this.onStatus, this);
    }
    this.schedule(true);
  }

  private onStatus(_: NotebookModel, _status: Status): void {
    this.schedule(false);
  }

  private schedule(urgent: boolean): void {
    this.dirty = true;
    if (this.isDisposed || !this.isVisible) return; // drawn on show
    if (urgent && this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.timer !== null || this.frame !== null) return;
    const interval = this.context.settings().refreshIntervalMs;
    const wait = urgent ? 0 : Math.max(0, this.lastRender + interval - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.frame = nextFrame(() => {
        this.frame = null;
        this.renderNow();
      });
    }, wait);
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.frame !== null) cancelFrame(this.frame);
    this.timer = null;
    this.frame = null;
  }

  private renderNow(): void {
    if (this.isDisposed) return;
    this.dirty = false;
    const started = performance.now();
    const status = this.model?.status ?? {
      status: 'disconnected',
      message: 'Open a notebook to see its BeeMind runs.',
    };
    this.statusLine.textContent = status.message;
    this.node.dataset.status = status.status;
    const typing = inputBeingTyped(this.node);
    this.renderContent(this.model);
    if (typing) resumeTyping(this.node, typing);
    this.lastRender = performance.now();
    this.lastRenderMs = this.lastRender - started;
    this.node.dataset.renderMs = this.lastRenderMs.toFixed(1);
  }
}

/** The input that has the focus inside `root`, by its aria-label, with what is typed in it so far. */
interface Typing {
  input: HTMLInputElement;
  label: string;
  value: string;
}

function inputBeingTyped(root: HTMLElement): Typing | null {
  const active = root.ownerDocument.activeElement;
  if (!(active instanceof HTMLInputElement) || !root.contains(active)) return null;
  const label = active.getAttribute('aria-label');
  return label ? { input: active, label, value: active.value } : null;
}

/**
 * A render rebuilds a panel's controls, and a redraw while the user types (an event from the run, an explanation
 * arriving) would drop what was typed before it is committed (an input commits on Enter or leaving it): the new
 * input with the same aria-label takes the typed text and the focus.
 */
function resumeTyping(root: HTMLElement, typing: Typing): void {
  if (root.contains(typing.input)) return; // the render kept the input itself
  const input = [...root.querySelectorAll('input')].find(
    (i) => i.getAttribute('aria-label') === typing.label,
  );
  if (!input) return;
  input.value = typing.value;
  input.focus();
}
