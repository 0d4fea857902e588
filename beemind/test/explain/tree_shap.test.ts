// Property: on small random trees (random splits, thresholds, missing-value directions, covers with empty
// branches, one or two outputs, rows with missing values) TreeSHAP equals the Shapley values computed by
// enumerating every coalition with the path-dependent (cover-weighted) conditional expectation; base + Σ = the
// tree's output; a feature the tree never splits on gets exactly zero.
import fc from 'fast-check';
import { createMatrix } from '../../src/core/matrix.js';
import {
  addExpectedValue,
  fractionsFromCover,
  goesLeft,
  treeShap,
  type ShapTree,
} from '../../src/explain/tree_shap.js';

interface TreeSeed {
  nFeatures: number;
  width: number;
  tree: ShapTree;
}

/** Builds a tree from a flat list of random choices (depth-first), at most `maxDepth` deep. */
function buildTree(choices: number[], nFeatures: number, width: number, maxDepth: number): ShapTree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const missingLeft: number[] = [];
  const values: number[] = [];
  const cover: number[] = [];
  let c = 0;
  const next = () => choices[c++ % choices.length];
  const grow = (depth: number, coverHere: number): number => {
    const node = feature.length;
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    missingLeft.push(0);
    cover.push(coverHere);
    for (let k = 0; k < width; k++) values.push(0);
    if (depth < maxDepth && next() % 4 !== 0) {
      feature[node] = next() % nFeatures;
      threshold[node] = (next() % 5) - 2;
      missingLeft[node] = next() % 2;
      // the cover splits at random, sometimes leaving one branch empty
      const share = next() % 5;
      const toLeft = Math.round((coverHere * share) / 4);
      left[node] = grow(depth + 1, toLeft);
      right[node] = grow(depth + 1, coverHere - toLeft);
    } else {
      for (let k = 0; k < width; k++) values[node * width + k] = (next() % 21) - 10 + k * 0.5;
    }
    return node;
  };
  grow(0, 8 + (next() % 40));
  const shape = {
    feature: Int32Array.from(feature),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
  };
  return {
    ...shape,
    threshold: Float64Array.from(threshold),
    missingLeft: Uint8Array.from(missingLeft),
    values: Float64Array.from(values),
    width,
    outputs: Int32Array.from({ length: width }, (_, k) => k),
    fraction: fractionsFromCover(shape, Float64Array.from(cover)),
  };
}

