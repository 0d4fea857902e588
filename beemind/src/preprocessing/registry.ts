/**
 * The catalogue of preprocessing steps: create a step by kind, list the kinds, and rebuild a step from its
 * JSON. Built-in steps are listed below; `registerTransformer` adds more (mirrors models/registry.ts).
 */
import { ConfigurationError, ProtocolError } from '../core/errors.js';
import { quote } from '../core/text.js';
import type { RestorableTransformer } from './base.js';
import { DateFeatures } from './date_features.js';
import { DropText } from './drop_text.js';
import { SimpleImputer } from './imputer.js';
import { Log1p } from './log1p.js';
import { ModelSelect } from './model_select.js';
import { MutualInfoSelect } from './mutual_info_select.js';
import { OneHotEncoder } from './one_hot_encoder.js';
import { OrdinalEncoder } from './ordinal_encoder.js';
import { PairwiseProducts } from './pairwise_products.js';
import { QuantileBinning } from './quantile_binning.js';
import { MinMaxScaler, RobustScaler, StandardScaler } from './scalers.js';
import type { TransformerJSON } from './transformer.js';
import { TargetEncoder } from './target_encoder.js';
import { TextTfidf } from './text_tfidf.js';
import { VarianceThreshold } from './variance_threshold.js';

export type { RestorableTransformer } from './base.js';

/** Where a step belongs in a pipeline, in this order: expand → impute → encode → engineer → scale → select. */
export type TransformerStage = 'expand' | 'impute' | 'encode' | 'engineer' | 'scale' | 'select';

export interface TransformerKind {
  /** Step id, e.g. `standard_scaler`. */
  readonly kind: string;
  /** Human-readable name, e.g. "Standard scaler". */
  readonly label: string;
  readonly stage: TransformerStage;
  /** Rejects categorical columns: an encoder must come first. */
  readonly numericInput: boolean;
  /** Needs the target (`y` and `context.task`) at fit. */
  readonly supervised: boolean;
  create(params?: Record<string, unknown>): RestorableTransformer;
}

const builtIn: TransformerKind[] = [
  {
    kind: 'date_features',
    label: 'Date parts',
    stage: 'expand',
    numericInput: false,
    supervised: false,
    create: (p) => new DateFeatures(p),
  },
  {
    kind: 'text_tfidf',
    label: 'Text TF-IDF (hashed)',
    stage: 'expand',
    numericInput: false,
    supervised: false,
    create: (p) => new TextTfidf(p),
  },
  {
    kind: 'drop_text',
    label: 'Text left out',
    stage: 'expand',
    numericInput: false,
    supervised: false,
    create: (p) => new DropText(p),
  },
  {
    kind: 'simple_imputer',
    label: 'Simple imputer',
    stage: 'impute',
    numericInput: false,
    supervised: false,
    create: (p) => new SimpleImputer(p),
  },
  {
    kind: 'one_hot_encoder',
    label: 'One-hot encoder',
    stage: 'encode',
    numericInput: false,
    supervised: false,
    create: (p) => new OneHotEncoder(p),
  },
  {
    kind: 'target_encoder',
    label: 'Target encoder (out of fold)',
    stage: 'encode',
    numericInput: false,
    supervised: true,
    create: (p) => new TargetEncoder(p),
  },
  {
    kind: 'ordinal_encoder',
    label: 'Ordinal encoder',
    stage: 'encode',
    numericInput: false,
    supervised: false,
    create: (p) => new OrdinalEncoder(p),
  },
  {
    kind: 'log1p',
    label: 'Signed log1p',
    stage: 'engineer',
    numericInput: true,
    supervised: false,
    create: (p) => new Log1p(p),
  },
  {
    kind: 'pairwise_products',
    label: 'Pairwise products',
    stage: 'engineer',
    numericInput: true,
    supervised: false,
    create: (p) => new PairwiseProducts(p),
  },
  {
    kind: 'quantile_binning',
    label: 'Quantile binning',
    stage: 'engineer',
    numericInput: true,
    supervised: false,
    create: (p) => new QuantileBinning(p),
  },
  {
    kind: 'standard_scaler',
    label: 'Standard scaler',
    stage: 'scale',
    numericInput: true,
    supervised: false,
    create: (p) => new StandardScaler(p),
  },
  {
    kind: 'robust_scaler',
    label: 'Robust scaler',
    stage: 'scale',
    numericInput: true,
    supervised: false,
    create: (p) => new RobustScaler(p),
  },
  {
    kind: 'min_max_scaler',
    label: 'Min-max scaler',
    stage: 'scale',
    numericInput: true,
    supervised: false,
    create: (p) => new MinMaxScaler(p),
  },
  {
    kind: 'variance_threshold',
    label: 'Variance threshold',
    stage: 'select',
    numericInput: true,
    supervised: false,
    create: (p) => new VarianceThreshold(p),
  },
  {
    kind: 'mutual_info_select',
    label: 'Mutual information selection',
    stage: 'select',
    numericInput: true,
    supervised: true,
    create: (p) => new MutualInfoSelect(p),
  },
  {
    kind: 'model_select',
    label: 'Model-based selection',
    stage: 'select',
    numericInput: true,
    supervised: true,
    create: (p) => new ModelSelect(p),
  },
];

const kinds = new Map<string, TransformerKind>(builtIn.map((k) => [k.kind, k]));

export function registerTransformer(kind: TransformerKind): void {
  kinds.set(kind.kind, kind);
}

/** Every registered step kind, built-ins first, in pipeline-stage order within them. */
export function transformerKinds(): TransformerKind[] {
  return [...kinds.values()];
}

export function getTransformerKind(kind: string): TransformerKind {
  const k = kinds.get(kind);
  if (!k) {
    throw new ConfigurationError(
      'transformer.unknown_kind',
      `unknown preprocessing step ${quote(kind)}; known steps: ${[...kinds.keys()].join(', ')}.`,
    );
  }
  return k;
}

/** Creates an unfitted step of `kind` with validated params. */
export function createTransformer(kind: string, params?: Record<string, unknown>): RestorableTransformer {
  return getTransformerKind(kind).create(params);
}

/** Rebuilds a step (fitted or not) from the output of its toJSON(). */
export function transformerFromJSON(json: TransformerJSON): RestorableTransformer {
  if (json?.format !== 'beemind.transformer' || json.version !== 1) {
    throw new ProtocolError(
      'transformer.bad_json',
      'not a serialised BeeMind preprocessing step (expected format "beemind.transformer", version 1).',
    );
  }
  return createTransformer(json.kind, json.params).restore(json.state);
}
