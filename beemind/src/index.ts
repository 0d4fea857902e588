/**
 * The public API of the `beemind` package: what a notebook or a script needs to load data, search, use and
 * explain models, keep them and serve them. Tools built on BeeMind's parts import them from named entries:
 * `beemind/search` (spaces, genomes, operators, NSGA-II, strategies), `beemind/evaluation` (the evaluation
 * core, backends, worker pool), `beemind/store` (the experiment store and registry as objects),
 * `beemind/distributed` (Redis backend and worker) and `beemind/events` (the event schemas and hub).
 * Everything not exported from one of these is private.
 */
import './models/families.js';

export {
  BeeMindError,
  DataError,
  ConfigurationError,
  EvaluationError,
  ProtocolError,
  NotFittedError,
} from './core/errors.js';
export { Random } from './core/random.js';
export { logger } from './core/logger.js';
export { type Matrix, createMatrix, matrixFromRows } from './core/matrix.js';

// data
export * from './data/frame.js';
export { DataFrame, fromTable } from './data/data_frame.js';
export { readCSV, parseCSV, type ReadCSVOptions } from './data/csv.js';
export { Dataset, toDataset, inferTask, type DatasetOptions, type TargetInfo } from './data/dataset.js';
export {
  datasetNames,
  datasetInfo,
  loadDataset,
  loadDatasetAsDataset,
  type DatasetInfo,
  type LoadDatasetOptions,
} from './data/datasets.js';
export { type ColumnSchema, fingerprintFrame } from './data/schema.js';
export { trainTestSplit, kFold, splitDataset, type Split } from './data/split.js';

// models and preprocessing
export type { Estimator, EstimatorJSON, FitOptions } from './models/estimator.js';
export { SupportVectorMachine, type SvmParams } from './models/svm/svm.js';
export type { Task } from './core/task.js';
export {
  createModel,
  estimatorFromJSON,
  modelFamilies,
  getModelFamily,
  type ModelFamily,
  type RestorableEstimator,
} from './models/registry.js';
export type { Transformer, TransformerJSON, TransformerFitContext } from './preprocessing/transformer.js';
export {
  createTransformer,
  transformerFromJSON,
  transformerKinds,
  getTransformerKind,
  registerTransformer,
  type TransformerKind,
  type TransformerStage,
  type RestorableTransformer,
} from './preprocessing/registry.js';
export {
  Pipeline,
  type PipelineFitOptions,
  type PipelineJSON,
  type FeatureImportance,
  pipelineFromSpec,
} from './pipeline/pipeline.js';
export { parsePipelineSpec, type PipelineSpec, type PipelineSpecInput } from './pipeline/spec.js';

// metrics and charts
export {
  accuracy,
  balancedAccuracy,
  f1Macro,
  logLoss,
  rocAuc,
  confusionMatrix,
} from './metrics/classification.js';
export { r2, rmse, mae } from './metrics/regression.js';
export { scorers, getScorer, defaultScorer, type Scorer } from './metrics/scorers.js';
export { type VegaLiteSpec } from './charts/spec.js';
export { confusionMatrixChart, featureImportanceChart, type ImportanceEntry } from './charts/model_charts.js';

// events
export * from './protocol/events.js';
export {
  publishRunEvent,
  subscribeRunEvents,
  runSnapshots,
  clearRunHistory,
  type RunEventListener,
} from './events/hub.js';

// search and AutoML
export { hp, type Space, type Param, type Config } from './search/space/types.js';
export { defaultPipelineSpace } from './search/default_space.js';
export type { PipelineSpace, StepSlot } from './search/genome.js';
export {
  createStrategy,
  STRATEGY_NAMES,
  type SearchStrategy,
  type Proposal,
  type TrialResult,
} from './search/strategies/index.js';
export { evolve, type EvolveControls } from './automl/evolve.js';
export {
  noPruning,
  type CustomParts,
  type Pruner,
  type Recorder,
  type StrategyContext,
  type StrategyFactory,
} from './automl/parts.js';
export { HalvingLadder, rungFractions, type HalvingSettings } from './automl/halving.js';
export type { EvaluationBackend } from './evaluation/backends.js';
export { type EvolveOptionsInput as EvolveOptions, EvolveOptionsSchema } from './automl/options.js';
export { Run, Leaderboard, type FamilySummary, type RowExplanation } from './automl/run.js';
export { getRun } from './automl/run_registry.js';
export { TrainedModel, ImportanceReport, type TrainedModelJSON } from './trained/trained_model.js';
export {
  exportModule,
  writeModule,
  MODULE_FORMATS,
  type ExportModuleOptions,
  type ModuleFormat,
} from './export/module.js';
export {
  permutationImportance,
  type FeatureImportance as PermutationImportance,
} from './explain/importance.js';
export { selectEnsemble } from './automl/ensemble.js';
// explanations: attributions (TreeSHAP, linear, Shapley sampling) and partial dependence
export { Explanation, AttributionImportance, type ExplanationJSON } from './explain/explanation.js';
export { explainModel, type ExplainOptions, type ExplainableModel } from './explain/explain.js';
export {
  PartialDependence,
  type PartialDependenceOptions,
  type PartialDependenceJSON,
} from './explain/partial_dependence.js';
export type { Scale as ExplanationScale } from './explain/attribution.js';
export type { RowsInput } from './explain/rows.js';
export { historyChart, lineageChart, paretoChart, modelComparisonChart } from './charts/run_charts.js';

// experiment store and model registry
export { openStore, saveModel, loadModel, storedRunSnapshots } from './store/api.js';
export type { ExperimentStore } from './store/experiment_store.js';
export type { ModelVersion, ModelSelector, SaveModelOptions } from './store/registry.js';
export type { RunSummary, ListRunsOptions } from './store/queries.js';
export {
  serve,
  createServer,
  monitor,
  ApiKeys,
  type ServeOptions,
  type RunningServer,
  type MonitoringReport,
  type ApiKey,
  type CreatedApiKey,
} from './serve/index.js';

// notebook display protocol
export { DISPLAY, isDisplayable, escapeHtml, type MimeBundle, type Displayable } from './display.js';
export { tensorflowBackend, activeTensorflowBackend } from './models/neural/backend.js';
