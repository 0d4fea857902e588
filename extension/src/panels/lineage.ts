/**
 * This module contains the population lineage panel: a run picker, a legend, a virtualised canvas with one
 * node per drone (generations top to bottom, nodes sized to the panel), and the selected drone's details below
 * it. The wheel zooms about the pointer, a drag pans, the reset button (or 0) fits the run again; hover shows a
 * summary (pipeline, scores, times), click or Enter selects, arrow keys move the selection. The node exposes
 * data-drone-count, data-selected-drone, data-hovered-drone, data-zoom and data-node-radius for tests.
 */
import type { Drone } from 'beemind/events';
import { clear, el, nextFrame } from '../dom.js';
import { combinationText, droneSummary, formatScore } from '../format.js';
import { layoutLineage, nodeAt, orderIndex, type LineageLayout } from '../lineage/layout.js';
import { drawLineage, operatorColor } from '../lineage/draw.js';
import type { NotebookModel } from '../model/notebook.js';
import type { RunState } from '../model/run.js';
import { SCORE_COLORS, themeColors } from '../theme.js';
import { BeeMindPanel, type PanelContext } from './panel.js';
import { runPicker } from './run_picker.js';

export class LineagePanel extends BeeMindPanel {
  private readonly header: HTMLDivElement;
  private readonly legend: HTMLDivElement;
  private readonly scroller: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly sizer: HTMLDivElement;
  private readonly tooltip: HTMLDivElement;
  private readonly details: HTMLDivElement;
  private readonly resetButton: HTMLButtonElement;
  private graph: LineageLayout | null = null;
  /** Screen pixels per layout pixel, and the horizontal pan (the vertical one is the scroller's scrollTop). */
  private zoom = 1;
  private panX = 0;
  private drag: { x: number; y: number; moved: boolean } | null = null;
  /** The height the lineage may take (the panel less its toolbar, legend and details). */
  private space = 400;
  private positions: Int32Array | null = null;
  private layoutKey = '';
  private run: RunState | null = null;
  private pareto = new Uint8Array(0);
  private hovered = -1;
  private drawPending = false;

