/**
 * This module contains the feature importance panel: permutation importance with its spread (± one standard
 * deviation over repeats) for the selected drone, the champion by default, asked of the kernel when unknown;
 * and below it the "why" view: one row's attributions (test rows or rows sent with `run.explain`, by index),
 * exactly as the model's `explain` returns them. Feature names come from the user's data and are written as text.
 */
import type { ImportanceComputed } from 'beemind/events';
import { clear, el } from '../dom.js';
import { attributionChart, predictedOutput } from '../charts/attributions.js';
import { combinationText, formatScore } from '../format.js';
import type { NotebookModel } from '../model/notebook.js';
import { BeeMindPanel, type PanelContext } from './panel.js';
import { whyMessage, whyRowPicker, whyState } from './why.js';

export class ImportancePanel extends BeeMindPanel {
  private readonly header: HTMLDivElement;
  private readonly content: HTMLDivElement;
  private readonly why: HTMLElement;

  constructor(context: PanelContext) {
    super(context, {
      id: 'beemind-importance',
      label: 'BeeMind: feature importance',
      className: 'jp-BeeMind-importance',
    });
    this.header = el('div', { className: 'jp-BeeMind-toolbar' });
    this.content = el('div', { className: 'jp-BeeMind-importanceList' });
    this.why = el('section', { className: 'jp-BeeMind-section jp-BeeMind-why' });
    this.body.append(this.header, this.content, this.why);
  }

  protected renderContent(model: NotebookModel | null): void {
    const target = this.renderImportance(model);
    this.renderWhy(model, target);
  }

  /** The "why" view of the shown drone: the row picker and that row's attribution bars. */
  private renderWhy(model: NotebookModel | null, target: { runId: string; droneId: string } | null): void {
    clear(this.why);
    const run = target && model ? model.run(target.runId) : undefined;
    this.node.dataset.whyState = 'empty';
    this.node.dataset.whyDrone = '';
    this.node.dataset.whyRow = '';
    this.node.dataset.whySource = '';
    this.node.dataset.whyOutput = '';
    if (!model || !target || !run) return;
    const { source, row, output } = model.whyRow;
    const state = whyState(model, run, target.droneId);
    this.node.dataset.whyState = state.state;
    this.node.dataset.whySource = source;
    this.node.dataset.whyRow = String(row);
    this.why.appendChild(
      el('h3', {
        className: 'jp-BeeMind-sectionTitle',
        text: `Why: one row, explained by ${target.droneId}`,
      }),
    );
    const explanation = state.state === 'ready' ? state.value : null;
    this.why.appendChild(whyRowPicker(model, run, explanation?.outputs ?? null));
    if (!explanation) {
      this.why.appendChild(whyMessage(state as Exclude<typeof state, { state: 'ready' }>));
      return;
    }
    const shown =
      output !== null && output < explanation.outputs.length ? output : predictedOutput(explanation);
    this.node.dataset.whyDrone = explanation.droneId;
    this.node.dataset.whyOutput = String(shown);
    this.why.appendChild(
      attributionChart(explanation, shown, { max: this.context.settings().maxImportanceFeatures }),
    );
    this.why.appendChild(
      el('div', {
        className: 'jp-BeeMind-caption',
        text: `Bars: how much each column moves this row's ${explanation.scale} from the base value (${explanation.method}). In a cell: await run.explain(rows).`,
      }),
    );
  }

