/**
 * This module contains the canvas drawing of a lineage layout: only the visible slice (the canvas is the size
 * of the viewport), nodes batched by colour, edges batched by operator, rings for the Pareto front, the
 * champion and the selection, and operator labels on edges when few are on screen. Text is drawn with
 * fillText, never parsed as markup.
 */
import type { EdgeLabels } from '../settings.js';
import { KNOWN_OPERATORS, SCORE_BUCKETS, SCORE_COLORS, categoryColor, type ThemeColors } from '../theme.js';
import { BAND_GAP, HEADER_HEIGHT, NodeKind, type LineageLayout } from './layout.js';

export interface LineageView {
  /** Layout y at the top of the canvas. */
  scrollTop: number;
  /** Canvas size in CSS pixels. */
  width: number;
  height: number;
  colors: ThemeColors;
  /** 1 for drones on the Pareto front, by drone index. */
  pareto: Uint8Array;
  /** The champion drone, or the members of the champion ensemble. */
  champions: readonly number[];
  selected: number;
  hovered: number;
  edgeLabels: EdgeLabels;
  /** Band header text for a generation (count, best score). */
  bandLabel(generation: number, count: number): string;
}

/** Edge labels are written on every visible edge up to this many. */
const LABEL_ALL_EDGES_UP_TO = 60;

export function operatorColor(name: string): string {
  return categoryColor(name, KNOWN_OPERATORS);
}

