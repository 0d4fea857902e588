// Random forest fit speed: beemind (built library in beemind/dist) against scikit-learn's
// RandomForestClassifier(n_estimators=100, n_jobs=2) on the same seeded synthetic 100,000 × 20 binary task.
// Run from the repository root after `npx tsc -b`:  node bench/forest-speed.mjs [--rows 100000] [--trees 100]
// The data is written once to a temporary float64 file that both sides read; prints a markdown table.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { createModel, Random } = await import(join(root, 'beemind/dist/index.js'));

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const nTrain = option('rows', 100_000);
const nTest = Math.round(nTrain / 5);
const nTrees = option('trees', 100);
const p = 20;

/**
 * Seeded synthetic binary task: 20 standard normal features, 10 of them informative through linear,
 * interaction and non-linear terms, labels thresholded after Gaussian noise (so leaves are never all pure).
 */
function makeTask(rows, seed) {
  const rng = new Random(seed);
  const X = new Float64Array(rows * p);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const x = X.subarray(i * p, (i + 1) * p);
    for (let j = 0; j < p; j++) x[j] = rng.normal();
    const f =
      1.2 * x[0] -
      0.8 * x[1] +
      x[2] * x[3] +
      Math.sin(2 * x[4]) +
      0.5 * (x[5] * x[5] - 1) +
      0.7 * (x[6] > 0.5 ? 1 : 0) -
      0.6 * (Math.abs(x[7]) - 0.8) +
      0.4 * x[8] * x[9];
    y[i] = f + 0.8 * rng.normal() > 0 ? 1 : 0;
  }
  return { X, y };
}

const { X, y } = makeTask(nTrain + nTest, 2024);
const dir = mkdtempSync(join(tmpdir(), 'beemind-forest-'));
writeFileSync(join(dir, 'X.f64'), X);
writeFileSync(join(dir, 'y.f64'), y);

const train = { data: X.subarray(0, nTrain * p), rows: nTrain, cols: p };
const test = { data: X.subarray(nTrain * p), rows: nTest, cols: p };
const yTrain = y.subarray(0, nTrain);
const yTest = y.subarray(nTrain);

function accuracy(pred) {
  let ok = 0;
  for (let i = 0; i < nTest; i++) if (pred[i] === yTest[i]) ok++;
  return ok / nTest;
}

const rows = [];
try {
  const python = join(root, '.venv/bin/python');
  const out = execFileSync(
    python,
    [
      join(root, 'bench/forest_speed_sklearn.py'),
      dir,
      String(nTrain),
      String(nTest),
      String(p),
      String(nTrees),
    ],
    { encoding: 'utf8' },
  );
  const sk = JSON.parse(out.trim().split('\n').pop());
  rows.push({
    library: `scikit-learn ${sk.version} (n_jobs=2)`,
    seconds: sk.fit_seconds,
    accuracy: sk.accuracy,
  });

  for (const nJobs of [1, 2]) {
    const model = createModel('random_forest', 'classification', { nEstimators: nTrees, seed: 0, nJobs });
    const t0 = performance.now();
    await model.fit(train, yTrain);
    const seconds = (performance.now() - t0) / 1000;
    rows.push({ library: `beemind (nJobs=${nJobs})`, seconds, accuracy: accuracy(model.predict(test)) });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const base = rows[0].seconds;
console.log(
  `Random forest, ${nTrees} trees, ${nTrain.toLocaleString('en')} × ${p} train / ${nTest.toLocaleString('en')} test rows\n`,
);
console.log('| library | fit seconds | test accuracy | ratio to scikit-learn |');
console.log('|---|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.library} | ${r.seconds.toFixed(2)} | ${(100 * r.accuracy).toFixed(2)}% | ${(r.seconds / base).toFixed(2)}× |`,
  );
}
