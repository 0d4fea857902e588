/**
 * This module contains the run picker shared by the lineage and importance panels: a select listing the
 * notebook's runs (newest last) that sets the model's active run.
 */
import { el } from '../dom.js';
import type { NotebookModel } from '../model/notebook.js';
import type { RunState } from '../model/run.js';

export function runLabel(run: RunState): string {
  const state = run.finished ? run.finished.status : 'running';
  return `${run.name} · ${run.drones.length} drone${run.drones.length === 1 ? '' : 's'} · ${state}`;
}

export function runPicker(model: NotebookModel): HTMLElement {
  const select = el('select', { className: 'jp-BeeMind-runPicker', attrs: { 'aria-label': 'Run' } });
  const active = model.activeRun?.runId;
  for (const run of model.runs) {
    const option = el('option', { text: runLabel(run), attrs: { value: run.runId } });
    option.selected = run.runId === active;
    select.appendChild(option);
  }
  select.addEventListener('change', () => model.setActiveRun(select.value));
  return el('label', { className: 'jp-BeeMind-runPickerLabel' }, [el('span', { text: 'Run ' }), select]);
}