/** Draws the visible part of the lineage; returns how many nodes were drawn. */
export function drawLineage(ctx: CanvasRenderingContext2D, layout: LineageLayout, view: LineageView): number {
  const { colors, scrollTop, width, height } = view;
  const top = scrollTop - layout.spacing;
  const bottom = scrollTop + height + layout.spacing;
  ctx.save();
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, width, height);
  ctx.translate(0, -scrollTop);
  ctx.font = colors.font;
  ctx.textBaseline = 'middle';

  // Edges, one path per operator; an edge is visible when its vertical span meets the viewport.
  const { edgeFrom, edgeTo, edgeOp, x, y } = layout;
  const visibleEdges: number[] = [];
  for (let k = 0; k < edgeFrom.length; k++) {
    const y0 = y[edgeFrom[k]];
    const y1 = y[edgeTo[k]];
    if (Math.max(y0, y1) >= top && Math.min(y0, y1) <= bottom) visibleEdges.push(k);
  }
  ctx.lineWidth = 1;
  ctx.globalAlpha = visibleEdges.length > 2000 ? 0.15 : visibleEdges.length > 300 ? 0.3 : 0.55;
  for (let o = 0; o < layout.operators.length; o++) {
    ctx.strokeStyle = operatorColor(layout.operators[o]);
    ctx.beginPath();
    for (const k of visibleEdges) {
      if (edgeOp[k] !== o) continue;
      ctx.moveTo(x[edgeFrom[k]], y[edgeFrom[k]]);
      ctx.lineTo(x[edgeTo[k]], y[edgeTo[k]]);
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;

  // Generation headers, over the edges that cross them.
  for (const band of layout.bands) {
    if (band.top + HEADER_HEIGHT < top || band.top > bottom) continue;
    const text = view.bandLabel(band.generation, band.count);
    ctx.fillStyle = colors.background;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(6, band.top + 2, ctx.measureText(text).width + 6, HEADER_HEIGHT - 4);
    ctx.globalAlpha = 1;
    ctx.fillStyle = colors.textMuted;
    ctx.fillText(text, 9, band.top + HEADER_HEIGHT / 2);
  }

  // Visible nodes: a binary search on the line positions gives the slice of `order` to draw.
  const first = firstLineAtOrBelow(layout.lineY, top);
  let last = first;
  while (last < layout.lineY.length && layout.lineY[last] <= bottom) last++;
  const from = first < layout.lineY.length ? layout.lineStart[first] : layout.order.length;
  const to =
    last > 0 && last <= layout.lineY.length ? layout.lineStart[last - 1] + layout.lineCount[last - 1] : from;
  const r = layout.radius;
  const { order, kind, bucket } = layout;

  // Scored nodes, one path per colour bucket (few fillStyle changes for 10,000 nodes).
  const byBucket: number[][] = Array.from({ length: SCORE_BUCKETS }, () => []);
  for (let p = from; p < to; p++) {
    const i = order[p];
    if (kind[i] === NodeKind.Ok && bucket[i] >= 0) byBucket[bucket[i]].push(i);
  }
  for (let b = 0; b < SCORE_BUCKETS; b++) {
    const list = byBucket[b];
    if (list.length === 0) continue;
    ctx.fillStyle = SCORE_COLORS[b];
    ctx.beginPath();
    for (const i of list) {
      ctx.moveTo(x[i] + r, y[i]);
      ctx.arc(x[i], y[i], r, 0, Math.PI * 2);
    }
    ctx.fill();
  }

  // A thin outline keeps the darkest scores visible on a dark background.
  ctx.strokeStyle = colors.border;
  ctx.lineWidth = 0.8;
  ctx.beginPath();
  for (const list of byBucket) {
    for (const i of list) {
      ctx.moveTo(x[i] + r, y[i]);
      ctx.arc(x[i], y[i], r, 0, Math.PI * 2);
    }
  }
  ctx.stroke();

  // Pruned: hollow ring; timed out: hollow square; failed: a cross.
  ctx.lineWidth = 1.5;
  strokeKind(ctx, layout, from, to, NodeKind.Pruned, colors.pruned, (i) => {
    ctx.moveTo(x[i] + r, y[i]);
    ctx.arc(x[i], y[i], r, 0, Math.PI * 2);
  });
  strokeKind(ctx, layout, from, to, NodeKind.Timeout, colors.timeout, (i) =>
    ctx.rect(x[i] - r, y[i] - r, 2 * r, 2 * r),
  );
  strokeKind(ctx, layout, from, to, NodeKind.Failed, colors.failed, (i) => {
    ctx.moveTo(x[i] - r, y[i] - r);
    ctx.lineTo(x[i] + r, y[i] + r);
    ctx.moveTo(x[i] + r, y[i] - r);
    ctx.lineTo(x[i] - r, y[i] + r);
  });

  // The Pareto front: an accent ring.
  ctx.strokeStyle = colors.accent;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let p = from; p < to; p++) {
    const i = order[p];
    if (view.pareto[i] !== 1) continue;
    ctx.moveTo(x[i] + r + 2, y[i]);
    ctx.arc(x[i], y[i], r + 2, 0, Math.PI * 2);
  }
  ctx.stroke();

  // Labels on edges: all of them when few are visible, else the hovered and selected drones' own.
  const labelled = new Set<number>();
  if (
    view.edgeLabels === 'always' ||
    (view.edgeLabels === 'auto' && visibleEdges.length <= LABEL_ALL_EDGES_UP_TO)
  ) {
    for (const k of visibleEdges) labelled.add(k);
  }
  for (const focus of [view.hovered, view.selected]) {
    if (focus < 0) continue;
    for (let k = 0; k < edgeTo.length; k++) {
      if (edgeTo[k] === focus || edgeFrom[k] === focus) {
        labelled.add(k);
        // Emphasise the focused drone's edges.
        ctx.strokeStyle = operatorColor(layout.operators[edgeOp[k]]);
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(x[edgeFrom[k]], y[edgeFrom[k]]);
        ctx.lineTo(x[edgeTo[k]], y[edgeTo[k]]);
        ctx.stroke();
      }
    }
  }
  // Labels sit on the edge in the gap above the child's generation header; one that would overlap a label
  // already drawn is skipped.
  ctx.textAlign = 'center';
  const placed: number[] = [];
  const focused = (k: number) =>
    edgeTo[k] === view.selected ||
    edgeTo[k] === view.hovered ||
    edgeFrom[k] === view.selected ||
    edgeFrom[k] === view.hovered;
  const ordered = [...labelled].sort((a, b) => Number(focused(b)) - Number(focused(a)));
  for (const k of ordered) {
    const x0 = x[edgeFrom[k]];
    const y0 = y[edgeFrom[k]];
    const x1 = x[edgeTo[k]];
    const y1 = y[edgeTo[k]];
    const t =
      Math.abs(y1 - y0) > 1
        ? Math.max(0, 1 - (layout.spacing / 2 + HEADER_HEIGHT + BAND_GAP / 2) / Math.abs(y1 - y0))
        : 0.5;
    const text = layout.operators[edgeOp[k]];
    const w = ctx.measureText(text).width + 4;
    const mx = Math.min(width - w / 2 - 2, Math.max(w / 2 + 2, x0 + (x1 - x0) * t));
    const my = y0 + (y1 - y0) * t;
    let overlaps = false;
    for (let p = 0; p < placed.length && !overlaps; p += 4) {
      overlaps =
        mx - w / 2 < placed[p + 2] &&
        mx + w / 2 > placed[p] &&
        my - 6 < placed[p + 3] &&
        my + 6 > placed[p + 1];
    }
    if (overlaps) continue;
    placed.push(mx - w / 2, my - 6, mx + w / 2, my + 6);
    ctx.fillStyle = colors.background;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(mx - w / 2, my - 6, w, 12);
    ctx.globalAlpha = 1;
    ctx.fillStyle = operatorColor(text);
    ctx.fillText(text, mx, my);
  }
  ctx.textAlign = 'start';

  for (const c of view.champions) ring(ctx, layout, c, r + 4, colors.text, 2);
  ring(ctx, layout, view.hovered, r + 3, colors.textMuted, 1.5);
  ring(ctx, layout, view.selected, r + 5, colors.selection, 2.5);
  ctx.restore();
  return to - from;
}

function strokeKind(
  ctx: CanvasRenderingContext2D,
  layout: LineageLayout,
  from: number,
  to: number,
  which: number,
  color: string,
  shape: (i: number) => void,
): void {
  ctx.strokeStyle = color;
  ctx.beginPath();
  let any = false;
  for (let p = from; p < to; p++) {
    const i = layout.order[p];
    if (layout.kind[i] !== which) continue;
    shape(i);
    any = true;
  }
  if (any) ctx.stroke();
}

function ring(
  ctx: CanvasRenderingContext2D,
  layout: LineageLayout,
  i: number,
  radius: number,
  color: string,
  width: number,
): void {
  if (i < 0 || i >= layout.count) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.arc(layout.x[i], layout.y[i], radius, 0, Math.PI * 2);
  ctx.stroke();
}

function firstLineAtOrBelow(lineY: Float32Array, y: number): number {
  let lo = 0;
  let hi = lineY.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lineY[mid] < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
