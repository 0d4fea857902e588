/**
 * This module contains the portfolio: known-good starting genomes per task (the zero-shot portfolio learned
 * offline by bench/portfolio.mjs first, then the library defaults of the strong families, well-tried variants
 * and the cheap baselines), written in the default space, and fitPortfolio, which adapts a portfolio to any
 * other pipeline space.
 */
import type { Random } from '../core/random.js';
import type { Task } from '../core/task.js';
import type { DefaultSpaceOptions } from './default_space.js';
import { genomeKey, repairGenome, type Genome, type GenomeStep, type PipelineSpace } from './genome.js';
import { LEARNED_PORTFOLIO } from './learned_portfolio.js';

type Params = Record<string, unknown>;
/** What the portfolio adapts to (parts.ts dataTraits). */
type Traits = Pick<
  DefaultSpaceOptions,
  'manyCategories' | 'orderedCategories' | 'dates' | 'text' | 'missing' | 'families'
>;

const impute = (strategy: 'mean' | 'median' = 'median'): GenomeStep => ({
  kind: 'simple_imputer',
  params: { strategy, addIndicator: false },
});
const ordinal: GenomeStep = { kind: 'ordinal_encoder', params: {} };
const oneHot: GenomeStep = { kind: 'one_hot_encoder', params: { minFrequency: 0 } };
const standard: GenomeStep = { kind: 'standard_scaler', params: {} };

/** Trees: ordinal codes are enough and keep the tables narrow. */
function treePipeline(family: string, params: Params): Genome {
  return { steps: [impute('median'), ordinal], model: { family, params } };
}

/** Distance- and gradient-based models: one-hot codes and standardised columns. */
function scaledPipeline(family: string, params: Params): Genome {
  return { steps: [impute('mean'), oneHot, standard], model: { family, params } };
}

const hgbDefaults = {
  learningRate: 0.1,
  maxIter: 100,
  maxLeafNodes: 31,
  minSamplesLeaf: 20,
  l2Regularization: 1e-10,
};
const forestDefaults = { nEstimators: 100, minSamplesLeaf: 1, minSamplesSplit: 2 };
const mlpDefaults = {
  hiddenLayerSizes: [64],
  activation: 'relu',
  alpha: 1e-4,
  learningRate: 3e-3,
  maxIter: 100,
  earlyStopping: true,
};

/**
 * What a portfolio entry opens with on free text: 64 TF-IDF columns of single words, not a random width (256
 * buckets of word pairs made every tree of the portfolio too slow to finish in 10 s on 7,500 rows, movies; 16
 * lose words to collisions), or the text left out.
 */
const TEXT_STEPS = {
  text_tfidf: { kind: 'text_tfidf', params: { buckets: 64, ngrams: 1 } },
  drop_text: { kind: 'drop_text', params: {} },
} satisfies Record<string, GenomeStep>;
type TextTreatment = keyof typeof TEXT_STEPS;

/** The steps every genome of data with dates or free text opens with, in the slots' order. */
function dataSteps(traits: { dates?: boolean }, text: TextTreatment | null): GenomeStep[] {
  return [
    ...(traits.dates ? [{ kind: 'date_features', params: {} }] : []),
    ...(text ? [TEXT_STEPS[text]] : []),
  ];
}

/**
 * Known-good genomes for `task`: the learned zero-shot portfolio, then the strong families' defaults, variants
 * and cheap baselines, the slow neural network last. Every entry is valid in defaultPipelineSpace(task, traits).
 * With free text beside other features, each entry comes twice in a row, with the text's TF-IDF columns and
 * with the text left out: whether the words help is a property of the table (a review's words decide its stars;
 * a film's title says little of its rating), so the first drones already tell the search which way to go.
 */
export function defaultPortfolio(task: Task, traits: Traits = {}): Genome[] {
  const treatments: (TextTreatment | null)[] =
    traits.text === 'only' ? ['text_tfidf'] : traits.text ? ['text_tfidf', 'drop_text'] : [null];
  return handPicked(task, traits).flatMap((g) =>
    treatments.map((text) => ({
      ...g,
      steps: [
        ...dataSteps(traits, text),
        ...g.steps.map((s) => withImputation(withOrder(s, traits), traits)),
      ],
    })),
  );
}

/**
 * With missing values, every entry fills them by regression on the other columns (the imputer's iterative
 * strategy) rather than with a column's median or mean: a row that lacks several values then looks like the
 * rows its other values resemble (a penguin without a single measurement like its island's penguins), not
 * like the average row. And it adds a 0/1 column per column with gaps, saying where a value was filled: that a
 * value is missing can be the signal (movies' budget, missing in 91% of the rows), which boosting in scikit-learn
 * and LightGBM learns from their native missing-value splits. Measured in
 * docs/benchmarks.md, "Missing values filled by regression" and "Missing-value indicators in the portfolio".
 */
