/**
 * This module contains the multi-layer perceptron (family `mlp`) for classification and regression, like
 * scikit-learn's `MLPClassifier`/`MLPRegressor` with the Adam solver: trained on TensorFlow.js (see
 * backend.ts and trainer.ts), predicting in plain JavaScript from the stored weights (see network.ts).
 */
import { z } from 'zod';
import { HYPERPARAMETER_LIMITS } from '../limits.js';
import type { Matrix } from '../../core/matrix.js';
import { Random } from '../../core/random.js';
import { pack, type PackedArray } from '../../core/serialize.js';
import type { StateReader } from '../../core/untrusted.js';
import type { Task } from '../../core/task.js';
import { BaseEstimator } from '../estimator.js';
import type { ModelFamily } from '../registry.js';
import { forward, parameterCount, type NetworkShape, type OutputKind } from './network.js';
import { trainNetwork, type TrainConfig } from './trainer.js';

export const mlpParams = z.strictObject({
  /** Units of each hidden layer ([] gives a linear model). */
  hiddenLayerSizes: z
    .array(z.number().int().positive().max(HYPERPARAMETER_LIMITS.hiddenUnits))
    .max(HYPERPARAMETER_LIMITS.hiddenLayers)
    .default(() => [100]),
  activation: z.enum(['identity', 'logistic', 'tanh', 'relu']).default('relu'),
  /** L2 penalty on the weights. */
  alpha: z.number().nonnegative().default(1e-4),
  /** Adam step size (scikit-learn's learning_rate_init). */
  learningRate: z.number().positive().default(0.001),
  /** Rows per mini-batch; 'auto' = min(200, rows). */
  batchSize: z.union([z.literal('auto'), z.number().int().positive()]).default('auto'),
  /** Maximum number of epochs. */
  maxIter: z.number().int().positive().max(HYPERPARAMETER_LIMITS.iterations).default(200),
  /** Minimum improvement of the loss (or validation score) that resets the patience counter. */
  tol: z.number().nonnegative().default(1e-4),
  /** Hold out validationFraction of the rows and stop when their score stops improving. */
  earlyStopping: z.boolean().default(false),
  validationFraction: z.number().gt(0).lt(1).default(0.1),
  /** Epochs without improvement tolerated before stopping. */
  nIterNoChange: z.number().int().positive().max(HYPERPARAMETER_LIMITS.iterations).default(10),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().positive().default(1e-8),
  seed: z.number().int().nonnegative().default(0),
});
export type MlpParams = z.output<typeof mlpParams>;

interface MlpState {
  layerSizes: number[];
  output: OutputKind;
  weights: PackedArray;
  lossCurve: number[];
  validationScores: number[];
  /** Backend that trained the weights (predictions do not depend on it). */
  backend: string;
}

/** The fitted network and its training record, shared by the classifier and the regressor. */
class FittedNetwork {
  shape: NetworkShape | null = null;
  weights: Float32Array = new Float32Array(0);
  lossCurve: number[] = [];
  validationScores: number[] = [];
  backend = '';

  async train(
    X: Matrix,
    y: Float64Array,
    params: MlpParams,
    output: OutputKind,
    outputs: number,
  ): Promise<void> {
    const shape: NetworkShape = {
      layerSizes: [X.cols, ...params.hiddenLayerSizes, outputs],
      activation: params.activation,
      output,
    };
    const config: TrainConfig = {
      ...params,
      shape,
      batchSize: params.batchSize === 'auto' ? Math.min(200, X.rows) : params.batchSize,
      random: new Random(params.seed),
    };
    const result = await trainNetwork(X, y, config);
    this.shape = shape;
    this.weights = result.weights;
    this.lossCurve = result.lossCurve;
    this.validationScores = result.validationScores;
    this.backend = result.backend;
  }

  predict(X: Matrix): Float64Array {
    return forward(this.shape!, this.weights, X);
  }

