#!/usr/bin/env node
// Time to explain 1,000 rows of a 100-tree, 31-leaf histogram gradient boosting model on 20 features: BeeMind's
// exact path-dependent TreeSHAP (model.explain) against Python's shap.TreeExplainer on scikit-learn's
// HistGradientBoostingClassifier, fitted on the same seeded data (bench/hgb-speed.mjs's generator).
//
// Usage (from the repository root, after `npx tsc -b` and `bash bench/shap/setup.sh`):
//   node bench/shap.mjs [--rows 20000] [--explain 1000] [--features 20] [--repeat 3] [--seed 0]
//
// Both sides explain the raw log-odds on one thread; --repeat fresh processes per side, alternating, each explaining
// twice; the best time counts. Both check
// local accuracy (base + Σ attributions = the model's log-odds) and report the largest error. The two models are
// fitted by different libraries, so their attributions are compared by their additivity, not value by value.
// BeeMind's node covers come from all training rows routed through the trees (coverSize = rows), as
// scikit-learn's node counts do.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate } from './hgb-speed.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const library = join(root, 'beemind', 'dist', 'index.js');
const python = join(here, 'shap', '.venv', 'bin', 'python');

function option(name, fallback) {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
}

/** Header of four uint32 (nTrain, nExplain, nFeatures, 0), then float64 X_train, y_train, X_explain. */
function writeData(path, train, explain, features) {
  const header = new Uint32Array([train.y.length, explain.y.length, features, 0]);
  const parts = [header, train.X, train.y, explain.X].map((a) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
  );
  writeFileSync(path, Buffer.concat(parts));
}

function readData(path) {
  const bytes = readFileSync(path);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const [nTrain, nExplain, p] = new Uint32Array(buffer, 0, 3);
  let offset = 16;
  const take = (length) => {
    const a = new Float64Array(buffer, offset, length);
    offset += length * 8;
    return a;
  };
  return { p, Xtrain: take(nTrain * p), ytrain: take(nTrain), Xexplain: take(nExplain * p) };
}

/** Child mode: fit BeeMind's model, explain the rows, print one JSON line like the Python side. */
async function child(path, repeat) {
  const { createModel, Pipeline, TrainedModel } = await import(library);
  const { p, Xtrain, ytrain, Xexplain } = readData(path);
  const names = Array.from({ length: p }, (_, j) => `x${j}`);
  const frameOf = (X) => {
    const rows = X.length / p;
    const columns = names.map((name, j) => ({
      name,
      kind: 'numeric',
      values: Float64Array.from({ length: rows }, (_, i) => X[i * p + j]),
    }));
    return { rows, columns };
  };
  const train = frameOf(Xtrain);
  const rows = frameOf(Xexplain);
  const params = {
    learningRate: 0.1,
    maxIter: 100,
    maxLeafNodes: 31,
    minSamplesLeaf: 20,
    maxBins: 255,
    earlyStopping: false,
    seed: 0,
  };
  const pipeline = await new Pipeline(
    [],
    createModel('hist_gradient_boosting', 'classification', params),
  ).fit(train, ytrain, { nClasses: 2 });
  const model = new TrainedModel(
    'classification',
    'hgb',
    [{ droneId: 'hgb', weight: 1, pipeline }],
    names,
    ['0', '1'],
    () => Promise.reject(new Error('unused')),
  );
  const seconds = [];
  let explanation = null;
  for (let r = 0; r < repeat; r++) {
    const start = performance.now();
    explanation = await model.explain(rows, { background: train, coverSize: train.rows });
    seconds.push((performance.now() - start) / 1000);
  }
  // additivity against the model's own log-odds: logit of predictProba's class 1
  const proba = model.predictProba(rows).data;
  let maxError = 0;
  for (let i = 0; i < rows.rows; i++) {
    const logOdds = Math.log(proba[2 * i + 1] / proba[2 * i]);
    maxError = Math.max(maxError, Math.abs(explanation.output(i, 1) - logOdds));
  }
  const leaves = pipeline.model.boosted.trees.left
    .slice(0, pipeline.model.boosted.trees.nNodes)
    .filter((l) => l < 0).length;
  console.log(
    JSON.stringify({
      seconds,
      maxError,
      trees: pipeline.model.boosted.trees.nTrees,
      leaves,
      method: explanation.method,
    }),
  );
}

function run(command, args) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr || result.stdout}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

async function main() {
  if (process.argv[2] === '--child') return child(process.argv[3], option('repeat', 1));
  const rows = option('rows', 20_000);
  const explainRows = option('explain', 1000);
  const features = option('features', 20);
  const repeat = option('repeat', 3);
  const seed = option('seed', 0);
  const { Random } = await import(library);
  const train = generate(Random, rows, features, seed);
  const explain = generate(Random, explainRows, features, seed + 1);
  const dir = mkdtempSync(join(tmpdir(), 'beemind-shap-'));
  const file = join(dir, 'data.bin');
  try {
    writeData(file, train, explain, features);
    // alternate the two sides, one fresh process each, so that both see the same spells of machine load
    const runs = { ours: [], peer: [] };
    for (let r = 0; r < repeat; r++) {
      runs.ours.push(
        run(process.execPath, [fileURLToPath(import.meta.url), '--child', file, '--repeat', '2']),
      );
      runs.peer.push(run(python, [join(here, 'shap', 'peer.py'), file, '--repeat', '2']));
    }
    const merge = (list) => ({
      ...list[0],
      seconds: list.flatMap((x) => x.seconds),
      maxError: Math.max(...list.map((x) => x.maxError)),
    });
    const ours = merge(runs.ours);
    const peer = merge(runs.peer);
    const best = (r) => Math.min(...r.seconds);
    console.log(
      `explaining ${explainRows.toLocaleString('en')} rows of a histogram gradient boosting classifier (${ours.trees} trees, ` +
        `${(ours.leaves / ours.trees).toFixed(1)} leaves per tree on average; scikit-learn ${peer.trees} trees, ` +
        `${(peer.leaves / peer.trees).toFixed(1)} leaves) fitted on ${rows.toLocaleString('en')} × ${features} seeded rows; ` +
        `exact path-dependent TreeSHAP on log-odds, one thread, best of ${2 * repeat} (${repeat} processes per side, alternating)\n`,
    );
    console.log(
      '| library | seconds for the rows | rows per second | largest additivity error | time ratio to shap |',
    );
    console.log('|---|---:|---:|---:|---:|');
    for (const [name, r] of [
      [`beemind model.explain (${ours.method})`, ours],
      [`shap ${peer.version} TreeExplainer on scikit-learn ${peer.sklearn}`, peer],
    ]) {
      console.log(
        `| ${name} | ${best(r).toFixed(3)} | ${Math.round(explainRows / best(r)).toLocaleString('en')} | ${r.maxError.toExponential(1)} | ${(best(r) / best(peer)).toFixed(2)} |`,
      );
    }
    console.log(
      `\nall seconds — beemind: ${ours.seconds.map((s) => s.toFixed(3)).join(', ')}; shap: ${peer.seconds.map((s) => s.toFixed(3)).join(', ')}` +
        ` (shap's explainer construction: ${peer.setupSeconds.toFixed(3)} s, not included)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// run only as a script
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
