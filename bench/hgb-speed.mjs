#!/usr/bin/env node
// Speed and memory of BeeMind's hist_gradient_boosting against scikit-learn's HistGradientBoostingClassifier on a
// seeded synthetic binary task (default 100,000 × 20; 100 iterations, 31 leaves, 255 bins, early stopping off).
//
// Usage (from the repository root, after `npx tsc -b`):
//   node bench/hgb-speed.mjs [--rows 100000] [--features 20] [--test 20000] [--repeat 3] [--seed 0] [--threads 2]
//
// --threads sets OMP_NUM_THREADS for scikit-learn (2: the cores of the reference machine).
//
// Each fit runs in a fresh process of its own, alternating between the two sides; the memory figure is the largest
// rise of such a process's peak RSS over its RSS just before the fit. Fit time is the best of --repeat fits (the
// machine may be shared).
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const library = join(root, 'beemind', 'dist', 'index.js');

function option(name, fallback) {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
}

/** Seeded data: 16 Gaussian features and 4 integer-valued ones; the label depends non-linearly on 10 of them. */
export function generate(Random, rows, features, seed) {
  const random = new Random(seed);
  const X = new Float64Array(rows * features);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const x = X.subarray(i * features, (i + 1) * features);
    for (let j = 0; j < features; j++) {
      x[j] = j < features - 4 ? random.normal() : Math.round(3 * random.normal());
    }
    const score =
      1.2 * x[0] -
      0.8 * x[1] +
      x[2] * x[3] +
      Math.sin(2 * x[4]) +
      0.6 * Math.abs(x[5]) -
      0.4 * x[6] * x[6] +
      (x[7] > 0.5 ? 1 : -0.5) * x[8] +
      0.3 * x[features - 4] +
      random.normal();
    y[i] = score > 0 ? 1 : 0;
  }
  return { X, y };
}

/** Header of four uint32 (nTrain, nTest, nFeatures, 0), then float64 X_train, y_train, X_test, y_test. */
function writeData(path, train, test, features) {
  const header = new Uint32Array([train.y.length, test.y.length, features, 0]);
  const parts = [header, train.X, train.y, test.X, test.y].map((a) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
  );
  writeFileSync(path, Buffer.concat(parts));
}

function readData(path) {
  // read straight into one aligned buffer: a transient copy would raise the peak RSS the fit is measured by
  const fd = openSync(path, 'r');
  const aligned = new Uint8Array(fstatSync(fd).size);
  for (let done = 0; done < aligned.length;) done += readSync(fd, aligned, done, aligned.length - done, done);
  closeSync(fd);
  const [nTrain, nTest, p] = new Uint32Array(aligned.buffer, 0, 3);
  let offset = 16;
  const take = (length) => {
    const a = new Float64Array(aligned.buffer, offset, length);
    offset += length * 8;
    return a;
  };
  const Xtrain = take(nTrain * p);
  const ytrain = take(nTrain);
  const Xtest = take(nTest * p);
  const ytest = take(nTest);
  return { p, Xtrain, ytrain, Xtest, ytest };
}

/** Child mode: fit BeeMind on the data file and print one JSON line, like the Python side. */
async function child(path, repeat) {
  const { createModel } = await import(library);
  const { p, Xtrain, ytrain, Xtest, ytest } = readData(path);
  const train = { data: Xtrain, rows: ytrain.length, cols: p };
  const test = { data: Xtest, rows: ytest.length, cols: p };
  const params = {
    learningRate: 0.1,
    maxIter: 100,
    maxLeafNodes: 31,
    minSamplesLeaf: 20,
    maxBins: 255,
    earlyStopping: false,
    seed: 0,
  };
  const fitSeconds = [];
  let peakExtraBytes = null;
  let accuracy = null;
  for (let r = 0; r < repeat; r++) {
    const model = createModel('hist_gradient_boosting', 'classification', params);
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    if (r === 0 && process.resourceUsage().maxRSS * 1024 > before + 2 ** 20) {
      console.error(
        'warning: the peak RSS before the fit exceeds the current RSS; the memory figure is a lower bound',
      );
    }
    const start = performance.now();
    await model.fit(train, ytrain);
    fitSeconds.push((performance.now() - start) / 1000);
    if (peakExtraBytes === null) {
      peakExtraBytes = Math.max(0, process.resourceUsage().maxRSS * 1024 - before);
      const predicted = model.predict(test);
      let correct = 0;
      for (let i = 0; i < predicted.length; i++) correct += predicted[i] === ytest[i] ? 1 : 0;
      accuracy = correct / predicted.length;
    }
  }
  console.log(JSON.stringify({ fitSeconds, accuracy, peakExtraBytes }));
}

