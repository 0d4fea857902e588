/**
 * This module contains the portable state of an exported model: what runtime.ts needs to predict, taken from
 * `TrainedModel.toJSON()` — for every member its weight, each preprocessing step's fitted state and the
 * model's, without what only fitting or inspection uses (importances, loss curves, bin thresholds). Packed
 * typed arrays stay packed (base64), so the module is compact and its numbers are exact.
 *
 * A step kind or model family the runtime does not implement (e.g. one added with registerTransformer or
 * registerModelFamily) is refused with a ConfigurationError naming it: an exported module never predicts
 * differently from the library.
 */
import type { TrainedModel } from '../trained/trained_model.js';
import { ConfigurationError } from '../core/errors.js';
import { pack } from '../core/serialize.js';
import { quote } from '../core/text.js';
import type { EstimatorJSON } from '../models/estimator.js';
import type { TransformerJSON } from '../preprocessing/transformer.js';
import type { PortableColumn, PortableModel, PortableState, PortableStep } from './runtime.js';

/** Fitted state of a step as BaseTransformer.toJSON writes it. */
interface StepState {
  input: PortableColumn[];
  step: Record<string, unknown>;
}

/** Fitted state of a model as BaseEstimator.toJSON writes it. */
interface ModelState {
  nFeatures: number;
  nClasses: number;
  model: Record<string, unknown>;
}

type StepReader = (params: Record<string, unknown>, step: Record<string, unknown>) => Record<string, unknown>;
type ModelReader = (
  params: Record<string, unknown>,
  model: Record<string, unknown>,
) => Record<string, unknown>;

const affine: StepReader = (_params, s) => ({ center: s.center, scale: s.scale, offset: s.offset });
const selection: StepReader = (_params, s) => ({ kept: s.kept });

/** What each step kind's transform needs, by kind (a Map: kinds come from model files). */
const STEPS = new Map<string, StepReader>([
  [
    'simple_imputer',
    (p, s) => ({
      addIndicator: p.addIndicator,
      numericFill: s.numericFill,
      categoricalFill: s.categoricalFill,
      indicated: s.indicated,
      iterative: s.iterative ?? null,
    }),
  ],
  ['one_hot_encoder', (p, s) => ({ handleUnknown: p.handleUnknown, layout: s.layout })],
  [
    'ordinal_encoder',
    (p, s) => ({
      handleUnknown: p.handleUnknown,
      categories: s.categories,
      codes: s.codes,
      unseenCodes: s.unseenCodes,
    }),
  ],
  ['target_encoder', (p, s) => ({ frequency: p.frequency, prior: s.prior, encodings: s.encodings })],
  ['date_features', (p, s) => ({ parts: p.parts, dates: s.dates })],
  ['text_tfidf', (p, s) => ({ buckets: p.buckets, ngrams: p.ngrams, idf: s.idf })],
  // leaving text out is a selection of the other columns: the runtime's selectTransform applies it
  [
    'drop_text',
    (_p, s) => ({ kept: (s.dropped as boolean[]).flatMap((dropped, j) => (dropped ? [] : [j])) }),
  ],
  ['log1p', () => ({})],
  ['pairwise_products', (_p, s) => ({ sources: s.sources })],
  ['quantile_binning', (p, s) => ({ encode: p.encode, cuts: s.cuts })],
  ['standard_scaler', affine],
  ['robust_scaler', affine],
  ['min_max_scaler', (p, s) => ({ ...affine(p, s), clip: p.clip ? p.featureRange : null })],
  ['variance_threshold', selection],
  ['mutual_info_select', selection],
  ['model_select', selection],
]);

const treeEnsemble: ModelReader = (_params, m) => ({
  trees: (m.ensemble as { trees: unknown[] }).trees,
});
const linearRegressor: ModelReader = (_params, m) => ({
  coef: m.coef,
  intercept: pack(Float64Array.of(m.intercept as number)),
});

