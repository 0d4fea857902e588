// A model file is validated completely when it is imported or loaded: tree structure (acyclic, every node
// reached once, indices in range), finite values, feature indices, array sizes, hyperparameters and every
// preprocessing step's fitted state, for every model family. A bad file is a BeeMindError naming the problem,
// never a hang, a TypeError or garbage predictions.
import { TrainedModel, type TrainedModelJSON } from '../../src/trained/trained_model.js';
import { BeeMindError, ConfigurationError, DataError } from '../../src/core/errors.js';
import { pack, unpackI32 } from '../../src/core/serialize.js';
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { parseModelFile } from '../../src/store/model_file.js';
import { editPacked, fitCases, modelFile, type FittedCase } from '../helpers/model_files.js';
import { tempStore } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let cases: FittedCase[];
const models = new Map<string, TrainedModelJSON>();

beforeAll(async () => {
  cases = await fitCases();
  for (const c of cases) models.set(c.name, c.json);
});

afterAll(() => closeStores());

/** A deep copy of the case's model JSON after `change`. */
function edited(name: string, change: (model: Json) => void): TrainedModelJSON {
  const copy = JSON.parse(JSON.stringify(models.get(name)!));
  change(copy);
  return copy;
}

const pipelineOf = (m: Json) => m.members[0].pipeline;
const estimatorOf = (m: Json) => pipelineOf(m).model;
/** The family's own fitted state (what its setState reads). */
const stateOf = (m: Json) => estimatorOf(m).state.model;
const stepState = (m: Json, k: number) => pipelineOf(m).steps[k].state.step;

