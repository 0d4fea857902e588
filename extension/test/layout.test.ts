// The lineage layout: one node per drone, generations in order, best first, edges, colour buckets, hit testing.
import { RunState } from '../src/model/run.js';
import {
  MAX_SPACING,
  NodeKind,
  fitSpacing,
  layoutLineage,
  nodeAt,
  orderIndex,
} from '../src/lineage/layout.js';
import { drawLineage } from '../src/lineage/draw.js';
import type { ThemeColors } from '../src/theme.js';
import { paretoFront, boxStats, quantile } from '../src/charts/stats.js';
import { linearScale, logScale } from '../src/charts/axis.js';
import { SCORE_BUCKETS } from '../src/theme.js';
import { syntheticRun } from './synthetic.js';

function runOf(drones: number, generations: number, seed = 0): RunState {
  const run = new RunState(`run-${seed}`);
  for (const e of syntheticRun({ drones, generations, seed })) run.fold(e);
  return run;
}

describe('layoutLineage', () => {
  const run = runOf(300, 6);
  const layout = layoutLineage(run, 320);

  it('places every drone once, generation bands top to bottom', () => {
    expect(layout.count).toBe(300);
    expect(new Set(layout.order).size).toBe(300);
    expect(layout.bands.map((b) => b.generation)).toEqual([0, 1, 2, 3, 4, 5]);
    const top = new Map<number, number>();
    const bottom = new Map<number, number>();
    run.drones.forEach((d, i) => {
      top.set(d.generation, Math.min(top.get(d.generation) ?? Infinity, layout.y[i]));
      bottom.set(d.generation, Math.max(bottom.get(d.generation) ?? -Infinity, layout.y[i]));
    });
    for (let g = 1; g < 6; g++) expect(bottom.get(g - 1)!).toBeLessThan(top.get(g)!);
    const xs = Array.from(layout.x);
    expect(Math.min(...xs)).toBeGreaterThan(0);
    expect(Math.max(...xs)).toBeLessThan(320);
  });

  it('puts the better scores first inside a generation, failed drones last', () => {
    for (const band of layout.bands) {
      const members = Array.from(layout.order).filter((i) => run.drones[i].generation === band.generation);
      const kinds = members.map((i) => layout.kind[i]);
      expect([...kinds].sort((a, b) => a - b)).toEqual(kinds);
      const ok = members.filter((i) => layout.kind[i] === NodeKind.Ok).map((i) => run.drones[i].score!);
      expect([...ok].sort((a, b) => b - a)).toEqual(ok);
    }
  });

  it('finds every drone at its own centre and nothing between generations', () => {
    const missed: number[] = [];
    for (let i = 0; i < layout.count; i++) {
      if (nodeAt(layout, layout.x[i], layout.y[i]) !== i) missed.push(i);
      if (nodeAt(layout, layout.x[i] + layout.radius * 0.5, layout.y[i] - layout.radius * 0.5) !== i)
        missed.push(i);
    }
    expect(missed).toEqual([]);
    expect(nodeAt(layout, 2, 2)).toBe(-1);
    expect(nodeAt(layout, 5000, 5000)).toBe(-1);
    const header = layout.bands[1].top + 2;
    expect(nodeAt(layout, layout.x[layout.order[0]], header)).toBe(-1);
  });

  it('draws one edge per known parent, labelled with the child’s operator', () => {
    const expected = run.drones.reduce((n, d) => n + d.parents.filter((p) => run.indexOf(p) >= 0).length, 0);
    expect(layout.edgeFrom.length).toBe(expected);
    const wrong: number[] = [];
    for (let k = 0; k < layout.edgeFrom.length; k++) {
      const child = run.drones[layout.edgeTo[k]];
      const ok =
        child.parents.includes(run.drones[layout.edgeFrom[k]].id) &&
        layout.operators[layout.edgeOp[k]] === child.operator;
      if (!ok) wrong.push(k);
    }
    expect(wrong).toEqual([]);
  });

  it('colours scores from worst to best and leaves drones without a score uncoloured', () => {
    const wrong = run.drones.filter((d, i) =>
      d.score === null || d.status === 'failed' ? layout.bucket[i] !== -1 : layout.bucket[i] < 0,
    );
    expect(wrong).toEqual([]);
    const best = run.indexOf(run.bestDrone!.id);
    expect(layout.bucket[best]).toBe(SCORE_BUCKETS - 1);
  });

  it('reverses the colours for a metric where lower is better', () => {
    const events = syntheticRun({ drones: 50, generations: 2 });
    const started = events[0];
    if (started.type !== 'run.started') throw new Error('run.started first');
    events[0] = { ...started, metric: 'rmse', objectives: [{ name: 'rmse', direction: 'minimize' }] };
    const lower = new RunState('r');
    for (const e of events) lower.fold(e);
    const l = layoutLineage(lower, 300);
    const ok = lower.drones.map((d, i) => ({ d, i })).filter(({ d }) => d.status === 'ok');
    const min = ok.reduce((a, b) => (b.d.score! < a.d.score! ? b : a));
    expect(l.bucket[min.i]).toBe(SCORE_BUCKETS - 1);
  });

  it('lays out 10,000 drones with a position map for keyboard navigation', () => {
    const big = runOf(10_000, 50, 3);
    const l = layoutLineage(big, 360);
    expect(l.count).toBe(10_000);
    const at = orderIndex(l);
    for (let p = 0; p < l.order.length; p += 97) expect(at[l.order[p]]).toBe(p);
    expect(l.height).toBeGreaterThan(l.bands.length * 18);
  });

  it('lays out an empty run', () => {
    const l = layoutLineage(new RunState('empty'), 300);
    expect(l.count).toBe(0);
    expect(nodeAt(l, 10, 10)).toBe(-1);
  });
});

