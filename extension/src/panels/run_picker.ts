/**
 * This module contains the run picker shared by the lineage and importance panels: a select listing the
 * notebook's runs (newest last) grouped by project, that sets the model's active run.
 */
import { el } from '../dom.js';
import type { NotebookModel } from '../model/notebook.js';
import type { RunState } from '../model/run.js';

/** The group of runs without a project: the library files them under `default` (beemind/src/core/identity.ts). */
const NO_PROJECT = 'default';

export function runLabel(run: RunState): string {
  const state = run.finished ? run.finished.status : 'running';
  const author = run.user === null ? '' : ` · by ${run.user}`;
  return `${run.name}${author} · ${run.drones.length} drone${run.drones.length === 1 ? '' : 's'} · ${state}`;
}

/** The runs by project, projects in the order of their first run (a Map keeps insertion order). */
function runsByProject(runs: readonly RunState[]): Map<string, RunState[]> {
  const groups = new Map<string, RunState[]>();
  for (const run of runs) {
    const project = run.project ?? NO_PROJECT;
    const group = groups.get(project);
    if (group) group.push(run);
    else groups.set(project, [run]);
  }
  return groups;
}

export function runPicker(model: NotebookModel): HTMLElement {
  const select = el('select', { className: 'jp-BeeMind-runPicker', attrs: { 'aria-label': 'Run' } });
  const active = model.activeRun?.runId;
  for (const [project, runs] of runsByProject(model.runs)) {
    // The project and user names come from whoever started the run: attributes and text only.
    const group = el('optgroup', { attrs: { label: project } });
    for (const run of runs) {
      const option = el('option', { text: runLabel(run), attrs: { value: run.runId } });
      option.selected = run.runId === active;
      group.appendChild(option);
    }
    select.appendChild(group);
  }
  select.addEventListener('change', () => model.setActiveRun(select.value));
  return el('label', { className: 'jp-BeeMind-runPickerLabel' }, [el('span', { text: 'Run ' }), select]);
}