  constructor(context: PanelContext) {
    super(context, {
      id: 'beemind-lineage',
      label: 'BeeMind: population lineage',
      className: 'jp-BeeMind-lineage',
    });
    this.header = el('div', { className: 'jp-BeeMind-toolbar' });
    this.legend = el('div', { className: 'jp-BeeMind-legend' });
    this.canvas = el('canvas', { className: 'jp-BeeMind-lineageCanvas' });
    this.sizer = el('div', { className: 'jp-BeeMind-lineageSizer' });
    this.scroller = el('div', {
      className: 'jp-BeeMind-lineageScroller',
      attrs: {
        tabindex: '0',
        role: 'application',
        'aria-label':
          'Population lineage: arrow keys move the selection, Home selects the champion; the wheel, + and - zoom, a drag pans, 0 fits',
      },
    });
    this.tooltip = el('div', { className: 'jp-BeeMind-tooltip', attrs: { role: 'tooltip' } });
    this.tooltip.hidden = true;
    this.details = el('div', { className: 'jp-BeeMind-droneDetails', attrs: { 'aria-live': 'polite' } });
    this.resetButton = el('button', {
      className: 'jp-BeeMind-button jp-BeeMind-zoomReset',
      text: 'Fit',
      title: 'Fit the lineage to the panel (key 0); the wheel zooms, a drag pans',
      attrs: { type: 'button' },
    });
    this.resetButton.addEventListener('click', () => this.resetView());
    this.scroller.append(this.canvas, this.sizer);
    this.body.append(this.header, this.legend, this.scroller, this.details, this.tooltip);
    this.scroller.addEventListener('scroll', () => this.requestDraw());
    this.scroller.addEventListener('mousemove', (e) => this.onPointer(e));
    this.scroller.addEventListener('mouseleave', () => {
      this.drag = null;
      this.setHovered(-1, null);
    });
    this.scroller.addEventListener('mousedown', (e) => this.onPointerDown(e));
    this.scroller.addEventListener('mouseup', () => this.onPointerUp());
    this.scroller.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.scroller.addEventListener('click', (e) => this.onClick(e));
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Back to the fitted view: zoom 1, no pan, top of the lineage. */
  resetView(): void {
    this.zoom = 1;
    this.panX = 0;
    this.scroller.scrollTop = 0;
    this.node.dataset.zoom = '1';
    this.requestDraw();
  }

  /** Zooms by `factor` keeping the layout point under (sx, sy) (canvas pixels) where it is. */
  zoomBy(factor: number, sx: number, sy: number): void {
    const layout = this.graph;
    if (!layout) return;
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.zoom * factor));
    if (next === this.zoom) return;
    const lx = (sx + this.panX) / this.zoom;
    const ly = (sy + this.scroller.scrollTop) / this.zoom;
    this.zoom = next;
    this.updateSizer();
    this.panX = lx * next - sx;
    this.scroller.scrollTop = Math.max(0, ly * next - sy);
    this.clampPan();
    this.node.dataset.zoom = String(Number(next.toFixed(3)));
    this.requestDraw();
  }

  private onWheel(e: WheelEvent): void {
    if (!this.graph) return;
    e.preventDefault();
    const rect = this.canvas.getBoundingClientRect();
    // A notch of a mouse wheel is about 100 px; trackpads send many small deltas.
    const delta = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaY;
    this.zoomBy(Math.exp(-delta / 500), e.clientX - rect.left, e.clientY - rect.top);
  }

  private onPointerDown(e: MouseEvent): void {
    if (e.button !== 0) return;
    this.drag = { x: e.clientX, y: e.clientY, moved: false };
  }

  private onPointerUp(): void {
    // A click after a drag must not select: onClick reads `moved` before this is cleared.
    const drag = this.drag;
    setTimeout(() => {
      if (this.drag === drag) this.drag = null;
    }, 0);
  }

  private updateSizer(): void {
    const layout = this.graph;
    if (!layout) return;
    const viewHeight = this.viewHeight(layout);
    this.sizer.style.height = `${Math.max(0, Math.ceil(layout.height * this.zoom - viewHeight))}px`;
  }

  private clampPan(): void {
    const layout = this.graph;
    if (!layout) return;
    const viewWidth = this.viewWidth();
    const contentWidth = layout.width * this.zoom;
    // Zoomed out, the lineage stays centred; zoomed in, it cannot leave the view.
    this.panX =
      contentWidth <= viewWidth
        ? (contentWidth - viewWidth) / 2
        : Math.min(contentWidth - viewWidth, Math.max(0, this.panX));
  }

  private viewWidth(): number {
    return Math.max(120, this.scroller.clientWidth || 300);
  }

  /** The canvas height: the lineage's own height when it is shorter than the space, the space otherwise. */
  private viewHeight(layout: LineageLayout): number {
    return Math.max(60, Math.min(this.space, Math.ceil(layout.height * this.zoom)));
  }

  protected renderContent(model: NotebookModel | null): void {
    const run = model?.activeRun ?? null;
    this.run = run;
    clear(this.header);
    if (model && model.runs.length > 0) this.header.appendChild(runPicker(model));
    this.node.dataset.runId = run?.runId ?? '';
    this.node.dataset.droneCount = String(run?.drones.length ?? 0);
    if (!run || run.drones.length === 0) {
      this.graph = null;
      this.positions = null;
      this.layoutKey = '';
      this.renderLegend(null);
      this.sizer.style.height = '0px';
      this.canvas.hidden = true;
      clear(this.details);
      this.node.dataset.nodeCount = '0';
      this.node.dataset.selectedDrone = '';
      this.setHovered(-1, null);
      this.body.dataset.empty = run
        ? 'Waiting for the first drone…'
        : 'No BeeMind run in this notebook yet: run evolve() in a cell.';
      return;
    }
    delete this.body.dataset.empty;
    this.canvas.hidden = false;
    const width = this.viewWidth();
    // The lineage may fill the panel below the toolbar and legend, less room for the drone's details.
    const height = Math.max(
      160,
      (this.body.clientHeight || 600) - this.header.offsetHeight - this.legend.offsetHeight - DETAILS_HEIGHT,
    );
    this.space = height;
    const key = `${run.runId}:${run.version}:${width}:${height}`;
    if (key !== this.layoutKey) {
      if (!this.layoutKey.startsWith(`${run.runId}:`)) this.resetView();
      this.graph = layoutLineage(run, width, { height });
      this.positions = orderIndex(this.graph);
      this.layoutKey = key;
      this.pareto = new Uint8Array(run.drones.length);
      for (const id of run.pareto) {
        const i = run.indexOf(id);
        if (i >= 0) this.pareto[i] = 1;
      }
      this.renderLegend(run);
    }
    this.node.dataset.nodeCount = String(this.graph!.count);
    this.node.dataset.paretoCount = String(run.pareto.size);
    this.node.dataset.nodeRadius = this.graph!.radius.toFixed(1);
    this.node.dataset.zoom = String(Number(this.zoom.toFixed(3)));
    this.header.appendChild(this.resetButton);
    this.draw();
    this.renderDetails(model!, run);
  }

  /** The selected drone (the champion by default) in words, under the lineage. */
  private renderDetails(model: NotebookModel, run: RunState): void {
    clear(this.details);
    const selection = model.effectiveSelection;
    const drone = selection && selection.runId === run.runId ? run.drone(selection.droneId) : undefined;
    const ensemble = selection?.droneId === run.championId ? run.finished?.ensemble : null;
    if (!drone && ensemble) {
      this.details.append(
        el('div', { className: 'jp-BeeMind-tooltipTitle', text: `${run.championId} · champion` }),
        el('div', { text: combinationText(ensemble) }),
        el('div', { text: `${run.metric} ${formatScore(ensemble.score)} (out of fold)` }),
      );
      return;
    }
    if (!drone) return;
    const lines = droneSummary(drone, run.metric, {
      champion: championRole(run, drone.id),
      pareto: run.pareto.has(drone.id),
    });
    lines.forEach((line, k) =>
      this.details.appendChild(
        el('div', { className: k === 0 ? 'jp-BeeMind-tooltipTitle' : '', text: line }),
      ),
    );
  }

  private requestDraw(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    nextFrame(() => {
      this.drawPending = false;
      this.draw();
    });
  }

  private draw(): void {
    const layout = this.graph;
    const run = this.run;
    if (!layout || !run || !this.isVisible) return;
    const viewHeight = this.viewHeight(layout);
    const width = this.viewWidth();
    this.scroller.style.height = `${viewHeight}px`;
    this.updateSizer();
    this.clampPan();
    const dpr = window.devicePixelRatio || 1;
    if (
      this.canvas.width !== Math.round(width * dpr) ||
      this.canvas.height !== Math.round(viewHeight * dpr)
    ) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(viewHeight * dpr);
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${viewHeight}px`;
    }
    const selection = this.model?.effectiveSelection;
    const selected = selection && selection.runId === run.runId ? run.indexOf(selection.droneId) : -1;
    this.node.dataset.selectedDrone = selected >= 0 ? run.drones[selected].id : '';
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return; // no canvas support (tests without a canvas)
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawLineage(ctx, layout, {
      zoom: this.zoom,
      scrollLeft: this.panX,
      scrollTop: this.scroller.scrollTop,
      width,
      height: viewHeight,
      colors: themeColors(this.node),
      pareto: this.pareto,
      champions: run.championMembers.map((id) => run.indexOf(id)).filter((i) => i >= 0),
      selected: selection && !selection.isDefault ? selected : -1,
      hovered: this.hovered,
      edgeLabels: this.context.settings().edgeLabels,
      bandLabel: (generation, count) => bandLabel(run, generation, count),
    });
  }

  private renderLegend(run: RunState | null): void {
    clear(this.legend);
    if (!run || !this.graph) return;
    const range = this.graph.scoreRange;
    const ramp = el('span', {
      className: 'jp-BeeMind-ramp',
      title: `${run.metric}: colour from worst to best`,
    });
    ramp.style.background = `linear-gradient(to right, ${SCORE_COLORS[0]}, ${SCORE_COLORS[SCORE_COLORS.length >> 1]}, ${SCORE_COLORS[SCORE_COLORS.length - 1]})`;
    this.legend.append(
      el('span', {
        className: 'jp-BeeMind-legendItem',
        text: `${run.metric} ${range ? formatScore(range[0]) : '—'}`,
      }),
      ramp,
      el('span', { className: 'jp-BeeMind-legendItem', text: range ? formatScore(range[1]) : '—' }),
    );
    const symbols: [string, string][] = [
      ['jp-BeeMind-sym-pareto', 'Pareto front'],
      ['jp-BeeMind-sym-champion', 'champion'],
      ['jp-BeeMind-sym-pruned', 'pruned'],
      ['jp-BeeMind-sym-timeout', 'timeout'],
      ['jp-BeeMind-sym-failed', 'failed'],
    ];
    for (const [cls, text] of symbols) {
      this.legend.appendChild(
        el('span', { className: 'jp-BeeMind-legendItem' }, [
          el('span', { className: `jp-BeeMind-sym ${cls}` }),
          document.createTextNode(text),
        ]),
      );
    }
    for (const op of this.graph.operators) {
      const swatch = el('span', { className: 'jp-BeeMind-edgeSwatch' });
      swatch.style.background = operatorColor(op);
      this.legend.appendChild(
        el('span', { className: 'jp-BeeMind-legendItem', title: `edges made by ${op}` }, [
          swatch,
          document.createTextNode(op),
        ]),
      );
    }
  }

  private pointerIndex(e: MouseEvent): number {
    if (!this.graph) return -1;
    const rect = this.canvas.getBoundingClientRect();
    return nodeAt(
      this.graph,
      (e.clientX - rect.left + this.panX) / this.zoom,
      (e.clientY - rect.top + this.scroller.scrollTop) / this.zoom,
    );
  }

  private onPointer(e: MouseEvent): void {
    const drag = this.drag;
    if (drag && (e.buttons & 1) === 1) {
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (drag.moved || Math.abs(dx) + Math.abs(dy) > 3) {
        drag.moved = true;
        drag.x = e.clientX;
        drag.y = e.clientY;
        this.panX -= dx;
        this.clampPan();
        this.scroller.scrollTop -= dy;
        this.setHovered(-1, null);
        this.requestDraw();
        return;
      }
    }
    this.setHovered(this.pointerIndex(e), e);
  }

  private onClick(e: MouseEvent): void {
    if (this.drag?.moved) return;
    const i = this.pointerIndex(e);
    if (i >= 0 && this.run) this.model?.select({ runId: this.run.runId, droneId: this.run.drones[i].id });
  }

  private onKey(e: KeyboardEvent): void {
    const run = this.run;
    const layout = this.graph;
    const model = this.model;
    if (!run || !layout || !model || !this.positions) return;
    if (e.key === 'Home' || e.key === 'Escape') {
      model.select(null);
      e.preventDefault();
      return;
    }
    if (e.key === '0' || e.key === '+' || e.key === '=' || e.key === '-') {
      e.preventDefault();
      if (e.key === '0') this.resetView();
      else this.zoomBy(e.key === '-' ? 1 / 1.25 : 1.25, this.viewWidth() / 2, this.viewHeight(layout) / 2);
      return;
    }
    const step =
      e.key === 'ArrowRight'
        ? 1
        : e.key === 'ArrowLeft'
          ? -1
          : e.key === 'ArrowDown'
            ? 'down'
            : e.key === 'ArrowUp'
              ? 'up'
              : 0;
    if (step === 0) return;
    e.preventDefault();
    const current = model.effectiveSelection;
    const i = current && current.runId === run.runId ? run.indexOf(current.droneId) : -1;
    let next: number;
    if (i < 0) next = layout.order[0];
    else if (typeof step === 'number') {
      const p = Math.min(layout.order.length - 1, Math.max(0, this.positions[i] + step));
      next = layout.order[p];
    } else {
      const target = nodeAt(layout, layout.x[i], layout.y[i] + (step === 'down' ? 1 : -1) * layout.spacing);
      next = target >= 0 ? target : nearestInNextLine(layout, i, step);
    }
    model.select({ runId: run.runId, droneId: run.drones[next].id });
    this.scrollIntoView(next);
  }

  private scrollIntoView(i: number): void {
    const layout = this.graph;
    if (!layout) return;
    const y = layout.y[i] * this.zoom;
    const x = layout.x[i] * this.zoom;
    const margin = layout.spacing * this.zoom;
    const top = this.scroller.scrollTop;
    const h = this.scroller.clientHeight;
    if (y < top + margin) this.scroller.scrollTop = Math.max(0, y - margin * 2);
    else if (y > top + h - margin) this.scroller.scrollTop = y - h + margin * 2;
    const w = this.viewWidth();
    if (x < this.panX + margin || x > this.panX + w - margin) {
      this.panX = x - w / 2;
      this.clampPan();
      this.requestDraw();
    }
  }

  private setHovered(i: number, e: MouseEvent | null): void {
    const run = this.run;
    const drone: Drone | undefined = i >= 0 && run ? run.drones[i] : undefined;
    if (i !== this.hovered) {
      this.hovered = i;
      this.node.dataset.hoveredDrone = drone?.id ?? '';
      this.requestDraw();
    }
    if (!drone || !run || !e) {
      this.tooltip.hidden = true;
      return;
    }
    clear(this.tooltip);
    const lines = droneSummary(drone, run.metric, {
      champion: championRole(run, drone.id),
      pareto: run.pareto.has(drone.id),
    });
    lines.forEach((line, k) =>
      this.tooltip.appendChild(
        el('div', { className: k === 0 ? 'jp-BeeMind-tooltipTitle' : '', text: line }),
      ),
    );
    this.tooltip.hidden = false;
    const box = this.node.getBoundingClientRect();
    const left = Math.min(e.clientX - box.left + 12, Math.max(0, box.width - 260));
    this.tooltip.style.left = `${Math.max(0, left)}px`;
    this.tooltip.style.top = `${e.clientY - box.top + 14}px`;
  }
}

const MIN_ZOOM = 0.2;
/** Room kept under the lineage for the selected drone's details. */
const DETAILS_HEIGHT = 130;
const MAX_ZOOM = 8;

function championRole(run: RunState, droneId: string): 'champion' | 'ensemble member' | null {
  if (run.championId === droneId) return 'champion';
  return run.championMembers.includes(droneId) ? 'ensemble member' : null;
}

function bandLabel(run: RunState, generation: number, count: number): string {
  const g = run.generations.get(generation);
  const best = g && g.bestScore !== null ? ` · best ${formatScore(g.bestScore)}` : '';
  return `generation ${generation} · ${count} drone${count === 1 ? '' : 's'}${best}`;
}

/** The node nearest in x on the line above or below a node's line. */
function nearestInNextLine(layout: LineageLayout, i: number, direction: 'up' | 'down'): number {
  let k = 0;
  while (k < layout.lineY.length && layout.lineY[k] !== layout.y[i]) k++;
  const target = direction === 'down' ? k + 1 : k - 1;
  if (target < 0 || target >= layout.lineY.length) return i;
  const start = layout.lineStart[target];
  const first = layout.order[start];
  const slot = Math.min(
    layout.lineCount[target] - 1,
    Math.max(0, Math.round((layout.x[i] - layout.x[first]) / layout.spacing)),
  );
  return layout.order[start + slot];
}
