/**
 * This module contains the default pipeline space over the library's model families and preprocessing
 * steps, per task. Ranges follow FLAML and auto-sklearn (log scale for rates, counts and penalties), trimmed
 * so that one evaluation stays cheap on small and medium tables. Names match the families' and steps' zod
 * schemas exactly; parameters left out keep the schema default.
 */
import type { Task } from '../core/task.js';
import { restrictFamilies, type PipelineSpace, type StepSlot } from './genome.js';
import { hp, type Space } from './space/types.js';

/**
 * Preprocessing slots, in pipeline order. With `dates`, first a slot that expands date columns into parts;
 * with `text`, one that turns free-text columns into hashed TF-IDF columns or leaves them out; with
 * `manyCategories`, the encoder slot may also encode categories by their out-of-fold target mean and frequency,
 * and with `orderedCategories` number them in the order of their target mean. With `missing: false` the
 * imputer's choices are fixed, and with `categories: false` the encoder is one ordinal encoder: on such data they
 * would change nothing, and every variant would be the same pipeline evaluated again.
 */
export function defaultStepSlots(
  options: Pick<
    DefaultSpaceOptions,
    'dates' | 'text' | 'missing' | 'categories' | 'manyCategories' | 'orderedCategories'
  > = {},
): StepSlot[] {
  const missing = options.missing !== false;
  const categories = options.categories !== false;
  return [
    ...(options.dates ? [{ name: 'dates', choices: { date_features: {} } }] : []),
    ...(options.text
      ? [
          {
            name: 'text',
            // or the text left out: the words of a name or a title may only be noise to split on
            choices: {
              text_tfidf: { buckets: hp.categorical([16, 64, 256]), ngrams: hp.categorical([1, 2]) },
              ...(options.text === 'only' ? {} : { drop_text: {} }),
            },
          },
        ]
      : []),
    {
      name: 'imputer',
      choices: {
        // kept without missing values in training: rows to predict may still lack a value
        simple_imputer: missing
          ? {
              strategy: hp.categorical(['mean', 'median', 'most_frequent', 'iterative']),
              addIndicator: hp.categorical([false, true]),
            }
          : { strategy: hp.constant('median'), addIndicator: hp.constant(false) },
      },
    },
    {
      name: 'encoder',
      choices: categories
        ? {
            one_hot_encoder: { minFrequency: hp.categorical([0, 0.01, 0.05]) },
            ordinal_encoder: options.orderedCategories
              ? { order: hp.categorical(['lexical', 'target']) }
              : {},
            ...(options.manyCategories
              ? {
                  target_encoder: {
                    smoothing: hp.float(1, 100, { log: true }),
                    frequency: hp.categorical([true, false]),
                  },
                }
              : {}),
          }
        : { ordinal_encoder: {} },
    },
    {
      name: 'engineering',
      optional: true,
      // most good pipelines engineer nothing: the empty slot is drawn half of the time
      weights: { none: 3 },
      choices: {
        log1p: {},
        pairwise_products: { maxFeatures: hp.int(10, 100, { log: true }) },
        quantile_binning: { nBins: hp.int(3, 20), encode: hp.categorical(['ordinal', 'onehot']) },
      },
    },
    {
      name: 'scaler',
      optional: true,
      choices: { standard_scaler: {}, robust_scaler: {}, min_max_scaler: {} },
    },
    {
      name: 'selection',
      optional: true,
      weights: { none: 3 },
      choices: {
        // threshold 0 drops constant columns only: a larger one would depend on the columns' scale
        variance_threshold: { threshold: hp.constant(0) },
        mutual_info_select: { fraction: hp.float(0.2, 0.9) },
        model_select: {
          family: hp.constant('extra_trees'),
          modelParams: hp.constant({ nEstimators: 50 }),
          threshold: hp.categorical(['mean', 'median']),
        },
      },
    },
  ];
}

/** Hyperparameters shared by random forest and extra trees. */
function forestSpace(task: Task, balanced: Space): Space {
  return {
    ...(task === 'classification' ? { criterion: hp.categorical(['gini', 'entropy']) } : {}),
    ...balanced,
    nEstimators: hp.int(16, 256, { log: true }),
    maxFeatures: hp.float(0.1, 1),
    minSamplesLeaf: hp.int(1, 20, { log: true }),
    minSamplesSplit: hp.int(2, 20, { log: true }),
    bootstrap: hp.categorical([true, false]),
  };
}

/**
 * Model family id → hyperparameter space, for the families that support `task`. With `classWeights`, the tree
 * families may also weigh each class by n / (k · n_c) (scikit-learn's class_weight 'balanced').
 */
