/**
 * This module contains the model comparison panel: which runs to compare, a sortable leaderboard, the score
 * distribution per model family, score against fit time with the Pareto front, the confusion matrix of
 * the selected drone (asked of the kernel when unknown), and the attributions of two drones for the same row
 * side by side on one axis (the "why" view's row).
 */
import { attributionComparison, outputLabel, predictedOutput } from '../charts/attributions.js';
import { clear, el } from '../dom.js';
import { formatScore } from '../format.js';
import { boxPlot, type BoxRow } from '../charts/boxplot.js';
import { confusionTable } from '../charts/confusion.js';
import {
  leaderboardRows,
  leaderboardTable,
  sortRows,
  type SortKey,
  type SortState,
} from '../charts/leaderboard.js';
import { drawScatter, type ScatterPlot, type ScatterSeries } from '../charts/scatter.js';
import { boxStats, paretoFront } from '../charts/stats.js';
import type { NotebookModel } from '../model/notebook.js';
import type { RunState } from '../model/run.js';
import { PALETTE, categoryColor, themeColors } from '../theme.js';
import { BeeMindPanel, type PanelContext } from './panel.js';
import { runLabel } from './run_picker.js';
import { whyMessage, whyRowPicker, whyState, type WhyState } from './why.js';

const SCATTER_HEIGHT = 220;

export class ComparisonPanel extends BeeMindPanel {
  private readonly runsBox: HTMLDivElement;
  private readonly leaderboardBox: HTMLDivElement;
  private readonly distributionBox: HTMLDivElement;
  private readonly scatterCanvas: HTMLCanvasElement;
  private readonly scatterBox: HTMLDivElement;
  private readonly confusionBox: HTMLDivElement;
  private readonly whyBox: HTMLDivElement;
  private sort: SortState = { key: 'score', direction: 1 };
  private scatter: ScatterPlot | null = null;
  private scatterRuns: RunState[] = [];

  constructor(context: PanelContext) {
    super(context, {
      id: 'beemind-comparison',
      label: 'BeeMind: model comparison',
      className: 'jp-BeeMind-comparison',
    });
    this.runsBox = el('div', { className: 'jp-BeeMind-runChips' });
    this.leaderboardBox = el('div', { className: 'jp-BeeMind-tableScroll' });
    this.distributionBox = el('div', { className: 'jp-BeeMind-chart' });
    this.scatterCanvas = el('canvas', {
      className: 'jp-BeeMind-scatter',
      attrs: { 'aria-label': 'Score against fit time; click a point to select its drone' },
    });
    this.scatterBox = el('div', { className: 'jp-BeeMind-chart' }, [this.scatterCanvas]);
    this.confusionBox = el('div', { className: 'jp-BeeMind-chart' });
    this.whyBox = el('div', { className: 'jp-BeeMind-chart jp-BeeMind-whyCompare' });
    this.scatterCanvas.addEventListener('click', (e) => this.onScatterClick(e));
    this.body.append(
      this.runsBox,
      section('Leaderboard', this.leaderboardBox),
      section('Score by model family', this.distributionBox),
      section('Score against fit time (Pareto front)', this.scatterBox),
      section('Confusion matrix of the selected drone', this.confusionBox),
      section('Why: two drones on the same row', this.whyBox),
    );
  }

