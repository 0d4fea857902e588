/**
 * This module contains what the two "why" views share (importance panel: one drone; comparison panel: two
 * drones side by side): the row picker (test rows or the rows a cell sent with `run.explain`, by index, and the
 * class for a classifier) and the state of one drone's explanation of that row, asked of the kernel when unknown.
 */
import { el } from '../dom.js';
import type { NotebookModel } from '../model/notebook.js';
import type { RunState } from '../model/run.js';
import type { ExplainSource, RowExplanation } from '../protocol.js';

/** One drone's explanation of the chosen row, or a sentence saying why there is none yet. */
export type WhyState =
  | { state: 'ready'; value: RowExplanation }
  | { state: 'pending' | 'unknown' | 'error' | 'unavailable'; message: string; retry?: () => void };

const SOURCE_LABELS: Record<ExplainSource, string> = {
  test: 'test rows',
  sent: 'rows sent with run.explain',
};

/** The chosen row's explanation for `droneId`; asks the kernel when unknown, the run has finished and it is connected. */
export function whyState(model: NotebookModel, run: RunState, droneId: string): WhyState {
  const { source, row } = model.whyRow;
  const drone = run.drone(droneId);
  if (drone && drone.status !== 'ok') {
    return { state: 'unavailable', message: `${droneId} has no model to explain (status: ${drone.status}).` };
  }
  const requested = model.explanation(run.runId, droneId, source, row);
  switch (requested.state) {
    case 'ready':
      return requested;
    case 'pending':
      return { state: 'pending', message: `Explaining row ${row} with ${droneId}…` };
    case 'error':
      return {
        state: 'error',
        message:
          requested.code === 'invalid_message' || requested.code === 'unsupported'
            ? 'This kernel cannot explain rows on request; update beemind and beemind-kernel.'
            : `Row ${row} could not be explained with ${droneId}: ${requested.message}`,
        retry: () => model.requestExplanation(run.runId, droneId, source, row),
      };
    case 'unknown':
      if (run.isLive) return { state: 'unknown', message: 'Rows are explained once the run has finished.' };
      if (model.status.status !== 'connected')
        return { state: 'unknown', message: 'Connect to the kernel to explain a row.' };
      // The request changes the model, which schedules the next render.
      model.requestExplanation(run.runId, droneId, source, row);
      return { state: 'pending', message: `Explaining row ${row} with ${droneId}…` };
  }
}

/**
 * The row picker: which rows, which row (with previous/next), and for a classifier which class. `outputs` are
 * the explanation's outputs once one is known.
 */
export function whyRowPicker(
  model: NotebookModel,
  run: RunState,
  outputs: readonly string[] | null,
): HTMLElement {
  const { source, row, output } = model.whyRow;
  const count = run.rowCounts.get(source);
  const bar = el('div', { className: 'jp-BeeMind-toolbar jp-BeeMind-whyPicker' });

  const sourceSelect = el('select', {
    className: 'jp-BeeMind-whySource',
    attrs: { 'aria-label': 'Rows to explain' },
  });
  for (const key of ['test', 'sent'] as const) {
    const option = el('option', { text: SOURCE_LABELS[key], attrs: { value: key } });
    option.selected = key === source;
    sourceSelect.appendChild(option);
  }
  sourceSelect.addEventListener('change', () =>
    model.setWhyRow({ source: sourceSelect.value === 'sent' ? 'sent' : 'test' }),
  );

  const input = el('input', {
    className: 'jp-BeeMind-whyRowInput',
    attrs: {
      type: 'number',
      min: '0',
      step: '1',
      'aria-label': 'Row index',
      ...(count !== undefined && count > 0 ? { max: String(count - 1) } : {}),
    },
  });
  input.value = String(row);
  input.addEventListener('change', () => {
    const next = Math.trunc(Number(input.value));
    if (Number.isFinite(next) && next >= 0)
      model.setWhyRow({ row: count !== undefined ? Math.min(next, Math.max(0, count - 1)) : next });
    else input.value = String(row);
  });
  const step = (delta: number, label: string, text: string) => {
    const button = el('button', {
      className: 'jp-BeeMind-button jp-BeeMind-whyStep',
      text,
      attrs: { type: 'button', 'aria-label': label },
    });
    const next = row + delta;
    button.disabled = next < 0 || (count !== undefined && next >= count);
    button.addEventListener('click', () => model.setWhyRow({ row: next }));
    return button;
  };
  bar.append(
    el('label', { className: 'jp-BeeMind-whyLabel' }, [document.createTextNode('Row '), input]),
    step(-1, 'Previous row', '‹'),
    step(1, 'Next row', '›'),
    el('span', { className: 'jp-BeeMind-caption', text: count !== undefined ? `of ${count}` : '' }),
    sourceSelect,
  );
  const refresh = el('button', {
    className: 'jp-BeeMind-button jp-BeeMind-whyRefresh',
    text: '↻',
    title: 'Explain again (after a cell sent other rows with run.explain)',
    attrs: { type: 'button', 'aria-label': 'Explain again' },
  });
  refresh.addEventListener('click', () => model.refreshExplanations(run.runId, source));
  bar.appendChild(refresh);

  if (outputs && outputs.length > 1) {
    const outputSelect = el('select', {
      className: 'jp-BeeMind-whyOutput',
      attrs: { 'aria-label': 'Class' },
    });
    const predicted = el('option', { text: 'predicted class', attrs: { value: '' } });
    predicted.selected = output === null;
    outputSelect.appendChild(predicted);
    outputs.forEach((name, k) => {
      const option = el('option', { text: name, attrs: { value: String(k) } });
      option.selected = output === k;
      outputSelect.appendChild(option);
    });
    outputSelect.addEventListener('change', () =>
      model.setWhyRow({ output: outputSelect.value === '' ? null : Number(outputSelect.value) }),
    );
    bar.appendChild(outputSelect);
  }
  return bar;
}

/** A paragraph for a state without an explanation, with a retry button after an error. */
export function whyMessage(state: Exclude<WhyState, { state: 'ready' }>): HTMLElement {
  const box = el('div', { className: 'jp-BeeMind-whyMessage' }, [
    el('p', {
      className: state.state === 'error' ? 'jp-BeeMind-errorText' : 'jp-BeeMind-empty',
      text: state.message,
    }),
  ]);
  if (state.retry) {
    const button = el('button', {
      className: 'jp-BeeMind-button',
      text: 'Try again',
      attrs: { type: 'button' },
    });
    button.addEventListener('click', state.retry);
    box.appendChild(button);
  }
  return box;
}
