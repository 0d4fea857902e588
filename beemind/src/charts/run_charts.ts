/**
 * This module contains chart specs about a whole run: evolution history, lineage, Pareto front of score
 * against fit time, and the comparison of model families. Inputs are the drones of the event stream.
 */
import type { Drone } from '../protocol/events.js';
import { spec, type VegaLiteSpec } from './spec.js';

const STATUS_COLORS = {
  domain: ['ok', 'pruned', 'failed', 'timeout'],
  range: ['#2c7fb8', '#bbbbbb', '#d7301f', '#fd8d3c'],
};

/** Score of every finished drone in evaluation order, with the best-so-far line. */
export function historyChart(
  drones: readonly Drone[],
  metric: string,
  greaterIsBetter: boolean,
): VegaLiteSpec {
  let best: number | null = null;
  const values = drones.map((d, order) => {
    if (d.status === 'ok' && d.score !== null) {
      if (best === null || (greaterIsBetter ? d.score > best : d.score < best)) best = d.score;
    }
    return {
      order: order + 1,
      id: d.id,
      family: d.family,
      status: d.status,
      score: d.score,
      best,
      generation: d.generation,
    };
  });
  return spec({
    title: `Evolution of ${metric}`,
    data: { values },
    width: 480,
    height: 260,
    layer: [
      {
        mark: { type: 'point', filled: true, opacity: 0.7 },
        transform: [{ filter: 'datum.score !== null' }],
        encoding: {
          x: { field: 'order', type: 'quantitative', title: 'Evaluation' },
          y: { field: 'score', type: 'quantitative', title: metric, scale: { zero: false } },
          color: { field: 'family', type: 'nominal', title: 'Model family' },
          shape: { field: 'status', type: 'nominal', title: 'Status' },
          tooltip: ['id', 'family', 'status', 'generation', { field: 'score', format: '.4f' }],
        },
      },
      {
        mark: { type: 'line', interpolate: 'step-after', color: '#222' },
        transform: [{ filter: 'datum.best !== null' }],
        encoding: { x: { field: 'order', type: 'quantitative' }, y: { field: 'best', type: 'quantitative' } },
      },
    ],
  });
}

/** Generations left to right, drones stacked by score; an edge from each parent to its child. */
export function lineageChart(drones: readonly Drone[]): VegaLiteSpec {
  const byGeneration = new Map<number, Drone[]>();
  for (const d of drones) {
    const list = byGeneration.get(d.generation) ?? [];
    list.push(d);
    byGeneration.set(d.generation, list);
  }
  const position = new Map<string, { x: number; y: number }>();
  for (const [g, list] of byGeneration) {
    list
      .slice()
      .sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity))
      .forEach((d, rank) => position.set(d.id, { x: g, y: rank }));
  }
  const nodes = drones.map((d) => ({
    ...position.get(d.id)!,
    id: d.id,
    family: d.family,
    status: d.status,
    score: d.score,
    operator: d.operator,
  }));
  const edges = drones.flatMap((d) =>
    d.parents
      .filter((p) => position.has(p))
      .flatMap((p, k) => {
        const edge = `${p}->${d.id}#${k}`;
        return [
          { edge, operator: d.operator, ...position.get(p)! },
          { edge, operator: d.operator, ...position.get(d.id)! },
        ];
      }),
  );
  return spec({
    title: 'Population lineage',
    width: 480,
    height: 300,
    layer: [
      {
        data: { values: edges },
        mark: { type: 'line', opacity: 0.35 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'Generation', axis: { tickMinStep: 1 } },
          y: { field: 'y', type: 'quantitative', title: 'Rank in generation', scale: { reverse: true } },
          detail: { field: 'edge' },
          strokeDash: { field: 'operator', type: 'nominal', title: 'Operator' },
        },
      },
      {
        data: { values: nodes },
        mark: { type: 'circle', size: 70, stroke: '#333', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          color: { field: 'score', type: 'quantitative', title: 'Score', scale: { scheme: 'viridis' } },
          opacity: { condition: { test: "datum.status === 'ok'", value: 1 }, value: 0.35 },
          tooltip: ['id', 'family', 'operator', 'status', { field: 'score', format: '.4f' }],
        },
      },
    ],
  });
}

/** Score against fit time for every finished drone; the Pareto-optimal drones joined by a line. */
export function paretoChart(
  drones: readonly Drone[],
  paretoIds: readonly string[],
  metric: string,
): VegaLiteSpec {
  const front = new Set(paretoIds);
  const values = drones
    .filter((d) => d.status === 'ok' && d.score !== null)
    .map((d) => ({
      id: d.id,
      family: d.family,
      score: d.score,
      fitSeconds: Math.max(d.fitSeconds, 1e-4),
      pareto: front.has(d.id),
    }));
  return spec({
    title: `Pareto front: ${metric} against fit time`,
    data: { values },
    width: 420,
    height: 280,
    layer: [
      {
        mark: { type: 'point', filled: true },
        encoding: {
          x: { field: 'fitSeconds', type: 'quantitative', title: 'Fit seconds', scale: { type: 'log' } },
          y: { field: 'score', type: 'quantitative', title: metric, scale: { zero: false } },
          color: { field: 'family', type: 'nominal', title: 'Model family' },
          size: { condition: { test: 'datum.pareto', value: 120 }, value: 40 },
          tooltip: [
            'id',
            'family',
            { field: 'score', format: '.4f' },
            { field: 'fitSeconds', format: '.3f' },
          ],
        },
      },
      {
        transform: [{ filter: 'datum.pareto' }],
        mark: { type: 'line', color: '#222', strokeDash: [4, 3] },
        encoding: {
          x: { field: 'fitSeconds', type: 'quantitative', sort: 'ascending' },
          y: { field: 'score', type: 'quantitative' },
        },
      },
    ],
  });
}

/** Distribution of scores per model family (box plot), families sorted by their best score. */
export function modelComparisonChart(drones: readonly Drone[], metric: string): VegaLiteSpec {
  const values = drones
    .filter((d) => d.status === 'ok' && d.score !== null)
    .map((d) => ({ id: d.id, family: d.family, score: d.score }));
  return spec({
    title: `${metric} by model family`,
    data: { values },
    width: 420,
    height: { step: 26 },
    mark: { type: 'boxplot', extent: 'min-max' },
    encoding: {
      y: {
        field: 'family',
        type: 'nominal',
        title: null,
        sort: { op: 'max', field: 'score', order: 'descending' },
      },
      x: { field: 'score', type: 'quantitative', title: metric, scale: { zero: false } },
      color: { field: 'family', type: 'nominal', legend: null },
    },
  });
}

export { STATUS_COLORS };
