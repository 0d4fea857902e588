// Model loading speed: a fitted pipeline read back from its saved JSON (JSON.parse and Pipeline.fromJSON, which
// checks every tree, array and value of the untrusted file), against scikit-learn's joblib.load of the same
// kind of model fit on the same rows. Forests of 300 trees and boosting with default settings, on two bundled
// tables. Run from the repository root after `npx tsc -b` and `bash bench/setup.sh` (for the Python side):
//   node bench/model-load.mjs [--repeats 7]
// BEEMIND_DIST=<path to a built beemind/dist/index.js> measures another build (e.g. an older commit's).
// Prints a markdown table: median milliseconds over the repeats, and the saved file's size.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = process.env.BEEMIND_DIST ?? join(root, 'beemind/dist/index.js');
const { loadDatasetAsDataset } = await import(join(dirname(entry), 'data/datasets.js'));
const { Pipeline, pipelineFromSpec } = await import(join(dirname(entry), 'pipeline/pipeline.js'));

const i = process.argv.indexOf('--repeats');
const repeats = i >= 0 ? Number(process.argv[i + 1]) : 7;
const tables = ['digits', 'credit_default'];
const models = {
  random_forest: { family: 'random_forest', params: { nEstimators: 300 } },
  extra_trees: { family: 'extra_trees', params: { nEstimators: 300 } },
  hist_gradient_boosting: { family: 'hist_gradient_boosting', params: {} },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const name of tables) {
  const dataset = await loadDatasetAsDataset(name);
  for (const [label, model] of Object.entries(models)) {
    const genome = { steps: [{ kind: 'ordinal_encoder' }], model };
    const pipeline = await pipelineFromSpec(genome, dataset.task).fit(
      dataset.features,
      dataset.target.values,
      {
        nClasses: dataset.nClasses,
        seed: 0,
      },
    );
    const text = JSON.stringify(pipeline.toJSON());
    const times = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      Pipeline.fromJSON(JSON.parse(text));
      times.push(performance.now() - t0);
    }
    rows.push({ table: name, model: label, system: 'BeeMind', ms: median(times), bytes: text.length });
  }
  const peer = JSON.parse(
    execFileSync(
      join(root, '.venv/bin/python'),
      [join(root, 'bench/model_load_sklearn.py'), name, String(repeats)],
      {
        encoding: 'utf8',
      },
    ),
  );
  for (const r of peer.results)
    rows.push({
      table: name,
      model: r.model,
      system: `scikit-learn ${peer.version} joblib`,
      ms: r.ms,
      bytes: r.bytes,
    });
}

console.log(`| table | model | system | load ms (median of ${repeats}) | file MB |`);
console.log('|---|---|---|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.table} | ${r.model} | ${r.system} | ${r.ms.toFixed(1)} | ${(r.bytes / 1e6).toFixed(1)} |`,
  );
