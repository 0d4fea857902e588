/**
 * The public API of the `beemind` package. Everything not exported here is private.
 */
import './models/families.js';

export { BeeMindError, DataError, ConfigurationError, EvaluationError, ProtocolError, NotFittedError } from './core/errors.js';
export { Random } from './core/random.js';
export { type Matrix, createMatrix, matrixFromRows } from './core/matrix.js';
export * from './data/frame.js';
export type { Estimator, EstimatorJSON, FitOptions, Task } from './models/estimator.js';
export { createModel, estimatorFromJSON, modelFamilies, getModelFamily, type ModelFamily } from './models/registry.js';
export type { Transformer, TransformerJSON, TransformerFitContext } from './preprocessing/transformer.js';