function withImputation(step: GenomeStep, traits: Traits): GenomeStep {
  if (!traits.missing || step.kind !== 'simple_imputer') return step;
  return { ...step, params: { ...step.params, strategy: 'iterative', addIndicator: true } };
}

/**
 * An ordinal step in code-point order unless it says otherwise, where the space also offers target order: the
 * space's repair would draw a missing order at random, and a portfolio entry is one known configuration.
 */
function withOrder(step: GenomeStep, traits: { orderedCategories?: boolean }): GenomeStep {
  if (!traits.orderedCategories || step.kind !== 'ordinal_encoder' || 'order' in step.params) return step;
  return { ...step, params: { ...step.params, order: 'lexical' } };
}

function handPicked(task: Task, traits: Traits): Genome[] {
  const criterion = task === 'classification' ? { criterion: 'gini' } : {};
  const shared = {
    hgb: treePipeline('hist_gradient_boosting', hgbDefaults),
    hgbSlow: treePipeline('hist_gradient_boosting', {
      learningRate: 0.05,
      maxIter: 300,
      maxLeafNodes: 15,
      minSamplesLeaf: 10,
      l2Regularization: 0.1,
    }),
    rf: treePipeline('random_forest', {
      ...criterion,
      ...forestDefaults,
      maxFeatures: task === 'classification' ? 0.3 : 1,
      bootstrap: true,
    }),
    et: treePipeline('extra_trees', {
      ...criterion,
      ...forestDefaults,
      maxFeatures: task === 'classification' ? 0.5 : 1,
      bootstrap: false,
    }),
    knn: scaledPipeline('knn', { nNeighbors: 10, weights: 'distance', p: 2 }),
    mlp: scaledPipeline('mlp', mlpDefaults),
    tree: treePipeline('decision_tree', {
      ...criterion,
      maxDepth: 8,
      minSamplesLeaf: 5,
      minSamplesSplit: 10,
    }),
  };
  // with many categories, boosting on their target means and frequencies comes right after the defaults, and
  // boosting on their codes in target order (a 125-country × year panel, sumhes: 0.978 out of fold by target
  // means, 0.990 by target order)
  const targetEncoded: Genome[] = [
    ...(traits.manyCategories
      ? [
          {
            ...shared.hgb,
            steps: [impute('median'), { kind: 'target_encoder', params: { smoothing: 10, frequency: true } }],
          },
        ]
      : []),
    ...(traits.orderedCategories
      ? [
          {
            ...shared.hgb,
            steps: [impute('median'), { kind: 'ordinal_encoder', params: { order: 'target' } }],
          },
        ]
      : []),
  ];
  // the kernel machine, which the default space offers only when asked for: one-hot codes, no scaler (it
  // standardises its columns itself)
  const kernelMachine = (params: Params): Genome[] =>
    traits.families?.includes('svm')
      ? [{ steps: [impute('mean'), oneHot], model: { family: 'svm', params } }]
      : [];
  const learned = LEARNED_PORTFOLIO[task];
  if (task === 'classification') {
    return distinct([
      ...learned,
      shared.hgb,
      ...targetEncoded,
      shared.rf,
      shared.et,
      scaledPipeline('logistic_regression', { C: 1, penalty: 'l2' }),
      ...kernelMachine({ C: 1, gammaFactor: 1 }),
      shared.hgbSlow,
      shared.knn,
      scaledPipeline('logistic_regression', { C: 10, penalty: 'l1' }),
      treePipeline('gaussian_nb', { varSmoothing: 1e-9 }),
      shared.tree,
      // the costliest to fit comes last
      shared.mlp,
    ]);
  }
  return distinct([
    ...learned,
    shared.hgb,
    ...targetEncoded,
    shared.rf,
    shared.et,
    scaledPipeline('ridge', { alpha: 1 }),
    ...kernelMachine({ C: 1, gammaFactor: 1, epsilon: 0.1 }),
    shared.hgbSlow,
    shared.knn,
    scaledPipeline('lasso', { alpha: 0.01 }),
    scaledPipeline('linear_regression', {}),
    shared.tree,
    shared.mlp,
  ]);
}

/** The genomes in order, each once (a learned entry may repeat a hand-written one, a repair another genome). */
function distinct(genomes: Genome[]): Genome[] {
  const seen = new Set<string>();
  return genomes.filter((g) => {
    const key = genomeKey(g);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Adapts a portfolio to `space`: genomes of families the space does not allow are dropped, the rest repaired
 * (steps the space lacks removed, numbers clipped, parameters it adds drawn from `rng`) and deduplicated.
 */
export function fitPortfolio(space: PipelineSpace, portfolio: readonly Genome[], rng: Random): Genome[] {
  return distinct(
    portfolio
      .filter((g) => Object.hasOwn(space.models, g.model.family))
      .map((g) => repairGenome(space, g, rng)),
  );
}
