// BeeMind against AutoML peers (scikit-learn HGB defaults, a random forest, Optuna TPE on HGB, FLAML, TPOT 1.x,
// AutoGluon-Tabular with its default and best presets) on the bundled datasets and on held-out public tables
// (bench/heldout_tables.py; none of them among the tables the search's portfolio was learned on): the same seeded
// 75/25 split, the same time budget, 2 cores, test scores side by side.
// Usage: bash bench/setup.sh && bash bench/setup_peers.sh && npx tsc -b beemind &&
//   node bench/automl.mjs [seconds=30] [peers=sklearn_hgb,sklearn_rf,optuna_tpe_hgb,flaml,tpot,autogluon_default,autogluon_best]
//                         [tables=all: bundled | heldout | all (both) | a comma list of names]
// TPOT and AutoGluon run in venvs of their own (bench/setup_peers.sh); without them their cells say so.
// PEERS_FROM=FILE reuses the peers' results saved by an earlier run with the same budget (every run saves them in
// bench/results/automl-peers-<seconds>s.json, not kept in git), to measure a change of BeeMind alone; the table then
// says so. bench/reference/automl-peers-30s.json keeps the seven peers at 30 s on split seed 0 in the repository
// (their run of 2026-12-03, read from docs/benchmarks.md), so that comparison needs no hour of peers first.
// PEER_SECONDS=S gives the peers a budget of their own (BeeMind's is the first argument): BeeMind at 10 s
// against the peers at 30 s is `PEER_SECONDS=30 PEERS_FROM=bench/reference/automl-peers-30s.json node bench/automl.mjs 10`.
// With sklearn_rf among the peers it also prints the AutoML Benchmark's normalised score and the mean rank, over
// every table and, when the set mixes both kinds, over the held-out tables alone.
// SPLIT_SEED=N (default 0) draws another seeded 75/25 split of every table: single test rows decide the small
// tables, and other splits show which differences hold. Every system gets the same split; the peers' results
// are saved per split (automl-peers-<seconds>s-split<N>.json for N > 0).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, evolve, r2, trainTestSplit } from '../beemind/dist/index.js';
import { benchTableNames, isHeldout, loadBenchTable, root } from './datasets.mjs';

const seconds = Number(process.argv[2] ?? 30);
const peerSeconds = Number(process.env.PEER_SECONDS ?? seconds);
const peers =
  process.argv[3] ?? 'sklearn_hgb,sklearn_rf,optuna_tpe_hgb,flaml,tpot,autogluon_default,autogluon_best';
const TABLE_NAMES = benchTableNames(process.argv[4] ?? 'all');
const splitSeed = Number(process.env.SPLIT_SEED ?? 0);
if (!Number.isInteger(splitSeed) || splitSeed < 0) {
  throw new Error(`SPLIT_SEED must be a whole number 0 or more, not '${process.env.SPLIT_SEED}'`);
}
const python = join(root, '.venv/bin/python');
const peersScript = join(root, 'bench/automl_peers.py');

const names = peers.split(',').filter(Boolean);
const known = JSON.parse(execFileSync(python, [peersScript, '--list'], { encoding: 'utf8' }));
const unknownPeers = names.filter((n) => !known.includes(n));
if (unknownPeers.length)
  throw new Error(`unknown peers ${unknownPeers.join(', ')}; choose among ${known.join(', ')}`);

/**
 * The peers' results saved by an earlier run (PEERS_FROM), checked before BeeMind spends its budgets: they must be
 * at the peers' budget of this run and hold every table and peer of it.
 */
function readSavedPeers(from) {
  const saved = JSON.parse(readFileSync(from, 'utf8'));
  if ((saved.splitSeed ?? 0) !== splitSeed) {
    throw new Error(
      `${from} holds the peers on split seed ${saved.splitSeed ?? 0}, and this run uses SPLIT_SEED=${splitSeed}.`,
    );
  }
  if (saved.seconds !== peerSeconds) {
    throw new Error(
      `${from} holds the peers at ${saved.seconds} s, and this run gives them ${peerSeconds} s; ` +
        `set PEER_SECONDS=${saved.seconds} to compare with them, or run the peers again without PEERS_FROM.`,
    );
  }
  const missing = TABLE_NAMES.flatMap((t) =>
    names.filter((n) => !saved.results[t]?.[n]).map((n) => `${t}/${n}`),
  );
  if (missing.length)
    throw new Error(`${from} lacks ${missing.join(', ')}; run the peers again without PEERS_FROM.`);
  return saved;
}
const savedPeers = process.env.PEERS_FROM ? readSavedPeers(process.env.PEERS_FROM) : null;

const jobs = [];
const ours = {};
const shapes = {};
for (const name of TABLE_NAMES) {
  const { csv, target, data } = await loadBenchTable(name);
  shapes[name] =
    `${data.rows}×${data.features.columns.length}, ${data.task === 'classification' ? `${data.nClasses} classes` : 'regression'}`;
  const { train, test } = trainTestSplit(data.rows, 0.25, {
    seed: splitSeed,
    stratify: data.task === 'classification' ? data.target.values : null,
  });
  jobs.push({ name, csv, target, task: data.task, train: [...train], test: [...test] });
  const started = performance.now();
  try {
    const run = await evolve(data.subset(train), { budget: { seconds }, testSize: 0, seed: 0, workers: 2 });
    const testSet = data.subset(test);
    const pred = run.champion.predictRaw(testSet);
    const y = testSet.target.values;
    const score = 100 * (data.task === 'classification' ? accuracy(y, pred) : r2(y, pred));
    ours[name] = {
      score,
      seconds: (performance.now() - started) / 1000,
      drones: run.drones.length,
      champion: run.champion.id,
    };
  } catch (error) {
    ours[name] = { error: `${error.name}: ${error.message}`.slice(0, 200) };
  }
  process.stderr.write(`${name} beemind ${JSON.stringify(ours[name])}\n`);
}

