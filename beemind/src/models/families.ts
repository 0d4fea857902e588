/**
 * Registers every built-in model family. Import this module (the package index does) before using the
 * registry. Each family lives in its own module; add new ones here.
 */
import { registerModelFamily, type ModelFamily } from './registry.js';
import { histGradientBoostingFamily } from './hist_gradient_boosting/gradient_boosting.js';
import { decisionTreeFamily } from './tree/decision_tree.js';
import { extraTreesFamily } from './tree/extra_trees.js';
import { randomForestFamily } from './tree/random_forest.js';
import { lassoFamily, linearRegressionFamily, ridgeFamily } from './linear/linear_regression.js';
import { logisticRegressionFamily } from './linear/logistic_regression.js';
import { gaussianNbFamily } from './naive_bayes/gaussian_nb.js';
import { knnFamily } from './neighbors/knn.js';
import { mlpFamily } from './neural/mlp.js';
import { svmFamily } from './svm/svm.js';

const builtIn: ModelFamily[] = [
  histGradientBoostingFamily,
  decisionTreeFamily,
  randomForestFamily,
  extraTreesFamily,
  logisticRegressionFamily,
  linearRegressionFamily,
  ridgeFamily,
  lassoFamily,
  knnFamily,
  gaussianNbFamily,
  mlpFamily,
  svmFamily,
];

for (const f of builtIn) registerModelFamily(f);