/** What each family's prediction needs, and whether it takes missing values (NaN) as they are. */
const MODELS = new Map<string, { acceptsMissing: boolean; read: ModelReader }>([
  ['decision_tree', { acceptsMissing: true, read: treeEnsemble }],
  ['random_forest', { acceptsMissing: true, read: treeEnsemble }],
  ['extra_trees', { acceptsMissing: true, read: treeEnsemble }],
  [
    'hist_gradient_boosting',
    {
      acceptsMissing: true,
      read: (_params, m) => {
        const trees = m.trees as Record<string, unknown>;
        return {
          baseline: m.baseline,
          nOutputs: trees.nOutputs,
          roots: trees.roots,
          feature: trees.feature,
          threshold: trees.threshold,
          missingGoLeft: trees.missingGoLeft,
          left: trees.left,
          right: trees.right,
          value: trees.value,
          // present only when a node splits on a set of categories
          categoryStart: trees.categoryStart,
          categoryCount: trees.categoryCount,
          categoryCodes: trees.categoryCodes,
        };
      },
    },
  ],
  [
    'logistic_regression',
    {
      acceptsMissing: false,
      read: (_p, m) => ({ coef: m.coef, intercept: m.intercept, outputs: m.outputs }),
    },
  ],
  ['linear_regression', { acceptsMissing: false, read: linearRegressor }],
  ['ridge', { acceptsMissing: false, read: linearRegressor }],
  ['lasso', { acceptsMissing: false, read: linearRegressor }],
  [
    'knn',
    {
      acceptsMissing: false,
      read: (p, m) => ({
        X: m.X,
        y: m.y,
        rows: m.rows,
        nNeighbors: p.nNeighbors,
        weights: p.weights,
        p: p.p,
      }),
    },
  ],
  [
    'gaussian_nb',
    {
      acceptsMissing: false,
      read: (_p, m) => ({ theta: m.theta, variance: m.variance, logPrior: m.logPrior }),
    },
  ],
  [
    'svm',
    {
      acceptsMissing: false,
      read: (_p, m) => ({
        means: m.means,
        scales: m.scales,
        gamma: m.gamma,
        supportVectors: m.supportVectors,
        ...(m.pairs ? { classes: m.classes, pairs: m.pairs } : {}),
        ...(m.machine ? { machine: m.machine, targetMean: m.targetMean, targetScale: m.targetScale } : {}),
      }),
    },
  ],
  [
    'mlp',
    {
      acceptsMissing: false,
      read: (p, m) => ({
        layerSizes: m.layerSizes,
        output: m.output,
        weights: m.weights,
        activation: p.activation,
      }),
    },
  ],
]);

/** The step kinds and model families an exported module can hold. */
export const EXPORTABLE_STEPS: readonly string[] = [...STEPS.keys()];
export const EXPORTABLE_FAMILIES: readonly string[] = [...MODELS.keys()];

function unsupported(what: string, name: string, known: readonly string[]): ConfigurationError {
  return new ConfigurationError(
    'export.unsupported',
    `cannot export this model: its ${what} ${quote(name)} has no portable runtime (the exported module knows ${known.join(', ')}); ` +
      'choose a model without it (e.g. restrict the search with `families`), or keep predicting with the library.',
  );
}

function portableStep(json: TransformerJSON, where: string): PortableStep {
  const read = STEPS.get(json.kind);
  if (!read) throw unsupported(`${where} preprocessing step`, json.kind, EXPORTABLE_STEPS);
  const state = json.state as StepState | null;
  if (!state)
    throw new ConfigurationError(
      'export.not_fitted',
      `cannot export this model: its ${where} step ${quote(json.kind)} is not fitted.`,
    );
  return { kind: json.kind, input: state.input, ...read(json.params, state.step) };
}

function portableModel(json: EstimatorJSON, where: string): PortableModel {
  const entry = MODELS.get(json.family);
  if (!entry) throw unsupported(`${where} model family`, json.family, EXPORTABLE_FAMILIES);
  const state = json.state as ModelState | null;
  if (!state)
    throw new ConfigurationError(
      'export.not_fitted',
      `cannot export this model: its ${where} model ${quote(json.family)} is not fitted.`,
    );
  return {
    family: json.family,
    nFeatures: state.nFeatures,
    nClasses: json.task === 'classification' ? state.nClasses : 0,
    acceptsMissing: entry.acceptsMissing,
    ...entry.read(json.params, state.model),
  };
}

/**
 * The model's input columns in its feature order, each with the kind its first preprocessing step was fitted
 * on (numeric when a member has no steps: its model takes numbers only).
 */
function inputColumns(model: TrainedModel, members: PortableState['members']): PortableColumn[] {
  const kinds = new Map<string, PortableColumn['kind']>();
  for (const member of members) {
    for (const column of member.steps[0]?.input ?? []) {
      if (!kinds.has(column.name) || column.kind === 'categorical') kinds.set(column.name, column.kind);
    }
  }
  return model.featureNames.map((name) => ({ name, kind: kinds.get(name) ?? 'numeric' }));
}

/** The portable state of a trained model (single pipeline or weighted ensemble). */
export function portableState(model: TrainedModel): PortableState {
  const json = model.toJSON();
  const several = json.members.length > 1;
  const members = json.members.map((member, m) => {
    const where = several ? `member ${m} (drone ${quote(member.droneId)})'s` : "pipeline's";
    return {
      weight: member.weight,
      steps: member.pipeline.steps.map((step) => portableStep(step, where)),
      model: portableModel(member.pipeline.model, where),
    };
  });
  return {
    format: 'beemind.portable-model',
    version: 1,
    task: json.task,
    classes: json.classes,
    inputColumns: inputColumns(model, members),
    members,
    decisionThreshold: model.decisionThreshold,
    ...(json.level2 ? { level2: { model: portableModel(json.level2.model, "stack's level-2") } } : {}),
  };
}
