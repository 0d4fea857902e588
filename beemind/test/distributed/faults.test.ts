// Faults on a distributed run: a worker killed mid-job, Redis restarted (losing everything) mid-run.
import { jest } from '@jest/globals';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { evolve } from '../../src/automl/evolve.js';
import { evaluationCache } from '../../src/evaluation/cache.js';
import type { EvolveOptionsInput } from '../../src/automl/options.js';
import { logger } from '../../src/core/logger.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { RunEvent } from '../../src/protocol/events.js';
import { startRedisServer, type RedisServer } from './helpers/redis_server.js';
import { expectSameRun, loadIris, registerSleepyHere, sleepySpace } from './helpers/runs.js';
import { SLEEPY_PLUGIN, spawnWorker, type WorkerProcess } from './helpers/worker_process.js';

const queue = 'faults';
let server: RedisServer;
let iris: Dataset;
let a: WorkerProcess;
let b: WorkerProcess;

beforeAll(async () => {
  registerSleepyHere();
  [server, iris] = await Promise.all([startRedisServer(), loadIris()]);
  [a, b] = await Promise.all([1, 2].map(() => spawnWorker(server.url, queue, ['--plugin', SLEEPY_PLUGIN])));
});

afterAll(async () => {
  await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
  await server?.stop();
});

const sleepyRun = (seed: number): EvolveOptionsInput => ({
  space: sleepySpace(250),
  plugins: [SLEEPY_PLUGIN],
  validation: { holdout: 0.3 },
  populationSize: 6,
  budget: { evaluations: 12 },
  seed,
  importance: false,
  store: false,
});

async function localRun(options: EvolveOptionsInput) {
  evaluationCache.clear();
  const events: RunEvent[] = [];
  const run = await evolve(iris, { ...options, workers: 2 }, { onEvent: (e) => events.push(e) });
  evaluationCache.clear();
  return { run, events };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a distributed run', () => {
  it('waits through a Redis restart that loses every key, reconnects, and finishes like a local run', async () => {
    const local = await localRun(sleepyRun(6));

    const warnings: string[] = [];
    const warn = jest.spyOn(logger, 'warn').mockImplementation(((...args: unknown[]) => {
      warnings.push(String(args.find((x) => typeof x === 'string') ?? ''));
    }) as never);
    let restart: Promise<void> | null = null;
    const events: RunEvent[] = [];
    try {
      const run = await evolve(
        iris,
        { ...sleepyRun(6), backend: { redis: server.url, queue } },
        {
          onEvent: (e) => {
            events.push(e);
            // after the first generation, while the second is in flight: down for a second, back empty
            if (e.type === 'generation.completed' && e.generation === 0) {
              restart = (async () => {
                await sleep(150);
                await server.stop();
                await sleep(1000);
                await server.start();
              })();
            }
          },
        },
      );
      await restart;
      expect(restart).not.toBeNull();
      expect(
        warnings.some((w) =>
          /run: lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+; waiting and reconnecting/.test(w),
        ),
      ).toBe(true);
      expect(warnings.some((w) => /run: reconnected to Redis/.test(w))).toBe(true);
      expect(run.drones).toHaveLength(12);
      expect(run.drones.every((d) => d.status === 'ok')).toBe(true);
      expectSameRun({ run, events }, local);
    } finally {
      warn.mockRestore();
    }
    // both workers lived through it and reconnected
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
  });

  it('survives a worker killed (SIGKILL) mid-job: its job runs again elsewhere, every drone counts once', async () => {
    const local = await localRun(sleepyRun(4));

    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const q = new Queue(queue, { connection });
    const queueEvents = new QueueEvents(queue, { connection });
    try {
      await queueEvents.waitUntilReady();
      const stalled: string[] = [];
      queueEvents.on('stalled', ({ jobId }) => stalled.push(jobId));

      // Kill worker a while it holds a sleepy job it took less than 100 ms ago (the fit alone takes 250 ms).
      const sleepyJustTakenByA = (job: Job) =>
        job.processedBy === a.id &&
        job.data.job.genome.model.family === 'sleepy_centroid' &&
        Date.now() - job.processedOn! < 100;
      let killedJob: string | null = null;
      const killer = (async () => {
        for (let i = 0; i < 400 && killedJob === null; i++) {
          const held = (await q.getActive()).find(sleepyJustTakenByA);
          if (held) {
            await a.stop('SIGKILL');
            killedJob = held.id!;
          } else await sleep(20);
        }
      })();
      const events: RunEvent[] = [];
      const run = await evolve(
        iris,
        { ...sleepyRun(4), backend: { redis: server.url, queue } },
        { onEvent: (e) => events.push(e) },
      );
      await killer;

      expect(killedJob).not.toBeNull();
      expect(stalled).toContain(killedJob);
      expect(run.drones.map((d) => d.id)).toEqual(Array.from({ length: 12 }, (_, k) => `d${k + 1}`));
      expect(run.drones.every((d) => d.status === 'ok')).toBe(true);
      expectSameRun({ run, events }, local);
    } finally {
      await queueEvents.close();
      await q.close();
      connection.disconnect();
    }
  });
});
