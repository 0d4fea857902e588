/**
 * A seeded run must keep giving the same drones, leaderboard, champion and predictions as the run recorded
 * in recorded_runs.json: restructuring the code must not change what a search finds. A deliberate change of
 * results (a new default, a new family) re-records it: BEEMIND_RECORD_RUNS=1 npx jest recorded_run, and the
 * diff of the JSON file shows in review what moved.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evolve } from '../../src/automl/evolve.js';
import { evaluationCache } from '../../src/evaluation/cache.js';
import { loadDataset } from '../../src/data/datasets.js';
import { toDataset } from '../../src/data/dataset.js';
import { genomeKey } from '../../src/search/genome.js';

const FILE = fileURLToPath(new URL('./recorded_runs.json', import.meta.url));
const RECORD = process.env.BEEMIND_RECORD_RUNS === '1';

/** Runs with the library's defaults, bounded by a count of evaluations (a seconds budget is not reproducible). */
const CASES = [
  { name: 'wine, defaults, 12 evaluations', dataset: 'wine', target: 'cultivar', evaluations: 12 },
  { name: 'diabetes, defaults, 8 evaluations', dataset: 'diabetes', target: 'progression', evaluations: 8 },
] as const;

/** Everything a search decides, rounded where floating-point summation order could only move the last bits. */
async function summarise(c: (typeof CASES)[number]) {
  evaluationCache.clear();
  const data = toDataset(await loadDataset(c.dataset), { target: c.target });
  const run = await evolve(data, {
    seed: 0,
    workers: 0,
    store: false,
    budget: { evaluations: c.evaluations },
  });
  const round = (x: number | null | undefined) => (x == null ? null : Number(x.toPrecision(10)));
  const predictions = run.champion.predict(data.features.head(40));
  return {
    drones: run.drones.map((d) => ({
      id: d.id,
      operator: d.operator,
      parents: d.parents,
      status: d.status,
      genome: genomeKey(d.genome),
      score: round(d.score),
    })),
    leaderboard: run.finished.leaderboard.map((r) => [r.id, round(r.score)]),
    champion: run.finished.championId,
    ensemble: run.finished.ensemble && {
      kind: run.finished.ensemble.kind ?? 'greedy',
      score: round(run.finished.ensemble.score),
    },
    testScore: round(run.testScore),
    predictions: predictions.map((p) => (typeof p === 'number' ? round(p) : p)),
  };
}

describe('a seeded run gives the recorded result', () => {
  const recorded: Record<string, unknown> = RECORD ? {} : JSON.parse(readFileSync(FILE, 'utf8'));
  afterAll(() => {
    if (RECORD) writeFileSync(FILE, JSON.stringify(recorded, null, 1) + '\n');
  });

  it.each(CASES)(
    '$name',
    async (c) => {
      const now = await summarise(c);
      if (RECORD) recorded[c.name] = now;
      else expect(now).toEqual(recorded[c.name]);
    },
    240_000,
  );
});
