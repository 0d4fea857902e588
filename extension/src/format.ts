/**
 * This module contains how numbers, durations and drones are written in the panels (plain strings only).
 */
import type { Drone } from 'beemind/events';

/** A metric value with 4 significant decimals, or scientific notation when tiny or huge. */
export function formatScore(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(4);
}

export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  if (s < 0.001) return `${(s * 1e6).toFixed(0)} µs`;
  if (s < 1) return `${(s * 1000).toFixed(s < 0.01 ? 1 : 0)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Standard deviation of fold scores (0 for fewer than two). */
export function foldStd(scores: readonly number[]): number {
  if (scores.length < 2) return 0;
  let mean = 0;
  for (const s of scores) mean += s;
  mean /= scores.length;
  let ss = 0;
  for (const s of scores) ss += (s - mean) * (s - mean);
  return Math.sqrt(ss / (scores.length - 1));
}

/** The pipeline of a drone as "step → step → family". */
export function pipelineText(drone: Drone): string {
  return [...drone.genome.steps.map((s) => s.kind), drone.genome.model.family].join(' → ');
}

/** Hyperparameters as "name=value" pairs, shortened. */
export function paramsText(params: Record<string, unknown>, max = 6): string {
  const entries = Object.entries(params);
  const shown = entries.slice(0, max).map(([k, v]) => `${k}=${formatValue(v)}`);
  if (entries.length > max) shown.push(`… ${entries.length - max} more`);
  return shown.join(', ');
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return formatScore(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (typeof v === 'string') return v.length > 40 ? `${v.slice(0, 39)}…` : v;
  return JSON.stringify(v) ?? String(v);
}

/** The lines of a drone's hover summary. */
export function droneSummary(
  drone: Drone,
  metric: string,
  extra: { champion: 'champion' | 'ensemble member' | null; pareto: boolean },
): string[] {
  const lines = [`${drone.id} · generation ${drone.generation} · ${drone.family}`];
  const tags = [extra.champion ?? '', extra.pareto ? 'Pareto front' : ''].filter(Boolean).join(', ');
  if (tags) lines.push(tags);
  const origin = drone.parents.length ? `${drone.operator} of ${drone.parents.join(' × ')}` : drone.operator;
  lines.push(`made by ${origin}`);
  if (drone.status === 'ok' || drone.status === 'pruned') {
    const std = foldStd(drone.foldScores);
    lines.push(
      `${metric} ${formatScore(drone.score)}${drone.foldScores.length > 1 ? ` ± ${formatScore(std)} (${drone.foldScores.length} folds)` : ''}`,
    );
  }
  if (drone.status !== 'ok')
    lines.push(
      `status: ${drone.status}${drone.fraction < 1 ? ` at ${Math.round(drone.fraction * 100)}% of rows` : ''}`,
    );
  if (drone.error)
    lines.push(`error: ${drone.error.length > 300 ? `${drone.error.slice(0, 299)}…` : drone.error}`);
  lines.push(`fit ${formatSeconds(drone.fitSeconds)}, predict ${formatSeconds(drone.predictSeconds)}`);
  lines.push(pipelineText(drone));
  const params = paramsText(drone.genome.model.params);
  if (params) lines.push(params);
  return lines;
}