  protected renderContent(model: NotebookModel | null): void {
    for (const box of [
      this.runsBox,
      this.leaderboardBox,
      this.distributionBox,
      this.confusionBox,
      this.whyBox,
    ])
      clear(box);
    this.node.dataset.whyDrones = '';
    const runs = model?.comparedRuns ?? [];
    this.node.dataset.runCount = String(model?.runs.length ?? 0);
    this.node.dataset.comparedCount = String(runs.length);
    if (!model || model.runs.length === 0) {
      this.scatterCanvas.hidden = true;
      this.node.dataset.rowCount = '0';
      this.node.dataset.pointCount = '0';
      this.node.dataset.confusionDrone = '';
      this.leaderboardBox.appendChild(
        el('p', {
          className: 'jp-BeeMind-empty',
          text: 'No BeeMind run in this notebook yet: run evolve() in a cell.',
        }),
      );
      return;
    }
    this.renderRunChips(model);
    const width = Math.max(200, this.body.clientWidth - 16 || 320);
    const selection = model.effectiveSelection;
    const metric = metricLabel(runs);

    const rows = sortRows(leaderboardRows(runs), this.sort);
    this.node.dataset.rowCount = String(rows.length);
    if (rows.length === 0) {
      this.leaderboardBox.appendChild(
        el('p', { className: 'jp-BeeMind-empty', text: 'No drone has finished yet.' }),
      );
    } else {
      this.leaderboardBox.appendChild(
        leaderboardTable(rows, {
          metric,
          sort: this.sort,
          limit: this.context.settings().leaderboardRows,
          showRun: runs.length > 1,
          runLabel: (run) => run.name,
          selected: selection,
          onSort: (key) => this.onSort(key),
          onSelect: (row) => model.select({ runId: row.run.runId, droneId: row.drone.id }),
        }),
      );
    }

    const runColor = (run: RunState) => PALETTE[model.runs.indexOf(run) % PALETTE.length];
    const boxes = familyBoxes(runs, runColor);
    if (boxes.length > 0) this.distributionBox.appendChild(boxPlot(boxes, width, metric));
    else this.distributionBox.appendChild(el('p', { className: 'jp-BeeMind-empty', text: 'No scores yet.' }));

    this.renderScatter(runs, width, metric, selection);
    this.renderConfusion(model);
    this.renderWhy(model);
  }

  /** The selected drone and a second one (the user's pick, else the champion or the runner-up) on one row. */
  private renderWhy(model: NotebookModel): void {
    const selection = model.effectiveSelection;
    const run = selection ? model.run(selection.runId) : undefined;
    if (!selection || !run) {
      this.whyBox.appendChild(
        el('p', { className: 'jp-BeeMind-empty', text: 'Select a drone in the lineage or the leaderboard.' }),
      );
      return;
    }
    const ranked = run.drones
      .filter((d) => d.status === 'ok' && d.score !== null && Number.isFinite(d.score))
      .sort((a, b) => (run.better(a.score!, b.score!) ? -1 : run.better(b.score!, a.score!) ? 1 : 0));
    const first = selection.droneId;
    const candidates = [
      ...(run.championId && !run.drone(run.championId) ? [run.championId] : []),
      ...ranked.map((d) => d.id),
    ].filter((id) => id !== first);
    const picked = model.whyPartner;
    const second =
      picked && picked !== first && candidates.includes(picked)
        ? picked
        : (candidates.find((id) => id === run.championId) ?? candidates[0]);
    if (!second) {
      this.whyBox.appendChild(
        el('p', { className: 'jp-BeeMind-empty', text: 'The run has no second drone to compare with.' }),
      );
      return;
    }
    const partner = el('select', {
      className: 'jp-BeeMind-whyPartner',
      attrs: { 'aria-label': 'Drone to compare with' },
    });
    for (const id of candidates.slice(0, 50)) {
      const drone = run.drone(id);
      const option = el('option', {
        text: drone ? `${id} · ${drone.family} · ${formatScore(drone.score)}` : `${id} (champion)`,
        attrs: { value: id },
      });
      option.selected = id === second;
      partner.appendChild(option);
    }
    partner.addEventListener('change', () => model.setWhyPartner(partner.value));
    const states: [string, WhyState][] = [
      [first, whyState(model, run, first)],
      [second, whyState(model, run, second)],
    ];
    const ready = states.flatMap(([, s]) => (s.state === 'ready' ? [s.value] : []));
    this.whyBox.appendChild(whyRowPicker(model, run, ready[0]?.outputs ?? null));
    this.whyBox.appendChild(
      el('label', { className: 'jp-BeeMind-toolbar' }, [
        document.createTextNode(`${first} compared with `),
        partner,
      ]),
    );
    // One class and one axis for both, so the bars compare directly.
    const chosen = model.whyRow.output;
    const output =
      ready.length > 0 && chosen !== null && chosen < ready[0].outputs.length
        ? chosen
        : ready.length > 0
          ? predictedOutput(ready[0])
          : 0;
    this.node.dataset.whyDrones = `${first},${second}`;
    const [stateA, stateB] = states;
    if (stateA[1].state === 'ready' && stateB[1].state === 'ready') {
      const pair = [stateA[1].value, stateB[1].value] as const;
      this.whyBox.appendChild(
        el('div', {
          className: 'jp-BeeMind-caption',
          text: `${outputLabel(pair[0], output)}, row ${pair[0].row}: base → output per drone, bars on one axis`,
        }),
      );
      this.whyBox.appendChild(
        attributionComparison(pair, output, { max: this.context.settings().maxImportanceFeatures }),
      );
      return;
    }
    for (const [id, state] of states) {
      if (state.state !== 'ready') {
        this.whyBox.appendChild(el('div', { className: 'jp-BeeMind-heading', text: id }));
        this.whyBox.appendChild(whyMessage(state));
      }
    }
  }