  getState(): MlpState {
    const shape = this.shape!;
    return {
      layerSizes: shape.layerSizes,
      output: shape.output,
      weights: pack(this.weights),
      lossCurve: this.lossCurve,
      validationScores: this.validationScores,
      backend: this.backend,
    };
  }

  /**
   * Reads the saved network, checked against the model: layers nFeatures → params.hiddenLayerSizes →
   * outputs (with their output kind), and one finite weight per parameter.
   */
  setState(
    state: StateReader,
    params: MlpParams,
    nFeatures: number,
    output: OutputKind,
    outputs: number,
  ): void {
    const expected = [nFeatures, ...params.hiddenLayerSizes, outputs];
    const layerSizes = state.integers('layerSizes', 1, 2 ** 31 - 1, { length: expected.length });
    if (layerSizes.some((size, l) => size !== expected[l])) {
      state.fail(
        `${state.field('layerSizes')} is [${layerSizes.join(', ')}], but this model's layers are [${expected.join(', ')}]`,
      );
    }
    this.shape = { layerSizes, activation: params.activation, output: state.oneOf('output', [output]) };
    this.weights = state.f32('weights', { length: parameterCount(layerSizes) });
    this.lossCurve = state.numbers('lossCurve', { nan: true, infinite: true });
    this.validationScores = state.numbers('validationScores', { nan: true, infinite: true });
    this.backend = state.string('backend');
  }
}

/**
 * A multilayer perceptron for either task: for two classes one logistic output unit (as scikit-learn), for more
 * a softmax over the classes, for regression one linear output.
 */
export class MLP extends BaseEstimator<MlpParams> {
  readonly family = 'mlp';
  private readonly network = new FittedNetwork();

  constructor(task: Task, params?: Record<string, unknown>) {
    super(mlpParams, params, 'mlp', task);
  }

  /** Mean training loss per epoch of the last fit. */
  get lossCurve(): readonly number[] {
    return this.network.lossCurve;
  }

  /** Held-out score per epoch (accuracy or R²) of the last fit with earlyStopping; empty otherwise. */
  get validationScores(): readonly number[] {
    return this.network.validationScores;
  }

  /** The output layer this model's task and classes call for. */
  private output(): { kind: OutputKind; units: number } {
    if (this.task === 'regression') return { kind: 'identity', units: 1 };
    return this.nClasses === 2 ? { kind: 'sigmoid', units: 1 } : { kind: 'softmax', units: this.nClasses };
  }

  protected async fitValidated(X: Matrix, y: Float64Array): Promise<void> {
    const { kind, units } = this.output();
    await this.network.train(X, y, this.params, kind, units);
  }

  protected override predictProbaValidated(X: Matrix): Matrix {
    const out = this.network.predict(X);
    if (this.network.shape!.output === 'softmax') return { data: out, rows: X.rows, cols: this.nClasses };
    const proba = new Float64Array(X.rows * 2);
    for (let i = 0; i < X.rows; i++) {
      proba[2 * i] = 1 - out[i];
      proba[2 * i + 1] = out[i];
    }
    return { data: proba, rows: X.rows, cols: 2 };
  }

  protected override predictValuesValidated(X: Matrix): Float64Array {
    return this.network.predict(X);
  }

  protected getState(): MlpState {
    return this.network.getState();
  }

  protected setState(state: StateReader): void {
    const { kind, units } = this.output();
    this.network.setState(state, this.params, this.nFeatures, kind, units);
  }
}

/** scikit-learn's name for the classifier. */
export class MLPClassifier extends MLP {
  constructor(params?: Record<string, unknown>) {
    super('classification', params);
  }
}

/** scikit-learn's name for the regressor. */
export class MLPRegressor extends MLP {
  constructor(params?: Record<string, unknown>) {
    super('regression', params);
  }
}

export const mlpFamily: ModelFamily = {
  family: 'mlp',
  label: 'Neural network (MLP)',
  tasks: ['classification', 'regression'],
  create: (task, params) => new MLP(task, params),
};
