/**
 * The `beemind/store` entry: the experiment store and model registry as objects, for tools built on them. A
 * notebook needs only openStore, saveModel and loadModel, which the main entry exports.
 */
export { openStore, saveModel, loadModel, storedRunSnapshots } from './api.js';
export { ExperimentStore, closeStores } from './experiment_store.js';
export {
  ModelRegistry,
  parseModelSelector,
  type FinishedRun,
  type ModelVersion,
  type ModelSelector,
  type SaveModelOptions,
} from './registry.js';
export { parseModelFile, type ModelFile, type ModelSource, type ModelStage } from './model_file.js';
export type {
  RunSummary,
  RunRecord,
  RunStatus,
  RunComparison,
  ComparisonEntry,
  ListRunsOptions,
} from './queries.js';
export type { DroneExportFormat } from './export.js';
export type { BackupResult } from './backup.js';
export { resolveStoreLocation, DEFAULT_STORE_PATH, type StoreLocation } from './location.js';
export { SCHEMA_VERSION as STORE_SCHEMA_VERSION } from './migrations.js';
