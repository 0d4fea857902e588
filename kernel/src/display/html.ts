/**
 * This module contains HTML helpers of the display layer: escaping and an escaped HTML table (with an aligned
 * text twin) for tabular values such as arquero tables.
 */
import { escapeHtml } from 'beemind/protocol';

export { escapeHtml };

export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
    const a = Math.abs(value);
    return a !== 0 && (a < 1e-4 || a >= 1e7) ? value.toExponential(4) : String(Number(value.toPrecision(6)));
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

export interface TableView {
  columns: string[];
  rows: unknown[][];
  /** Rows in the whole table (more than `rows.length` when truncated). */
  totalRows: number;
}

/** An escaped HTML table and an aligned plain-text table of the same rows. */
export function tableBundle(view: TableView): { 'text/html': string; 'text/plain': string } {
  const { columns, rows, totalRows } = view;
  const cells = rows.map((r) => r.map(formatCell));
  const more = totalRows > rows.length ? totalRows - rows.length : 0;
  const numeric = columns.map(
    (_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number' || r[j] == null),
  );
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = cells
    .map(
      (r) =>
        `<tr>${r.map((v, j) => `<td${numeric[j] ? ' style="text-align:right"' : ''}>${escapeHtml(v)}</td>`).join('')}</tr>`,
    )
    .join('');
  const footer = more > 0 ? `<p>… ${more} more row${more === 1 ? '' : 's'} (${totalRows} in total)</p>` : '';
  const html = `<table class="beemind-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${footer}`;
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  const line = (r: string[]) =>
    r
      .map((v, j) => (numeric[j] ? v.padStart(widths[j]) : v.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  const text = [
    line(columns),
    ...cells.map(line),
    ...(more > 0 ? [`… ${more} more rows (${totalRows} in total)`] : []),
  ].join('\n');
  return { 'text/html': html, 'text/plain': text };
}
