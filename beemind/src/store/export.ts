/**
 * This module contains the exports of a run's drones: CSV (one row per drone, fold scores and objectives
 * in their own columns, the genome as JSON) for spreadsheets and pandas, and JSON (the run and its drones
 * exactly as recorded).
 */
import type { Drone } from '../protocol/events.js';
import { genomeLabel } from '../search/genome.js';
import type { RunRecord } from './queries.js';

export type DroneExportFormat = 'csv' | 'json';

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function dronesToCSV(run: RunRecord, drones: readonly Drone[]): string {
  const folds = Math.max(0, ...drones.map((d) => d.foldScores.length));
  const objectiveNames = run.objectives.map((o) => o.name);
  const header = [
    'id',
    'generation',
    'operator',
    'parents',
    'family',
    'status',
    run.metric,
    ...Array.from({ length: folds }, (_, k) => `fold_${k + 1}`),
    ...objectiveNames.map((n) => `objective_${n}`),
    'fit_seconds',
    'predict_seconds',
    'fraction',
    'pipeline',
    'genome',
    'error',
  ];
  const lines = [header.map(csvField).join(',')];
  for (const d of drones) {
    const row = [
      d.id,
      d.generation,
      d.operator,
      d.parents.join(' '),
      d.family,
      d.status,
      d.score,
      ...Array.from({ length: folds }, (_, k) => d.foldScores[k]),
      ...objectiveNames.map((_, j) => d.objectives[j]),
      d.fitSeconds,
      d.predictSeconds,
      d.fraction,
      genomeLabel(d.genome),
      JSON.stringify(d.genome),
      d.error,
    ];
    lines.push(row.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function dronesToJSON(run: RunRecord, drones: readonly Drone[]): string {
  return `${JSON.stringify({ format: 'beemind.run-drones', version: 1, run, drones }, null, 2)}\n`;
}

export function exportDrones(run: RunRecord, drones: readonly Drone[], format: DroneExportFormat): string {
  return format === 'csv' ? dronesToCSV(run, drones) : dronesToJSON(run, drones);
}
