/**
 * This module contains the read side of run tracking: runs (listed, shown, compared), their drones,
 * leaderboards, events and out-of-fold predictions. Reads are single statements, so in WAL mode they
 * never wait for a running search nor make it wait.
 */
import os from 'node:os';
import { ConfigurationError } from '../core/errors.js';
import { printable, quote } from '../core/text.js';
import type { ColumnSchema } from '../data/schema.js';
import {
  droneNumber,
  type Drone,
  type LeaderboardRow,
  type Objective,
  type RunEvent,
} from '../protocol/events.js';
import { getScorer } from '../metrics/scorers.js';
import { genomeLabel } from '../search/genome.js';
import type { StoreDatabase as Database } from './sql.js';

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

export interface RunSummary {
  id: string;
  name: string;
  /** `running` only while the process that runs it is alive; a killed run reads as `interrupted`. */
  status: RunStatus;
  /** What ended it: time, evaluations, stagnation, exhausted, interrupted, error, or `process ended`. */
  reason: string | null;
  task: 'classification' | 'regression';
  target: string;
  metric: string;
  greaterIsBetter: boolean;
  seed: number;
  dataset: { name: string; rows: number; fingerprint: string };
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  evaluated: number;
  bestScore: number | null;
  championId: string | null;
  testScore: number | null;
  /** Processes that worked on it: 1, plus one per resume. */
  sessions: number;
  error: string | null;
  /** Who started it, and its project (null for runs recorded before stores were shared). */
  user: string | null;
  project: string | null;
  /** The machine and process that ran it last. */
  host: string | null;
}

export interface RunRecord extends RunSummary {
  /** The evolve() options of the run, as recorded when it started. */
  config: Record<string, unknown>;
  objectives: Objective[];
  features: ColumnSchema[];
  classes: string[] | null;
  leaderboard: LeaderboardRow[];
}

export interface ListRunsOptions {
  /** Newest first, at most this many (default all). */
  limit?: number;
  status?: RunStatus;
  /** Only the runs this person started. */
  user?: string;
  /** Only the runs of this project. */
  project?: string;
}

interface RunRow {
  id: string;
  name: string;
  status: RunStatus;
  reason: string | null;
  task: 'classification' | 'regression';
  target: string;
  metric: string;
  seed: number;
  config: string;
  objectives: string;
  dataset_name: string;
  dataset_rows: number;
  dataset_fingerprint: string;
  dataset_schema: string;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  evaluated: number;
  best_score: number | null;
  champion_id: string | null;
  test_score: number | null;
  error: string | null;
  pid: number | null;
  host: string | null;
  sessions: number;
  user_name: string | null;
  project: string | null;
}

interface DroneRow {
  id: string;
  generation: number;
  operator: string;
  parents: string;
  family: string;
  genome: string;
  status: Drone['status'];
  score: number | null;
  fold_scores: string;
  objectives: string;
  fit_seconds: number;
  predict_seconds: number;
  fraction: number;
  error: string | null;
}

/** Whether process `pid` on this host still exists. */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the run's metric is maximised: from its objectives, else from the scorer registry. */
function greaterIsBetter(metric: string, objectives: Objective[]): boolean {
  const objective = objectives.find((o) => o.name === metric);
  if (objective) return objective.direction === 'maximize';
  try {
    return getScorer(metric).greaterIsBetter;
  } catch {
    return true;
  }
}

function toSummary(row: RunRow): RunSummary {
  // a run left `running` by a process that no longer exists was killed: it reads as interrupted
  const orphaned =
    row.status === 'running' && row.pid !== null && row.host === os.hostname() && !processAlive(row.pid);
  return {
    id: row.id,
    name: row.name,
    status: orphaned ? 'interrupted' : row.status,
    reason: orphaned ? 'process ended' : row.reason,
    task: row.task,
    target: row.target,
    metric: row.metric,
    greaterIsBetter: greaterIsBetter(row.metric, JSON.parse(row.objectives)),
    seed: row.seed,
    dataset: { name: row.dataset_name, rows: row.dataset_rows, fingerprint: row.dataset_fingerprint },
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    evaluated: row.evaluated,
    bestScore: row.best_score,
    championId: row.champion_id,
    testScore: row.test_score,
    sessions: row.sessions,
    error: row.error,
    user: row.user_name,
    project: row.project,
    host: row.host,
  };
}

