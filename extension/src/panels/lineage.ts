/**
 * This module contains the population lineage panel: a run picker, a legend, and a virtualised canvas with one
 * node per drone (generations top to bottom). Hover shows a summary, click or Enter selects, arrow keys move
 * the selection. The node exposes data-drone-count, data-selected-drone and data-hovered-drone for tests.
 */
import type { Drone } from 'beemind/events';
import { clear, el, nextFrame } from '../dom.js';
import { droneSummary, formatScore } from '../format.js';
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
  private graph: LineageLayout | null = null;
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
        'aria-label': 'Population lineage: arrow keys move the selection, Home selects the champion',
      },
    });
    this.tooltip = el('div', { className: 'jp-BeeMind-tooltip', attrs: { role: 'tooltip' } });
    this.tooltip.hidden = true;
    this.scroller.append(this.canvas, this.sizer);
    this.body.append(this.header, this.legend, this.scroller, this.tooltip);
    this.scroller.addEventListener('scroll', () => this.requestDraw());
    this.scroller.addEventListener('mousemove', (e) => this.onPointer(e));
    this.scroller.addEventListener('mouseleave', () => this.setHovered(-1, null));
    this.scroller.addEventListener('click', (e) => this.onClick(e));
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
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
    const width = Math.max(120, this.scroller.clientWidth || 300);
    const key = `${run.runId}:${run.version}:${width}`;
    if (key !== this.layoutKey) {
      this.graph = layoutLineage(run, width);
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
    this.draw();
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
    const viewHeight = Math.max(60, Math.min(this.scroller.clientHeight || 400, layout.height));
    const width = layout.width;
    this.sizer.style.height = `${Math.max(0, layout.height - viewHeight)}px`;
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
    return nodeAt(this.graph, e.clientX - rect.left, e.clientY - rect.top + this.scroller.scrollTop);
  }

  private onPointer(e: MouseEvent): void {
    this.setHovered(this.pointerIndex(e), e);
  }

  private onClick(e: MouseEvent): void {
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
    const y = layout.y[i];
    const top = this.scroller.scrollTop;
    const h = this.scroller.clientHeight;
    if (y < top + layout.spacing) this.scroller.scrollTop = Math.max(0, y - layout.spacing * 2);
    else if (y > top + h - layout.spacing) this.scroller.scrollTop = y - h + layout.spacing * 2;
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
      champion:
        run.championId === drone.id
          ? 'champion'
          : run.championMembers.includes(drone.id)
            ? 'ensemble member'
            : null,
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
