/**
 * The a-priori cost estimate orders a batch cheapest first: on a digits-like table, neighbours and linear
 * models before forests, forests before ten-class boosting, and a network last unless it stops early.
 */
import { cheapestFirst, estimatedFitCost, type TableShape } from '../../src/search/cost.js';
import type { Genome } from '../../src/protocol/events.js';

const digitsFold: TableShape = { rows: 1078, columns: 64, classes: 10 };
const genome = (family: string, params: Record<string, unknown> = {}): Genome => ({
  steps: [],
  model: { family, params },
});

const knn = genome('knn', { nNeighbors: 9 });
const logistic = genome('logistic_regression', { C: 1, penalty: 'l2' });
const forest = genome('random_forest', { nEstimators: 144, maxFeatures: 0.26 });
const boosting = genome('hist_gradient_boosting', { maxIter: 100 });
const network = genome('mlp', { hiddenLayerSizes: [64], maxIter: 100 });

describe('estimatedFitCost', () => {
  it('ranks the families as their fit times on digits do', () => {
    const order = cheapestFirst([network, boosting, forest, logistic, knn], digitsFold);
    expect(order.map((i) => [network, boosting, forest, logistic, knn][i].model.family)).toEqual([
      'knn',
      'logistic_regression',
      'random_forest',
      'hist_gradient_boosting',
      'mlp',
    ]);
  });

  it('grows with the rows, the trees and the epochs, and shrinks when a learner stops early', () => {
    const bigger = { ...digitsFold, rows: digitsFold.rows * 10 };
    for (const g of [knn, logistic, forest, boosting, network]) {
      expect(estimatedFitCost(g, bigger)).toBeGreaterThan(estimatedFitCost(g, digitsFold));
    }
    expect(estimatedFitCost(genome('random_forest', { nEstimators: 300 }), digitsFold)).toBeGreaterThan(
      estimatedFitCost(genome('random_forest', { nEstimators: 30 }), digitsFold),
    );
    const stopping = genome('mlp', { hiddenLayerSizes: [64], maxIter: 100, earlyStopping: true });
    expect(estimatedFitCost(stopping, digitsFold)).toBeLessThan(estimatedFitCost(network, digitsFold));
  });

  it("gives a family it does not know (a plugin's) a finite cost, and keeps the order of equal costs", () => {
    const plugin = genome('my_plugin_family');
    expect(Number.isFinite(estimatedFitCost(plugin, digitsFold))).toBe(true);
    expect(cheapestFirst([network, plugin, plugin], digitsFold)).toEqual([1, 2, 0]);
  });
});
