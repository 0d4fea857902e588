/**
 * This module contains the canvas drawing of a lineage layout: only the visible slice (the canvas is the size
 * of the viewport; the view is zoomed and scrolled), nodes batched by colour, edges batched by operator, rings
 * for the Pareto front, the champion and the selection, and one operator label per child in the gap above its
 * generation when few are on screen. Text keeps its size at any zoom and is drawn with fillText, never parsed
 * as markup.
 */
import type { EdgeLabels } from '../settings.js';
import { KNOWN_OPERATORS, SCORE_BUCKETS, SCORE_COLORS, categoryColor, type ThemeColors } from '../theme.js';
import { HEADER_HEIGHT, NodeKind, type LineageLayout } from './layout.js';

export interface LineageView {
  /** Screen pixels per layout pixel (1: the layout as fitted to the panel). */
  zoom: number;
  /** Screen offset of the canvas's top-left corner in the zoomed layout (CSS pixels). */
  scrollLeft: number;
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
  const { colors, width, height } = view;
  const zoom = view.zoom > 0 ? view.zoom : 1;
  // The visible rectangle in layout coordinates, with a node's margin.
  const top = view.scrollTop / zoom - layout.spacing;
  const bottom = (view.scrollTop + height) / zoom + layout.spacing;
  const screenX = (lx: number) => lx * zoom - view.scrollLeft;
  const screenY = (ly: number) => ly * zoom - view.scrollTop;
  ctx.save();
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, width, height);
  ctx.save();
  ctx.translate(-view.scrollLeft, -view.scrollTop);
  ctx.scale(zoom, zoom);
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
  // Lines keep their screen width at any zoom.
  const px = 1 / zoom;
  ctx.lineWidth = (layout.spacing > 24 ? 1.5 : 1) * px;
  ctx.globalAlpha = visibleEdges.length > 2000 ? 0.15 : visibleEdges.length > 300 ? 0.3 : 0.6;
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

  // The focused drones' edges, emphasised (under the nodes).
  const focusedEdge = (k: number) =>
    edgeTo[k] === view.selected ||
    edgeTo[k] === view.hovered ||
    edgeFrom[k] === view.selected ||
    edgeFrom[k] === view.hovered;
  ctx.lineWidth = 2.5 * px;
  for (let k = 0; k < edgeTo.length; k++) {
    if (!focusedEdge(k)) continue;
    ctx.strokeStyle = operatorColor(layout.operators[edgeOp[k]]);
    ctx.beginPath();
    ctx.moveTo(x[edgeFrom[k]], y[edgeFrom[k]]);
    ctx.lineTo(x[edgeTo[k]], y[edgeTo[k]]);
    ctx.stroke();
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
  ctx.lineWidth = 0.8 * px;
  ctx.beginPath();
  for (const list of byBucket) {
    for (const i of list) {
      ctx.moveTo(x[i] + r, y[i]);
      ctx.arc(x[i], y[i], r, 0, Math.PI * 2);
    }
  }
  ctx.stroke();

  // Pruned: hollow ring; timed out: hollow square; failed: a cross.
  ctx.lineWidth = 1.5 * px;
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
  ctx.lineWidth = 2 * px;
  ctx.beginPath();
  for (let p = from; p < to; p++) {
    const i = order[p];
    if (view.pareto[i] !== 1) continue;
    ctx.moveTo(x[i] + r + 2 * px, y[i]);
    ctx.arc(x[i], y[i], r + 2 * px, 0, Math.PI * 2);
  }
  ctx.stroke();

  for (const c of view.champions) ring(ctx, layout, c, r + 4 * px, colors.text, 2 * px);
  ring(ctx, layout, view.hovered, r + 3 * px, colors.textMuted, 1.5 * px);
  ring(ctx, layout, view.selected, r + 5 * px, colors.selection, 2.5 * px);
  ctx.restore();

  // Text, in screen pixels. Generation headers first, over the edges that cross them.
  ctx.font = colors.font;
  ctx.textBaseline = 'middle';
  for (const band of layout.bands) {
    const bandTop = screenY(band.top);
    if (bandTop + HEADER_HEIGHT * zoom < 0 || bandTop > height) continue;
    const text = view.bandLabel(band.generation, band.count);
    const ty = bandTop + (HEADER_HEIGHT * zoom) / 2;
    ctx.fillStyle = colors.background;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(6, ty - 7, ctx.measureText(text).width + 6, 14);
    ctx.globalAlpha = 1;
    ctx.fillStyle = colors.textMuted;
    ctx.fillText(text, 9, ty);
  }
  drawOperatorLabels(ctx, layout, view, visibleEdges, screenX, screenY, focusedEdge);
  ctx.restore();
  return to - from;
}

/**
 * One label per child (all its edges share its operator), on its first edge in the middle of the gap above
 * its generation, where no node or header is. With `auto`, every visible child is labelled when few edges are
 * on screen; a label that would overlap one already drawn is skipped, the focused drones' labels going first.
 */
function drawOperatorLabels(
  ctx: CanvasRenderingContext2D,
  layout: LineageLayout,
  view: LineageView,
  visibleEdges: readonly number[],
  screenX: (lx: number) => number,
  screenY: (ly: number) => number,
  focusedEdge: (k: number) => boolean,
): void {
  const { edgeFrom, edgeTo, edgeOp, x, y } = layout;
  const labelAll =
    view.edgeLabels === 'always' ||
    (view.edgeLabels === 'auto' && visibleEdges.length <= LABEL_ALL_EDGES_UP_TO);
  const candidates = (labelAll ? visibleEdges : visibleEdges.filter(focusedEdge)).filter(
    (k) => layout.band[edgeTo[k]] > 0,
  );
  const firstEdgeOfChild = new Map<number, number>();
  for (const k of [...candidates].sort((a, b) => Number(focusedEdge(b)) - Number(focusedEdge(a)))) {
    if (!firstEdgeOfChild.has(edgeTo[k])) firstEdgeOfChild.set(edgeTo[k], k);
  }
  ctx.textAlign = 'center';
  const placed: number[] = [];
  for (const k of firstEdgeOfChild.values()) {
    const child = edgeTo[k];
    const parent = edgeFrom[k];
    const gapMiddle = layout.bands[layout.band[child]].top - layout.gap / 2;
    const span = y[child] - y[parent];
    const t = Math.abs(span) > 1 ? Math.min(1, Math.max(0, (gapMiddle - y[parent]) / span)) : 0.5;
    const text = layout.operators[edgeOp[k]];
    const w = ctx.measureText(text).width + 6;
    const mx = Math.min(
      view.width - w / 2 - 2,
      Math.max(w / 2 + 2, screenX(x[parent] + (x[child] - x[parent]) * t)),
    );
    const my = screenY(y[parent] + span * t);
    if (my < -6 || my > view.height + 6) continue;
    let overlaps = false;
    for (let p = 0; p < placed.length && !overlaps; p += 4) {
      overlaps =
        mx - w / 2 < placed[p + 2] &&
        mx + w / 2 > placed[p] &&
        my - 7 < placed[p + 3] &&
        my + 7 > placed[p + 1];
    }
    if (overlaps) continue;
    placed.push(mx - w / 2, my - 7, mx + w / 2, my + 7);
    ctx.fillStyle = view.colors.background;
    ctx.globalAlpha = 0.9;
    ctx.fillRect(mx - w / 2, my - 7, w, 14);
    ctx.globalAlpha = 1;
    ctx.fillStyle = operatorColor(text);
    ctx.fillText(text, mx, my);
  }
  ctx.textAlign = 'start';
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