  /** The importance of the selected drone (the champion by default); returns which drone it shows. */
  private renderImportance(model: NotebookModel | null): { runId: string; droneId: string } | null {
    clear(this.header);
    clear(this.content);
    const selection = model?.effectiveSelection ?? null;
    const run = selection ? model!.run(selection.runId) : undefined;
    const drone = selection && run ? run.drone(selection.droneId) : undefined;
    // The champion may be an ensemble, which is no single drone but has an importance of its own.
    const ensemble =
      !drone && run && selection && selection.droneId === run.championId ? run.finished?.ensemble : null;
    const targetId = drone?.id ?? (ensemble ? selection!.droneId : '');
    this.node.dataset.droneId = targetId;
    this.node.dataset.featureCount = '0';
    if (!model || !selection || !run || !targetId) {
      this.node.dataset.state = 'empty';
      this.content.appendChild(
        el('p', {
          className: 'jp-BeeMind-empty',
          text: 'No drone to explain yet: run evolve() in a cell, then select a drone in the lineage.',
        }),
      );
      return null;
    }
    const target = { runId: run.runId, droneId: targetId };

    const role = selection.isDefault ? (run.finished ? 'champion' : 'best so far') : 'selected';
    const title = drone
      ? `${drone.id} · ${drone.family} · ${role}`
      : `${combinationText(ensemble!)} · champion`;
    this.header.appendChild(el('div', { className: 'jp-BeeMind-heading', text: title }));
    if (!selection.isDefault) {
      const back = el('button', {
        className: 'jp-BeeMind-button',
        text: 'Show champion',
        attrs: { type: 'button' },
      });
      back.addEventListener('click', () => model.select(null));
      this.header.appendChild(back);
    }

    if (drone && drone.status !== 'ok') {
      this.node.dataset.state = 'unavailable';
      this.content.appendChild(
        el('p', {
          className: 'jp-BeeMind-empty',
          text: `This drone ${drone.status === 'failed' ? 'failed' : `was ${drone.status === 'timeout' ? 'stopped at its time limit' : 'pruned'}`}: it has no importance to show.`,
        }),
      );
      if (drone.error)
        this.content.appendChild(el('pre', { className: 'jp-BeeMind-errorText', text: drone.error }));
      return target;
    }

    const requested = model.importance(run.runId, targetId);
    this.node.dataset.state = requested.state;
    switch (requested.state) {
      case 'ready':
        this.renderFeatures(requested.value);
        return target;
      case 'pending':
        this.content.appendChild(
          el('p', {
            className: 'jp-BeeMind-empty',
            text: `Computing permutation importance of ${targetId}…`,
          }),
        );
        return target;
      case 'error': {
        this.content.appendChild(
          el('p', {
            className: 'jp-BeeMind-errorText',
            text: `Importance of ${targetId} could not be computed: ${requested.message}`,
          }),
        );
        this.content.appendChild(this.computeButton(model, run.runId, targetId, 'Try again'));
        return target;
      }
      case 'unknown':
        if (run.isLive) {
          // The library refits drones for importance only once the search is over.
          this.content.appendChild(
            el('p', {
              className: 'jp-BeeMind-empty',
              text: 'Importance is computed when the run has finished.',
            }),
          );
        } else if (this.context.settings().autoRequestImportance && model.status.status === 'connected') {
          // The request changes the model, which schedules the next render ("Computing…").
          model.requestImportance(run.runId, targetId);
          this.content.appendChild(
            el('p', {
              className: 'jp-BeeMind-empty',
              text: `Computing permutation importance of ${targetId}…`,
            }),
          );
        } else {
          this.content.appendChild(this.computeButton(model, run.runId, targetId, 'Compute importance'));
        }
    }
    return target;
  }

  private computeButton(model: NotebookModel, runId: string, droneId: string, label: string): HTMLElement {
    const button = el('button', { className: 'jp-BeeMind-button', text: label, attrs: { type: 'button' } });
    button.addEventListener('click', () => model.requestImportance(runId, droneId));
    return button;
  }

  private renderFeatures(result: ImportanceComputed): void {
    const max = this.context.settings().maxImportanceFeatures;
    const features = [...result.features].sort((a, b) => b.importance - a.importance);
    const shown = features.slice(0, max);
    this.node.dataset.featureCount = String(shown.length);
    this.content.appendChild(
      el('div', {
        className: 'jp-BeeMind-caption',
        text: `${result.method === 'permutation' ? 'Permutation importance' : 'Model importance'}: drop in ${result.metric} when a feature is shuffled (bar ± 1 std)`,
      }),
    );
    if (shown.length === 0) {
      this.content.appendChild(
        el('p', { className: 'jp-BeeMind-empty', text: 'The kernel reported no features.' }),
      );
      return;
    }
    let lo = 0;
    let hi = 0;
    for (const f of shown) {
      lo = Math.min(lo, f.importance - f.std);
      hi = Math.max(hi, f.importance + f.std);
    }
    const span = hi - lo || 1;
    const pct = (v: number) => `${(((v - lo) / span) * 100).toFixed(2)}%`;
    const list = el('div', { className: 'jp-BeeMind-bars', attrs: { role: 'list' } });
    for (const f of shown) {
      const track = el('div', { className: 'jp-BeeMind-barTrack' });
      const bar = el('div', { className: `jp-BeeMind-bar${f.importance < 0 ? ' jp-mod-negative' : ''}` });
      const a = Math.min(0, f.importance);
      const b = Math.max(0, f.importance);
      bar.style.left = pct(a);
      bar.style.width = `${(((b - a) / span) * 100).toFixed(2)}%`;
      const whisker = el('div', { className: 'jp-BeeMind-whisker' });
      whisker.style.left = pct(f.importance - f.std);
      whisker.style.width = `${(((2 * f.std) / span) * 100).toFixed(2)}%`;
      const zero = el('div', { className: 'jp-BeeMind-zero' });
      zero.style.left = pct(0);
      track.append(zero, bar, whisker);
      list.appendChild(
        el('div', { className: 'jp-BeeMind-barRow', attrs: { role: 'listitem' } }, [
          el('span', { className: 'jp-BeeMind-feature', text: f.feature, title: f.feature }),
          track,
          el('span', {
            className: 'jp-BeeMind-value',
            text: `${formatScore(f.importance)} ± ${formatScore(f.std)}`,
          }),
        ]),
      );
    }
    this.content.appendChild(list);
    if (features.length > shown.length) {
      this.content.appendChild(
        el('div', {
          className: 'jp-BeeMind-caption',
          text: `${features.length - shown.length} less important features not shown (setting: Features shown).`,
        }),
      );
    }
  }
}
