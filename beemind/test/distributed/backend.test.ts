import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { InlineBackend, ThreadBackend, type EvaluationBackend } from '../../src/evaluation/backends.js';
import { evolve } from '../../src/automl/evolve.js';
import { evaluateGenome, type EvaluationData, type EvaluationJob } from '../../src/evaluation/evaluate.js';
import { ConfigurationError, EvaluationError } from '../../src/core/errors.js';
import { loadDataset } from '../../src/data/datasets.js';
import { toDataset } from '../../src/data/dataset.js';
import { RedisBackend } from '../../src/distributed/backend.js';
import { queueKeys } from '../../src/distributed/protocol.js';
import { startWorker, type RedisWorker } from '../../src/distributed/worker.js';
import '../../src/models/families.js';
import { freePort, startRedisServer, type RedisServer } from './helpers/redis_server.js';
import { irisEvaluationData } from './helpers/runs.js';

const FAULTY = fileURLToPath(new URL('../automl/fixtures/faulty_model.mjs', import.meta.url));

let server: RedisServer;
let secured: RedisServer;
let worker: RedisWorker;
let data: EvaluationData;

const job = (family: string, params: Record<string, unknown> = {}, fraction = 1): EvaluationJob => ({
  genome: { steps: [{ kind: 'standard_scaler', params: {} }], model: { family, params } },
  fraction,
  metric: 'accuracy',
  seed: 0,
  wantPredictions: fraction === 1,
  measureSize: true,
});

beforeAll(async () => {
  [server, secured] = await Promise.all([startRedisServer(), startRedisServer({ password: 'pa55:word' })]);
  data = await irisEvaluationData();
  worker = await startWorker({
    redis: server.url,
    queue: 'contract',
    concurrency: 2,
    plugins: [FAULTY],
    stalledCheckMs: 500,
    lockMs: 1000,
  });
});

afterAll(async () => {
  await worker?.close({ force: true });
  await Promise.all([server?.stop(), secured?.stop()]);
});

interface BackendCase {
  name: string;
  make(): Promise<EvaluationBackend>;
  /** Can stop an evaluation that never returns (timeouts, cancellation mid-evaluation). */
  stoppable: boolean;
}

const cases: BackendCase[] = [
  { name: 'inline', make: async () => new InlineBackend(), stoppable: false },
  { name: 'threads', make: async () => new ThreadBackend(2, 256, [FAULTY]), stoppable: true },
  {
    name: 'redis',
    make: () => RedisBackend.connect({ redis: server.url, queue: 'contract' }),
    stoppable: true,
  },
];

