/**
 * This module contains the pure parts of the notebook display protocol, low enough for every layer (a
 * DataFrame in data/ as much as a leaderboard in automl/): the `DISPLAY` symbol, HTML escaping, number
 * formatting and the one table renderer (an escaped HTML table with its aligned text twin, whose cells show
 * control characters as escapes: a terminal or a notebook's text output never interprets them). display.ts
 * re-exports them next to the chart bundles.
 */
import { DISPLAY, escapeHtml } from '../protocol/display.js';
import { printable } from './text.js';

export { DISPLAY, escapeHtml };

/** What tableBundle returns: a MIME bundle with an HTML table and its plain-text twin. */
export type TableBundle = {
  'text/plain': string;
  'text/html': string;
};

export interface TableOptions {
  /** Shown above the table (an HTML `<caption>`, the first line of the text). */
  caption?: string;
  /** Shown under the table, e.g. the size of a frame whose rows were cut. */
  footer?: string;
  /** A second header row under the column names, e.g. each column's kind. */
  subheader?: readonly string[];
  /** The rows were cut: an ellipsis row goes between `rows[cutAt - 1]` and `rows[cutAt]`. */
  cutAt?: number;
  /** How a number shows (default formatNumber). */
  format?: (value: number) => string;
  /** Which columns are right-aligned (numbers). */
  alignRight?: readonly boolean[];
  /** The text of a missing value (null, undefined or NaN): default empty for null and `NaN` for NaN. */
  missing?: string;
}

const MISSING_STYLE = 'color:#888;font-style:italic';
const ELLIPSIS = '…';

/** A score-like number: integers as they are, else 4 decimals (exponent form when tiny or huge). */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(4);
}

/** A data value: at most `digits` significant digits (exponent form when tiny or huge), no float noise. */
export function formatSignificant(v: number, digits = 6): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 10 ** digits) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(digits)));
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

/** An HTML table with every cell escaped, plus an aligned text table of the same cells. */
export function tableBundle(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: string | TableOptions = {},
): TableBundle {
  const {
    caption,
    footer,
    subheader,
    cutAt,
    format = formatNumber,
    alignRight = [],
    missing,
  } = typeof options === 'string' ? { caption: options } : options;
  const cell = (v: unknown) => ({
    text: isMissing(v)
      ? (missing ?? (v === null || v === undefined ? '' : 'NaN'))
      : typeof v === 'number'
        ? format(v)
        : String(v),
    missing: isMissing(v),
  });
  const body = rows.map((r) => columns.map((_, j) => cell(r[j])));
  if (cutAt !== undefined && cutAt >= 0 && cutAt <= body.length) {
    body.splice(
      cutAt,
      0,
      columns.map(() => ({ text: ELLIPSIS, missing: false })),
    );
  }

  const style = (j: number, isMissingValue = false) => {
    const css = [alignRight[j] ? 'text-align:right' : '', isMissingValue ? MISSING_STYLE : '']
      .filter(Boolean)
      .join(';');
    return css ? ` style="${css}"` : '';
  };
  const headRow = (names: readonly string[]) =>
    `<tr>${columns.map((_, j) => `<th${style(j)}>${escapeHtml(names[j] ?? '')}</th>`).join('')}</tr>`;
  const bodyRows = body.map(
    (r) => `<tr>${r.map((c, j) => `<td${style(j, c.missing)}>${escapeHtml(c.text)}</td>`).join('')}</tr>`,
  );
  const html =
    `<table class="beemind-table">${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}` +
    `<thead>${headRow(columns)}${subheader ? headRow(subheader) : ''}</thead><tbody>${bodyRows.join('')}</tbody></table>` +
    (footer ? `<p class="beemind-table-footer">${escapeHtml(footer)}</p>` : '');

  const shown = (text: unknown) => printable(text, { inline: true });
  const texts = [
    columns.map(shown),
    ...(subheader ? [columns.map((_, j) => shown(subheader[j] ?? ''))] : []),
    ...body.map((r) => r.map((c) => shown(c.text))),
  ];
  const widths = columns.map((_, j) => Math.max(...texts.map((r) => r[j].length)));
  const text = texts
    .map((r) =>
      r
        .map((v, j) => (alignRight[j] ? v.padStart(widths[j]) : v.padEnd(widths[j])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  return {
    'text/plain': [caption, text, footer]
      .filter((s) => s !== undefined && s !== '')
      .map((s) => printable(s))
      .join('\n'),
    'text/html': html,
  };
}