function run(command, args, threads) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr || result.stdout}`);
  }
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

async function main() {
  if (process.argv[2] === '--child') return child(process.argv[3], option('repeat', 1));
  const rows = option('rows', 100_000);
  const features = option('features', 20);
  const testRows = option('test', 20_000);
  const repeat = option('repeat', 3);
  const seed = option('seed', 0);
  const threads = option('threads', 2);
  const { Random } = await import(library);
  const train = generate(Random, rows, features, seed);
  const test = generate(Random, testRows, features, seed + 1);
  const dir = mkdtempSync(join(tmpdir(), 'beemind-hgb-'));
  const file = join(dir, 'data.bin');
  try {
    writeData(file, train, test, features);
    // alternate the two sides, one fresh process per fit, so that both see the same spells of load
    const runs = { ours: [], sklearn: [] };
    for (let r = 0; r < repeat; r++) {
      runs.ours.push(
        run(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', file], threads),
      );
      runs.sklearn.push(
        run(join(root, '.venv', 'bin', 'python'), [join(here, 'hgb_speed_sklearn.py'), file], threads),
      );
    }
    const merge = (list) => ({
      fitSeconds: list.flatMap((x) => x.fitSeconds),
      accuracy: list[0].accuracy,
      peakExtraBytes: Math.max(...list.map((x) => x.peakExtraBytes)),
    });
    const ours = merge(runs.ours);
    const sklearn = merge(runs.sklearn);
    const datasetMB = (rows * features * 8) / 1e6;
    const best = (r) => Math.min(...r.fitSeconds);
    const mb = (bytes) => bytes / 1e6;
    console.log(
      `hist gradient boosting, ${rows.toLocaleString('en')} × ${features} binary task (test ${testRows.toLocaleString('en')}), ` +
        `100 iterations, 31 leaves, 255 bins, early stopping off; best of ${repeat} fits; scikit-learn on ${threads} OpenMP thread(s); ` +
        `dataset ${datasetMB.toFixed(1)} MB as float64\n`,
    );
    console.log(
      '| library | fit seconds | test accuracy | peak extra memory MB | fit time ratio to sklearn |',
    );
    console.log('|---|---:|---:|---:|---:|');
    for (const [name, r] of [
      ['beemind hist_gradient_boosting', ours],
      ['scikit-learn HistGradientBoostingClassifier', sklearn],
    ]) {
      console.log(
        `| ${name} | ${best(r).toFixed(3)} | ${r.accuracy.toFixed(4)} | ${mb(r.peakExtraBytes).toFixed(1)} | ${(best(r) / best(sklearn)).toFixed(2)} |`,
      );
    }
    console.log(
      `\nall fit seconds — beemind: ${ours.fitSeconds.map((s) => s.toFixed(3)).join(', ')}; ` +
        `scikit-learn: ${sklearn.fitSeconds.map((s) => s.toFixed(3)).join(', ')}`,
    );
    console.log(`memory budget: 3 × dataset = ${(3 * datasetMB).toFixed(1)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// run only as a script (importing this file, e.g. for its data generator, runs nothing)
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
