/**
 * This module contains the sortable leaderboard table of the comparison panel: finished drones of the
 * compared runs, sorted by any column (click a header; again to reverse), a click on a row selects the drone.
 */
import type { Drone } from 'beemind/events';
import { el } from '../dom.js';
import { foldStd, formatScore, formatSeconds, pipelineText } from '../format.js';
import type { RunState } from '../model/run.js';

export type SortKey = 'run' | 'id' | 'family' | 'score' | 'std' | 'fitSeconds' | 'generation';

export interface SortState {
  key: SortKey;
  /** 1 ascending, -1 descending; for `score` "ascending" means best first. */
  direction: 1 | -1;
}

export interface LeaderboardRow {
  run: RunState;
  runIndex: number;
  drone: Drone;
  std: number;
}

const COLUMNS: { key: SortKey; label: (metric: string) => string; numeric: boolean }[] = [
  { key: 'run', label: () => 'run', numeric: false },
  { key: 'id', label: () => 'drone', numeric: false },
  { key: 'family', label: () => 'family', numeric: false },
  { key: 'score', label: (metric) => metric, numeric: true },
  { key: 'std', label: () => '± std', numeric: true },
  { key: 'fitSeconds', label: () => 'fit', numeric: true },
  { key: 'generation', label: () => 'gen', numeric: true },
];

/** Finished drones (status ok, with a score) of the given runs. */
export function leaderboardRows(runs: readonly RunState[]): LeaderboardRow[] {
  const rows: LeaderboardRow[] = [];
  runs.forEach((run, runIndex) => {
    for (const drone of run.drones) {
      if (drone.status === 'ok' && drone.score !== null && Number.isFinite(drone.score)) {
        rows.push({ run, runIndex, drone, std: foldStd(drone.foldScores) });
      }
    }
  });
  return rows;
}

/** Sorts rows in place; score sorts best first within each run's own metric direction. */
export function sortRows(rows: LeaderboardRow[], sort: SortState): LeaderboardRow[] {
  const d = sort.direction;
  const cmp = (a: LeaderboardRow, b: LeaderboardRow): number => {
    switch (sort.key) {
      case 'run':
        return d * (a.runIndex - b.runIndex);
      case 'id':
        return d * a.drone.id.localeCompare(b.drone.id, undefined, { numeric: true });
      case 'family':
        return d * a.drone.family.localeCompare(b.drone.family);
      case 'score': {
        const sign = a.run.greaterIsBetter ? -1 : 1;
        return d * sign * (a.drone.score! - b.drone.score!);
      }
      case 'std':
        return d * (a.std - b.std);
      case 'fitSeconds':
        return d * (a.drone.fitSeconds - b.drone.fitSeconds);
      case 'generation':
        return d * (a.drone.generation - b.drone.generation);
    }
  };
  return rows.sort(
    (a, b) =>
      cmp(a, b) ||
      a.runIndex - b.runIndex ||
      a.drone.id.localeCompare(b.drone.id, undefined, { numeric: true }),
  );
}

export function leaderboardTable(
  rows: readonly LeaderboardRow[],
  options: {
    metric: string;
    sort: SortState;
    limit: number;
    showRun: boolean;
    runLabel(run: RunState): string;
    selected: { runId: string; droneId: string } | null;
    onSort(key: SortKey): void;
    onSelect(row: LeaderboardRow): void;
  },
): HTMLElement {
  const table = el('table', {
    className: 'jp-BeeMind-leaderboard',
    attrs: { 'data-row-count': String(Math.min(rows.length, options.limit)) },
  });
  const head = el('tr');
  for (const col of COLUMNS) {
    if (col.key === 'run' && !options.showRun) continue;
    const active = options.sort.key === col.key;
    const ascending = options.sort.direction === 1;
    const th = el('th', {
      text: col.label(options.metric),
      attrs: {
        scope: 'col',
        role: 'columnheader',
        tabindex: '0',
        'data-key': col.key,
        'aria-sort': active ? (ascending === (col.key !== 'score') ? 'ascending' : 'descending') : 'none',
      },
      className: `${col.numeric ? 'jp-mod-numeric' : ''}${active ? ' jp-mod-sorted' : ''}`,
    });
    th.addEventListener('click', () => options.onSort(col.key));
    th.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        options.onSort(col.key);
      }
    });
    head.appendChild(th);
  }
  table.appendChild(el('thead', {}, [head]));
  const body = el('tbody');
  for (const row of rows.slice(0, options.limit)) {
    const d = row.drone;
    const selected = options.selected?.runId === row.run.runId && options.selected.droneId === d.id;
    const tr = el('tr', {
      className: selected ? 'jp-mod-selected' : '',
      title: pipelineText(d),
      attrs: { 'data-drone-id': d.id, 'data-run-id': row.run.runId },
    });
    const cells: [string, boolean][] = [
      ...(options.showRun ? ([[options.runLabel(row.run), false]] as [string, boolean][]) : []),
      [d.id, false],
      [d.family, false],
      [formatScore(d.score), true],
      [formatScore(row.std), true],
      [formatSeconds(d.fitSeconds), true],
      [String(d.generation), true],
    ];
    for (const [text, numeric] of cells)
      tr.appendChild(el('td', { text, className: numeric ? 'jp-mod-numeric' : '' }));
    tr.addEventListener('click', () => options.onSelect(row));
    body.appendChild(tr);
  }
  table.appendChild(body);
  return table;
}