/** E[f(x) | x_S] the path-dependent way: features in S follow x, others split by cover fractions. */
function conditional(
  tree: ShapTree,
  node: number,
  x: Float64Array,
  inS: (f: number) => boolean,
  out: Float64Array,
  weight: number,
): void {
  const f = tree.feature[node];
  if (f < 0) {
    for (let k = 0; k < tree.width; k++) out[k] += weight * tree.values[node * tree.width + k];
    return;
  }
  if (inS(f)) {
    conditional(tree, goesLeft(tree, node, x[f]) ? tree.left[node] : tree.right[node], x, inS, out, weight);
  } else {
    conditional(tree, tree.left[node], x, inS, out, weight * tree.fraction[tree.left[node]]);
    conditional(tree, tree.right[node], x, inS, out, weight * tree.fraction[tree.right[node]]);
  }
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/** Shapley values by enumerating every coalition: phi[k·p + j]. */
function bruteForce(tree: ShapTree, x: Float64Array, p: number): Float64Array {
  const K = tree.width;
  const v = (mask: number) => {
    const out = new Float64Array(K);
    conditional(tree, 0, x, (f) => ((mask >> f) & 1) === 1, out, 1);
    return out;
  };
  const phi = new Float64Array(K * p);
  for (let mask = 0; mask < 1 << p; mask++) {
    let size = 0;
    for (let j = 0; j < p; j++) size += (mask >> j) & 1;
    const weight = (factorial(size) * factorial(p - size - 1)) / factorial(p);
    const without = v(mask);
    for (let j = 0; j < p; j++) {
      if ((mask >> j) & 1) continue;
      const withJ = v(mask | (1 << j));
      for (let k = 0; k < K; k++) phi[k * p + j] += weight * (withJ[k] - without[k]);
    }
  }
  return phi;
}

function predict(tree: ShapTree, x: Float64Array): Float64Array {
  let node = 0;
  while (tree.feature[node] >= 0)
    node = goesLeft(tree, node, x[tree.feature[node]]) ? tree.left[node] : tree.right[node];
  return tree.values.slice(node * tree.width, (node + 1) * tree.width);
}

const treeArb = fc
  .record({
    nFeatures: fc.integer({ min: 1, max: 5 }),
    width: fc.integer({ min: 1, max: 2 }),
    depth: fc.integer({ min: 0, max: 5 }),
    choices: fc.array(fc.nat(1000), { minLength: 8, maxLength: 200 }),
  })
  .map(({ nFeatures, width, depth, choices }): TreeSeed => ({
    nFeatures,
    width,
    tree: buildTree(choices, nFeatures, width, depth),
  }));

/** Feature values around the thresholds, missing (NaN) included. */
const rowArb = (p: number) =>
  fc.array(fc.constantFrom(NaN, -3, -2, -1.5, -1, 0, 0.5, 1, 2, 3), { minLength: p, maxLength: p });

const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-9 * (1 + scale);

describe('path-dependent TreeSHAP', () => {
  test.each([
    ['leaf tables', 'tables'],
    ['the recursive algorithm', 'recursive'],
    ['whichever is cheaper', 'auto'],
  ] as const)(
    'equals brute-force Shapley values over all coalitions, with missing values (%s)',
    (_, method) => {
      fc.assert(
        fc.property(
          treeArb.chain((seed) =>
            fc.tuple(fc.constant(seed), fc.array(rowArb(seed.nFeatures), { minLength: 1, maxLength: 40 })),
          ),
          ([{ tree, nFeatures, width }, rows]) => {
            const X = createMatrix(rows.length, nFeatures, Float64Array.from(rows.flat()));
            const { base, phi } = treeShap([tree], X, width, { method });
            const expected = new Float64Array(width);
            addExpectedValue(tree, expected);
            rows.forEach((row, i) => {
              const x = Float64Array.from(row);
              const brute = bruteForce(tree, x, nFeatures);
              const scale = Math.max(...Array.from(tree.values, Math.abs));
              for (let q = 0; q < brute.length; q++) expect(close(phi[i][q], brute[q], scale)).toBe(true);
              const out = predict(tree, x);
              for (let k = 0; k < width; k++) {
                let sum = base[k];
                for (let j = 0; j < nFeatures; j++) sum += phi[i][k * nFeatures + j];
                expect(close(sum, out[k], scale)).toBe(true);
                expect(base[k]).toBe(expected[k]);
              }
            });
          },
        ),
        { numRuns: 300, seed: 13 },
      );
    },
  );

  test('a feature the tree never splits on gets exactly zero', () => {
    fc.assert(
      fc.property(treeArb, fc.array(rowArb(6), { minLength: 1, maxLength: 3 }), ({ tree, width }, rows) => {
        // the trees split on features 0..4 only; feature 5 is never tested
        const X = createMatrix(rows.length, 6, Float64Array.from(rows.flat()));
        const { phi } = treeShap([tree], X, width);
        const used = new Set(Array.from(tree.feature).filter((f) => f >= 0));
        for (const row of phi) {
          for (let k = 0; k < width; k++) {
            for (let j = 0; j < 6; j++) if (!used.has(j)) expect(row[k * 6 + j]).toBe(0);
          }
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  test('several trees add up: the attributions of a sum are the sum of the attributions', () => {
    fc.assert(
      fc.property(
        fc.tuple(treeArb, treeArb).filter(([a, b]) => a.width === b.width),
        fc.array(rowArb(5), { minLength: 1, maxLength: 3 }),
        ([a, b], rows) => {
          const X = createMatrix(rows.length, 5, Float64Array.from(rows.flat()));
          const both = treeShap([a.tree, b.tree], X, a.width);
          const first = treeShap([a.tree], X, a.width);
          const second = treeShap([b.tree], X, a.width);
          both.phi.forEach((row, i) =>
            row.forEach((v, q) => expect(close(v, first.phi[i][q] + second.phi[i][q], 20)).toBe(true)),
          );
        },
      ),
      { numRuns: 100, seed: 3 },
    );
  });
});

test('rows beyond one block of 4,096 get the same values as explained one by one', () => {
  const seed = fc.sample(
    treeArb.filter((s) => s.nFeatures >= 3 && s.tree.feature.length > 5),
    { numRuns: 1, seed: 11 },
  )[0];
  const p = seed.nFeatures;
  const rows = 5000;
  const values = [NaN, -3, -2, -1.5, -1, 0, 0.5, 1, 2, 3];
  const X = createMatrix(
    rows,
    p,
    Float64Array.from({ length: rows * p }, (_, q) => values[(q * 7 + Math.floor(q / 3)) % values.length]),
  );
  const together = treeShap([seed.tree], X, seed.width, { method: 'tables' });
  for (const i of [0, 4095, 4096, 4999]) {
    const alone = treeShap([seed.tree], createMatrix(1, p, X.data.slice(i * p, (i + 1) * p)), seed.width, {
      method: 'recursive',
    });
    together.phi[i].forEach((v, q) => expect(close(v, alone.phi[0][q], 20)).toBe(true));
  }
});
