/**
 * This module contains chart specs about one model: its confusion matrix and its feature importances.
 */
import { spec, type VegaLiteSpec } from './spec.js';

/** Heat map of true × predicted counts with the counts written in the cells. */
export function confusionMatrixChart(
  matrix: number[][],
  labels: readonly string[],
  title = 'Confusion matrix',
): VegaLiteSpec {
  const values = matrix.flatMap((row, t) =>
    row.map((count, p) => ({ actual: labels[t] ?? String(t), predicted: labels[p] ?? String(p), count })),
  );
  const order = labels.slice();
  return spec({
    title,
    data: { values },
    width: { step: Math.max(24, Math.min(60, 360 / Math.max(1, labels.length))) },
    height: { step: Math.max(24, Math.min(60, 360 / Math.max(1, labels.length))) },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: order, title: 'Predicted' },
      y: { field: 'actual', type: 'nominal', sort: order, title: 'Actual' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' }, title: 'Rows' },
          tooltip: [
            { field: 'actual', type: 'nominal' },
            { field: 'predicted', type: 'nominal' },
            { field: 'count', type: 'quantitative' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.count > 0', value: 'black' }, value: '#999' },
        },
      },
    ],
  });
}

export interface ImportanceEntry {
  feature: string;
  importance: number;
  /** Standard deviation over repeats (permutation importance), drawn as an error bar. */
  std?: number;
}

/** Horizontal bars sorted by importance, with error bars when a spread is known. Shows the top `limit`. */
export function featureImportanceChart(
  entries: readonly ImportanceEntry[],
  { title = 'Feature importance', limit = 25 }: { title?: string; limit?: number } = {},
): VegaLiteSpec {
  const values = [...entries]
    .sort((a, b) => b.importance - a.importance)
    .slice(0, limit)
    .map((e) => ({
      feature: e.feature,
      importance: e.importance,
      low: e.importance - (e.std ?? 0),
      high: e.importance + (e.std ?? 0),
    }));
  const hasSpread = entries.some((e) => (e.std ?? 0) > 0);
  const y = { field: 'feature', type: 'nominal', sort: '-x', title: null };
  return spec({
    title,
    data: { values },
    width: 360,
    height: { step: 18 },
    layer: [
      {
        mark: { type: 'bar', color: '#f2a900' },
        encoding: {
          y,
          x: { field: 'importance', type: 'quantitative', title: 'Importance' },
          tooltip: [
            { field: 'feature', type: 'nominal' },
            { field: 'importance', type: 'quantitative', format: '.4f' },
          ],
        },
      },
      ...(hasSpread
        ? [
            {
              mark: { type: 'rule', color: '#555' },
              encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
            },
          ]
        : []),
    ],
  });
}
