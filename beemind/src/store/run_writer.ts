/**
 * This module contains the write side of run tracking: one short transaction per event, which appends the
 * event and updates the run's row and (for drone.evaluated) inserts the drone with its out-of-fold
 * predictions, so every drone is durable once its event has been emitted. Writing the same run.started or
 * drone.evaluated again (a retry after the connection dropped during a commit that went through) adds nothing.
 */
import os from 'node:os';
import type { Drone, RunEvent, RunFinished, RunStarted } from '../protocol/events.js';
import { genomeKey } from '../search/genome.js';
import { currentUser, DEFAULT_PROJECT } from '../core/identity.js';
import type { StoreDatabase as Database } from './sql.js';

function appendEvent(db: Database, event: RunEvent): void {
  db.prepare('INSERT INTO events (run_id, type, time, payload) VALUES (?, ?, ?, ?)').run(
    event.runId,
    event.type,
    event.time,
    JSON.stringify(event),
  );
}

/** Inserts the run's row; false when it is there already. */
function insertRun(db: Database, e: RunStarted): boolean {
  return (
    db
      .prepare(
        `INSERT INTO runs (id, name, status, task, target, metric, seed, config, objectives, dataset_name, dataset_rows,
       dataset_fingerprint, dataset_schema, started_at, updated_at, pid, host, sessions, user_name, project)
     VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(
        e.runId,
        e.name,
        e.dataset.task,
        e.dataset.target,
        e.metric,
        e.seed,
        JSON.stringify(e.config),
        JSON.stringify(e.objectives),
        e.dataset.name,
        e.dataset.rows,
        e.dataset.fingerprint,
        JSON.stringify({ features: e.dataset.features, classes: e.dataset.classes }),
        e.time,
        e.time,
        process.pid,
        os.hostname(),
        e.user ?? currentUser(),
        e.project ?? DEFAULT_PROJECT,
      ).changes === 1
  );
}

/** Float64 values as little-endian bytes (the layout of every platform Node runs on). */
function predictionBytes(p: Float64Array | undefined): Buffer | null {
  return p ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : null;
}

/** Inserts the drone and counts it in its run; false when it is there already. */
function insertDrone(
  db: Database,
  runId: string,
  time: string,
  d: Drone,
  predictions?: Float64Array,
): boolean {
  const inserted =
    db
      .prepare(
        `INSERT INTO drones (run_id, id, generation, operator, parents, family, genome, genome_key, status, score, fold_scores,
       objectives, fit_seconds, predict_seconds, fraction, error, evaluated_at, predictions)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, id) DO NOTHING`,
      )
      .run(
        runId,
        d.id,
        d.generation,
        d.operator,
        JSON.stringify(d.parents),
        d.family,
        JSON.stringify(d.genome),
        genomeKey(d.genome),
        d.status,
        d.score,
        JSON.stringify(d.foldScores),
        JSON.stringify(d.objectives),
        d.fitSeconds,
        d.predictSeconds,
        d.fraction,
        d.error ?? null,
        time,
        predictionBytes(predictions),
      ).changes === 1;
  if (inserted)
    db.prepare('UPDATE runs SET evaluated = evaluated + 1, updated_at = ? WHERE id = ?').run(time, runId);
  return inserted;
}

function finish(db: Database, e: RunFinished): void {
  const best = e.leaderboard[0];
  db.prepare(
    `UPDATE runs SET status = ?, reason = ?, finished_at = ?, updated_at = ?, champion_id = ?, best_score = ?, test_score = ?, error = ?
     WHERE id = ?`,
  ).run(
    e.status,
    e.reason,
    e.time,
    e.time,
    e.championId,
    best?.score ?? null,
    e.testScore,
    e.error ?? null,
    e.runId,
  );
}

/**
 * Records one event of a run (and what it changes) in one transaction. It only inserts (skipping what is there)
 * and updates its own run's row in place, so writers of other runs never conflict with it.
 */
export function writeEvent(db: Database, event: RunEvent, predictions?: Float64Array): void {
  const appendOnly = { appendOnly: true };
  db.writeTransaction(() => {
    switch (event.type) {
      case 'run.started':
        if (!insertRun(db, event)) return;
        break;
      case 'drone.evaluated':
        if (!insertDrone(db, event.runId, event.time, event.drone, predictions)) return;
        break;
      case 'generation.completed':
        db.prepare('UPDATE runs SET best_score = ?, updated_at = ? WHERE id = ?').run(
          event.bestScore,
          event.time,
          event.runId,
        );
        break;
      case 'run.finished':
        finish(db, event);
        break;
      case 'importance.computed':
        break;
    }
    appendEvent(db, event);
  }, appendOnly);
}

/** Marks a stored run as running again in this process (a resumed session) with the session's options. */
export function reopenRun(db: Database, runId: string, config: unknown): void {
  db.writeTransaction(() => {
    db.prepare(
      `UPDATE runs SET status = 'running', reason = NULL, finished_at = NULL, error = NULL, updated_at = ?, pid = ?, host = ?,
         sessions = sessions + 1, config = ? WHERE id = ?`,
    ).run(new Date().toISOString(), process.pid, os.hostname(), JSON.stringify(config), runId);
  });
}
