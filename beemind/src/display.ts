/**
 * This module contains the rich-display protocol: an object with a `[DISPLAY]()` method returns a MIME bundle
 * that a notebook kernel shows (HTML table, Vega-Lite chart, plain-text fallback). The library knows
 * nothing of Jupyter; the kernel looks for this symbol.
 */
import type { VegaLiteSpec } from './charts/spec.js';
import { DISPLAY, tableBundle } from './core/html_table.js';

// The table, escaping and formatting helpers live in core/ so that every layer (data/ too) can use them.
export {
  DISPLAY,
  escapeHtml,
  formatNumber,
  formatSignificant,
  tableBundle,
  type TableBundle,
  type TableOptions,
} from './core/html_table.js';

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

/** A chart as a MIME bundle: the Vega-Lite spec plus a text fallback. */
export function chartBundle(spec: VegaLiteSpec, text: string): MimeBundle {
  return { 'text/plain': text, 'application/vnd.vegalite.v5+json': spec };
}

/** Feature importances as a MIME bundle: their chart plus a text table (feature, importance, std), sorted. */
export function importanceBundle(
  sorted: readonly { feature: string; importance: number; std?: number }[],
  chart: VegaLiteSpec,
): MimeBundle {
  const text = tableBundle(
    ['feature', 'importance', 'std'],
    sorted.map((f) => [f.feature, f.importance, f.std ?? 0]),
  )['text/plain'];
  return chartBundle(chart, text);
}
