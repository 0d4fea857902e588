// Toy pipeline spaces, objectives and an ask/tell driver shared by the search tests.
import { Random } from '../../src/core/random.js';
import type { Genome, PipelineSpace } from '../../src/search/genome.js';
import { hp } from '../../src/search/space/types.js';
import type {
  Proposal,
  SearchStrategy,
  TrialResult,
  TrialStatus,
} from '../../src/search/strategies/strategy.js';

/** One family with one float: maximise -(x - 3)². */
export const oneDimSpace: PipelineSpace = { slots: [], models: { toy: { x: hp.float(-10, 10) } } };
export const oneDim = (g: Genome): number => -Math.pow((g.model.params.x as number) - 3, 2);

/**
 * Families with conditional structure and an optional step slot. The optimum (1.05) needs family `a`,
 * branch `peak`, x = 0.7, y = 1, and step s1 with k = 3; family `a` is also the best on average, so the
 * structure can be learnt (a deceptive toy would only measure exploration).
 */
export const conditionalSpace: PipelineSpace = {
  slots: [{ name: 'pre', optional: true, choices: { s1: { k: hp.int(1, 5) }, s2: {} } }],
  models: {
    a: { x: hp.float(0, 1), mode: hp.conditional({ flat: {}, peak: { y: hp.float(-5, 5) } }) },
    b: { z: hp.int(1, 1000, { log: true }) },
    c: { w: hp.float(0, 1), kernel: hp.categorical(['lin', 'rbf', 'poly']) },
  },
};

export function conditional(g: Genome): number {
  const p = g.model.params as Record<string, number & string>;
  let f: number;
  if (g.model.family === 'a') {
    f =
      p.mode === 'peak'
        ? 1 - Math.pow(p.x - 0.7, 2) - 0.02 * Math.pow(p.y - 1, 2)
        : 0.7 - Math.pow(p.x - 0.7, 2);
  } else if (g.model.family === 'b') {
    f = 0.6 - 0.2 * Math.pow(Math.log10(p.z) - 2, 2);
  } else {
    f = 0.3 * p.w + (p.kernel === 'rbf' ? 0.1 : 0);
  }
  const step = g.steps[0];
  if (step?.kind === 's1' && step.params.k === 3) f += 0.05;
  return f;
}

export const CONDITIONAL_OPTIMUM = 1.05;

export interface Evaluated extends TrialResult {
  proposal: Proposal;
}

export interface DriveOptions {
  /** Evaluations to run. */
  budget: number;
  /** Simulated workers: proposals in flight at once. */
  workers?: number;
  /** Seed of the simulated completion order (which in-flight drone finishes next). */
  orderSeed?: number;
  /** Status of a drone (default ok). */
  status?: (g: Genome, i: number) => TrialStatus;
}

/**
 * Runs a strategy like an asynchronous worker pool would: keeps up to `workers` proposals in flight, and
 * completes them one at a time in a seeded random order. Returns the evaluations in proposal order.
 */
export function drive(
  strategy: SearchStrategy,
  objective: (g: Genome) => number | number[],
  { budget, workers = 1, orderSeed = 0, status }: DriveOptions,
): Evaluated[] {
  const order = new Random(orderSeed);
  const proposed: Proposal[] = [];
  const inFlight: number[] = [];
  const results = new Map<number, Evaluated>();
  while (results.size < budget) {
    const room = Math.min(workers - inFlight.length, budget - proposed.length);
    if (room > 0) {
      for (const p of strategy.ask(room)) inFlight.push(proposed.push(p) - 1);
    }
    if (inFlight.length === 0) break; // exhausted
    const [i] = inFlight.splice(order.int(inFlight.length), 1);
    const p = proposed[i];
    const value = objective(p.genome);
    const result: Evaluated = {
      id: `d${i}`,
      genome: p.genome,
      objectives: Array.isArray(value) ? value : [value],
      status: status?.(p.genome, i) ?? 'ok',
      proposal: p,
    };
    results.set(i, result);
    strategy.tell([result]);
  }
  return proposed.map((_, i) => results.get(i)).filter((r): r is Evaluated => r !== undefined);
}

/** Best first-objective value among ok evaluations. */
export function best(evals: readonly Evaluated[]): number {
  return Math.max(...evals.filter((e) => e.status === 'ok').map((e) => e.objectives[0]));
}
