/**
 * This module contains a rough a-priori estimate of what one fit of a genome costs on a table of a given
 * shape, in arbitrary units close to seconds on one core of this project's machines. The search uses it only
 * to order work cheapest first (FLAML's cheap-first rule), so that a deadline cuts off the few slow drones
 * of a batch rather than many fast ones. The constants were read from the per-fold fit times of the portfolio
 * on digits, credit_default and penguins; only the order they give matters, not their values.
 */
import type { Genome } from './genome.js';

/** The rows a fit sees, the table's columns, and the classes (1 for regression). */
export interface TableShape {
  rows: number;
  columns: number;
  classes: number;
}

/** Per cell of the data, per tree or epoch: the constants of the estimate below. */
const PER_TREE_CELL = 2e-8;
const PER_BOOSTING_TREE = 1e-4;
const PER_EPOCH_WEIGHT_ROW = 5e-9;
const PER_ITERATION_CELL = 4e-9;
const PER_DISTANCE = 1e-9;
const PER_KERNEL_CELL = 3e-9;
/** What a family of a plugin, unknown here, is taken to cost per cell: between the linear and the tree models. */
const UNKNOWN_PER_CELL = 1e-7;

const num = (params: Record<string, unknown>, name: string, fallback: number): number => {
  const v = params[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
};

/** Estimated cost of fitting `genome` on a table of `shape` and predicting a fold of it. */
export function estimatedFitCost(genome: Genome, shape: TableShape): number {
  const n = Math.max(1, shape.rows);
  const d = Math.max(1, shape.columns);
  const k = Math.max(1, shape.classes);
  const p = genome.model.params;
  const cells = n * d;
  const depth = Math.log2(n + 1);
  switch (genome.model.family) {
    case 'hist_gradient_boosting': {
      // one tree per class per iteration (one in all for binary and regression), stopped early or not
      const trees = num(p, 'maxIter', 100) * (k > 2 ? k : 1) * (p.earlyStopping === true ? 0.5 : 1);
      return trees * (PER_TREE_CELL * cells + PER_BOOSTING_TREE);
    }
    case 'random_forest':
    case 'extra_trees':
      return (
        num(p, 'nEstimators', 100) * PER_TREE_CELL * n * depth * Math.max(1, d * num(p, 'maxFeatures', 1))
      );
    case 'decision_tree':
      return PER_TREE_CELL * n * depth * d;
    case 'mlp': {
      const layers = [
        d,
        ...(Array.isArray(p.hiddenLayerSizes) ? (p.hiddenLayerSizes as number[]) : [100]),
        k,
      ];
      let weights = 0;
      for (let l = 1; l < layers.length; l++) weights += layers[l - 1] * layers[l];
      const epochs = num(p, 'maxIter', 200) * (p.earlyStopping === true ? 0.4 : 1);
      return epochs * n * weights * PER_EPOCH_WEIGHT_ROW;
    }
    case 'logistic_regression':
      return 100 * PER_ITERATION_CELL * cells * k * (p.penalty === 'l1' ? 3 : 1);
    case 'lasso':
      return 100 * PER_ITERATION_CELL * cells;
    case 'ridge':
    case 'linear_regression':
      return PER_ITERATION_CELL * (cells * d + d * d * d);
    case 'gaussian_nb':
      return PER_ITERATION_CELL * cells * k;
    case 'svm':
      // the kernel between every pair of rows; a classifier also fits Platt's cross-validation (about 2.3×)
      return PER_KERNEL_CELL * n * n * d * (k > 1 ? 2.3 : 4);
    case 'knn':
      // nothing to fit; predicting a fold compares each of its rows (a quarter of n) with every training row
      return PER_DISTANCE * n * (n / 4) * d;
    default:
      return UNKNOWN_PER_CELL * cells;
  }
}

/** Indices of `genomes` ordered by estimated cost, cheapest first; equal costs keep their order. */
export function cheapestFirst(genomes: readonly Genome[], shape: TableShape): number[] {
  const costs = genomes.map((g) => estimatedFitCost(g, shape));
  return genomes.map((_, i) => i).sort((a, b) => costs[a] - costs[b] || a - b);
}