/** The peers' results: run now, or those saved in PEERS_FROM (read before BeeMind runs). */
function peerResults() {
  if (savedPeers) return { results: savedPeers.results, when: savedPeers.when };
  const jobFile = join(mkdtempSync(join(tmpdir(), 'beemind-automl-')), 'job.json');
  writeFileSync(jobFile, JSON.stringify({ seconds: peerSeconds, datasets: jobs }));
  const results = JSON.parse(
    execFileSync(python, [peersScript, jobFile, names.join(',')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    }),
  );
  const saved = join(
    root,
    'bench/results',
    `automl-peers-${peerSeconds}s${splitSeed ? `-split${splitSeed}` : ''}.json`,
  );
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    saved,
    JSON.stringify({ seconds: peerSeconds, splitSeed, when: new Date().toISOString(), results }, null, 1),
  );
  return { results, when: null };
}
const peerRun = peerResults();
const theirs = peerRun.results;
const cell = (r) =>
  r === undefined ? '—' : r.error ? `error` : `${r.score.toFixed(2)} (${r.seconds.toFixed(0)} s)`;
const ourCell = (o) =>
  o.error
    ? 'error'
    : `${o.score.toFixed(2)} (${o.seconds.toFixed(0)} s, ${o.drones} drones, ${(o.drones / o.seconds).toFixed(1)}/s)`;
const heldoutNames = TABLE_NAMES.filter(isHeldout);
const label = (name) => (isHeldout(name) ? `${name}†` : name);
const lines = [
  `| dataset | BeeMind | ${names.join(' | ')} |`,
  `|---|---:|${names.map(() => '---:').join('|')}|`,
];
for (const name of TABLE_NAMES) {
  lines.push(
    `| ${label(name)} | ${ourCell(ours[name])} | ${names.map((n) => cell(theirs[name][n])).join(' | ')} |`,
  );
}
// The AutoML Benchmark's normalised score, (score - RF) / (best - RF) with the best over every system on the
// table (clipped at -1; a failure counts as the worst score minus 0.1), and the mean rank (ties share a rank).
const systems = ['BeeMind', ...names];
// Compared at two decimals, as the table prints them: a reader gets the same summary from the table, and the
// peers' reference file (bench/reference) holds their scores at two decimals.
const scoreOf = (name, s) => {
  const r = s === 'BeeMind' ? ours[name] : theirs[name][s];
  return !r || r.error ? null : Math.round(r.score * 100) / 100;
};
function summary(title, tableNames) {
  const table = tableNames.map((name) => {
    const raw = systems.map((s) => scoreOf(name, s));
    const worst = Math.min(...raw.filter((v) => v !== null));
    return raw.map((v) => (v === null ? worst - 0.1 : v));
  });
  const rf = systems.indexOf('sklearn_rf');
  const normalised = systems.map(
    (_, k) =>
      table.reduce((sum, row) => {
        const best = Math.max(...row);
        return (
          sum +
          (best === row[rf]
            ? row[k] >= row[rf]
              ? 1
              : -1
            : Math.max(-1, (row[k] - row[rf]) / (best - row[rf])))
        );
      }, 0) / table.length,
  );
  const ranks = systems.map(
    (_, k) => table.reduce((sum, row) => sum + 1 + row.filter((v) => v > row[k]).length, 0) / table.length,
  );
  const means = systems.map((_, k) => table.reduce((sum, row) => sum + row[k], 0) / table.length);
  return [
    '',
    `| ${title} (${tableNames.length} tables) | ${systems.join(' | ')} |`,
    `|---|${systems.map(() => '---:').join('|')}|`,
    `| mean score | ${means.map((v) => v.toFixed(2)).join(' | ')} |`,
    `| mean normalised score | ${normalised.map((v) => v.toFixed(3)).join(' | ')} |`,
    `| mean rank | ${ranks.map((v) => v.toFixed(2)).join(' | ')} |`,
  ];
}
if (names.includes('sklearn_rf')) {
  lines.push(...summary('summary', TABLE_NAMES));
  if (heldoutNames.length && heldoutNames.length < TABLE_NAMES.length)
    lines.push(...summary('held-out tables†', heldoutNames));
}
const errors = TABLE_NAMES.flatMap((name) => [
  ...(ours[name].error ? [`- ${name} / BeeMind: ${ours[name].error}`] : []),
  ...names.filter((n) => theirs[name][n]?.error).map((n) => `- ${name} / ${n}: ${theirs[name][n].error}`),
]);
const budgets =
  peerSeconds === seconds
    ? `budget ${seconds} s`
    : `budget ${seconds} s for BeeMind, ${peerSeconds} s for the peers`;
lines.push(
  '',
  `Test accuracy % (R² × 100 for regression), ${budgets}, 2 cores, search seed 0, 75/25 split with seed ${splitSeed}.`,
);
if (peerRun.when)
  lines.push(
    '',
    `The peers' results are those of an earlier run (${peerRun.when}, ${process.env.PEERS_FROM}); BeeMind's are from this one.`,
  );
if (heldoutNames.length) {
  lines.push(
    `† held-out public tables (bench/heldout_tables.py): ${heldoutNames.map((n) => `${n} (${shapes[n]})`).join(', ')}.`,
  );
}
if (errors.length) lines.push('', 'Systems that failed:', ...errors);
console.log(lines.join('\n'));
