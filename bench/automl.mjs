// BeeMind against AutoML peers (scikit-learn HGB defaults, Optuna TPE on HGB, FLAML, TPOT) on the bundled
// datasets: the same seeded 75/25 split, the same time budget, 2 cores, test scores side by side.
// Usage: bash bench/setup.sh && npx tsc -b && node bench/automl.mjs [seconds=30] [peers=sklearn_hgb,optuna_tpe_hgb,flaml,tpot] [datasets=all]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, datasetNames, evolve, r2, trainTestSplit } from '../beemind/dist/index.js';
import { loadBenchDataset, root } from './datasets.mjs';

const seconds = Number(process.argv[2] ?? 30);
const peers = process.argv[3] ?? 'sklearn_hgb,optuna_tpe_hgb,flaml,tpot';
const DATASET_NAMES = process.argv[4] && process.argv[4] !== 'all' ? process.argv[4].split(',') : datasetNames();

const jobs = [];
const ours = {};
for (const name of DATASET_NAMES) {
  const { csv, target, data } = await loadBenchDataset(name);
  const { train, test } = trainTestSplit(data.rows, 0.25, {
    seed: 0,
    stratify: data.task === 'classification' ? data.target.values : null,
  });
  jobs.push({ name, csv, target, task: data.task, train: [...train], test: [...test] });
  const started = performance.now();
  const run = await evolve(data.subset(train), { budget: { seconds }, testSize: 0, seed: 0, workers: 2 });
  const testSet = data.subset(test);
  const pred = run.champion.predictRaw(testSet);
  const y = testSet.target.values;
  const score = 100 * (data.task === 'classification' ? accuracy(y, pred) : r2(y, pred));
  ours[name] = { score, seconds: (performance.now() - started) / 1000, drones: run.drones.length, champion: run.champion.id };
  process.stderr.write(`${name} beemind ${JSON.stringify(ours[name])}\n`);
}

const jobFile = join(mkdtempSync(join(tmpdir(), 'beemind-automl-')), 'job.json');
writeFileSync(jobFile, JSON.stringify({ seconds, datasets: jobs }));
const theirs = JSON.parse(
  execFileSync(join(root, '.venv/bin/python'), [join(root, 'bench/automl_peers.py'), jobFile, peers], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  }),
);
const names = peers.split(',');
const cell = (r) => (r === undefined ? '—' : r.error ? `error` : `${r.score.toFixed(2)} (${r.seconds.toFixed(0)} s)`);
const lines = [
  `| dataset | BeeMind | ${names.join(' | ')} |`,
  `|---|---:|${names.map(() => '---:').join('|')}|`,
];
for (const name of DATASET_NAMES) {
  const o = ours[name];
  lines.push(`| ${name} | ${o.score.toFixed(2)} (${o.seconds.toFixed(0)} s, ${o.drones} drones) | ${names.map((n) => cell(theirs[name][n])).join(' | ')} |`);
}
const errors = DATASET_NAMES.flatMap((name) => names.filter((n) => theirs[name][n]?.error).map((n) => `- ${name} / ${n}: ${theirs[name][n].error}`));
lines.push('', `Test accuracy % (R² × 100 for regression), budget ${seconds} s, 2 cores, seed 0, seeded 75/25 split.`);
if (errors.length) lines.push('', 'Peers that failed:', ...errors);
console.log(lines.join('\n'));
