// Synthetic, seeded run event streams for the extension's tests and the panel benchmark (bench/panels-render.mjs).
import type { Drone, RunEvent } from 'beemind/events';
import { Random } from '../../beemind/src/core/random.js';

export interface SyntheticOptions {
  drones: number;
  generations?: number;
  seed?: number;
  runId?: string;
  /** Feature names of the dataset (strings from the user's data: may contain markup). */
  features?: string[];
  task?: 'classification' | 'regression';
  finished?: boolean;
  /** The run.started's author and project (both absent by default, as in runs recorded before they existed). */
  user?: string;
  project?: string;
}

const FAMILIES = [
  'random_forest',
  'hist_gradient_boosting',
  'logistic_regression',
  'knn',
  'naive_bayes',
  'mlp',
];

/** A complete event stream: run.started, drones generation by generation with parents, generation.completed, run.finished. */
export function syntheticRun(options: SyntheticOptions): RunEvent[] {
  const rng = new Random(options.seed ?? 0);
  const runId = options.runId ?? `run-${options.seed ?? 0}`;
  const generations = Math.max(1, options.generations ?? Math.max(1, Math.round(options.drones / 200)));
  const features = options.features ?? ['mean radius', 'mean texture', 'mean area', 'worst smoothness'];
  const task = options.task ?? 'classification';
  const time = '2026-01-01T00:00:00.000Z';
  const events: RunEvent[] = [
    {
      type: 'run.started',
      version: 1,
      runId,
      time,
      name: `synthetic ${runId}`,
      ...(options.user === undefined ? {} : { user: options.user }),
      ...(options.project === undefined ? {} : { project: options.project }),
      seed: options.seed ?? 0,
      config: {},
      metric: task === 'classification' ? 'accuracy' : 'r2',
      objectives: [{ name: task === 'classification' ? 'accuracy' : 'r2', direction: 'maximize' }],
      dataset: {
        name: 'synthetic',
        rows: 500,
        fingerprint: 'f00d',
        task,
        target: 'label',
        classes: task === 'classification' ? ['benign', 'malignant'] : null,
        features: features.map((name) => ({ name, kind: 'numeric', missing: 0, distinct: 100 })),
      },
    },
  ];
  const perGeneration = Math.ceil(options.drones / generations);
  const ids: string[][] = [];
  let made = 0;
  let best: Drone | null = null;
  for (let g = 0; g < generations && made < options.drones; g++) {
    const current: string[] = [];
    const count = Math.min(perGeneration, options.drones - made);
    for (let k = 0; k < count; k++) {
      const id = `d${made}`;
      const previous = ids[g - 1] ?? [];
      const crossover = previous.length > 1 && rng.float() < 0.5;
      const parents =
        previous.length === 0
          ? []
          : crossover
            ? [rng.choice(previous), rng.choice(previous)]
            : [rng.choice(previous)];
      const roll = rng.float();
      const status = roll < 0.04 ? 'failed' : roll < 0.06 ? 'timeout' : roll < 0.12 ? 'pruned' : 'ok';
      const base = 0.7 + 0.25 * (1 - Math.exp(-g / 5)) + rng.normal(0, 0.03);
      const score = status === 'failed' || status === 'timeout' ? null : Math.min(1, base);
      const folds = score === null ? [] : Array.from({ length: 5 }, () => score + rng.normal(0, 0.01));
      const family = rng.choice(FAMILIES);
      const fitSeconds = 0.01 + rng.float() * 2;
      const drone: Drone = {
        id,
        generation: g,
        parents,
        operator: g === 0 ? 'init' : crossover ? 'crossover' : 'mutation',
        genome: {
          steps: [{ kind: 'standard_scaler', params: {} }],
          model: { family, params: { depth: rng.int(10) + 1 } },
        },
        family,
        status,
        foldScores: folds,
        score,
        objectives: [score],
        fitSeconds,
        predictSeconds: fitSeconds / 10,
        fraction: status === 'pruned' ? 0.33 : 1,
        ...(status === 'failed' ? { error: `<b>boom</b> in drone ${id}` } : {}),
      };
      events.push({ type: 'drone.evaluated', runId, time, drone });
      if (status === 'ok' && (!best || score! > best.score!)) best = drone;
      current.push(id);
      made++;
    }
    ids.push(current);
    events.push({
      type: 'generation.completed',
      runId,
      time,
      generation: g,
      bestId: best?.id ?? null,
      bestScore: best?.score ?? null,
      paretoIds: best ? [best.id] : [],
      diversity: 0.5,
      evaluated: made,
    });
  }
  if (options.finished ?? true) {
    events.push({
      type: 'importance.computed',
      runId,
      time,
      droneId: best?.id ?? 'd0',
      method: 'permutation',
      metric: 'accuracy',
      features: features.map((feature, i) => ({ feature, importance: 0.1 / (i + 1), std: 0.01 })),
    });
    events.push({
      type: 'run.finished',
      runId,
      time,
      status: 'completed',
      reason: 'evaluations',
      championId: best?.id ?? null,
      ensemble: null,
      leaderboard: [],
      testScore: best?.score ?? null,
      elapsedSeconds: 10,
      evaluated: made,
    });
  }
  return events;
}
