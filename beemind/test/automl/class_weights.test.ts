// Imbalanced classes: when the metric weighs every class alike (balanced accuracy, macro F1, ROC AUC) and the
// rarest class has under a quarter of the rows of the most common, the tree families may balance class
// weights; with accuracy, or balanced classes, the space stays as it was.
import { evolve } from '../../src/automl/evolve.js';
import { loadDataset } from '../../src/data/datasets.js';
import { defaultPipelineSpace } from '../../src/search/default_space.js';

const TREES = new Set(['random_forest', 'extra_trees', 'decision_tree']);

describe('class weights in the search space', () => {
  it('are a choice of the tree families when asked for, and only for classification', () => {
    const weighted = defaultPipelineSpace('classification', { classWeights: true }).models;
    for (const family of TREES)
      expect(weighted[family].classWeight).toEqual({ type: 'categorical', choices: [null, 'balanced'] });
    expect(defaultPipelineSpace('classification').models.random_forest.classWeight).toBeUndefined();
    expect(
      defaultPipelineSpace('regression', { classWeights: true }).models.random_forest.classWeight,
    ).toBeUndefined();
  });

  const weightsTried = async (name: string, target: string, metric: string) => {
    // only the search's genomes matter here: no champion combination, no importance, and no network to train
    const families = ['random_forest', 'extra_trees', 'decision_tree', 'logistic_regression'];
    const options = {
      target,
      metric,
      families,
      budget: { evaluations: 8 },
      seed: 0,
      store: false as const,
      workers: 0,
    };
    const run = await evolve(await loadDataset(name), {
      ...options,
      stacking: false,
      ensemble: false,
      importance: false,
    });
    const trees = run.drones.filter((d) => d.status === 'ok' && TREES.has(d.genome.model.family));
    expect(trees.length).toBeGreaterThan(0);
    return trees.some((d) => Object.hasOwn(d.genome.model.params, 'classWeight'));
  };

  it('are searched for imbalanced classes under balanced accuracy, not under accuracy', async () => {
    expect(await weightsTried('seattle_weather', 'weather', 'balanced_accuracy')).toBe(true); // snow 26 rows, rain 641
    expect(await weightsTried('seattle_weather', 'weather', 'accuracy')).toBe(false);
  }, 180_000);

  it('are not searched when the classes are balanced enough', async () => {
    expect(await weightsTried('penguins', 'species', 'balanced_accuracy')).toBe(false); // 68 to 152 rows
  }, 120_000);
});
