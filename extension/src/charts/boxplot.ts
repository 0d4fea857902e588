/**
 * This module contains the score distribution chart: one row per model family, one box per compared run
 * (quartiles, whiskers to min and max, median line, count), drawn as SVG with text labels.
 */
import { svg } from '../dom.js';
import { formatScore } from '../format.js';
import { linearScale } from './axis.js';
import type { BoxStats } from './stats.js';

export interface BoxRow {
  family: string;
  boxes: { runLabel: string; color: string; stats: BoxStats }[];
}

const LABEL_WIDTH = 110;
const BOX_HEIGHT = 12;

export function boxPlot(rows: readonly BoxRow[], width: number, metric: string): SVGSVGElement {
  const all = rows.flatMap((r) => r.boxes.map((b) => b.stats));
  const lo = Math.min(...all.map((s) => s.min));
  const hi = Math.max(...all.map((s) => s.max));
  const right = width - 22;
  const x = linearScale(lo, hi, LABEL_WIDTH, right, Math.max(2, Math.floor((right - LABEL_WIDTH) / 60)));
  let y = 6;
  const rowHeights = rows.map((r) => r.boxes.length * (BOX_HEIGHT + 4) + 8);
  const height = rowHeights.reduce((a, b) => a + b, 0) + 34;
  const root = svg('svg', {
    width,
    height,
    class: 'jp-BeeMind-boxplot',
    role: 'img',
    'aria-label': `${metric} by model family`,
  });
  for (const t of x.ticks) {
    root.appendChild(svg('line', { x1: x(t), x2: x(t), y1: 0, y2: height - 26, class: 'jp-BeeMind-grid' }));
    root.appendChild(
      svg(
        'text',
        { x: x(t), y: height - 14, 'text-anchor': 'middle', class: 'jp-BeeMind-tick' },
        x.format(t),
      ),
    );
  }
  root.appendChild(
    svg(
      'text',
      { x: (LABEL_WIDTH + right) / 2, y: height - 2, 'text-anchor': 'middle', class: 'jp-BeeMind-axisLabel' },
      metric,
    ),
  );
  rows.forEach((row, r) => {
    const label = svg(
      'text',
      { x: 4, y: y + rowHeights[r] / 2, class: 'jp-BeeMind-rowLabel', 'dominant-baseline': 'middle' },
      truncate(row.family, 16),
    );
    label.appendChild(svg('title', {}, row.family));
    root.appendChild(label);
    let by = y + 4;
    for (const box of row.boxes) {
      const s = box.stats;
      const g = svg('g', { class: 'jp-BeeMind-box', 'data-family': row.family });
      const mid = by + BOX_HEIGHT / 2;
      g.appendChild(svg('line', { x1: x(s.min), x2: x(s.max), y1: mid, y2: mid, stroke: box.color }));
      g.appendChild(
        svg('rect', {
          x: x(s.q1),
          y: by,
          width: Math.max(1, x(s.q3) - x(s.q1)),
          height: BOX_HEIGHT,
          fill: box.color,
          'fill-opacity': 0.35,
          stroke: box.color,
        }),
      );
      g.appendChild(
        svg('line', {
          x1: x(s.median),
          x2: x(s.median),
          y1: by,
          y2: by + BOX_HEIGHT,
          stroke: box.color,
          'stroke-width': 2,
        }),
      );
      g.appendChild(
        svg(
          'title',
          {},
          `${box.runLabel} · ${row.family}: n=${s.count}, median ${formatScore(s.median)}, quartiles ${formatScore(s.q1)}–${formatScore(s.q3)}, range ${formatScore(s.min)}–${formatScore(s.max)}`,
        ),
      );
      root.appendChild(g);
      by += BOX_HEIGHT + 4;
    }
    y += rowHeights[r];
  });
  return root;
}

function truncate(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
