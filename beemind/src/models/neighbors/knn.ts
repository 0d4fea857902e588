/**
 * This module contains k-nearest-neighbours (family `knn`) for classification (neighbour votes) and
 * regression (neighbour mean), like scikit-learn's `KNeighborsClassifier`/`KNeighborsRegressor` with
 * brute-force search: uniform or inverse-distance weights under a Minkowski distance.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.js';
import { pack, type PackedArray } from '../../core/serialize.js';
import type { StateReader } from '../../core/untrusted.js';
import type { Task } from '../../core/task.js';
import { BaseEstimator } from '../estimator.js';
import type { ModelFamily } from '../registry.js';
import { kNearest, type NeighborResult } from './brute_force.js';

export const knnParams = z.strictObject({
  /** Neighbours consulted; capped at the number of training rows (small folds stay usable). */
  nNeighbors: z.number().int().positive().default(5),
  /** 'uniform' votes, or 'distance': weight 1/d (exact matches, d = 0, then take all the weight). */
  weights: z.enum(['uniform', 'distance']).default('uniform'),
  /** Minkowski power: 2 = Euclidean, 1 = Manhattan. */
  p: z.number().min(1).default(2),
});
export type KnnParams = z.output<typeof knnParams>;

interface KnnState {
  X: PackedArray;
  y: PackedArray;
  rows: number;
}

/** The training data a neighbour model memorises, and the weighted neighbour lookup shared by both tasks. */
class NeighborMemory {
  X: Float64Array = new Float64Array(0);
  y: Float64Array = new Float64Array(0);
  rows = 0;

  remember(X: Matrix, y: Float64Array): void {
    this.X = Float64Array.from(X.data);
    this.y = Float64Array.from(y);
    this.rows = X.rows;
  }

  /** Neighbours of every row of Q, and their vote weights (query-major m × k). */
  lookup(Q: Matrix, params: KnnParams): { neighbors: NeighborResult; weights: Float64Array } {
    const k = Math.min(params.nNeighbors, this.rows);
    const neighbors = kNearest(this.X, this.rows, Q.data, Q.rows, Q.cols, k, params.p);
    const weights = new Float64Array(Q.rows * k).fill(1);
    if (params.weights === 'distance') {
      const d = neighbors.distances;
      for (let q = 0; q < Q.rows; q++) {
        const base = q * k;
        // nearest first: an exact match shows up at position 0
        const exact = d[base] === 0;
        for (let a = 0; a < k; a++) {
          weights[base + a] = exact ? (d[base + a] === 0 ? 1 : 0) : 1 / d[base + a];
        }
      }
    }
    return { neighbors, weights };
  }

  getState(): KnnState {
    return { X: pack(this.X), y: pack(this.y), rows: this.rows };
  }

  /** Reads the memorised rows of a model with `nFeatures` features (and `nClasses` classes, 0 for regression). */
  setState(state: StateReader, nFeatures: number, nClasses: number): void {
    const rows = state.integer('rows', 1);
    this.X = state.f64('X', { length: rows * nFeatures });
    // class indices for a classifier, finite values for a regressor
    this.y = state.f64('y', {
      length: rows,
      ...(nClasses > 0 ? { integer: true, min: 0, max: nClasses - 1 } : {}),
    });
    this.rows = rows;
  }
}

/** k-nearest neighbours for either task: a classifier votes, a regressor averages (weighted by distance or not). */
export class KNeighbors extends BaseEstimator<KnnParams> {
  readonly family = 'knn';
  private readonly memory = new NeighborMemory();

  constructor(task: Task, params?: Record<string, unknown>) {
    super(knnParams, params, 'knn', task);
  }

  protected fitValidated(X: Matrix, y: Float64Array): void {
    this.memory.remember(X, y);
  }

  /** Share of (weighted) neighbour votes per class. */
  protected override predictProbaValidated(X: Matrix): Matrix {
    const K = this.nClasses;
    const { neighbors, weights } = this.memory.lookup(X, this.params);
    const { indices, k } = neighbors;
    const labels = this.memory.y;
    const out = new Float64Array(X.rows * K);
    for (let q = 0; q < X.rows; q++) {
      let total = 0;
      for (let a = 0; a < k; a++) {
        const w = weights[q * k + a];
        out[q * K + labels[indices[q * k + a]]] += w;
        total += w;
      }
      for (let c = 0; c < K; c++) out[q * K + c] /= total;
    }
    return { data: out, rows: X.rows, cols: K };
  }

  /** The (weighted) mean target of the neighbours. */
  protected override predictValuesValidated(X: Matrix): Float64Array {
    const { neighbors, weights } = this.memory.lookup(X, this.params);
    const { indices, k } = neighbors;
    const targets = this.memory.y;
    const out = new Float64Array(X.rows);
    for (let q = 0; q < X.rows; q++) {
      let s = 0;
      let total = 0;
      for (let a = 0; a < k; a++) {
        const w = weights[q * k + a];
        s += w * targets[indices[q * k + a]];
        total += w;
      }
      out[q] = s / total;
    }
    return out;
  }

  protected getState(): KnnState {
    return this.memory.getState();
  }

  protected setState(state: StateReader): void {
    this.memory.setState(state, this.nFeatures, this.nClasses);
  }
}

/** scikit-learn's name for the classifier. */
export class KNeighborsClassifier extends KNeighbors {
  constructor(params?: Record<string, unknown>) {
    super('classification', params);
  }
}

/** scikit-learn's name for the regressor. */
export class KNeighborsRegressor extends KNeighbors {
  constructor(params?: Record<string, unknown>) {
    super('regression', params);
  }
}

export const knnFamily: ModelFamily = {
  family: 'knn',
  label: 'k-nearest neighbours',
  tasks: ['classification', 'regression'],
  create: (task, params) => new KNeighbors(task, params),
};