function toDrone(row: DroneRow): Drone {
  return {
    id: row.id,
    generation: row.generation,
    parents: JSON.parse(row.parents),
    operator: row.operator,
    genome: JSON.parse(row.genome),
    family: row.family,
    status: row.status,
    foldScores: JSON.parse(row.fold_scores),
    score: row.score,
    objectives: JSON.parse(row.objectives),
    fitSeconds: row.fit_seconds,
    predictSeconds: row.predict_seconds,
    fraction: row.fraction,
    ...(row.error !== null ? { error: row.error } : {}),
  };
}

/** The full id of the run `idOrPrefix` names (a unique prefix is enough). */
export function resolveRunId(db: Database, idOrPrefix: string): string {
  if (db.prepare('SELECT 1 FROM runs WHERE id = ?').get(idOrPrefix)) return idOrPrefix;
  const escaped = idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`);
  const matches = db
    .prepare("SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 3")
    .all(`${escaped}%`) as { id: string }[];
  if (matches.length === 1) return matches[0].id;
  if (matches.length > 1) {
    throw new ConfigurationError(
      'store.ambiguous_run',
      `run id ${quote(idOrPrefix)} matches several runs (${matches.map((m) => m.id).join(', ')}, …); give more characters.`,
    );
  }
  throw new ConfigurationError(
    'store.no_run',
    `there is no run ${quote(idOrPrefix)} in the experiment store ${printable(db.name, { inline: true })}; list them with \`beemind runs list\` or store.listRuns().`,
  );
}

export function listRuns(db: Database, options: ListRunsOptions = {}): RunSummary[] {
  const where: string[] = [];
  const params: string[] = [];
  if (options.user !== undefined) {
    where.push('user_name = ?');
    params.push(options.user);
  }
  if (options.project !== undefined) {
    where.push('project = ?');
    params.push(options.project);
  }
  const filter = where.length ? `WHERE ${where.join(' AND ')} ` : '';
  const rows = db
    .prepare(`SELECT * FROM runs ${filter}ORDER BY started_at DESC, rowid DESC`)
    .all(...params) as RunRow[];
  let runs = rows.map(toSummary);
  if (options.status) runs = runs.filter((r) => r.status === options.status);
  return options.limit !== undefined ? runs.slice(0, options.limit) : runs;
}

/**
 * Every drone of a run, in the order the search proposed them (d1, d2, …): the run's own order, which breaks ties
 * on the leaderboard. They are recorded as each finishes, which varies between runs of the same seed.
 */
export function runDrones(db: Database, runId: string): Drone[] {
  const rows = db.prepare('SELECT * FROM drones WHERE run_id = ? ORDER BY rowid').all(runId) as DroneRow[];
  return rows.map(toDrone).sort((a, b) => droneNumber(a.id) - droneNumber(b.id));
}

/** Out-of-fold predictions of the run's drones that have them (ok drones evaluated on all rows). */
export function runPredictions(db: Database, runId: string): Map<string, Float64Array> {
  const rows = db
    .prepare('SELECT id, predictions FROM drones WHERE run_id = ? AND predictions IS NOT NULL')
    .all(runId) as { id: string; predictions: Buffer }[];
  const out = new Map<string, Float64Array>();
  for (const r of rows) {
    // copy into an aligned buffer: SQLite's bytes may start at any offset
    const values = new Float64Array(r.predictions.byteLength / 8);
    new Uint8Array(values.buffer).set(r.predictions);
    out.set(r.id, values);
  }
  return out;
}

/** The run's events in the order they were recorded. */
export function runEvents(db: Database, runId: string): RunEvent[] {
  const rows = db.prepare('SELECT payload FROM events WHERE run_id = ? ORDER BY id').all(runId) as {
    payload: string;
  }[];
  return rows.map((r) => JSON.parse(r.payload) as RunEvent);
}

