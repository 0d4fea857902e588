// Runs on `beemind worker` processes (real Redis, two or more workers) against the same runs on local threads.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { evolve } from '../../src/automl/evolve.js';
import { evaluationCache } from '../../src/evaluation/cache.js';
import type { EvolveOptionsInput } from '../../src/automl/options.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { RunEvent } from '../../src/protocol/events.js';
import { freePort, startRedisServer, type RedisServer } from './helpers/redis_server.js';
import { expectSameRun, FAST_FAMILIES, loadIris, registerSleepyHere, sleepySpace } from './helpers/runs.js';
import { BIN, SLEEPY_PLUGIN, spawnWorker, type WorkerProcess } from './helpers/worker_process.js';

const run = promisify(execFile);
const IRIS = fileURLToPath(new URL('../../datasets/iris.csv', import.meta.url));
const queue = 'cluster';
let server: RedisServer;
let iris: Dataset;
let a: WorkerProcess;
let b: WorkerProcess;
let late: WorkerProcess | null = null;

beforeAll(async () => {
  registerSleepyHere();
  [server, iris] = await Promise.all([startRedisServer(), loadIris()]);
  [a, b] = await Promise.all([1, 2].map(() => spawnWorker(server.url, queue, ['--plugin', SLEEPY_PLUGIN])));
});

afterAll(async () => {
  await Promise.all([a, b, late].map((w) => w?.stop('SIGKILL')));
  await server?.stop();
});

async function evolveTwice(
  options: EvolveOptionsInput,
  queue: string,
  duringRemote?: (event: RunEvent) => void,
) {
  const base: EvolveOptionsInput = { importance: false, store: false, ...options };
  evaluationCache.clear();
  const localEvents: RunEvent[] = [];
  const local = await evolve(iris, { ...base, workers: 2 }, { onEvent: (e) => localEvents.push(e) });
  evaluationCache.clear(); // nothing may come from this process's cache: every drone is evaluated remotely
  const remoteEvents: RunEvent[] = [];
  const remote = await evolve(
    iris,
    { ...base, backend: { redis: server.url, queue } },
    {
      onEvent: (e) => {
        remoteEvents.push(e);
        duringRemote?.(e);
      },
    },
  );
  return { local: { run: local, events: localEvents }, remote: { run: remote, events: remoteEvents } };
}

describe('evolve on worker processes', () => {
  it('gives the drones, lineage, events, leaderboard and ensemble of a local run (seeds 6 and 5, halving)', async () => {
    const common = { families: FAST_FAMILIES, populationSize: 6, budget: { evaluations: 12 } };
    const plain = await evolveTwice({ ...common, seed: 6 }, queue); // a seed whose champion is an ensemble
    expect(plain.remote.run.drones).toHaveLength(12);
    expect(plain.remote.run.finished.ensemble).not.toBeNull(); // out-of-fold predictions came back exactly
    expectSameRun(plain.remote, plain.local);
    const halving = await evolveTwice(
      { ...common, seed: 5, successiveHalving: { minFraction: 0.25, eta: 2 } },
      queue,
    );
    expect(halving.remote.run.drones.some((d) => d.status === 'pruned')).toBe(true);
    expectSameRun(halving.remote, halving.local);
  });

  it('runs from the command line with --redis, and says when Redis is not there', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'beemind-cli-')), 'run.json');
    const { stdout } = await run(process.execPath, [
      BIN,
      'evolve',
      IRIS,
      '--target',
      'species',
      '--evaluations',
      '6',
      '--population',
      '3',
      '--families',
      'gaussian_nb,knn',
      '--redis',
      server.url,
      '--queue',
      queue,
      '--no-store',
      '--json',
      out,
      '-q',
    ]);
    expect(stdout).toMatch(/6 drones, completed \(evaluations\)/);
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved.drones).toHaveLength(6);
    expect(saved.started.config.backend).toEqual({ redis: server.url, queue });

    // BEEMIND_REDIS_URL alone sends the run through Redis too, and the command says so
    const fromEnv = await run(
      process.execPath,
      [
        BIN,
        'evolve',
        IRIS,
        '-t',
        'species',
        '-n',
        '3',
        '--families',
        'gaussian_nb',
        '--queue',
        queue,
        '--no-store',
        '-q',
      ],
      { env: { ...process.env, BEEMIND_REDIS_URL: server.url } },
    );
    expect(fromEnv.stdout).toMatch(/3 drones, completed \(evaluations\)/);
    expect(fromEnv.stderr).toMatch(
      /^beemind: note: evaluating on `beemind worker` processes through the Redis of BEEMIND_REDIS_URL \(redis:.*\); unset it to evaluate on this machine\.$/m,
    );

    const port = await freePort();
    await expect(
      run(process.execPath, [BIN, 'worker', '--redis', `redis://:secret@127.0.0.1:${port}`]),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        new RegExp(`the worker cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}`),
      ),
    });
    await expect(run(process.execPath, [BIN, 'worker', '--redis', 'localhost'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/is not a URL; use redis:\/\/\[user:password@\]host/),
    });
  });

  it('takes in a worker started while the run goes on, after the first one left (SIGTERM)', async () => {
    await b.stop('SIGTERM'); // one worker at the start
    expect(b.evaluated()).toBeGreaterThan(0);
    let starting: Promise<WorkerProcess> | null = null;
    let leaving: Promise<number | null> | null = null;
    const { local, remote } = await evolveTwice(
      {
        space: sleepySpace(100),
        plugins: [SLEEPY_PLUGIN],
        validation: { holdout: 0.3 },
        populationSize: 4,
        budget: { evaluations: 12 },
        seed: 3,
      },
      queue,
      (e) => {
        // after the first generation the only worker leaves and another one starts: the run waits for it
        if (e.type === 'generation.completed' && e.generation === 0) {
          leaving = a.stop('SIGTERM');
          starting = spawnWorker(server.url, queue, ['--plugin', SLEEPY_PLUGIN]);
        }
      },
    );
    expect(starting).not.toBeNull();
    late = await starting!;
    expect(await leaving).toBe(0);
    expectSameRun(remote, local);
    expect(await late.stop('SIGTERM')).toBe(0);
    expect(a.evaluated()).toBeGreaterThan(0);
    expect(late.evaluated()).toBeGreaterThan(0);
  });
});
