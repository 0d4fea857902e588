/**
 * This module contains seeded row splits: train/test and K-fold, stratified by class for classification.
 */
import { ConfigurationError, DataError } from '../core/errors.js';
import { Random, toRandom } from '../core/random.js';
import type { Dataset } from './dataset.js';

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

export interface SplitOptions {
  seed?: number | Random;
  /** Class index per row: keeps class proportions in every part. */
  stratify?: Float64Array | null;
}

/** Groups row indices by class (or one group of all rows), each group shuffled. */
function shuffledGroups(n: number, rng: Random, stratify?: Float64Array | null): Int32Array[] {
  if (!stratify) return [rng.permutation(n)];
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = stratify[i];
    let group = byClass.get(c);
    if (!group) byClass.set(c, (group = []));
    group.push(i);
  }
  return [...byClass.keys()].sort((a, b) => a - b).map((c) => rng.shuffle(Int32Array.from(byClass.get(c)!)));
}

function sorted(indices: number[]): Int32Array {
  return Int32Array.from(indices).sort();
}

/** Seeded train/test split of `n` rows; `testSize` a fraction in (0, 1) or a row count. */
export function trainTestSplit(n: number, testSize = 0.25, options: SplitOptions = {}): Split {
  const nTest = testSize < 1 ? Math.round(n * testSize) : Math.floor(testSize);
  if (!(nTest >= 1 && nTest < n)) {
    throw new ConfigurationError(
      'split.bad_size',
      `a test size of ${testSize} leaves no rows on one side of ${n} rows; choose a fraction between 0 and 1.`,
    );
  }
  const rng = toRandom(options.seed);
  const groups = shuffledGroups(n, rng, options.stratify);
  const train: number[] = [];
  const test: number[] = [];
  // largest-remainder allocation of test rows across classes
  const exact = groups.map((g) => (g.length * nTest) / n);
  const quota = exact.map(Math.floor);
  let left = nTest - quota.reduce((a, b) => a + b, 0);
  exact
    .map((e, k) => [e - Math.floor(e), k] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .forEach(([, k]) => {
      if (left > 0 && quota[k] < groups[k].length) {
        quota[k]++;
        left--;
      }
    });
  groups.forEach((g, k) => {
    for (let i = 0; i < g.length; i++) (i < quota[k] ? test : train).push(g[i]);
  });
  return { train: sorted(train), test: sorted(test) };
}

/** Seeded K-fold cross-validation splits; stratified folds when `stratify` is given. */
export function kFold(n: number, k = 5, options: SplitOptions = {}): Split[] {
  if (!(Number.isInteger(k) && k >= 2)) {
    throw new ConfigurationError('split.bad_folds', `K-fold needs an integer k ≥ 2 (got ${k}).`);
  }
  if (n < k) {
    throw new DataError(
      'data.too_small',
      `${n} rows cannot be split into ${k} folds; use fewer folds or more data.`,
    );
  }
  const rng = toRandom(options.seed);
  const foldOf = new Int32Array(n);
  let offset = 0;
  for (const g of shuffledGroups(n, rng, options.stratify)) {
    // deal each class round-robin, continuing where the previous class stopped so fold sizes stay even
    for (let i = 0; i < g.length; i++) foldOf[g[i]] = (offset + i) % k;
    offset = (offset + g.length) % k;
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? test : train).push(i);
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}

/** Train/test datasets, stratified for classification. */
export function splitDataset(
  data: Dataset,
  options: { testSize?: number; seed?: number } = {},
): { train: Dataset; test: Dataset } {
  const { train, test } = trainTestSplit(data.rows, options.testSize ?? 0.25, {
    seed: options.seed ?? 0,
    stratify: data.task === 'classification' ? data.target.values : null,
  });
  return { train: data.subset(train), test: data.subset(test) };
}
