import { fileURLToPath } from 'node:url';
import { evolve } from '../../src/automl/evolve.js';
import { evaluationCache } from '../../src/evaluation/cache.js';
import { loadDataset } from '../../src/data/datasets.js';
import { toDataset, type Dataset } from '../../src/data/dataset.js';
import { parseCSV } from '../../src/data/csv.js';
import { EvaluationError } from '../../src/core/errors.js';
import { DISPLAY } from '../../src/display.js';
import { RunEventSchema, type RunEvent } from '../../src/protocol/events.js';
import { subscribeRunEvents } from '../../src/events/hub.js';
import { dominates } from '../../src/search/nsga2.js';
import { hp } from '../../src/search/space/types.js';
import type { PipelineSpace } from '../../src/search/genome.js';
import { registerSleepyHere } from '../distributed/helpers/runs.js';

const FAST_FAMILIES = ['decision_tree', 'gaussian_nb', 'knn', 'logistic_regression'];
let iris: Dataset;
let diabetes: Dataset;

beforeAll(async () => {
  iris = toDataset(await loadDataset('iris'), { target: 'species' });
  diabetes = toDataset(await loadDataset('diabetes'), { target: 'progression' });
});

const summary = (run: Awaited<ReturnType<typeof evolve>>) =>
  run.drones.map((d) => [d.id, d.generation, d.operator, d.parents.join('+'), d.family, d.status, d.score]);

