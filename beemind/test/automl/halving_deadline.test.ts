// Successive halving and the deadline: once the run is stopped (its time is up, or the user interrupted it), no
// drone climbs to a larger fraction; a promoted drone keeps the score of the fraction it finished.
import type { EvaluationBackend } from '../../src/evaluation/backends.js';
import type { EvaluationJob } from '../../src/evaluation/evaluate.js';
import type { RunContext } from '../../src/automl/context.js';
import { evaluateBatch } from '../../src/automl/search_loop.js';
import { HalvingLadder } from '../../src/automl/halving.js';
import { getScorer } from '../../src/metrics/scorers.js';

/** A backend that scores drone k as k / 10 on any fraction and records every job it is given. */
function recordingBackend(jobs: EvaluationJob[]): EvaluationBackend {
  return {
    name: 'recording',
    concurrency: 2,
    prepare: () => {},
    evaluate: async (_key, job, options) => {
      jobs.push(job);
      const k = Number(/^d(\d+)/.exec(options!.id!)![1]);
      const value = {
        foldScores: [k / 10],
        predictions: null,
        predictionColumns: 0,
        fitSeconds: 0.01,
        predictSeconds: 0,
        modelSize: 0,
      };
      return { status: 'ok', value, seconds: 0.01 };
    },
    cancelAll: () => {},
    close: async () => {},
  };
}

describe('evaluateBatch with successive halving', () => {
  const fractions = [1 / 9, 1 / 3, 1];
  const scorer = getScorer('accuracy', 'classification');
  const proposals = Array.from({ length: 6 }, (_, k) => ({
    genome: { steps: [], model: { family: 'gaussian_nb', params: { varSmoothing: 10 ** -(k + 3) } } },
    parents: [],
    operator: 'random',
  }));
  const ids = proposals.map((_, k) => `d${k}`);
  const context = (dataKey: string) =>
    ({
      options: { budget: {}, seed: 0 },
      scorer,
      dataKey,
      search: { rows: 90 },
      data: { folds: [], features: { rows: 90, columns: [] }, nClasses: 2, task: 'classification' },
    }) as unknown as RunContext;

  it('climbs every rung while the run goes on', async () => {
    const jobs: EvaluationJob[] = [];
    const ladder = new HalvingLadder(fractions, 3, true);
    const heard: number[] = [];
    const onScored = (score: number) => void heard.push(score);
    const out = await evaluateBatch(
      context('halving-running'),
      recordingBackend(jobs),
      proposals,
      ids,
      ladder,
      false,
      () => false,
      onScored,
    );
    expect(jobs.map((j) => j.fraction)).toEqual([...Array(6).fill(1 / 9), 1 / 3, 1 / 3, 1]);
    expect(out[5]).toMatchObject({ fraction: 1, pruned: false });
    // only a score on all rows can make a leader: the run hears it as soon as it arrives
    expect(heard).toEqual([0.5]);
  });

  it('stops climbing once the run is stopped, keeping the promoted drones at their fraction', async () => {
    const jobs: EvaluationJob[] = [];
    const ladder = new HalvingLadder(fractions, 3, true);
    let stopped = false;
    const backend = recordingBackend(jobs);
    const evaluate = backend.evaluate;
    backend.evaluate = async (key, job, options) => {
      const outcome = await evaluate(key, job, options);
      stopped = true; // the deadline passes while the first rung runs
      return outcome;
    };
    const out = await evaluateBatch(
      context('halving-stopped'),
      backend,
      proposals,
      ids,
      ladder,
      false,
      () => stopped,
    );
    expect(jobs.map((j) => j.fraction)).toEqual(Array(6).fill(1 / 9));
    // the two best (within 1/eta) were promoted: not pruned, scored on the first fraction
    expect(out.map((o) => o?.pruned)).toEqual([true, true, true, true, false, false]);
    expect(out.every((o) => o?.fraction === 1 / 9)).toBe(true);
  });
});
