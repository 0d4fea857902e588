/**
 * This module contains the attribution bars of the "why" views: one row's contribution of each input column
 * to a drone's output, sorted by size, pushing up (positive) or down (negative) from the base value, with the
 * base and the output written above. Each bar carries its exact number (data-value, title) as the kernel sent it;
 * column names and input values are written as text.
 */
import { el } from '../dom.js';
import { formatScore, formatSigned, formatValue } from '../format.js';
import type { RowExplanation } from '../protocol.js';

/** The output shown by default: the predicted class (largest raw output), the value for a regressor. */
export function predictedOutput(e: RowExplanation): number {
  let best = 0;
  for (let k = 1; k < e.output.length; k++) if (e.output[k] > e.output[best]) best = k;
  return best;
}

/** The range of zero and every attribution of the given explanations (a shared axis for side-by-side views). */
export function attributionDomain(
  views: readonly { explanation: RowExplanation; output: number }[],
): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const { explanation, output } of views) {
    for (const v of explanation.values[output] ?? []) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return [lo, hi];
}

/** Column indices by decreasing |attribution|, ties in column order. */
export function attributionOrder(values: readonly number[]): number[] {
  return values
    .map((v, j) => ({ v: Math.abs(v), j }))
    .sort((a, b) => b.v - a.v || a.j - b.j)
    .map((x) => x.j);
}

/** What the output is, in words: "probability of setosa", "log-odds of yes", "value". */
export function outputLabel(e: RowExplanation, output: number): string {
  const name = e.outputs[output] ?? String(output);
  if (e.scale === 'value') return e.outputs.length > 1 ? name : 'predicted value';
  return `${e.scale} of ${name}`;
}

export interface AttributionOptions {
  /** At most this many columns get a bar; the rest are summed in one line. */
  max: number;
  /** The axis range (defaults to this explanation's own). */
  domain?: [number, number];
  /** Write each column's input value beside its name (off in narrow side-by-side columns). */
  showInputs?: boolean;
}

/** The summary line and the bars of one explanation's output. */
export function attributionChart(
  e: RowExplanation,
  output: number,
  options: AttributionOptions,
): HTMLElement {
  const values = e.values[output];
  const base = e.base[output];
  const result = e.output[output];
  const box = el('div', {
    className: 'jp-BeeMind-attributions',
    attrs: {
      'data-drone-id': e.droneId,
      'data-row': String(e.row),
      'data-output': String(output),
      'data-base': String(base),
      'data-prediction': String(result),
    },
  });
  const exactness = e.maxError > 0 ? `${e.method}, error ≤ ${formatScore(e.maxError)}` : `${e.method}, exact`;
  box.append(
    el('div', {
      className: 'jp-BeeMind-caption jp-BeeMind-attributionSummary',
      text: `${outputLabel(e, output)}: base ${formatScore(base)} ${formatSigned(result - base)} → ${formatScore(result)}`,
      title: `base ${base}, output ${result} (${exactness})`,
    }),
  );
  const [lo, hi] = options.domain ?? attributionDomain([{ explanation: e, output }]);
  const order = attributionOrder(values);
  const shown = order.slice(0, Math.max(1, options.max));
  const list = el('div', { className: 'jp-BeeMind-bars', attrs: { role: 'list' } });
  for (const j of shown) {
    const v = values[j];
    const name = e.columns[j];
    const input = formatValue(e.input[j]);
    list.appendChild(
      el(
        'div',
        {
          className: 'jp-BeeMind-barRow jp-BeeMind-attribution',
          title: `${name} = ${input}: ${v}`,
          attrs: { role: 'listitem', 'data-feature': name, 'data-value': String(v) },
        },
        [
          el('span', {
            className: 'jp-BeeMind-feature',
            text: options.showInputs === false ? name : `${name} = ${input}`,
          }),
          ...barCell(v, lo, hi),
        ],
      ),
    );
  }
  box.appendChild(list);
  if (order.length > shown.length) {
    let rest = 0;
    for (const j of order.slice(shown.length)) rest += values[j];
    box.appendChild(
      el('div', {
        className: 'jp-BeeMind-caption',
        text: `${order.length - shown.length} smaller columns together ${formatSigned(rest)}`,
      }),
    );
  }
  return box;
}