describe('lineage sized to the panel', () => {
  // A dozen drones in a 420 px sidebar: the example of the issue (a strip of 8 px dots before).
  const small = runOf(12, 2, 5);
  const layout = layoutLineage(small, 420, { height: 600 });

  it('makes a dozen drones large and spreads them over the width and the height', () => {
    expect(layout.spacing).toBeGreaterThanOrEqual(48);
    expect(layout.radius).toBeGreaterThanOrEqual(12);
    const xs = Array.from(layout.x);
    expect(Math.max(...xs) - Math.min(...xs) + 2 * layout.radius).toBeGreaterThan(420 * 0.6);
    expect(layout.height).toBeGreaterThan(600 * 0.6);
    expect(layout.height).toBeLessThanOrEqual(600);
    // every drone still found at its centre after the resizing
    for (let i = 0; i < layout.count; i++) expect(nodeAt(layout, layout.x[i], layout.y[i])).toBe(i);
  });

  it('shrinks nodes to fit the height, and keeps 10,000 drones dense (scrolled, not squeezed)', () => {
    const tall = layoutLineage(runOf(60, 6, 2), 420, { height: 400 });
    expect(tall.height).toBeLessThanOrEqual(400);
    expect(tall.spacing).toBeLessThan(layout.spacing);
    const big = layoutLineage(runOf(10_000, 50, 3), 420, { height: 600 });
    expect(big.spacing).toBe(8);
    expect(big.height).toBeGreaterThan(600);
  });

  it('never makes nodes larger than MAX_SPACING, and fits the width alone without a height', () => {
    expect(fitSpacing([2, 2], 4, 2000, 2000).spacing).toBe(MAX_SPACING);
    const widthOnly = layoutLineage(small, 420);
    expect(widthOnly.spacing).toBe(layout.spacing);
    expect(widthOnly.gap).toBeLessThan(layout.gap);
  });

  it('writes operator labels in the gaps between generations, never over a node, at any zoom', () => {
    for (const zoom of [1, 2.5]) {
      const texts = recordText(layout, zoom);
      const labels = texts.filter((t) => layout.operators.includes(t.text));
      expect(labels.length).toBeGreaterThan(0);
      for (const label of labels) {
        for (let i = 0; i < layout.count; i++) {
          const sx = layout.x[i] * zoom;
          const sy = layout.y[i] * zoom;
          const r = layout.radius * zoom;
          const overlaps = Math.abs(label.x - sx) < label.width / 2 + r && Math.abs(label.y - sy) < 7 + r;
          expect(overlaps).toBe(false);
        }
      }
      // the generation headers keep their screen position and size whatever the zoom
      expect(texts.filter((t) => t.text.startsWith('generation')).every((t) => t.x === 9)).toBe(true);
    }
  });
});

/** The text drawLineage writes (screen coordinates), with a canvas context that only records. */
function recordText(layout: ReturnType<typeof layoutLineage>, zoom: number) {
  const texts: { text: string; x: number; y: number; width: number }[] = [];
  const ctx = new Proxy(
    {
      measureText: (text: string) => ({ width: text.length * 6 }),
      fillText: (text: string, x: number, y: number) =>
        texts.push({ text, x, y, width: text.length * 6 + 6 }),
    } as Record<string, unknown>,
    {
      get: (target, key: string) => (key in target ? target[key] : () => undefined),
      set: () => true,
    },
  ) as unknown as CanvasRenderingContext2D;
  const colors = new Proxy({}, { get: () => '#888' }) as ThemeColors;
  drawLineage(ctx, layout, {
    zoom,
    scrollLeft: 0,
    scrollTop: 0,
    width: 420 * zoom,
    height: layout.height * zoom,
    colors,
    pareto: new Uint8Array(layout.count),
    champions: [],
    selected: -1,
    hovered: -1,
    edgeLabels: 'auto',
    bandLabel: (g, n) => `generation ${g} · ${n} drones`,
  });
  return texts;
}

describe('chart statistics', () => {
  it('computes quartiles as numpy does', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75);
    expect(boxStats([4, 1, 3, 2, NaN])).toEqual({
      count: 4,
      min: 1,
      q1: 1.75,
      median: 2.5,
      q3: 3.25,
      max: 4,
    });
    expect(boxStats([])).toBeNull();
  });

  it('finds the score / fit-time Pareto front in either direction', () => {
    const score = [0.9, 0.8, 0.95, 0.7, 0.95];
    const cost = [1, 0.5, 3, 0.1, 2];
    expect(paretoFront(score, cost, true)).toEqual([3, 1, 0, 4]);
    expect(paretoFront([1, 2, 0.5], [1, 1, 2], false)).toEqual([0, 2]);
  });

  it('makes round ticks labelled with the decimals their step needs', () => {
    const x = linearScale(0.912, 0.968, 0, 100, 4);
    expect(x.ticks).toEqual([0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97]);
    expect(x.format(0.93)).toBe('0.93');
    expect(x(0.91)).toBe(0);
    expect(x(0.97)).toBeCloseTo(100);
    const flat = linearScale(2, 2, 0, 10);
    expect(flat.domain[0]).toBeLessThan(2);
    expect(flat.domain[1]).toBeGreaterThan(2);
    const t = logScale(0.0004, 2, 0, 100);
    expect(t.ticks).toEqual([0.0001, 0.001, 0.01, 0.1, 1, 10]);
    expect(t(0.001)).toBeCloseTo(20);
  });
});
