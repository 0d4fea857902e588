/**
 * This module contains what evolve() needs from the experiment store before a run starts: the store
 * itself (or none), the stored run to resume (its options, events, drones and out-of-fold predictions),
 * the best genomes of an earlier run to warm start from, and the recorder for the new events.
 */
import { ConfigurationError, DataError } from '../core/errors.js';
import { printable } from '../core/text.js';
import { logger } from '../core/logger.js';
import type { Dataset } from '../data/dataset.js';
import type { Drone, Genome, RunEvent, RunStarted } from '../protocol/events.js';
import { parseEvolveOptions, type EvolveOptions, type EvolveOptionsInput } from './options.js';
import { ExperimentStore } from '../store/experiment_store.js';
import { resolveStoreLocation } from '../store/location.js';
import type { RunRecord } from '../store/queries.js';
import { RunRecorder } from '../store/recorder.js';

/** Options that define what a score means; a resumed run must keep them. */
const FIXED_ON_RESUME = ['target', 'task', 'metric', 'objectives', 'validation', 'testSize', 'seed'] as const;

/** A stored run being continued. */
export interface ResumedRun {
  runId: string;
  started: RunStarted;
  /** Its recorded events without the run.finished of an earlier session. */
  events: RunEvent[];
  drones: Drone[];
  predictions: Map<string, Float64Array>;
}

export interface RunHistory {
  /** The options of this run (a resumed run's recorded options, with what the caller passed on top). */
  options: EvolveOptions;
  store: ExperimentStore | null;
  resumed: ResumedRun | null;
  /** Genomes of an earlier run to evaluate first (warm start), best first. */
  warmStart: Genome[];
  /** Throws when `dataset` is not the data of the resumed run, or not the task of the warm-start run. */
  checkData(dataset: Dataset): void;
  /** The recorder of this run's new events, or null without a store. */
  recorder(predictions: ReadonlyMap<string, Float64Array>): RunRecorder | null;
}

function openStore(options: EvolveOptions): ExperimentStore | null {
  const location = resolveStoreLocation(options.store);
  const needed = options.resume ?? options.warmStart;
  if (location.path === null) {
    if (needed) {
      throw new ConfigurationError(
        'store.off',
        `resume and warmStart read runs from the experiment store, which is switched off (store: false or BEEMIND_STORE=off); give a store path.`,
      );
    }
    return null;
  }
  try {
    return ExperimentStore.open(location.path);
  } catch (error) {
    if (location.explicit || needed) throw error;
    logger.warn(
      { err: error },
      `the default experiment store ${location.path} could not be opened (${(error as Error).message}); this run is not recorded`,
    );
    return null;
  }
}

const defined = (input: object) =>
  Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));

/** The stored options of `record` with the caller's on top, refusing changes that make scores incomparable. */
function resumeOptions(record: RunRecord, input: EvolveOptionsInput): EvolveOptions {
  // where the run is stored and evaluated belongs to the session, not the run (the caller may pass them again)
  const { resume: _resume, store: _store, backend: _backend, ...recorded } = record.config;
  // what the run resolved (a Dataset's target, the inferred task, the default metric) is part of its settings
  recorded.target ??= record.target;
  recorded.task ??= record.task;
  recorded.metric ??= record.metric;
  const merged = parseEvolveOptions({ ...recorded, ...defined(input), resume: record.id });
  for (const key of FIXED_ON_RESUME) {
    const before = JSON.stringify(recorded[key] ?? null);
    const now = JSON.stringify(merged[key] ?? null);
    if (before !== now) {
      throw new ConfigurationError(
        'store.resume_changed',
        `run ${record.id} was searched with ${key}=${printable(before)}; a resumed run keeps it (you passed ${printable(now)}). ` +
          `Start a new run with warmStart: '${record.id}' to search with other settings.`,
      );
    }
  }
  return merged;
}

function loadResumed(store: ExperimentStore, record: RunRecord): ResumedRun {
  if (record.status === 'running') {
    throw new ConfigurationError(
      'store.run_active',
      `run ${record.id} is still running in another process; wait for it or stop it before resuming.`,
    );
  }
  const events = store.events(record.id).filter((e) => e.type !== 'run.finished');
  const started = events.find((e): e is RunStarted => e.type === 'run.started');
  if (!started)
    throw new DataError(
      'store.run_incomplete',
      `run ${record.id} has no run.started event in ${store.path}, so it cannot be resumed.`,
    );
  return {
    runId: record.id,
    started,
    events,
    drones: store.drones(record.id),
    predictions: store.predictions(record.id),
  };
}

/** Opens the store for a run and loads what resume and warm start need. */
export function openRunHistory(input: EvolveOptionsInput): RunHistory {
  let options = parseEvolveOptions(input);
  const store = openStore(options);
  let resumed: ResumedRun | null = null;
  let resumedRecord: RunRecord | null = null;
  if (options.resume && store) {
    resumedRecord = store.run(options.resume);
    options = resumeOptions(resumedRecord, input);
    resumed = loadResumed(store, resumedRecord);
  }
  let warmRecord: RunRecord | null = null;
  let warmStart: Genome[] = [];
  if (options.warmStart && store) {
    warmRecord = store.run(options.warmStart);
    const drones = new Map(store.drones(warmRecord.id).map((d) => [d.id, d]));
    warmStart = warmRecord.leaderboard
      .slice(0, options.populationSize)
      .map((row) => drones.get(row.id)!.genome);
  }

  return {
    options,
    store,
    resumed,
    warmStart,
    checkData(dataset) {
      if (resumedRecord && dataset.fingerprint !== resumedRecord.dataset.fingerprint) {
        throw new DataError(
          'store.resume_data_changed',
          `run ${resumedRecord.id} was searched on other data (${printable(resumedRecord.dataset.name, { inline: true })}, ${resumedRecord.dataset.rows} rows, fingerprint ${resumedRecord.dataset.fingerprint}); ` +
            `resume it with the same table, or start a new run with warmStart: '${resumedRecord.id}'.`,
        );
      }
      if (warmRecord && warmRecord.task !== dataset.task) {
        throw new ConfigurationError(
          'store.warm_start_task',
          `run ${warmRecord.id} searched ${warmRecord.task} pipelines, but this is a ${dataset.task} task; warm start from a ${dataset.task} run.`,
        );
      }
    },
    recorder(predictions) {
      if (!store) return null;
      const recorder = new RunRecorder(store, predictions);
      if (resumed) {
        // the evaluation backend is left out: it may hold credentials, and a resume does not reuse it
        const { backend: _backend, ...config } = options as EvolveOptions & { backend?: unknown };
        recorder.reopen(resumed.runId, config);
      }
      return recorder;
    },
  };
}