describe('evolve', () => {
  it('gives the same drones and leaderboard for a seed whatever the number of workers (seed 0 and 7)', async () => {
    for (const seed of [0, 7]) {
      const runs = [];
      for (const workers of [0, 1, 2]) {
        evaluationCache.clear();
        runs.push(
          await evolve(iris, {
            seed,
            workers,
            families: FAST_FAMILIES,
            populationSize: 6,
            budget: { evaluations: 12 },
            importance: false,
          }),
        );
      }
      expect(runs[0].drones).toHaveLength(12);
      expect(summary(runs[1])).toEqual(summary(runs[0]));
      expect(summary(runs[2])).toEqual(summary(runs[0]));
      expect(runs[2].finished.leaderboard.map((r) => [r.id, r.score])).toEqual(
        runs[0].finished.leaderboard.map((r) => [r.id, r.score]),
      );
      expect(runs[2].testScore).toBe(runs[0].testScore);
    }
  });

  it('emits a valid, ordered event stream and a champion that predicts labels', async () => {
    const events: RunEvent[] = [];
    const hubEvents: RunEvent[] = [];
    const unsubscribe = subscribeRunEvents((e) => hubEvents.push(e));
    const run = await evolve(
      iris,
      { seed: 1, workers: 0, families: FAST_FAMILIES, populationSize: 5, budget: { evaluations: 10 } },
      { onEvent: (e) => events.push(e) },
    );
    unsubscribe();
    for (const e of events)
      expect(RunEventSchema.safeParse(JSON.parse(JSON.stringify(e))).success).toBe(true);
    expect(events[0].type).toBe('run.started');
    expect(events.filter((e) => e.type === 'drone.evaluated')).toHaveLength(10);
    expect(events.filter((e) => e.type === 'generation.completed')).toHaveLength(2);
    expect(events.some((e) => e.type === 'importance.computed')).toBe(true);
    expect(events.at(-1)!.type).toBe('run.finished');
    expect(hubEvents.filter((e) => e.runId === run.id)).toEqual(events);

    expect(run.status).toBe('completed');
    expect(run.reason).toBe('evaluations');
    expect(run.hasChampion).toBe(true);
    const predictions = run.champion.predict(iris.features.head(3));
    expect(predictions.every((p) => ['setosa', 'versicolor', 'virginica'].includes(p as string))).toBe(true);
    expect(run.testScore!).toBeGreaterThan(0.8);
    const importance = await run.champion.importance();
    expect(importance.features.map((f) => f.feature).sort()).toEqual([...iris.featureNames].sort());
    expect(importance.sorted()[0].feature).toMatch(/^petal/);
    // every drone's parents were evaluated before it
    const seen = new Set<string>();
    for (const d of run.drones) {
      for (const p of d.parents) expect(seen.has(p)).toBe(true);
      seen.add(d.id);
    }
  });

  it('isolates candidates that throw, hang or exhaust memory, and the run goes on', async () => {
    const plugin = fileURLToPath(new URL('./fixtures/faulty_model.mjs', import.meta.url));
    const space: PipelineSpace = {
      slots: [],
      models: { faulty: { mode: hp.categorical(['throw', 'hang', 'oom']) }, gaussian_nb: {} },
    };
    const heard = new Map<string, number>();
    const run = await evolve(
      iris,
      {
        space,
        plugins: [plugin],
        strategy: 'grid',
        workers: 2,
        workerMemoryMb: 64,
        budget: { evaluations: 4, evaluationSeconds: 6 },
        importance: false,
      },
      { onEvent: (e) => e.type === 'drone.evaluated' && heard.set(e.drone.id, performance.now()) },
    );
    const byMode = new Map(run.drones.map((d) => [d.genome.model.params.mode ?? d.family, d]));
    expect(byMode.get('throw')!.status).toBe('failed');
    expect(byMode.get('throw')!.error).toMatch(/refuses to fit/);
    expect(byMode.get('hang')!.status).toBe('timeout');
    expect(byMode.get('hang')!.error).toMatch(/evaluationSeconds/);
    expect(byMode.get('oom')!.status).toBe('failed');
    expect(byMode.get('oom')!.error).toMatch(/memory/i);
    expect(byMode.get('gaussian_nb')!.status).toBe('ok');
    expect(run.status).toBe('completed');
    expect(run.champion.id).toBe(byMode.get('gaussian_nb')!.id);
    // each drone is announced as it finishes, not when the slowest of its batch does; the run lists them in order
    expect(heard.get(byMode.get('hang')!.id)! - heard.get(byMode.get('gaussian_nb')!.id)!).toBeGreaterThan(
      3000,
    );
    expect(run.drones.map((d) => d.id)).toEqual(['d1', 'd2', 'd3', 'd4']);
  });

  it('ends within its time budget', async () => {
    const started = performance.now();
    const run = await evolve(diabetes, {
      seed: 2,
      workers: 2,
      families: ['ridge', 'lasso', 'knn', 'decision_tree'],
      budget: { seconds: 6 },
    });
    const elapsed = (performance.now() - started) / 1000;
    expect(run.reason).toBe('time');
    expect(elapsed).toBeLessThanOrEqual(7); // the rule: 5% or 1 s over the budget, whichever is larger
    expect(run.drones.length).toBeGreaterThan(0);
    expect(run.hasChampion).toBe(true);
  });

  it('stops after `patience` generations without improvement', async () => {
    const run = await evolve(iris, {
      workers: 0,
      families: ['gaussian_nb'],
      populationSize: 2,
      budget: { evaluations: 200, patience: 2 },
      ensemble: false,
      importance: false,
    });
    expect(['stagnation', 'exhausted']).toContain(run.reason);
    expect(run.drones.length).toBeLessThan(200);
  });

  it('prunes weak drones on small fractions with successive halving', async () => {
    const digits = await loadDataset('digits');
    const data = toDataset(digits.take(Array.from({ length: 900 }, (_, i) => i)), {
      target: digits.columnNames.at(-1)!,
    });
    const run = await evolve(data, {
      seed: 3,
      workers: 2,
      families: ['gaussian_nb', 'decision_tree', 'knn'],
      successiveHalving: { minFraction: 0.25, eta: 3 },
      validation: { holdout: 0.25 },
      populationSize: 9,
      budget: { evaluations: 18 },
      importance: false,
    });
    const pruned = run.drones.filter((d) => d.status === 'pruned');
    expect(pruned.length).toBeGreaterThan(0);
    expect(pruned.every((d) => d.fraction < 1 && d.score !== null)).toBe(true);
    expect(run.drones.filter((d) => d.status === 'ok').every((d) => d.fraction === 1)).toBe(true);
    expect(run.finished.leaderboard.every((r) => run.drone(r.id)!.status === 'ok')).toBe(true);
  });

  it('finds a Pareto front of score against fit time with several objectives (NSGA-II)', async () => {
    const run = await evolve(iris, {
      seed: 4,
      workers: 0,
      families: FAST_FAMILIES,
      objectives: ['score', 'fit_seconds'],
      populationSize: 6,
      budget: { evaluations: 12 },
      importance: false,
    });
    expect(run.started.objectives.map((o) => o.direction)).toEqual(['maximize', 'minimize']);
    const last = run.events.filter((e) => e.type === 'generation.completed').at(-1)!;
    const front = last.type === 'generation.completed' ? last.paretoIds : [];
    expect(front.length).toBeGreaterThan(0);
    const points = new Map(
      run.drones.filter((d) => d.status === 'ok').map((d) => [d.id, [d.objectives[0]!, -d.objectives[1]!]]),
    );
    for (const id of front) for (const [, p] of points) expect(dominates(p, points.get(id)!)).toBe(false);
    expect(run.paretoChart().$schema).toMatch(/vega-lite\/v5/);
  });

  it.each(['random', 'tpe', 'grid'] as const)('runs the %s strategy end to end', async (strategy) => {
    const run = await evolve(diabetes, {
      strategy,
      seed: 5,
      workers: 0,
      families: ['ridge', 'lasso', 'decision_tree'],
      validation: { holdout: 0.25 },
      populationSize: 3,
      budget: { evaluations: 6 },
      importance: false,
    });
    expect(run.drones.length).toBeGreaterThan(0);
    expect(run.drones.length).toBeLessThanOrEqual(6);
    expect(run.metric).toBe('r2');
    expect(run.testScore!).toBeGreaterThan(0.2);
  });

  it('keeps the drones evaluated so far when interrupted', async () => {
    const controller = new AbortController();
    let evaluated = 0;
    const run = await evolve(
      iris,
      { workers: 1, families: FAST_FAMILIES, populationSize: 4, budget: { evaluations: 400 } },
      {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'drone.evaluated' && ++evaluated === 4) controller.abort();
        },
      },
    );
    expect(run.status).toBe('interrupted');
    expect(run.drones.length).toBeGreaterThanOrEqual(4);
    expect(run.drones.length).toBeLessThan(400);
    expect(run.finished.leaderboard.length).toBeGreaterThan(0);
    // what was evaluated is usable at once: the best drone, refit, without an ensemble or importance
    expect(run.hasChampion).toBe(true);
    expect(run.champion.id).toBe(run.finished.leaderboard[0].id);
    expect(run.finished.ensemble).toBeNull();
    expect(run.events.some((e) => e.type === 'importance.computed')).toBe(false);
    expect(run.champion.predict(iris.features.head(2))).toHaveLength(2);
  });

  it('leaves a best drone slow to refit for later when interrupted, and says how to refit it', async () => {
    registerSleepyHere(); // a family whose every fit sleeps: its refit would keep the user waiting
    const controller = new AbortController();
    const run = await evolve(
      iris,
      {
        space: { slots: [], models: { sleepy_centroid: { ms: hp.constant(3000) } } },
        workers: 0,
        validation: { holdout: 0.25 },
        testSize: 0,
        populationSize: 2,
        budget: { evaluations: 6 },
        importance: false,
        store: false,
      },
      { signal: controller.signal, onEvent: (e) => e.type === 'drone.evaluated' && controller.abort() },
    );
    expect(run.status).toBe('interrupted');
    expect(run.hasChampion).toBe(false);
    const best = run.finished.leaderboard[0].id;
    expect(run.whyNoChampion).toBe(
      `it was interrupted, and refitting its best drone would have kept you waiting: run.model("${best}") refits it`,
    );
    expect((await run.model(best)).predict(iris.features.head(2))).toHaveLength(2);
  }, 30_000);

  it('has no champion when interrupted before any drone, and says why and what to do', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await evolve(
      iris,
      { workers: 0, families: ['gaussian_nb'], budget: { evaluations: 4 }, importance: false },
      { signal: controller.signal },
    );
    expect(run.status).toBe('interrupted');
    expect(run.hasChampion).toBe(false);
    expect(() => run.champion).toThrow(EvaluationError);
    expect(() => run.champion).toThrow(
      expect.objectContaining({
        code: 'run.no_champion',
        message: expect.stringMatching(
          /has no champion: it stopped \(interrupted\) before any drone was evaluated\. Give evolve\(\) a bigger budget.*run\.hasChampion/,
        ),
      }),
    );
    await expect(run.model()).rejects.toMatchObject({ code: 'run.no_champion' });
    await expect(run.importance()).rejects.toMatchObject({ code: 'run.no_champion' });
    // a run without champion still shows, serializes and has its (empty) leaderboard
    expect(run.leaderboard.length).toBe(0);
    expect(run.toString()).toMatch(/best none/);
    expect(run[DISPLAY]()['text/html']).toMatch(/<table/);
    expect(() => JSON.stringify(run)).not.toThrow();
  });

  it('has no champion when every drone fails, and points at the failed drones', async () => {
    const plugin = fileURLToPath(new URL('./fixtures/faulty_model.mjs', import.meta.url));
    const run = await evolve(iris, {
      space: { slots: [], models: { faulty: { mode: hp.categorical(['throw']) } } },
      plugins: [plugin],
      strategy: 'grid',
      workers: 1,
      budget: { evaluations: 2 },
      importance: false,
    });
    expect(run.drones.length).toBeGreaterThan(0);
    expect(run.drones.every((d) => d.status === 'failed')).toBe(true);
    expect(run.hasChampion).toBe(false);
    expect(() => run.champion).toThrow(
      new RegExp(
        `none of its ${run.drones.length} drones finished \\(${run.drones.length} failed or timed out.*errors in run\\.drones`,
      ),
    );
    expect(run[DISPLAY]()['text/plain']).toMatch(/best none/);
  });

  it('explains bad options and data clearly', async () => {
    await expect(evolve(iris.features, {})).rejects.toThrow(/needs to know the target column/);
    await expect(evolve(iris, { metric: 'r2' })).rejects.toThrow(/metric "r2" is for regression/);
    await expect(evolve(iris, { budget: { evaluations: 0 } })).rejects.toThrow(
      /invalid options for evolve\(\): budget.evaluations/,
    );
    await expect(evolve(iris, { families: ['nope'] })).rejects.toThrow(/nope/);
    // a budget without a limit would search until interrupted
    await expect(evolve(iris, { budget: {} })).rejects.toThrow(/budget: a budget needs a limit: seconds/);
    // a misspelt option is named with the one meant; an unknown one with those there are
    await expect(evolve(iris, { metrc: 'accuracy' } as never)).rejects.toThrow(
      /\(options\): unknown key "metrc" \(did you mean "metric"\?\)/,
    );
    await expect(evolve(iris, { budget: { seconds: 5, wallclock: 3 } } as never)).rejects.toThrow(
      /budget: unknown key "wallclock" \(known: seconds, evaluations, evaluationSeconds, patience\)/,
    );
    // not a table: what evolve takes, and how to read the file named
    await expect(evolve('customers.csv' as never, { target: 'y' })).rejects.toThrow(
      /evolve\(\) takes a table: .*it was given the text "customers.csv"; to read a CSV file, pass await readCSV\("customers.csv"\)/,
    );
    await expect(evolve([{ x: 1 }] as never, { target: 'y' })).rejects.toThrow(/it was given an array/);
  });

  it('shows what always predicting the most frequent class scores, and suggests a metric when classes are imbalanced', async () => {
    const text = [
      'x,churned',
      ...Array.from({ length: 100 }, (_, i) => `${(i * 37) % 11},${i % 10 === 0 ? 'yes' : 'no'}`),
    ];
    const frame = parseCSV(text.join('\n'));
    const options = {
      target: 'churned',
      families: ['gaussian_nb'],
      budget: { evaluations: 2 },
      importance: false,
    };
    const run = await evolve(frame, options);
    expect(run.started.dataset.baseline).toEqual({ predicts: 'no', score: 0.9 });
    expect(String(run)).toMatch(/accuracy=\d\.\d{4} \(always "no": 0\.9000\)/);
    expect(String(run)).toMatch(
      /"no" is 90% of the rows: to weigh every class alike, pass metric: 'balanced_accuracy' \(or 'f1_macro'\)$/,
    );
    const balanced = await evolve(frame, { ...options, metric: 'balanced_accuracy' });
    expect(balanced.started.dataset.baseline).toEqual({ predicts: 'no', score: 0.5 });
    expect(String(balanced)).toMatch(/\(always "no": 0\.5000\)/);
    expect(String(balanced)).not.toMatch(/to weigh every class alike/);
    // a run stopped by the user says so once
    const controller = new AbortController();
    controller.abort();
    const stopped = await evolve(frame, options, { signal: controller.signal });
    expect(String(stopped)).toMatch(/^Run \w+: 0 drones, interrupted, best none/);
  });

  it('drops rows without a target when asked, and refuses an identifier as the target', async () => {
    const text = [
      'x,y',
      ...Array.from({ length: 40 }, (_, i) => `${i % 5},${i % 7 === 3 ? '' : i % 2 ? 'a' : 'b'}`),
    ];
    const frame = parseCSV(text.join('\n'));
    await expect(evolve(frame, { target: 'y', budget: { evaluations: 2 } })).rejects.toThrow(
      /target "y" is missing in 6 of 40 rows \(the first at row index 3, counting from 0\).*evolve\(data, \{ target, dropMissingTarget: true \}\)/,
    );
    const run = await evolve(frame, {
      target: 'y',
      dropMissingTarget: true,
      families: ['gaussian_nb'],
      budget: { evaluations: 2 },
      testSize: 0,
      importance: false,
      workers: 0,
    });
    expect(run.started.dataset.rows).toBe(34);
    const ids = parseCSV(['id,x', ...Array.from({ length: 30 }, (_, i) => `C${i},${i}`)].join('\n'));
    await expect(evolve(ids, { target: 'id', budget: { evaluations: 2 } })).rejects.toThrow(
      /target "id" has 30 distinct values in 30 rows, so most classes are seen once .*is it an identifier\? Choose another target column\./,
    );
  });

  it('reports per-family summaries, lineage and charts', async () => {
    const run = await evolve(iris, {
      seed: 6,
      workers: 0,
      families: FAST_FAMILIES,
      populationSize: 6,
      budget: { evaluations: 12 },
      importance: false,
    });
    const families = run.familySummary();
    expect(families.reduce((s, f) => s + f.evaluated, 0)).toBe(12);
    expect(
      run
        .lineage()
        .filter((l) => l.generation === 1)
        .some((l) => l.parents.length > 0),
    ).toBe(true);
    for (const spec of [
      run.historyChart(),
      run.lineageChart(),
      run.comparisonChart(),
      await run.confusionMatrixChart(),
    ]) {
      expect(JSON.parse(JSON.stringify(spec)).$schema).toMatch(/vega-lite\/v5/);
    }
    const cm = await run.confusionMatrix(run.finished.leaderboard[0].id);
    expect(cm.matrix.flat().reduce((a, b) => a + b, 0)).toBe(
      run.started.dataset.rows - Math.round(run.started.dataset.rows * 0.2),
    );
  });
});

describe('the run registry', () => {
  it('finds a finished run by id and computes importance for any finished drone', async () => {
    const { getRun } = await import('../../src/automl/run_registry.js');
    const run = await evolve(iris, {
      seed: 8,
      workers: 0,
      families: FAST_FAMILIES,
      populationSize: 4,
      budget: { evaluations: 4 },
      importance: false,
    });
    expect(getRun(run.id)).toBe(run);
    const other = run.finished.leaderboard.at(-1)!.id;
    const report = (await getRun(run.id)!.importance(other)) as { droneId: string; features: unknown[] };
    expect(report.droneId).toBe(other);
    expect(report.features).toHaveLength(4);
    expect(run.events.at(-1)).toMatchObject({ type: 'importance.computed', droneId: other });
  });
});