  private renderRunChips(model: NotebookModel): void {
    if (model.runs.length < 2) return;
    this.runsBox.appendChild(el('span', { className: 'jp-BeeMind-caption', text: 'Compare runs:' }));
    model.runs.forEach((run, i) => {
      const box = el('input', { attrs: { type: 'checkbox', 'data-run-id': run.runId } });
      box.checked = model.isCompared(run.runId);
      box.addEventListener('change', () => model.setCompared(run.runId, box.checked));
      const swatch = el('span', { className: 'jp-BeeMind-edgeSwatch' });
      swatch.style.background = PALETTE[i % PALETTE.length];
      this.runsBox.appendChild(
        el('label', { className: 'jp-BeeMind-runChip', title: run.runId }, [
          box,
          swatch,
          document.createTextNode(runLabel(run)),
        ]),
      );
    });
  }

  private renderScatter(
    runs: RunState[],
    width: number,
    metric: string,
    selection: { runId: string; droneId: string } | null,
  ): void {
    const multi = runs.length > 1;
    const allRuns = this.model?.runs ?? runs;
    const series: ScatterSeries[] = runs.map((run) => {
      const done = run.drones.filter(
        (d) => d.status === 'ok' && d.score !== null && Number.isFinite(d.score) && d.fitSeconds > 0,
      );
      const x = Float64Array.from(done, (d) => d.fitSeconds);
      const y = Float64Array.from(done, (d) => d.score!);
      const runColor = PALETTE[allRuns.indexOf(run) % PALETTE.length];
      return {
        x,
        y,
        ids: done.map((d) => d.id),
        colors: done.map((d) => (multi ? runColor : categoryColor(d.family))),
        front: paretoFront(y, x, run.greaterIsBetter),
        frontColor: multi ? runColor : themeColors(this.node).accent,
      };
    });
    const points = series.reduce((n, s) => n + s.x.length, 0);
    this.node.dataset.pointCount = String(points);
    this.node.dataset.frontCount = String(series.reduce((n, s) => n + s.front.length, 0));
    this.scatterRuns = runs;
    this.scatterCanvas.hidden = points === 0;
    if (points === 0) {
      this.scatter = null;
      return;
    }
    const dpr = window.devicePixelRatio || 1;
    this.scatterCanvas.width = Math.round(width * dpr);
    this.scatterCanvas.height = Math.round(SCATTER_HEIGHT * dpr);
    this.scatterCanvas.style.width = `${width}px`;
    this.scatterCanvas.style.height = `${SCATTER_HEIGHT}px`;
    const ctx = this.scatterCanvas.getContext('2d');
    ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
    const selectedSeries = selection ? runs.findIndex((r) => r.runId === selection.runId) : -1;
    this.scatter = drawScatter(ctx, series, { width, height: SCATTER_HEIGHT }, themeColors(this.node), {
      metric,
      selected: selection && selectedSeries >= 0 ? { series: selectedSeries, id: selection.droneId } : null,
    });
  }

