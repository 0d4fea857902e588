/**
 * This module contains the rich-display protocol: an object with a `[DISPLAY]()` method returns a MIME bundle
 * that a notebook kernel shows (HTML table, Vega-Lite chart, plain-text fallback). The library knows
 * nothing of Jupyter; the kernel looks for this symbol.
 */
import type { VegaLiteSpec } from './charts/spec.js';

export const DISPLAY = Symbol.for('beemind.display');

export interface MimeBundle {
  'text/plain': string;
  'text/html'?: string;
  'application/vnd.vegalite.v5+json'?: VegaLiteSpec;
  [mime: string]: unknown;
}

export interface Displayable {
  [DISPLAY](): MimeBundle;
}

export function isDisplayable(value: unknown): value is Displayable {
  return typeof value === 'object' && value !== null && typeof (value as Displayable)[DISPLAY] === 'function';
}

/** Escapes text for HTML (column names, labels and error text are untrusted). */
export function escapeHtml(text: unknown): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A chart as a MIME bundle: the Vega-Lite spec plus a text fallback. */
export function chartBundle(spec: VegaLiteSpec, text: string): MimeBundle {
  return { 'text/plain': text, 'application/vnd.vegalite.v5+json': spec };
}

/** An HTML table with every cell escaped, plus an aligned text table. */
export function tableBundle(columns: readonly string[], rows: readonly (readonly unknown[])[], caption?: string): MimeBundle {
  const cell = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : v === null || v === undefined ? '' : String(v));
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(cell(v))}</td>`).join('')}</tr>`).join('');
  const html = `<table class="beemind-table">${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  const texts = [columns.map(String), ...rows.map((r) => r.map(cell))];
  const widths = columns.map((_, j) => Math.max(...texts.map((r) => (r[j] ?? '').length)));
  const text = texts.map((r) => r.map((v, j) => v.padEnd(widths[j])).join('  ').trimEnd()).join('\n');
  return { 'text/plain': caption ? `${caption}\n${text}` : text, 'text/html': html };
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(4);
}
