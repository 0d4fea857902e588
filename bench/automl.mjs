// BeeMind against AutoML peers (scikit-learn HGB defaults, Optuna TPE on HGB, FLAML, TPOT) on the bundled
// datasets: the same seeded 75/25 split, the same time budget, 2 cores, test scores side by side.
// Usage: bash bench/setup.sh && npx tsc -b && node bench/automl.mjs [seconds=30] [peers=sklearn_hgb,sklearn_rf,optuna_tpe_hgb,flaml,tpot] [datasets=all]
// With sklearn_rf among the peers it also prints the AutoML Benchmark's normalised score and the mean rank.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, datasetNames, evolve, r2, trainTestSplit } from '../beemind/dist/index.js';
import { loadBenchDataset, root } from './datasets.mjs';

const seconds = Number(process.argv[2] ?? 30);
const peers = process.argv[3] ?? 'sklearn_hgb,sklearn_rf,optuna_tpe_hgb,flaml,tpot';
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
  lines.push(`| ${name} | ${o.score.toFixed(2)} (${o.seconds.toFixed(0)} s, ${o.drones} drones, ${(o.drones / o.seconds).toFixed(1)}/s) | ${names.map((n) => cell(theirs[name][n])).join(' | ')} |`);
}
// The AutoML Benchmark's normalised score, (score - RF) / (best - RF) with the best over every system on the
// table (clipped at -1; a failure counts as the worst score minus 0.1), and the mean rank (ties share a rank).
if (names.includes('sklearn_rf')) {
  const systems = ['BeeMind', ...names];
  const table = DATASET_NAMES.map((name) => {
    const raw = systems.map((s) => (s === 'BeeMind' ? ours[name].score : theirs[name][s]?.error ? null : theirs[name][s]?.score ?? null));
    const worst = Math.min(...raw.filter((v) => v !== null));
    return raw.map((v) => (v === null ? worst - 0.1 : v));
  });
  const normalised = systems.map((_, k) =>
    table.reduce((sum, row) => {
      const rf = row[systems.indexOf('sklearn_rf')];
      const best = Math.max(...row);
      return sum + (best === rf ? (row[k] >= rf ? 1 : -1) : Math.max(-1, (row[k] - rf) / (best - rf)));
    }, 0) / table.length,
  );
  const ranks = systems.map((_, k) => table.reduce((sum, row) => sum + 1 + row.filter((v) => v > row[k]).length, 0) / table.length);
  const means = systems.map((_, k) => table.reduce((sum, row) => sum + row[k], 0) / table.length);
  lines.push(
    '',
    `| summary | ${systems.join(' | ')} |`,
    `|---|${systems.map(() => '---:').join('|')}|`,
    `| mean score | ${means.map((v) => v.toFixed(2)).join(' | ')} |`,
    `| mean normalised score | ${normalised.map((v) => v.toFixed(3)).join(' | ')} |`,
    `| mean rank | ${ranks.map((v) => v.toFixed(2)).join(' | ')} |`,
  );
}
const errors = DATASET_NAMES.flatMap((name) => names.filter((n) => theirs[name][n]?.error).map((n) => `- ${name} / ${n}: ${theirs[name][n].error}`));
lines.push('', `Test accuracy % (R² × 100 for regression), budget ${seconds} s, 2 cores, seed 0, seeded 75/25 split.`);
if (errors.length) lines.push('', 'Peers that failed:', ...errors);
console.log(lines.join('\n'));
