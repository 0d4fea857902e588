// Features drawn per node in histogram gradient boosting: BeeMind's hist_gradient_boosting with maxFeatures
// 1 (every feature, the default), 0.7, 0.5 and 0.3 against scikit-learn's HistGradientBoosting with the same
// max_features, both otherwise at their defaults, on the 20 tables of the AutoML bench (bench/automl.mjs) with
// the same seeded 75/25 splits on both sides. Reports each table's mean test score over the splits.
// BeeMind's pipeline: dates expanded, free text left out, categories as codes split as sets; scikit-learn's:
// the table as bench/automl_peers.py hands it to its HistGradientBoosting peer.
// Usage: npx tsc -b && node bench/hgb-feature-sampling.mjs [splits=5]   (after bash bench/setup.sh)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, pipelineFromSpec, r2, trainTestSplit } from '../beemind/dist/index.js';
import { benchTableNames, loadBenchTable, root } from './datasets.mjs';

const SPLITS = Number(process.argv[2] ?? 5);
const SHARES = [1, 0.7, 0.5, 0.3];

const jobs = [];
const ours = {};
for (const name of benchTableNames('all')) {
  const { csv, target, data } = await loadBenchTable(name);
  const classification = data.task === 'classification';
  ours[name] = Object.fromEntries(SHARES.map((share) => [share, []]));
  for (let seed = 0; seed < SPLITS; seed++) {
    const { train, test } = trainTestSplit(data.rows, 0.25, {
      seed,
      stratify: classification ? data.target.values : null,
    });
    jobs.push({ name, seed, csv, target, task: data.task, train: [...train], test: [...test] });
    const fitRows = data.subset(train);
    const testRows = data.subset(test);
    for (const share of SHARES) {
      const pipeline = pipelineFromSpec(
        {
          steps: [
            { kind: 'date_features', params: {} },
            { kind: 'drop_text', params: {} },
            { kind: 'ordinal_encoder', params: {} },
          ],
          model: { family: 'hist_gradient_boosting', params: { maxFeatures: share } },
        },
        data.task,
      );
      await pipeline.fit(fitRows.features, fitRows.target.values, { nClasses: data.nClasses || undefined });
      const y = testRows.target.values;
      const pred = pipeline.predict(testRows.features);
      ours[name][share].push(100 * (classification ? accuracy(y, pred) : r2(y, pred)));
    }
  }
  process.stderr.write(`${name} done\n`);
}

const jobFile = join(mkdtempSync(join(tmpdir(), 'beemind-bench-')), 'job.json');
writeFileSync(jobFile, JSON.stringify({ shares: SHARES, datasets: jobs }));
const theirs = JSON.parse(
  execFileSync(
    join(root, '.venv/bin/python'),
    [join(root, 'bench/hgb_feature_sampling_sklearn.py'), jobFile],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  ),
);

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const names = Object.keys(ours);
const cells = (side, name) => SHARES.map((share) => mean(side[name][share]).toFixed(2));
const lines = [
  `| dataset | ${SHARES.map((s) => `BeeMind ${s}`).join(' | ')} | ${SHARES.map((s) => `scikit-learn ${s}`).join(' | ')} |`,
  `|---|${'---:|'.repeat(2 * SHARES.length)}`,
  ...names.map(
    (name) => `| ${name} | ${cells(ours, name).join(' | ')} | ${cells(theirs, name).join(' | ')} |`,
  ),
];
// tables above or below the same side with every feature, compared at the two decimals the table shows
const summary = (side) =>
  SHARES.map((share) => {
    const means = names.map((name) => mean(side[name][share]));
    const shown = (m) => Math.round(m * 100);
    const all = names.map((name) => shown(mean(side[name][1])));
    const up = means.filter((m, i) => shown(m) > all[i]).length;
    const down = means.filter((m, i) => shown(m) < all[i]).length;
    return `${mean(means).toFixed(3)} (${up} up, ${down} down)`;
  });
lines.push(
  `| **mean** (tables above / below maxFeatures 1) | ${summary(ours).join(' | ')} | ${summary(theirs).join(' | ')} |`,
  '',
  `Mean test score over ${SPLITS} seeded 75/25 splits: accuracy %, or R² × 100 for regression tables.`,
);
console.log(lines.join('\n'));
