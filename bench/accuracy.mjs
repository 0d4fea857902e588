// Accuracy parity: every BeeMind model family with default settings against scikit-learn's corresponding
// estimator, on the five bundled datasets, with the same seeded 75/25 split on both sides.
// Usage: npx tsc -b && node bench/accuracy.mjs   (needs .venv with scikit-learn: bash bench/setup.sh)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accuracy, createModel, frameToMatrix, modelFamilies, r2, readCSV, toDataset, trainTestSplit } from '../beemind/dist/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const datasetsDir = resolve(root, '../shared/datasets');
const DATASETS = [
  ['iris', 'species'],
  ['wine', 'cultivar'],
  ['breast_cancer', 'diagnosis'],
  ['digits', null],
  ['diabetes', 'progression'],
];

const jobs = [];
const ours = {};
for (const [name, targetName] of DATASETS) {
  const csv = join(datasetsDir, `${name}.csv`);
  const frame = await readCSV(csv);
  const target = targetName ?? frame.columnNames.at(-1);
  const data = toDataset(frame, { target });
  const stratify = data.task === 'classification' ? data.target.values : null;
  const { train, test } = trainTestSplit(data.rows, 0.25, { seed: 0, stratify });
  jobs.push({ name, csv, target, task: data.task, train: [...train], test: [...test] });
  const Xtr = frameToMatrix(data.subset(train).features);
  const Xte = frameToMatrix(data.subset(test).features);
  const ytr = data.subset(train).target.values;
  const yte = data.subset(test).target.values;
  ours[name] = {};
  for (const family of modelFamilies(data.task)) {
    const started = performance.now();
    const model = await createModel(family.family, data.task).fit(Xtr, ytr, { nClasses: data.nClasses || undefined });
    const pred = model.predict(Xte);
    const score = 100 * (data.task === 'classification' ? accuracy(yte, pred) : r2(yte, pred));
    ours[name][family.family] = { score, seconds: (performance.now() - started) / 1000 };
    process.stderr.write(`${name} ${family.family}: ${score.toFixed(2)}\n`);
  }
}

const jobFile = join(mkdtempSync(join(tmpdir(), 'beemind-bench-')), 'job.json');
writeFileSync(jobFile, JSON.stringify({ datasets: jobs }));
const python = join(root, '.venv/bin/python');
const theirs = JSON.parse(execFileSync(python, [join(root, 'bench/accuracy_sklearn.py'), jobFile], { encoding: 'utf8' }));

const lines = [
  '| dataset | family | BeeMind | scikit-learn | difference | within 2 points |',
  '|---|---|---:|---:|---:|:---:|',
];
let within = 0;
let total = 0;
for (const [name] of DATASETS) {
  for (const [family, { score }] of Object.entries(ours[name])) {
    const ref = theirs[name][family];
    if (ref === undefined) continue;
    const diff = score - ref;
    const ok = diff >= -2;
    total++;
    if (ok) within++;
    lines.push(`| ${name} | ${family} | ${score.toFixed(2)} | ${ref.toFixed(2)} | ${diff >= 0 ? '+' : ''}${diff.toFixed(2)} | ${ok ? 'yes' : '**no**'} |`);
  }
}
lines.push('', `${within} of ${total} (dataset, family) pairs are at most 2 points below scikit-learn (accuracy %, or R² × 100).`);
console.log(lines.join('\n'));