/** One attribution bar with its signed value, on the axis [lo, hi]. */
function barCell(v: number, lo: number, hi: number): HTMLElement[] {
  const span = hi - lo || 1;
  const pct = (x: number) => `${(((x - lo) / span) * 100).toFixed(2)}%`;
  const track = el('div', { className: 'jp-BeeMind-barTrack' });
  const bar = el('div', { className: `jp-BeeMind-bar ${v < 0 ? 'jp-mod-negative' : 'jp-mod-positive'}` });
  bar.style.left = pct(Math.min(0, v));
  bar.style.width = `${((Math.abs(v) / span) * 100).toFixed(2)}%`;
  const zero = el('div', { className: 'jp-BeeMind-zero' });
  zero.style.left = pct(0);
  track.append(zero, bar);
  return [track, el('span', { className: 'jp-BeeMind-value', text: formatSigned(v) })];
}

/**
 * Two drones' attributions of the same row and output side by side: one line per column (in the order of the
 * first drone's sizes), both bars on one axis, so that a column that matters to one and not the other shows.
 */
export function attributionComparison(
  pair: readonly [RowExplanation, RowExplanation],
  output: number,
  options: { max: number },
): HTMLElement {
  const [a, b] = pair;
  const table = el('div', { className: 'jp-BeeMind-attributionPair', attrs: { role: 'table' } });
  const [lo, hi] = attributionDomain(pair.map((explanation) => ({ explanation, output })));
  const head = el('div', { className: 'jp-BeeMind-pairRow jp-BeeMind-pairHead', attrs: { role: 'row' } }, [
    el('span', { text: 'column', attrs: { role: 'columnheader' } }),
    ...pair.map((e) =>
      el('span', {
        className: 'jp-BeeMind-pairDrone',
        text: `${e.droneId}: ${formatScore(e.base[output])} ${formatSigned(e.output[output] - e.base[output])} → ${formatScore(e.output[output])}`,
        title: `${outputLabel(e, output)}; base ${e.base[output]}, output ${e.output[output]} (${e.method})`,
        attrs: { role: 'columnheader', 'data-drone-id': e.droneId },
      }),
    ),
  ]);
  table.appendChild(head);
  // Columns by the first drone's sizes; the second drone's columns are matched by name (own lookups only).
  const inB = new Map(b.columns.map((c, j) => [c, j]));
  for (const j of attributionOrder(a.values[output]).slice(0, Math.max(1, options.max))) {
    const name = a.columns[j];
    const k = inB.get(name);
    const vb = k === undefined ? NaN : b.values[output][k];
    const row = el('div', { className: 'jp-BeeMind-pairRow', attrs: { role: 'row', 'data-feature': name } }, [
      el('span', {
        className: 'jp-BeeMind-feature',
        text: `${name} = ${formatValue(a.input[j])}`,
        title: `${name} = ${formatValue(a.input[j])}`,
      }),
      el(
        'span',
        {
          className: 'jp-BeeMind-pairCell jp-BeeMind-attribution',
          attrs: {
            'data-feature': name,
            'data-value': String(a.values[output][j]),
            'data-drone-id': a.droneId,
          },
        },
        barCell(a.values[output][j], lo, hi),
      ),
      el(
        'span',
        {
          className: 'jp-BeeMind-pairCell jp-BeeMind-attribution',
          attrs: { 'data-feature': name, 'data-value': String(vb), 'data-drone-id': b.droneId },
        },
        Number.isFinite(vb)
          ? barCell(vb, lo, hi)
          : [el('span', { className: 'jp-BeeMind-empty', text: '—' })],
      ),
    ]);
    table.appendChild(row);
  }
  return table;
}
