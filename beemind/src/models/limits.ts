/**
 * The hard upper limits of the built-in model families' and preprocessing steps' hyperparameters. The
 * families' and steps' zod schemas apply them (`.max(...)`), so they hold wherever a model is created: in a
 * local run, in a `beemind worker` taking jobs from a queue, and when a model is loaded from JSON.
 *
 * The search spaces (search/default_space.ts) keep to much smaller usual ranges; these limits only stop
 * values that would tie up a CPU or exhaust memory for no benefit (scikit-learn's `_parameter_constraints`,
 * with an upper end). Parameters that only make a fit cheaper (`minSamplesLeaf`), that are clamped to the data
 * (`nNeighbors` to the rows) or that do not change the cost (rates, penalties, tolerances, seeds) have none.
 */
export const HYPERPARAMETER_LIMITS = {
  /** Trees of an ensemble (`nEstimators`). */
  trees: 5000,
  /** Depth of a tree (`maxDepth`; null, the default of the trees, stays allowed: depth is then bounded by the rows). */
  depth: 64,
  /** Iterations or epochs of an iterative learner (`maxIter`, `nIterNoChange`). */
  iterations: 100_000,
  /** Leaves of a boosted tree (`maxLeafNodes`). */
  leaves: 65_536,
  /** Units of one hidden layer of a neural network (each of `hiddenLayerSizes`). */
  hiddenUnits: 4096,
  /** Hidden layers of a neural network (length of `hiddenLayerSizes`). */
  hiddenLayers: 16,
  /** Threads a model starts (`nJobs`). */
  threads: 256,
  /** Columns a feature-engineering step adds (`pairwise_products` `maxFeatures`). */
  addedColumns: 5000,
} as const;