/** Loading throws a BeeMindError (of `type`) whose message matches `message`. */
function expectRefused(
  model: TrainedModelJSON,
  message: RegExp,
  type: typeof BeeMindError = BeeMindError,
): void {
  let caught: unknown;
  try {
    TrainedModel.fromJSON(model);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(type);
  expect((caught as Error).message).toMatch(message);
}

describe('tree models', () => {
  const tree0 = (m: Json) => stateOf(m).ensemble.trees[0];

  it('refuses a root that is its own left child (predict would spin forever), on load and on import', () => {
    const bad = edited('decision_tree', (m) => editPacked(tree0(m), 'left', (l) => void (l[0] = 0)));
    expectRefused(bad, /tree 0 node 0 has left child 0, which does not come after it/);

    expect(() => parseModelFile(modelFile(bad), 'bad.json')).toThrow(DataError);
    expect(() => parseModelFile(modelFile(bad), 'bad.json')).toThrow(
      /bad\.json .*tree 0 node 0 has left child 0, which does not come after it/,
    );
    const registry = ExperimentStore.open(tempStore()).models;
    expect(() => registry.importModel(modelFile(bad))).toThrow(/tree 0 node 0 has left child 0/);
    expect(registry.list()).toEqual([]);
  });

  it('refuses child indices out of range, loops further down and nodes reached twice', () => {
    expectRefused(
      edited('decision_tree', (m) => editPacked(tree0(m), 'right', (r) => void (r[0] = 10_000))),
      /tree 0 node 0 has right child 10000, but the tree has only \d+ nodes/,
    );
    expectRefused(
      edited('decision_tree', (m) => editPacked(tree0(m), 'left', (l) => void (l[1] = 0))),
      /tree 0 node 1 has left child 0, which does not come after it/,
    );
    expectRefused(
      edited('decision_tree', (m) =>
        editPacked(tree0(m), 'right', (r) => {
          const left = unpackI32(tree0(m).left);
          r[0] = left[0];
        }),
      ),
      /tree 0 node \d+ is the child of more than one node/,
    );
    expectRefused(
      edited('random_forest', (m) =>
        editPacked(stateOf(m).ensemble.trees[2], 'left', (l) => void (l[0] = -5)),
      ),
      /tree 2 node 0 has left child -5/,
    );
  });

  it('refuses non-finite leaf values and thresholds, and feature indices beyond the model', () => {
    expectRefused(
      edited('decision_tree', (m) => editPacked(tree0(m), 'value', (v) => void (v[0] = NaN))),
      /tree 0 leaf 0 has value NaN/,
    );
    expectRefused(
      edited('decision_tree', (m) => editPacked(tree0(m), 'threshold', (t) => void (t[0] = NaN))),
      /tree 0 node 0 has threshold NaN/,
    );
    expectRefused(
      edited('decision_tree', (m) => editPacked(tree0(m), 'feature', (f) => void (f[0] = 7))),
      /tree 0 node 0 tests feature 7, but the model has 7 features/,
    );
  });

  it('refuses arrays of inconsistent sizes or types', () => {
    expectRefused(
      edited('decision_tree', (m) => editPacked(tree0(m), 'value', (v) => v.slice(0, v.length - 3))),
      /decision_tree \(classification\): state\.model\.ensemble\.trees\[0\]\.value must have (\d+) values, but it has \d+; .*export it again/,
    );
    expectRefused(
      edited(
        'decision_tree',
        (m) => (tree0(m).feature = pack(Float64Array.from(unpackI32(tree0(m).feature)))),
      ),
      /feature must be a packed i32 array/,
    );
    expectRefused(
      edited('decision_tree', (m) => (tree0(m).nOutputs = 2)),
      /nOutputs/,
    );
    expectRefused(
      edited('random_forest', (m) => editPacked(stateOf(m).ensemble, 'importances', (v) => v.slice(1))),
      /importances/,
    );
  });

  it('refuses a missing or null state instead of failing with a TypeError', () => {
    expectRefused(
      edited('decision_tree', (m) => (estimatorOf(m).state.model = null)),
      /decision_tree/,
    );
    expectRefused(
      edited('decision_tree', (m) => delete stateOf(m).ensemble),
      /ensemble/,
    );
    expectRefused(
      edited('decision_tree', (m) => (estimatorOf(m).state.nFeatures = -1)),
      /nFeatures/,
    );
  });
});

describe('histogram gradient boosting', () => {
  const trees = (m: Json) => stateOf(m).trees;

  it('refuses loops, out-of-range children and roots, and non-finite leaves', () => {
    expectRefused(
      edited('hist_gradient_boosting', (m) => editPacked(trees(m), 'left', (l) => void (l[0] = 0))),
      /tree 0 node 0 has left child 0, which does not come after it/,
    );
    expectRefused(
      edited('hist_gradient_boosting', (m) => editPacked(trees(m), 'right', (r) => void (r[0] = 5_000))),
      /tree 0 node 0 has right child 5000/,
    );
    expectRefused(
      edited('hist_gradient_boosting', (m) => editPacked(trees(m), 'roots', (r) => void (r[1] = 100_000))),
      /roots/,
    );
    expectRefused(
      edited('hist_gradient_boosting regression', (m) =>
        editPacked(trees(m), 'value', (v) => void (v[v.length - 1] = Infinity)),
      ),
      /value Infinity/,
    );
    expectRefused(
      edited('hist_gradient_boosting', (m) => editPacked(stateOf(m), 'baseline', (b) => b.slice(1))),
      /baseline/,
    );
  });
});

describe('the other families', () => {
  it('linear and logistic regression: coefficient sizes and finite values', () => {
    expectRefused(
      edited('ridge', (m) => editPacked(stateOf(m), 'coef', (c) => c.slice(1))),
      /coef/,
    );
    expectRefused(
      edited('ridge', (m) => (stateOf(m).intercept = 'x')),
      /intercept/,
    );
    expectRefused(
      edited('logistic_regression', (m) => editPacked(stateOf(m), 'intercept', (c) => void (c[0] = NaN))),
      /intercept/,
    );
    expectRefused(
      edited('logistic_regression', (m) => (stateOf(m).outputs = 1)),
      /outputs/,
    );
  });

  it('kNN: labels within the classes, row count consistent with the data', () => {
    expectRefused(
      edited('knn', (m) => editPacked(stateOf(m), 'y', (y) => void (y[0] = 7))),
      /knn \(classification\): state\.model\.y\[0\] is 7, above 2/,
    );
    expectRefused(
      edited('knn', (m) => (stateOf(m).rows = 10_000)),
      /state\.model\.X must have 150000 values, but it has 5160/,
    );
  });

  it('naive Bayes: positive variances, per-class sizes', () => {
    expectRefused(
      edited('gaussian_nb', (m) => editPacked(stateOf(m), 'variance', (v) => void (v[0] = -1))),
      /variance/,
    );
    expectRefused(
      edited('gaussian_nb', (m) => editPacked(stateOf(m), 'theta', (v) => v.slice(2))),
      /theta/,
    );
  });

  it('MLP: layer sizes and weight count', () => {
    expectRefused(
      edited('mlp', (m) => editPacked(stateOf(m), 'weights', (w) => w.slice(1))),
      /weights/,
    );
    expectRefused(
      edited('mlp', (m) => (stateOf(m).layerSizes = [5, 9, 1])),
      /layerSizes/,
    );
    expectRefused(
      edited('mlp classification', (m) => (stateOf(m).output = 'identity')),
      /output/,
    );
  });

  it('hyperparameters must fit their schema', () => {
    expectRefused(
      edited('knn', (m) => (estimatorOf(m).params.nNeighbors = -1)),
      /nNeighbors/,
      ConfigurationError,
    );
  });
});

describe('preprocessing steps', () => {
  it('refuses fitted state that does not match the step’s columns', () => {
    // logistic_regression: simple_imputer, one_hot_encoder, standard_scaler
    expectRefused(
      edited('logistic_regression', (m) => editPacked(stepState(m, 2), 'center', (c) => c.slice(1))),
      /standard_scaler.*center/,
    );
    expectRefused(
      edited('logistic_regression', (m) => editPacked(stepState(m, 2), 'scale', (c) => void (c[0] = 0))),
      /standard_scaler.*scale/,
    );
    expectRefused(
      edited('logistic_regression', (m) => (stepState(m, 0).indicated = [99])),
      /simple_imputer.*indicated/,
    );
    expectRefused(
      edited('logistic_regression', (m) => (stepState(m, 1).layout = [])),
      /one_hot_encoder.*layout/,
    );
    expectRefused(
      edited('knn', (m) => (stepState(m, 3).kept = [0, 999])),
      /variance_threshold.*kept/,
    );
    expectRefused(
      edited('ridge', (m) => (stepState(m, 1).sources = [0, 0])),
      /pairwise_products.*sources/,
    );
    expectRefused(
      edited('hist_gradient_boosting regression', (m) =>
        editPacked(stepState(m, 0).cuts, '0', (c) => c.reverse()),
      ),
      /quantile_binning.*cuts/,
    );
    expectRefused(
      edited('decision_tree', (m) => (pipelineOf(m).steps[0].state.input = [{ name: 'x', kind: 'weird' }])),
      /ordinal_encoder.*input/,
    );
  });
});

describe('the model around the pipelines', () => {
  it('refuses classes, features and weights that do not fit the members', () => {
    expectRefused(
      edited('knn', (m) => (m.classes = ['a', 'b'])),
      /classes/,
    );
    expectRefused(
      edited('knn', (m) => (m.featureNames = ['island'])),
      /feature/,
    );
    expectRefused(
      edited('knn', (m) => (m.members[0].weight = null)),
      /weight/,
    );
  });

  it('still loads and predicts every valid model exactly', () => {
    for (const { json, rows } of cases) {
      const loaded = TrainedModel.fromJSON(parseModelFile(modelFile(json), 'ok.json').model);
      expect(loaded.predict(rows)).toEqual(TrainedModel.fromJSON(json).predict(rows));
    }
  });
});
