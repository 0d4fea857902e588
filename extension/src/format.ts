/**
 * This module contains how numbers, durations and drones are written in the panels (plain strings only).
 */
import type { Drone, RunFinished } from 'beemind/events';

/** Digit grouping of whole numbers, fixed to one locale so that the panels read the same everywhere. */
const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * A metric value (or any measured number) with sensible digits: 4 decimals below 1 (0.9567), 4 significant
 * digits up to 1,000 (12.35, 123.5), grouped whole numbers up to a million (12,346), exponent form when tiny or
 * huge (3.36e-5, 1.23e7); integers as they are (grouped).
 */
export function formatScore(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  const a = Math.abs(v);
  if (Number.isInteger(v)) return a < 1e15 ? GROUPED.format(v) : exponent(v);
  if (a < 1e-3 || a >= 1e6) return exponent(v);
  if (a < 1) return v.toFixed(4);
  if (a >= 1000) return GROUPED.format(v);
  return v.toFixed(3 - Math.floor(Math.log10(a)));
}

/** An attribution or other signed contribution: its sign always written (+0.1234, -0.0456). */
/**
 * A champion that combines drones, in words: a weighted ensemble with each member's weight, or a stack with each
 * member's share of its level-2 model.
 */
export function combinationText(ensemble: NonNullable<RunFinished['ensemble']>): string {
  const members = ensemble.members.map((m) => `${m.id} (${formatScore(m.weight)})`).join(', ');
  return ensemble.kind === 'stack'
    ? `stack of ${members}, combined by a level-2 model`
    : `weighted ensemble of ${members}`;
}

export function formatSigned(v: number | null | undefined): string {
  const text = formatScore(v);
  return typeof v === 'number' && v > 0 && Number.isFinite(v) ? `+${text}` : text;
}

/** Exponent form with 3 significant digits and no "+" in the exponent: 3.36e-5, 1.23e7. */
function exponent(v: number): string {
  return v.toExponential(2).replace('e+', 'e');
}

/**
 * A duration in the unit that reads best: 3.4 µs, 0.34 ms, 12.5 ms, 345 ms, 2.35 s, 12.3 s, 2 min 5 s.
 * Fit and predict times of small models are fractions of a millisecond, so milliseconds keep 2 decimals.
 */
export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s) || s < 0) return '—';
  if (s === 0) return '0 ms';
  const ms = s * 1000;
  if (ms < 0.01) return `${Number((ms * 1000).toPrecision(2))} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (s < 1) return `${ms.toFixed(0)} ms`;
  if (s < 10) return `${s.toFixed(2)} s`;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** A duration for an axis tick at a round value: no trailing zeros (0.1 ms, 1 ms, 10 ms, 1 s). */
export function formatSecondsTick(s: number): string {
  return formatSeconds(s).replace(/\.(\d*?)0+(?= )/, (_, kept: string) => (kept ? `.${kept}` : ''));
}

/**
 * Standard deviation of fold scores over the folds themselves (divided by their number, as the library's
 * leaderboard and scikit-learn's `std_test_score` compute it), so the panels and `run.leaderboard` agree.
 */
export function foldStd(scores: readonly number[]): number {
  if (scores.length < 2) return 0;
  let mean = 0;
  for (const s of scores) mean += s;
  mean /= scores.length;
  let ss = 0;
  for (const s of scores) ss += (s - mean) * (s - mean);
  return Math.sqrt(ss / scores.length);
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

/** A data or hyperparameter value as written: numbers without float noise (5.1, 0.1, 1e-7), text clipped. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'missing';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'missing' : formatScore(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-4 || a >= 1e9) ? exponent(v) : String(Number(v.toPrecision(6)));
  }
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