// The contract every evaluation backend keeps, run over each implementation.
describe.each(cases)('the $name backend', ({ make, stoppable }) => {
  let backend: EvaluationBackend;
  beforeEach(async () => {
    backend = await make();
    backend.prepare('iris', data);
  });
  afterEach(() => backend.close());

  it('gives the same scores and predictions as evaluateGenome, bit for bit', async () => {
    const jobs = [
      job('gaussian_nb'),
      job('decision_tree', { maxDepth: 3 }),
      job('knn', { nNeighbors: 7 }, 0.5),
    ];
    const outcomes = await Promise.all(jobs.map((j, k) => backend.evaluate('iris', j, { id: `d${k}.r0` })));
    for (const [k, outcome] of outcomes.entries()) {
      const local = await evaluateGenome(data, jobs[k]);
      expect(outcome.status).toBe('ok');
      if (outcome.status !== 'ok') continue;
      expect(outcome.value.foldScores).toEqual(local.foldScores);
      expect(outcome.value.modelSize).toBe(local.modelSize);
      expect(outcome.value.predictions === null).toBe(local.predictions === null);
      if (local.predictions)
        expect(
          Buffer.from(outcome.value.predictions!.buffer).equals(Buffer.from(local.predictions.buffer)),
        ).toBe(true);
    }
  });

  it('reports a genome that throws as failed, with its error, and goes on', async () => {
    const [bad, good] = await Promise.all([
      backend.evaluate('iris', job('knn', { nNeighbors: -1 }), { id: 'd1.r0' }),
      backend.evaluate('iris', job('gaussian_nb'), { id: 'd2.r0' }),
    ]);
    expect(bad.status).toBe('failed');
    if (bad.status === 'failed') expect(bad.error.message).toMatch(/nNeighbors/);
    expect(good.status).toBe('ok');
  });

  if (stoppable) {
    it('stops an evaluation past its timeout and one cancelled while running', async () => {
      const hang = job('faulty', { mode: 'hang' });
      const timedOut = await backend.evaluate('iris', hang, { id: 'd1.r0', timeoutMs: 400 });
      expect(timedOut.status).toBe('timeout');
      const running = backend.evaluate('iris', hang, { id: 'd2.r0' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      backend.cancelAll();
      expect(await running).toEqual({ status: 'cancelled' });
      expect((await backend.evaluate('iris', job('gaussian_nb'), { id: 'd3.r0' })).status).toBe('ok');
    });
  }
});

describe('the redis backend', () => {
  const backends: RedisBackend[] = [];
  const connect = async (queue: string, url = server.url) => {
    const b = await RedisBackend.connect({ redis: url, queue, sweepMs: 200 });
    backends.push(b);
    return b;
  };
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((b) => b.close()));
  });

  it('sends the search data once, by content key, and one job per evaluation id', async () => {
    const queue = 'once';
    const w = await startWorker({ redis: server.url, queue, concurrency: 2 });
    try {
      const [a, b] = [await connect(queue), await connect(queue)];
      a.prepare('iris', data);
      b.prepare('same data, another run', data);
      const twice = [
        a.evaluate('iris', job('gaussian_nb'), { id: 'd1.r0' }),
        a.evaluate('iris', job('gaussian_nb'), { id: 'd1.r0' }),
      ];
      const others = [1, 2, 3].map((k) =>
        b.evaluate('same data, another run', job('knn', { nNeighbors: k + 2 }), { id: `d${k}.r0` }),
      );
      const outcomes = await Promise.all([...twice, ...others]);
      expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
      expect(outcomes[0]).toBe(outcomes[1]);
      expect(a.stats.submitted).toBe(1);
      expect(w.stats.evaluated).toBe(4);
      expect(w.stats.datasetsLoaded).toBe(1);
      const redis = new Redis(server.url);
      const dataKeys = await redis.keys(`${queueKeys(queue).data('*')}`);
      const resultKeys = await redis.keys(queueKeys(queue).result('*'));
      redis.disconnect();
      expect(dataKeys).toHaveLength(1);
      expect(resultKeys).toHaveLength(0); // results are deleted once read
      expect(a.connectedWorkers.map((x) => x.id)).toContain(w.id);
    } finally {
      await w.close();
    }
  });

  it('stores an outcome too big for the completion event under its result key, and deletes it once read', async () => {
    // iris eight times over: 1200 rows of out-of-fold probabilities (about 29 KB) do not travel inline
    const tile = <T extends Float64Array | Int32Array>(a: T, times: number, shift = 0): T => {
      const out = new (a.constructor as new (n: number) => T)(a.length * times);
      for (let t = 0; t < times; t++)
        for (let i = 0; i < a.length; i++) out[t * a.length + i] = a[i] + t * shift;
      return out;
    };
    const big: EvaluationData = {
      ...data,
      features: {
        rows: data.features.rows * 8,
        columns: data.features.columns.map(
          (c) => ({ ...c, values: tile(c.values as Float64Array, 8) }) as typeof c,
        ),
      },
      y: tile(data.y, 8),
      folds: data.folds.map((f) => ({
        train: tile(f.train, 8, data.features.rows),
        test: tile(f.test, 8, data.features.rows),
      })),
    };
    const backend = await connect('contract');
    backend.prepare('big', big);
    const theJob = job('gaussian_nb');
    const outcome = await backend.evaluate('big', theJob, { id: 'd1.r0' });
    const local = await evaluateGenome(big, theJob);
    expect(outcome.status).toBe('ok');
    if (outcome.status !== 'ok') return;
    expect(outcome.value.predictions!.byteLength).toBeGreaterThan(16_384);
    expect(
      Buffer.from(outcome.value.predictions!.buffer).equals(Buffer.from(local.predictions!.buffer)),
    ).toBe(true);
    const redis = new Redis(server.url);
    expect(await redis.keys(queueKeys('contract').result('*'))).toEqual([]);
    redis.disconnect();
  });

  it('waits for a worker that starts later, and resolves unanswered jobs as cancelled at once', async () => {
    const queue = 'late';
    const backend = await connect(queue);
    backend.prepare('iris', data);
    expect(backend.connectedWorkers).toHaveLength(0);
    const first = backend.evaluate('iris', job('gaussian_nb'), { id: 'd1.r0' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const w = await startWorker({ redis: server.url, queue, concurrency: 1 });
    try {
      expect((await first).status).toBe('ok');
      await w.close();
      // nobody listens now: the deadline (cancelAll) still ends the wait, and the job leaves the queue
      const orphan = backend.evaluate('iris', job('decision_tree'), { id: 'd2.r0' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      backend.cancelAll();
      expect(await orphan).toEqual({ status: 'cancelled' });
      const connection = new Redis(server.url, { maxRetriesPerRequest: null });
      const q = new Queue(queue, { connection });
      for (let i = 0; i < 50 && (await q.getWaitingCount()) > 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(await q.getWaitingCount()).toBe(0);
      await q.close();
      connection.disconnect();
    } finally {
      await w.close();
    }
  });

  it('keeps a run within its time budget when no worker answers', async () => {
    const iris = toDataset(await loadDataset('iris'), { target: 'species' });
    const started = performance.now();
    const run = await evolve(iris, {
      backend: { redis: server.url, queue: 'nobody-listens' },
      budget: { seconds: 2 },
      store: false,
      importance: false,
    });
    const elapsed = (performance.now() - started) / 1000;
    expect(run.reason).toBe('time');
    expect(run.drones).toHaveLength(0);
    expect(elapsed).toBeLessThan(4); // the budget, plus the finishing steps
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const q = new Queue('nobody-listens', { connection });
    expect(await q.getWaitingCount()).toBe(0); // the cancelled jobs left the queue
    await q.close();
    connection.disconnect();
  });

  it('fails a malformed job at once, without retries, and never runs it', async () => {
    const queue = 'contract';
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const q = new Queue(queue, { connection });
    const events = new QueueEvents(queue, { connection });
    await events.waitUntilReady();
    const failed = new Promise<string>((resolve) =>
      events.on('failed', ({ jobId, failedReason }) => jobId === 'evil' && resolve(failedReason)),
    );
    await q.add(
      'evaluate',
      { v: 1, code: 'require("child_process").exec("rm -rf /")' },
      { jobId: 'evil', attempts: 5 },
    );
    expect(await failed).toMatch(/not a BeeMind evaluation/);
    expect((await q.getJob('evil'))!.attemptsMade).toBe(1);
    await events.close();
    await q.close();
    connection.disconnect();
  });

  it('says clearly when Redis cannot be reached or refuses the password, never printing the password', async () => {
    const port = await freePort();
    const down = `redis://:hunter2@127.0.0.1:${port}`;
    await expect(RedisBackend.connect({ redis: down })).rejects.toThrow(EvaluationError);
    await expect(RedisBackend.connect({ redis: down })).rejects.toThrow(
      new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}.*ECONNREFUSED`),
    );
    await expect(RedisBackend.connect({ redis: down })).rejects.not.toThrow(/hunter2/);
    await expect(startWorker({ redis: down })).rejects.toThrow(/the worker cannot reach Redis/);
    await expect(RedisBackend.connect({ redis: 'http://localhost:6379' })).rejects.toThrow(
      ConfigurationError,
    );
    await expect(RedisBackend.connect({ redis: server.url, queue: 'no spaces' })).rejects.toThrow(/queue/);

    const wrong = secured.url.replace('pa55%3Aword', 'nope');
    await expect(RedisBackend.connect({ redis: wrong })).rejects.toThrow(/refused the run's credentials/);
    await expect(RedisBackend.connect({ redis: wrong })).rejects.not.toThrow(/nope@/);
    await expect(RedisBackend.connect({ redis: secured.url.replace(':pa55%3Aword@', '') })).rejects.toThrow(
      ConfigurationError,
    );
  });

  it('works with a password in the URL', async () => {
    const w = await startWorker({ redis: secured.url, queue: 'secured', concurrency: 1 });
    try {
      const backend = await connect('secured', secured.url);
      backend.prepare('iris', data);
      expect((await backend.evaluate('iris', job('gaussian_nb'), { id: 'd1.r0' })).status).toBe('ok');
    } finally {
      await w.close();
    }
  });

  it('tells which plugin a worker lacks when it meets an unknown model family', async () => {
    const backend = await connect('contract');
    backend.prepare('iris', data);
    const outcome = await backend.evaluate('iris', job('not_registered_anywhere'), { id: 'd1.r0' });
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed')
      expect(outcome.error.message).toMatch(/start it with `beemind worker --plugin <module>`/);
  });
});
