/**
 * This module contains the confusion matrix view: a table of counts (rows: true class, columns: predicted),
 * each cell shaded by its share of the row, class labels written as text.
 */
import { el } from '../dom.js';
import type { ConfusionMatrix } from '../protocol.js';

export function confusionTable({ labels, matrix }: ConfusionMatrix): HTMLTableElement {
  const table = el('table', {
    className: 'jp-BeeMind-confusion',
    attrs: { 'aria-label': 'Confusion matrix: rows are true classes, columns predicted classes' },
  });
  const head = el('tr', {}, [el('th', { text: 'true \\ predicted', attrs: { scope: 'col' } })]);
  for (const label of labels)
    head.appendChild(el('th', { text: label, title: label, attrs: { scope: 'col' } }));
  table.appendChild(el('thead', {}, [head]));
  const body = el('tbody');
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const tr = el('tr', {}, [el('th', { text: labels[i], title: labels[i], attrs: { scope: 'row' } })]);
    row.forEach((count, j) => {
      const share = count / total;
      const td = el('td', {
        text: String(count),
        title: `${labels[i]} predicted as ${labels[j]}: ${count} (${(share * 100).toFixed(1)}% of ${labels[i]})`,
      });
      td.style.setProperty('--jp-BeeMind-share', share.toFixed(3));
      if (i === j) td.classList.add('jp-mod-diagonal');
      if (share > 0.5) td.classList.add('jp-mod-strong');
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
  table.appendChild(body);
  return table;
}
