/**
 * This module contains the score-against-fit-time chart on a canvas (thousands of points stay fast): log
 * time axis, one colour per family (or per run when runs are compared), each run's Pareto front of best
 * score for least fit time as a step line with ringed points, and the selected drone ringed.
 */
import { formatSecondsTick } from '../format.js';
import type { ThemeColors } from '../theme.js';
import { linearScale, logScale } from './axis.js';

export interface ScatterSeries {
  /** Fit seconds and score per point, with the id used for selection. */
  x: Float64Array;
  y: Float64Array;
  ids: string[];
  colors: string[];
  /** Indices (into this series) on its Pareto front, in increasing fit time. */
  front: number[];
  frontColor: string;
}

export interface ScatterPlot {
  /** The id of the point nearest (px, py) within a few pixels, or null. */
  pick(px: number, py: number): { series: number; id: string } | null;
}

const M = { left: 52, right: 24, top: 8, bottom: 30 };

export function drawScatter(
  ctx: CanvasRenderingContext2D | null,
  series: readonly ScatterSeries[],
  size: { width: number; height: number },
  colors: ThemeColors,
  labels: { metric: string; selected: { series: number; id: string } | null },
): ScatterPlot {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      xMin = Math.min(xMin, s.x[i]);
      xMax = Math.max(xMax, s.x[i]);
      yMin = Math.min(yMin, s.y[i]);
      yMax = Math.max(yMax, s.y[i]);
    }
  }
  const { width, height } = size;
  const sx = logScale(xMin, xMax, M.left, width - M.right);
  const sy = linearScale(
    yMin,
    yMax,
    height - M.bottom,
    M.top,
    Math.max(2, Math.floor((height - M.top - M.bottom) / 40)),
  );
  if (ctx) {
    ctx.fillStyle = colors.background;
    ctx.fillRect(0, 0, width, height);
    ctx.font = colors.font;
    ctx.strokeStyle = colors.border;
    ctx.fillStyle = colors.textMuted;
    ctx.lineWidth = 1;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    // Label every k-th decade so the labels never run into each other.
    const decadeWidth = (width - M.left - M.right) / Math.max(1, sx.ticks.length - 1);
    const every = Math.max(1, Math.ceil(48 / decadeWidth));
    sx.ticks.forEach((t, k) => {
      const px = Math.round(sx(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, M.top);
      ctx.lineTo(px, height - M.bottom);
      ctx.stroke();
      if (k % every === 0) ctx.fillText(formatSecondsTick(t), px, height - M.bottom + 3);
    });
    ctx.fillText('fit time (log scale)', (M.left + width - M.right) / 2, height - 12);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of sy.ticks) {
      const py = Math.round(sy(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(M.left, py);
      ctx.lineTo(width - M.right, py);
      ctx.stroke();
      ctx.fillText(sy.format(t), M.left - 4, py);
    }
    ctx.save();
    ctx.translate(8, (M.top + height - M.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(labels.metric, 0, 0);
    ctx.restore();

    ctx.globalAlpha = 0.75;
    for (const s of series) {
      for (let i = 0; i < s.x.length; i++) {
        ctx.fillStyle = s.colors[i];
        ctx.beginPath();
        ctx.arc(sx(s.x[i]), sy(s.y[i]), 3, 0, Math.PI * 2);
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
    for (const s of series) {
      if (s.front.length === 0) continue;
      ctx.strokeStyle = s.frontColor;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      s.front.forEach((i, k) => {
        const px = sx(s.x[i]);
        const py = sy(s.y[i]);
        if (k === 0) ctx.moveTo(px, py);
        else {
          ctx.lineTo(px, sy(s.y[s.front[k - 1]]));
          ctx.lineTo(px, py);
        }
      });
      ctx.stroke();
      ctx.beginPath();
      for (const i of s.front) {
        ctx.moveTo(sx(s.x[i]) + 5, sy(s.y[i]));
        ctx.arc(sx(s.x[i]), sy(s.y[i]), 5, 0, Math.PI * 2);
      }
      ctx.stroke();
    }
    const sel = labels.selected;
    if (sel && series[sel.series]) {
      const s = series[sel.series];
      const i = s.ids.indexOf(sel.id);
      if (i >= 0) {
        ctx.strokeStyle = colors.selection;
        ctx.lineWidth = 2.5;
        ctx.beginPath();
        ctx.arc(sx(s.x[i]), sy(s.y[i]), 7, 0, Math.PI * 2);
        ctx.stroke();
      }
    }
  }
  return {
    pick(px, py) {
      let best: { series: number; id: string } | null = null;
      let bestD = 8 * 8;
      series.forEach((s, k) => {
        for (let i = 0; i < s.x.length; i++) {
          const dx = sx(s.x[i]) - px;
          const dy = sy(s.y[i]) - py;
          const d = dx * dx + dy * dy;
          if (d < bestD) {
            bestD = d;
            best = { series: k, id: s.ids[i] };
          }
        }
      });
      return best;
    },
  };
}
