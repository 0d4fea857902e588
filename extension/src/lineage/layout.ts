/**
 * This module contains the lineage layout: pure arithmetic on typed arrays that places every drone of a run
 * (generations top to bottom, each generation wrapped into lines, best score first) with nodes sized to the
 * space it has (a dozen drones fill a sidebar; 10,000 stay dense), lists the parent→child edges with their
 * operators, buckets scores into colours, and finds the drone under a point in O(log n).
 */
import type { Drone } from 'beemind/events';
import { SCORE_BUCKETS } from '../theme.js';

/** Node kinds, drawn differently. */
export const NodeKind = { Ok: 0, Pruned: 1, Timeout: 2, Failed: 3 } as const;

export interface LineageInput {
  readonly drones: readonly Drone[];
  readonly greaterIsBetter: boolean;
  indexOf(id: string): number;
}

export interface LineageLayout {
  readonly count: number;
  readonly width: number;
  readonly height: number;
  readonly radius: number;
  readonly spacing: number;
  /** Vertical space between one generation's last line and the next generation's header (edges, labels). */
  readonly gap: number;
  /** Centre of each drone, by its index in the run's drone list. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly kind: Uint8Array;
  /** Score colour bucket (0 worst … SCORE_BUCKETS-1 best), -1 without a score. */
  readonly bucket: Int16Array;
  /** Drone indices in drawing order: generation by generation, line by line. */
  readonly order: Int32Array;
  /** For line k: its centre y, and its first position and length in `order`. */
  readonly lineY: Float32Array;
  readonly lineStart: Int32Array;
  readonly lineCount: Int32Array;
  /** Index into `bands` of each drone's generation. */
  readonly band: Int32Array;
  /** Generation bands: header y (top of the band) and drone count. */
  readonly bands: readonly { generation: number; top: number; count: number }[];
  /** Edge k goes from drone edgeFrom[k] (parent) to drone edgeTo[k] (child), made by operators[edgeOp[k]]. */
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  readonly edgeOp: Uint16Array;
  readonly operators: readonly string[];
  /** The score range mapped to the colour ramp (worst, best); null without scores. */
  readonly scoreRange: readonly [number, number] | null;
}

export const HEADER_HEIGHT = 18;
const PADDING = 8;
/** The smallest space between generations, where the parent→child edges and their operator labels run. */
export const BAND_GAP = 22;
/** The largest node spacing: beyond it a few drones would look like buttons, not a population. */
export const MAX_SPACING = 64;

/** The smallest node spacing for a population size: roomy for small runs, dense for 10,000 drones. */
export function spacingFor(count: number): number {
  if (count <= 300) return 16;
  if (count <= 2000) return 11;
  return 8;
}

/** The space the layout may fill; without a height it fits the width only. */
export interface LayoutSpace {
  height?: number;
  /** A fixed node spacing (no fitting). */
  spacing?: number;
}

/** Total height of a layout with one line per generation. */
function stackedHeight(generations: number, spacing: number, gap: number): number {
  return 2 * PADDING + generations * (HEADER_HEIGHT + spacing) + Math.max(0, generations - 1) * gap;
}

const gapFor = (spacing: number) => Math.max(BAND_GAP, Math.round(spacing * 0.8));

/**
 * Node spacing and band gap for a run in a panel of `width` × `height`: the widest generation fills the width
 * (up to MAX_SPACING), shrunk until every generation fits the height (down to spacingFor(count), below which
 * generations wrap into lines and the panel scrolls); leftover height widens the gaps, so a small lineage fills
 * the panel instead of sitting in its top corner.
 */
export function fitSpacing(
  sizes: readonly number[],
  count: number,
  width: number,
  height?: number,
): { spacing: number; gap: number } {
  const min = spacingFor(count);
  const widest = Math.max(1, ...sizes);
  let spacing = Math.max(min, Math.min(MAX_SPACING, (width - 2 * PADDING) / widest));
  if (height !== undefined && height > 0) {
    while (spacing > min && stackedHeight(sizes.length, spacing, gapFor(spacing)) > height) {
      spacing = Math.max(min, spacing * 0.94);
    }
  }
  spacing = Math.floor(spacing * 2) / 2;
  let gap = gapFor(spacing);
  if (height !== undefined && sizes.length > 1 && spacing * widest <= width - 2 * PADDING) {
    const spare = height - stackedHeight(sizes.length, spacing, gap);
    if (spare > 0) gap = Math.min(gap + spare / (sizes.length - 1), spacing * 5);
  }
  return { spacing, gap: Math.round(gap) };
}