  private renderConfusion(model: NotebookModel): void {
    const selection = model.effectiveSelection;
    const run = selection ? model.run(selection.runId) : undefined;
    const drone = selection && run ? run.drone(selection.droneId) : undefined;
    const ensemble =
      !drone && run && selection && selection.droneId === run.championId ? run.finished?.ensemble : null;
    const targetId = drone?.id ?? (ensemble ? selection!.droneId : '');
    this.node.dataset.confusionDrone = '';
    if (!selection || !run || !targetId) {
      this.confusionBox.appendChild(
        el('p', { className: 'jp-BeeMind-empty', text: 'Select a drone in the lineage or the leaderboard.' }),
      );
      return;
    }
    const what = drone
      ? `${drone.id} · ${drone.family}${selection.isDefault ? ' (champion)' : ''}`
      : `champion ${ensemble!.kind === 'stack' ? 'stack' : 'ensemble'} of ${ensemble!.members.length} drones, on the test rows`;
    this.confusionBox.appendChild(el('div', { className: 'jp-BeeMind-caption', text: what }));
    if (run.task === 'regression') {
      this.confusionBox.appendChild(
        el('p', { className: 'jp-BeeMind-empty', text: 'A regression run has no confusion matrix.' }),
      );
      return;
    }
    if (drone && drone.status !== 'ok') {
      this.confusionBox.appendChild(
        el('p', {
          className: 'jp-BeeMind-empty',
          text: `This drone has no predictions (status: ${drone.status}).`,
        }),
      );
      return;
    }
    const requested = model.confusion(run.runId, targetId);
    switch (requested.state) {
      case 'ready':
        this.node.dataset.confusionDrone = targetId;
        this.confusionBox.appendChild(confusionTable(requested.value));
        break;
      case 'pending':
        this.confusionBox.appendChild(
          el('p', { className: 'jp-BeeMind-empty', text: 'Computing the confusion matrix…' }),
        );
        break;
      case 'error':
        // Protocol v1 kernels have no `confusion` request and reject it as an invalid message.
        if (requested.code === 'invalid_message' || requested.code === 'unsupported') {
          this.confusionBox.appendChild(
            el('p', {
              className: 'jp-BeeMind-empty',
              text: 'This kernel cannot compute confusion matrices on request yet; in a cell: await run.confusionMatrixChart(droneId).',
            }),
          );
        } else {
          this.confusionBox.appendChild(
            el('p', {
              className: 'jp-BeeMind-errorText',
              text: `The confusion matrix could not be computed: ${requested.message}`,
            }),
          );
        }
        break;
      case 'unknown':
        if (run.isLive) {
          this.confusionBox.appendChild(
            el('p', {
              className: 'jp-BeeMind-empty',
              text: 'The confusion matrix is computed when the run has finished.',
            }),
          );
        } else if (model.status.status === 'connected') {
          model.requestConfusion(run.runId, targetId);
          this.confusionBox.appendChild(
            el('p', { className: 'jp-BeeMind-empty', text: 'Computing the confusion matrix…' }),
          );
        } else {
          this.confusionBox.appendChild(
            el('p', {
              className: 'jp-BeeMind-empty',
              text: 'Connect to the kernel to compute the confusion matrix.',
            }),
          );
        }
    }
  }

  private onSort(key: SortKey): void {
    this.sort =
      this.sort.key === key ? { key, direction: this.sort.direction === 1 ? -1 : 1 } : { key, direction: 1 };
    this.invalidate();
  }

  private onScatterClick(e: MouseEvent): void {
    if (!this.scatter || !this.model) return;
    const rect = this.scatterCanvas.getBoundingClientRect();
    const hit = this.scatter.pick(e.clientX - rect.left, e.clientY - rect.top);
    const run = hit ? this.scatterRuns[hit.series] : undefined;
    if (hit && run) this.model.select({ runId: run.runId, droneId: hit.id });
  }
}

function section(title: string, content: HTMLElement): HTMLElement {
  return el('section', { className: 'jp-BeeMind-section' }, [
    el('h3', { className: 'jp-BeeMind-sectionTitle', text: title }),
    content,
  ]);
}

/** The metric name for the axis: the runs' common metric, or all of them when they differ. */
function metricLabel(runs: readonly RunState[]): string {
  const names = [...new Set(runs.map((r) => r.metric))];
  return names.length === 0 ? 'score' : names.join(' / ');
}

/** Box plot rows: families by their best median, one box per run that tried the family. */
function familyBoxes(runs: readonly RunState[], runColor: (run: RunState) => string): BoxRow[] {
  const rows = new Map<string, BoxRow>();
  runs.forEach((run) => {
    const byFamily = new Map<string, number[]>();
    for (const d of run.drones) {
      if (d.status !== 'ok' || d.score === null || !Number.isFinite(d.score)) continue;
      let list = byFamily.get(d.family);
      if (!list) byFamily.set(d.family, (list = []));
      list.push(d.score);
    }
    for (const [family, scores] of byFamily) {
      const stats = boxStats(scores);
      if (!stats) continue;
      let row = rows.get(family);
      if (!row) rows.set(family, (row = { family, boxes: [] }));
      row.boxes.push({
        runLabel: run.name,
        color: runs.length > 1 ? runColor(run) : categoryColor(family),
        stats,
      });
    }
  });
  const greater = runs[0]?.greaterIsBetter ?? true;
  const key = (row: BoxRow) =>
    Math.max(...row.boxes.map((b) => (greater ? b.stats.median : -b.stats.median)));
  return [...rows.values()].sort((a, b) => key(b) - key(a));
}