/** Ok drones ranked by score (earlier drones first on ties), as in a finished run's leaderboard. */
export function leaderboardOf(drones: readonly Drone[], greaterIsBetterScore: boolean): LeaderboardRow[] {
  const sign = greaterIsBetterScore ? -1 : 1;
  return drones
    .map((d, order) => ({ d, order }))
    .filter(({ d }) => d.status === 'ok' && d.score !== null)
    .sort((a, b) => sign * (a.d.score! - b.d.score!) || a.order - b.order)
    .map(({ d }, i) => {
      const mean = d.foldScores.reduce((s, v) => s + v, 0) / Math.max(1, d.foldScores.length);
      const std = Math.sqrt(
        d.foldScores.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, d.foldScores.length),
      );
      return {
        rank: i + 1,
        id: d.id,
        family: d.family,
        score: d.score!,
        std,
        fitSeconds: d.fitSeconds,
        generation: d.generation,
      };
    });
}

export function getRun(db: Database, idOrPrefix: string): RunRecord {
  const id = resolveRunId(db, idOrPrefix);
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow;
  const summary = toSummary(row);
  const schema = JSON.parse(row.dataset_schema) as { features: ColumnSchema[]; classes: string[] | null };
  return {
    ...summary,
    config: JSON.parse(row.config),
    objectives: JSON.parse(row.objectives),
    features: schema.features,
    classes: schema.classes,
    leaderboard: leaderboardOf(runDrones(db, id), summary.greaterIsBetter),
  };
}

export interface ComparisonEntry {
  droneId: string;
  family: string;
  score: number;
  pipeline: string;
}

export interface RunComparison {
  runs: RunSummary[];
  /** Row k holds every run's k-th best drone (null where a run has fewer). */
  rows: { rank: number; entries: (ComparisonEntry | null)[] }[];
}

/** The leaderboards of several runs side by side, best `top` drones each. */
export function compareRuns(db: Database, ids: readonly string[], top = 10): RunComparison {
  const records = ids.map((id) => getRun(db, id));
  const boards = records.map((r) => {
    const drones = new Map(runDrones(db, r.id).map((d) => [d.id, d]));
    return r.leaderboard.slice(0, top).map((row) => ({
      droneId: row.id,
      family: row.family,
      score: row.score,
      pipeline: genomeLabel(drones.get(row.id)!.genome),
    }));
  });
  const depth = Math.max(0, ...boards.map((b) => b.length));
  const rows = Array.from({ length: depth }, (_, k) => ({
    rank: k + 1,
    entries: boards.map((b) => b[k] ?? null),
  }));
  const runs = records.map((r) =>
    toSummary(db.prepare('SELECT * FROM runs WHERE id = ?').get(r.id) as RunRow),
  );
  return { runs, rows };
}

/** Every stored run's events (newest `limit` runs, in start order), for a reopened notebook's panels. */
export function runSnapshotsFromStore(db: Database, limit = 20): { runId: string; events: RunEvent[] }[] {
  const ids = (
    db.prepare('SELECT id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit) as {
      id: string;
    }[]
  ).map((r) => r.id);
  return ids.reverse().map((runId) => ({ runId, events: withEnding(db, runId, runEvents(db, runId)) }));
}

/**
 * A run's events, ended as the store reads them: a run whose recording process died (a killed kernel) never
 * recorded its run.finished, and would show as running for ever; it gets the ending its summary gives it
 * (interrupted, `process ended`, no champion), so panels and other readers see it stopped.
 */
function withEnding(db: Database, runId: string, events: RunEvent[]): RunEvent[] {
  if (events.some((e) => e.type === 'run.finished')) return events;
  // the summary first: a run still being recorded needs no leaderboard
  const run = toSummary(db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow);
  if (run.status === 'running') return events;
  const started = Date.parse(run.startedAt);
  const ended = Date.parse(run.updatedAt);
  return [
    ...events,
    {
      type: 'run.finished',
      runId,
      time: new Date(ended).toISOString(),
      status: run.status,
      reason: run.reason ?? 'process ended',
      championId: null,
      ensemble: null,
      leaderboard: leaderboardOf(runDrones(db, runId), run.greaterIsBetter),
      testScore: null,
      elapsedSeconds: Math.max(0, (ended - started) / 1000),
      evaluated: run.evaluated,
    },
  ];
}