export function layoutLineage(input: LineageInput, width: number, space: LayoutSpace = {}): LineageLayout {
  const drones = input.drones;
  const n = drones.length;
  const kind = new Uint8Array(n);
  const bucket = new Int16Array(n).fill(-1);
  const scoreRange = bucketScores(drones, input.greaterIsBetter, kind, bucket);

  // Generations in order; inside one, better drones first, then pruned, timed-out and failed ones.
  const byGeneration = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = drones[i].generation;
    let list = byGeneration.get(g);
    if (!list) byGeneration.set(g, (list = []));
    list.push(i);
  }
  const generations = [...byGeneration.keys()].sort((a, b) => a - b);
  const fitted =
    space.spacing !== undefined
      ? { spacing: space.spacing, gap: gapFor(space.spacing) }
      : fitSpacing(
          generations.map((g) => byGeneration.get(g)!.length),
          n,
          width,
          space.height,
        );
  const { spacing, gap } = fitted;
  // Large nodes get relatively more room between them, so edges stay visible between neighbours.
  const radius = Math.max(2, spacing * (spacing > 24 ? 0.3 : 0.36));
  const sign = input.greaterIsBetter ? -1 : 1;
  const perLine = Math.max(1, Math.floor((width - 2 * PADDING) / spacing));

  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const band = new Int32Array(n);
  const order = new Int32Array(n);
  const lineY: number[] = [];
  const lineStart: number[] = [];
  const lineCount: number[] = [];
  const bands: { generation: number; top: number; count: number }[] = [];
  let cursor = PADDING;
  let at = 0;
  for (const g of generations) {
    const members = byGeneration.get(g)!;
    members.sort((a, b) => {
      if (kind[a] !== kind[b]) return kind[a] - kind[b];
      const sa = drones[a].score;
      const sb = drones[b].score;
      if (sa === null || sb === null || sa === sb) return a - b;
      return sign * (sa - sb);
    });
    if (bands.length > 0) cursor += gap;
    bands.push({ generation: g, top: cursor, count: members.length });
    cursor += HEADER_HEIGHT;
    for (let start = 0; start < members.length; start += perLine) {
      const count = Math.min(perLine, members.length - start);
      const cy = cursor + spacing / 2;
      // A line narrower than the panel is centred, so edges between generations stay short and symmetric.
      const offset = members.length <= perLine ? (width - 2 * PADDING - count * spacing) / 2 : 0;
      lineY.push(cy);
      lineStart.push(at);
      lineCount.push(count);
      for (let j = 0; j < count; j++) {
        const i = members[start + j];
        x[i] = PADDING + offset + spacing / 2 + j * spacing;
        y[i] = cy;
        band[i] = bands.length - 1;
        order[at++] = i;
      }
      cursor += spacing;
    }
  }

  const edges = collectEdges(input);
  return {
    count: n,
    width,
    height: cursor + PADDING,
    radius,
    spacing,
    gap,
    band,
    x,
    y,
    kind,
    bucket,
    order,
    lineY: Float32Array.from(lineY),
    lineStart: Int32Array.from(lineStart),
    lineCount: Int32Array.from(lineCount),
    bands,
    ...edges,
    scoreRange,
  };
}

/** The drone index under (px, py) in layout coordinates, or -1. */
export function nodeAt(layout: LineageLayout, px: number, py: number): number {
  const { lineY, spacing } = layout;
  let lo = 0;
  let hi = lineY.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lineY[mid] < py) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  let bestDistance = (spacing / 2) * (spacing / 2);
  for (const k of [lo - 1, lo]) {
    if (k < 0 || k >= lineY.length || Math.abs(lineY[k] - py) > spacing / 2) continue;
    const first = layout.order[layout.lineStart[k]];
    const slot = Math.round((px - layout.x[first]) / spacing);
    if (slot < 0 || slot >= layout.lineCount[k]) continue;
    const i = layout.order[layout.lineStart[k] + slot];
    const dx = layout.x[i] - px;
    const dy = layout.y[i] - py;
    const d = dx * dx + dy * dy;
    if (d <= bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}

/** The position in drawing order of a drone index (for keyboard navigation). */
export function orderIndex(layout: LineageLayout): Int32Array {
  const at = new Int32Array(layout.count);
  for (let p = 0; p < layout.order.length; p++) at[layout.order[p]] = p;
  return at;
}

function bucketScores(
  drones: readonly Drone[],
  greaterIsBetter: boolean,
  kind: Uint8Array,
  bucket: Int16Array,
): [number, number] | null {
  const scores: number[] = [];
  for (let i = 0; i < drones.length; i++) {
    const d = drones[i];
    kind[i] =
      d.status === 'ok'
        ? NodeKind.Ok
        : d.status === 'pruned'
          ? NodeKind.Pruned
          : d.status === 'timeout'
            ? NodeKind.Timeout
            : NodeKind.Failed;
    if (d.score !== null && Number.isFinite(d.score) && d.status !== 'failed') scores.push(d.score);
  }
  if (scores.length === 0) return null;
  scores.sort((a, b) => a - b);
  // Clip the worst 5 % so one disastrous drone does not wash out the colours of all the others.
  const clip = Math.floor(scores.length * 0.05);
  const worst = greaterIsBetter ? scores[clip] : scores[scores.length - 1 - clip];
  const best = greaterIsBetter ? scores[scores.length - 1] : scores[0];
  const span = best - worst;
  for (let i = 0; i < drones.length; i++) {
    const s = drones[i].score;
    if (s === null || !Number.isFinite(s) || drones[i].status === 'failed') continue;
    const t = span === 0 ? 1 : Math.min(1, Math.max(0, (s - worst) / span));
    bucket[i] = Math.round(t * (SCORE_BUCKETS - 1));
  }
  return [worst, best];
}

function collectEdges(input: LineageInput): {
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeOp: Uint16Array;
  operators: string[];
} {
  const from: number[] = [];
  const to: number[] = [];
  const op: number[] = [];
  const operators: string[] = [];
  const opIndex = new Map<string, number>();
  input.drones.forEach((d, i) => {
    if (d.parents.length === 0) return;
    let o = opIndex.get(d.operator);
    if (o === undefined) {
      o = operators.length;
      operators.push(d.operator);
      opIndex.set(d.operator, o);
    }
    for (const parent of d.parents) {
      const p = input.indexOf(parent);
      if (p < 0) continue;
      from.push(p);
      to.push(i);
      op.push(o);
    }
  });
  return {
    edgeFrom: Int32Array.from(from),
    edgeTo: Int32Array.from(to),
    edgeOp: Uint16Array.from(op),
    operators,
  };
}
