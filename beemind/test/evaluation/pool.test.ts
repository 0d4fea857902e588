// WorkerPool: outcomes of every failure kind, worker replacement, FIFO queueing, shared data, cancellation, close.
import { fileURLToPath } from 'node:url';
import { ConfigurationError, EvaluationError } from '../../src/core/errors.js';
import { WorkerPool, type WorkerPoolOptions } from '../../src/evaluation/pool/worker_pool.js';
import type { Outcome } from '../../src/evaluation/pool/outcome.js';
import { isShared, toShared } from '../../src/evaluation/pool/shared_memory.js';

const tasksEntry = new URL('./fixtures/tasks.mjs', import.meta.url);

type Task = { kind: string; [k: string]: unknown };
type Echo = { value: unknown; threadId: number; served: number };

const pools: WorkerPool<Task, unknown>[] = [];
function makePool(options: Partial<WorkerPoolOptions> = {}): WorkerPool<Task, unknown> {
  const pool = new WorkerPool<Task, unknown>({ entry: tasksEntry, size: 1, ...options });
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function okValue<T>(outcome: Outcome<unknown>): T {
  if (outcome.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.value as T;
}

/** Runs echo tasks and checks they all succeed: the pool keeps serving after whatever came before. */
async function expectServing(pool: WorkerPool<Task, unknown>, n = 3): Promise<Echo[]> {
  const outcomes = await Promise.all(
    Array.from({ length: n }, (_, i) => pool.run({ kind: 'echo', value: i })),
  );
  const echoes = outcomes.map((o) => okValue<Echo>(o));
  expect(echoes.map((e) => e.value)).toEqual(Array.from({ length: n }, (_, i) => i));
  return echoes;
}

describe('WorkerPool outcomes', () => {
  it('returns values, including typed arrays and transferred buffers', async () => {
    const pool = makePool({ workerData: { run: 'r1' } });
    const echo = await pool.run({ kind: 'echo', value: { a: [1, 2], b: 'x' } });
    expect(echo.status).toBe('ok');
    expect(okValue<Echo>(echo).value).toEqual({ a: [1, 2], b: 'x' });
    if (echo.status === 'ok') expect(echo.seconds).toBeGreaterThanOrEqual(0);

    const squares = okValue<Float64Array>(await pool.run({ kind: 'square', values: [1, 2, 3] }));
    expect(Object.prototype.toString.call(squares)).toBe('[object Float64Array]');
    expect(Array.from(squares)).toEqual([1, 4, 9]);

    const moved = okValue<Float64Array>(await pool.run({ kind: 'transfer', n: 4 }));
    expect(Array.from(moved)).toEqual([7, 7, 7, 7]);
    expect(okValue(await pool.run({ kind: 'workerData' }))).toEqual({ run: 'r1' });
  });

  it('reports a throwing task as failed with name, message, code and stack, and keeps the same worker', async () => {
    const pool = makePool();
    const before = okValue<Echo>(await pool.run({ kind: 'echo', value: 0 }));
    const failed = await pool.run({ kind: 'throw', message: 'bad hyperparameters' });
    expect(failed.status).toBe('failed');
    if (failed.status !== 'failed') return;
    expect(failed.error.name).toBe('CandidateError');
    expect(failed.error.message).toBe('bad hyperparameters');
    expect(failed.error.code).toBe('candidate.bad');
    expect(failed.error.stack).toContain('tasks.mjs');

    const str = await pool.run({ kind: 'throwString' });
    expect(str).toMatchObject({ status: 'failed', error: { name: 'Error', message: 'plain string' } });

    const unclonable = await pool.run({ kind: 'unclonable' });
    expect(unclonable.status).toBe('failed');
    if (unclonable.status === 'failed') {
      expect(unclonable.error.name).toBe('DataCloneError');
      expect(unclonable.error.message).toContain('structured-cloneable');
    }

    const after = await expectServing(pool);
    expect(after.every((e) => e.threadId === before.threadId)).toBe(true);
    expect(pool.spawned).toBe(1);
  });

  it('fails a task that cannot be cloned to the worker without losing the worker', async () => {
    const pool = makePool();
    const outcome = await pool.run({ kind: 'echo', value: () => 1 });
    expect(outcome).toMatchObject({ status: 'failed', error: { name: 'DataCloneError' } });
    await expectServing(pool, 2);
  });

  it('times out a task that loops forever, terminates and replaces its worker', async () => {
    const pool = makePool();
    const first = okValue<Echo>(await pool.run({ kind: 'echo', value: 0 }));
    const outcome = await pool.run({ kind: 'loop' }, { timeoutMs: 300 });
    expect(outcome.status).toBe('timeout');
    if (outcome.status === 'timeout') expect(outcome.seconds).toBeGreaterThanOrEqual(0.25);
    const after = await expectServing(pool);
    expect(after[0].threadId).not.toBe(first.threadId);
    expect(pool.spawned).toBe(2);
  });

  it('does not time out tasks that finish before their deadline', async () => {
    const pool = makePool();
    expect((await pool.run({ kind: 'sleep', ms: 20 }, { timeoutMs: 5000 })).status).toBe('ok');
    expect(pool.spawned).toBe(1);
  });

  it('reports a worker that runs out of memory as crashed and replaces it', async () => {
    const pool = makePool({ resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 } });
    const outcome = await pool.run({ kind: 'oom' }, { timeoutMs: 20_000 });
    expect(outcome.status).toBe('crashed');
    if (outcome.status === 'crashed') expect(outcome.error.code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    await expectServing(pool);
    expect(pool.spawned).toBe(2);
  });

  it('reports process.exit in a task as crashed with the exit code and replaces the worker', async () => {
    const pool = makePool();
    const outcome = await pool.run({ kind: 'exit', code: 3 });
    expect(outcome).toMatchObject({ status: 'crashed', error: { name: 'WorkerExit' } });
    if (outcome.status === 'crashed') expect(outcome.error.message).toContain('code 3');
    await expectServing(pool);
  });

  it('replaces a worker that dies while idle', async () => {
    const pool = makePool();
    const answered = okValue<{ threadId: number }>(await pool.run({ kind: 'asyncCrash' }));
    for (let waited = 0; pool.workers > 0 && waited < 10_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(pool.workers).toBe(0);
    const after = await expectServing(pool);
    expect(after[0].threadId).not.toBe(answered.threadId);
  });

  it('reports every task of an entry that fails to load or never serves as crashed, without hanging', async () => {
    const broken = makePool({ entry: new URL('./fixtures/broken_import.mjs', import.meta.url) });
    const outcomes = await Promise.all([broken.run({ kind: 'echo' }), broken.run({ kind: 'echo' })]);
    for (const o of outcomes) {
      expect(o).toMatchObject({ status: 'crashed', error: { message: 'entry failed to load' } });
    }
    const silent = makePool({ entry: new URL('./fixtures/no_serve.mjs', import.meta.url) });
    const o = await silent.run({ kind: 'echo' });
    expect(o.status).toBe('crashed');
    if (o.status === 'crashed') expect(o.error.message).toContain('serveTasks()');
  });
});

describe('WorkerPool scheduling', () => {
  it('queues tasks FIFO when all workers are busy and runs them as workers free up', async () => {
    const pool = makePool({ size: 1 });
    const sleeping = pool.run({ kind: 'sleep', ms: 150 });
    const rest = Array.from({ length: 4 }, (_, i) => pool.run({ kind: 'echo', value: i }));
    expect(pool.busy).toBe(1);
    expect(pool.queued).toBe(4);
    expect((await sleeping).status).toBe('ok');
    const echoes = (await Promise.all(rest)).map((o) => okValue<Echo>(o));
    // one worker: its task counter shows the order in which the queue was served
    expect(echoes.map((e) => e.served)).toEqual([2, 3, 4, 5]);
    expect(pool.busy).toBe(0);
    expect(pool.queued).toBe(0);
  });

  it('runs tasks on up to `size` workers and resolves each promise with its own outcome', async () => {
    const pool = makePool({ size: 2 });
    const outcomes = await Promise.all([
      pool.run({ kind: 'sleep', ms: 100 }),
      pool.run({ kind: 'loop' }, { timeoutMs: 200 }),
      pool.run({ kind: 'echo', value: 'a' }),
      pool.run({ kind: 'throw', message: 'm' }),
      pool.run({ kind: 'echo', value: 'b' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'timeout', 'ok', 'failed', 'ok']);
    expect(okValue<Echo>(outcomes[2]).value).toBe('a');
    expect(okValue<Echo>(outcomes[4]).value).toBe('b');
    expect(pool.size).toBe(2);
    expect(pool.workers).toBeLessThanOrEqual(2);
  });

  it('accepts the entry as a path string or a data: URL', async () => {
    const fromPath = makePool({ entry: fileURLToPath(tasksEntry) });
    expect(okValue<Echo>(await fromPath.run({ kind: 'echo', value: 'p' })).value).toBe('p');
    const serve = new URL('../../dist/evaluation/pool/serve.js', import.meta.url).href;
    const source = `import { serveTasks } from ${JSON.stringify(serve)}; serveTasks((t) => t * 2);`;
    const inline = makePool({ entry: `data:text/javascript,${encodeURIComponent(source)}` });
    expect(okValue(await inline.run(21 as unknown as Task))).toBe(42);
  });

  it('defaults the size to the available parallelism and validates its options', () => {
    const pool = makePool({ size: undefined });
    expect(pool.size).toBeGreaterThanOrEqual(1);
    expect(pool.workers).toBe(0); // workers start on demand
    expect(() => new WorkerPool({ entry: tasksEntry, size: 0 })).toThrow(ConfigurationError);
    expect(() => new WorkerPool({ entry: new URL('./fixtures/missing.mjs', import.meta.url) })).toThrow(
      /does not exist/,
    );
    expect(() => new WorkerPool({ entry: new URL('./pool.test.ts', import.meta.url) })).toThrow(/TypeScript/);
    return expect(pool.run({ kind: 'echo' }, { timeoutMs: -1 })).rejects.toThrow(ConfigurationError);
  });
});

describe('WorkerPool shared data', () => {
  it('sends shared data once per worker, shares SharedArrayBuffer memory, and replays it to replacements', async () => {
    const pool = makePool({ size: 1 });
    const data = toShared(Float64Array.from([1, 2, 3, 4]));
    expect(isShared(data)).toBe(true);
    pool.share('dataset:abc', data);
    const first = okValue<{ sum: number; threadId: number; shared: string }>(
      await pool.run({ kind: 'sum', key: 'dataset:abc' }),
    );
    expect(first.sum).toBe(10);
    expect(first.shared).toBe('[object SharedArrayBuffer]');

    data[0] = 101; // same memory in the worker: no copy was made
    expect(okValue<{ sum: number }>(await pool.run({ kind: 'sum', key: 'dataset:abc' })).sum).toBe(110);

    expect((await pool.run({ kind: 'exit', code: 1 })).status).toBe('crashed');
    const replayed = okValue<{ sum: number; threadId: number }>(
      await pool.run({ kind: 'sum', key: 'dataset:abc' }),
    );
    expect(replayed.threadId).not.toBe(first.threadId);
    expect(replayed.sum).toBe(110);
  });

  it('shares plain values too, replaces them by key, and forgets them on unshare', async () => {
    const pool = makePool({ size: 2 });
    pool.share('xs', [1, 2]); // no workers yet: delivered when they start
    const sums = await Promise.all([
      pool.run({ kind: 'sum', key: 'xs' }),
      pool.run({ kind: 'sum', key: 'xs' }),
    ]);
    expect(sums.map((o) => okValue<{ sum: number }>(o).sum)).toEqual([3, 3]);
    pool.share('xs', [5, 5, 5]); // broadcast to the running workers
    expect(okValue<{ sum: number }>(await pool.run({ kind: 'sum', key: 'xs' })).sum).toBe(15);
    expect(pool.unshare('xs')).toBe(true);
    expect(pool.unshare('xs')).toBe(false);
    expect(okValue(await pool.run({ kind: 'hasShared', key: 'xs' }))).toBe(false);
    const missing = await pool.run({ kind: 'sum', key: 'xs' });
    expect(missing).toMatchObject({
      status: 'failed',
      error: { name: 'EvaluationError', code: 'pool.share_missing' },
    });
  });

  it('rejects shared values that cannot be sent to a worker', () => {
    const pool = makePool();
    expect(() => pool.share('f', { fn: () => 1 })).toThrow(/cannot be sent to a worker/);
    expect(() => pool.share('', 1)).toThrow(ConfigurationError);
  });
});

describe('WorkerPool cancellation and close', () => {
  it('cancels queued and running tasks on abort, keeps finished ones and other tasks', async () => {
    const pool = makePool({ size: 1 });
    const controller = new AbortController();
    const done = await pool.run({ kind: 'echo', value: 'kept' }, { signal: controller.signal });
    const running = pool.run({ kind: 'loop' }, { signal: controller.signal });
    const queued = pool.run({ kind: 'echo', value: 'q' }, { signal: controller.signal });
    const other = pool.run({ kind: 'echo', value: 'other' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(await running).toEqual({ status: 'cancelled' });
    expect(await queued).toEqual({ status: 'cancelled' });
    expect(okValue<Echo>(await other).value).toBe('other');
    expect(okValue<Echo>(done).value).toBe('kept');
    expect(await pool.run({ kind: 'echo' }, { signal: controller.signal })).toEqual({ status: 'cancelled' });
  });

  it('cancelAll cancels everything pending and the pool stays usable', async () => {
    const pool = makePool({ size: 2 });
    const finished = await pool.run({ kind: 'echo', value: 1 });
    const pending = [
      pool.run({ kind: 'loop' }),
      pool.run({ kind: 'sleep', ms: 10_000 }),
      pool.run({ kind: 'echo', value: 2 }),
    ];
    expect(pool.queued).toBe(1);
    pool.cancelAll();
    expect((await Promise.all(pending)).map((o) => o.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(pool.busy).toBe(0);
    expect(pool.queued).toBe(0);
    expect(finished.status).toBe('ok');
    await expectServing(pool);
  });

  it('close cancels pending tasks, terminates every worker and refuses new work', async () => {
    const pool = makePool({ size: 2 });
    pool.share('xs', [1]);
    const pending = [
      pool.run({ kind: 'loop' }),
      pool.run({ kind: 'echo', value: 1 }),
      pool.run({ kind: 'echo', value: 2 }),
    ];
    await pool.close();
    // close() ran before any answer could be received: everything pending resolves as cancelled
    expect((await Promise.all(pending)).map((o) => o.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(pool.workers).toBe(0);
    expect(pool.busy).toBe(0);
    expect(pool.closed).toBe(true);
    await expect(pool.run({ kind: 'echo' })).rejects.toThrow(EvaluationError);
    expect(() => pool.share('k', 1)).toThrow(/closed/);
    await pool.close(); // idempotent
  });
});
