/**
 * This module contains the notebook-friendly entry points of the store: open it, save and load models by
 * name, and read back earlier runs' events for a reopened notebook's panels. Each takes an optional
 * `store` path (default: BEEMIND_STORE, else `.beemind/experiments.db` under the working directory).
 */
import type { TrainedModel } from '../trained/trained_model.js';
import type { RunEvent } from '../protocol/events.js';
import { ExperimentStore } from './experiment_store.js';
import type { FinishedRun, ModelSelector, ModelVersion, SaveModelOptions } from './registry.js';

/** The experiment store at `path` (or the default location), created and migrated when needed. */
export function openStore(path?: string): ExperimentStore {
  return ExperimentStore.open(path);
}

/**
 * Saves a run's champion (or `options.drone`, refit first), or a model, as the next version of `name`. The
 * promise resolves once the version is written, so await it before loadModel() of the same name.
 */
export async function saveModel(
  from: FinishedRun | TrainedModel,
  name: string,
  options: SaveModelOptions & { store?: string } = {},
): Promise<ModelVersion> {
  const { store, ...rest } = options;
  return ExperimentStore.open(store).models.save(name, from, rest);
}

/**
 * Loads a registered model: a version number, `latest` (default), or the newest version in a stage. Async like
 * saveModel, so that `await saveModel(...)` and `await loadModel(...)` read alike; errors reject the promise.
 */
export async function loadModel(
  name: string,
  version: ModelSelector = 'latest',
  options: { store?: string } = {},
): Promise<TrainedModel> {
  return ExperimentStore.open(options.store).models.load(name, version);
}

/**
 * The events of the newest stored runs (oldest first), the shape of runSnapshots(): a kernel merges them
 * into its comm snapshot so a reopened notebook shows its earlier runs. Empty when there is no store yet.
 */
export function storedRunSnapshots(
  options: { store?: string; limit?: number } = {},
): { runId: string; events: RunEvent[] }[] {
  try {
    return ExperimentStore.open(options.store, { mustExist: true }).snapshots(options.limit);
  } catch (error) {
    if ((error as { code?: string }).code === 'store.missing') return [];
    throw error;
  }
}