export function defaultModelSpaces(
  task: Task,
  options: { classWeights?: boolean; families?: readonly string[] } = {},
): Record<string, Space> {
  const balanced: Space =
    task === 'classification' && options.classWeights
      ? { classWeight: hp.categorical([null, 'balanced']) }
      : {};
  const shared: Record<string, Space> = {
    hist_gradient_boosting: {
      learningRate: hp.float(0.01, 1, { log: true }),
      maxIter: hp.int(16, 512, { log: true }),
      maxLeafNodes: hp.int(4, 128, { log: true }),
      minSamplesLeaf: hp.int(1, 100, { log: true }),
      l2Regularization: hp.float(1e-10, 1, { log: true }),
    },
    random_forest: forestSpace(task, balanced),
    extra_trees: forestSpace(task, balanced),
    decision_tree: {
      ...(task === 'classification' ? { criterion: hp.categorical(['gini', 'entropy']) } : {}),
      ...balanced,
      maxDepth: hp.int(2, 20),
      minSamplesLeaf: hp.int(1, 50, { log: true }),
      minSamplesSplit: hp.int(2, 40, { log: true }),
    },
    knn: {
      nNeighbors: hp.int(1, 50, { log: true }),
      weights: hp.categorical(['uniform', 'distance']),
      p: hp.categorical([1, 2]),
    },
    // the kernel machine's features and target are standardised inside it (models/svm/svm.ts)
    svm: {
      C: hp.float(0.03, 300, { log: true }),
      gammaFactor: hp.float(0.03, 10, { log: true }),
      ...(task === 'regression' ? { epsilon: hp.float(0.01, 1, { log: true }) } : {}),
    },
    mlp: {
      hiddenLayerSizes: hp.categorical([[32], [64], [128], [64, 32], [128, 64]]),
      activation: hp.categorical(['relu', 'tanh']),
      alpha: hp.float(1e-6, 1e-1, { log: true }),
      learningRate: hp.float(1e-4, 1e-1, { log: true }),
      maxIter: hp.int(20, 200, { log: true }),
      // a tenth of the rows held out to stop when their score stops improving: about 2.5× faster on digits
      earlyStopping: hp.categorical([false, true]),
    },
  };
  // the kernel machine only among families asked for (which keep only those, and name it when one is unknown): in
  // the default space it lowered the bench's mean test score (docs/benchmarks.md, "A support vector machine in the
  // default space")
  const kernelMachine: Record<string, Space> = options.families ? { svm: shared.svm } : {};
  if (task === 'classification') {
    return {
      hist_gradient_boosting: shared.hist_gradient_boosting,
      random_forest: shared.random_forest,
      extra_trees: shared.extra_trees,
      logistic_regression: {
        C: hp.float(1e-3, 1e3, { log: true }),
        penalty: hp.categorical(['l2', 'l1']),
      },
      knn: shared.knn,
      mlp: shared.mlp,
      decision_tree: shared.decision_tree,
      gaussian_nb: { varSmoothing: hp.float(1e-11, 1e-3, { log: true }) },
      ...kernelMachine,
    };
  }
  return {
    hist_gradient_boosting: shared.hist_gradient_boosting,
    random_forest: shared.random_forest,
    extra_trees: shared.extra_trees,
    ridge: { alpha: hp.float(1e-4, 1e3, { log: true }) },
    lasso: { alpha: hp.float(1e-5, 10, { log: true }) },
    linear_regression: {},
    ...kernelMachine,
    knn: shared.knn,
    mlp: shared.mlp,
    decision_tree: shared.decision_tree,
  };
}

export interface DefaultSpaceOptions {
  /** Only these model families (an unknown name is a ConfigurationError listing the known ones). */
  families?: readonly string[];
  /** The data has date columns (data/dates.ts): every pipeline starts by expanding them into parts. */
  dates?: boolean;
  /**
   * The data has free-text columns (data/text.ts): every pipeline turns them into TF-IDF columns or leaves them
   * out, or with `'only'`, when every feature is free text and leaving it out would leave nothing, turns them
   * into TF-IDF columns.
   */
  text?: boolean | 'only';
  /** The features have a missing value (default true): else the imputer's settings are not searched. */
  missing?: boolean;
  /**
   * A categorical column reaches the encoder, not counting date and text columns, which their own slots turn
   * into numbers (default true): else the encoder is not searched.
   */
  categories?: boolean;
  /** A categorical column has many categories (HIGH_CARDINALITY): the encoder slot offers target encoding. */
  manyCategories?: boolean;
  /**
   * Many categories, and a target with one order (regression, two classes): the ordinal encoder may also number
   * categories in the order of their target mean.
   */
  orderedCategories?: boolean;
  /** Classes are imbalanced and the metric weighs them equally: the tree families may balance class weights. */
  classWeights?: boolean;
}

/** The default pipeline space for `task`: every preprocessing slot and every family supporting the task. */
export function defaultPipelineSpace(task: Task, options: DefaultSpaceOptions = {}): PipelineSpace {
  const space: PipelineSpace = {
    slots: defaultStepSlots(options),
    models: defaultModelSpaces(task, options),
  };
  return options.families ? restrictFamilies(space, options.families) : space;
}
