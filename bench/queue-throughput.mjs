// Distributed evaluation on Redis (BullMQ): queue overhead per evaluation, and throughput against the number of
// `beemind worker` processes (1, 2, 4, 8, 16 on this machine, one evaluation at a time each) for evaluations
// dominated by waiting (a plugin family whose fit sleeps; a stand-in for workers on other machines) and for
// CPU-bound ones (a 30-tree random forest on digits, one thread). The peer is the embedded default, the local worker_threads pool.
// Run from the repository root after `npx tsc -b` (needs redis-server; scripts/setup.sh installs it):
//   node bench/queue-throughput.mjs [--workers 1,2,4,8,16] [--sleep-ms 200] [--jobs-per-worker 10] [--repeats 3]
//                                   [--redis URL]
// Without --redis it starts its own redis-server on a free loopback port. Each burst runs `repeats` times and the
// fastest counts (the machine is shared: slower repeats measure the neighbours). Prints markdown tables.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => join(root, 'beemind/dist', path);
const PLUGIN = join(root, 'bench/queue-sleepy-model.mjs');
await import(PLUGIN);
const { loadDataset } = await import(dist('data/datasets.js'));
const { toDataset } = await import(dist('data/dataset.js'));
const { trainTestSplit } = await import(dist('data/split.js'));
const { evaluateGenome } = await import(dist('evaluation/evaluate.js'));
const { ThreadBackend } = await import(dist('evaluation/backends.js'));
const { RedisBackend } = await import(dist('distributed/backend.js'));

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const workerCounts = option('workers', '1,2,4,8,16').split(',').map(Number);
const sleepMs = Number(option('sleep-ms', 200));
const jobsPerWorker = Number(option('jobs-per-worker', 10));
const repeats = Number(option('repeats', 3));
const queue = `bench-${process.pid}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---- Redis ----
function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'beemind-bench-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((ok, fail) => {
    let out = '';
    child.once('error', (e) =>
      fail(new Error(`cannot start redis-server (${e.message}); run scripts/setup.sh`)),
    );
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('Ready to accept connections')) ok();
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- worker processes ----
function spawnWorker(url) {
  const child = spawn(
    process.execPath,
    [
      dist('cli/bin.js'),
      'worker',
      '--redis',
      url,
      '--queue',
      queue,
      '--concurrency',
      '1',
      '--plugin',
      PLUGIN,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((ok, fail) => {
    let out = '';
    child.once('exit', (code) => fail(new Error(`a worker exited (${code}) before it was ready: ${out}`)));
    child.stdout.on('data', (c) => {
      out += c;
      if (/ready/.test(out)) ok(child);
    });
  });
}

// ---- data and jobs ----
async function evaluationData(name) {
  const frame = await loadDataset(name);
  const ds = toDataset(frame, { target: frame.columnNames.at(-1) });
  // one holdout split: one fit per evaluation, so a sleeping fit makes the evaluation last `ms`
  return {
    features: { rows: ds.rows, columns: ds.features.columns },
    y: ds.target.values,
    task: ds.task,
    nClasses: ds.nClasses,
    folds: [trainTestSplit(ds.rows, 0.25, { seed: 1 })],
  };
}
const job = (family, params) => ({
  genome: { steps: [], model: { family, params } },
  fraction: 1,
  metric: 'accuracy',
  seed: 0,
  wantPredictions: false,
  measureSize: false,
});
const sleepJob = (ms) => job('bench_sleep', { ms });
const cpuJob = job('random_forest', { nEstimators: 30, nJobs: null });

const iris = await evaluationData('iris');
const digits = await evaluationData('digits');

/** Evaluates `n` copies at once, `times` times; returns the fastest wall seconds (every outcome must be ok). */
async function burst(backend, key, theJob, n, times = 1) {
  let best = Infinity;
  for (let t = 0; t < times; t++) {
    const t0 = performance.now();
    const outcomes = await Promise.all(Array.from({ length: n }, () => backend.evaluate(key, theJob)));
    best = Math.min(best, (performance.now() - t0) / 1000);
    const bad = outcomes.filter((o) => o.status !== 'ok');
    if (bad.length) throw new Error(`${bad.length} evaluations did not succeed: ${JSON.stringify(bad[0])}`);
  }
  return best;
}

/** Round trips of one trivial evaluation at a time: median ms, and median ms the evaluation itself held a thread. */
async function roundTrips(backend, key, n) {
  const trips = [];
  const held = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const o = await backend.evaluate(key, sleepJob(0));
    trips.push(performance.now() - t0);
    held.push(o.seconds * 1000);
  }
  return { trip: median(trips), held: median(held) };
}

// ---- run ----
const redis = option('redis', null) ? { url: option('redis'), stop: async () => {} } : await startRedis();
const workers = [];
const rows = [];
let overhead;
try {
  // the evaluation alone, in this thread (warm)
  const inline = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    await evaluateGenome(iris, sleepJob(0));
    if (i >= 200) inline.push(performance.now() - t0);
  }
  const threads = new ThreadBackend(1, 512, [PLUGIN]);
  threads.prepare('iris', iris);
  await roundTrips(threads, 'iris', 10); // warm-up
  const local = await roundTrips(threads, 'iris', 100);
  await threads.close();

  // the peer for throughput: the local pool, one thread per worker process of the largest run (waiting) and
  // one per core (CPU-bound)
  const most = Math.max(...workerCounts);
  const cores = availableParallelism();
  const pool = new ThreadBackend(most, 512, [PLUGIN]);
  pool.prepare('iris', iris);
  pool.prepare('digits', digits);
  await burst(pool, 'iris', sleepJob(50), 3 * most);
  const localSleep = { n: most, jobs: jobsPerWorker * most };
  localSleep.seconds = await burst(pool, 'iris', sleepJob(sleepMs), localSleep.jobs, repeats);
  await pool.close();
  const cpuPool = new ThreadBackend(cores, 1024, [PLUGIN]);
  cpuPool.prepare('digits', digits);
  await burst(cpuPool, 'digits', cpuJob, cores);
  const localCpu = { n: cores, jobs: Math.max(6, 2 * cores) };
  localCpu.seconds = await burst(cpuPool, 'digits', cpuJob, localCpu.jobs, repeats);
  await cpuPool.close();

  const backend = await RedisBackend.connect({ redis: redis.url, queue });
  backend.prepare('iris', iris);
  backend.prepare('digits', digits);
  for (const n of workerCounts) {
    const started = await Promise.all(
      Array.from({ length: n - workers.length }, () => spawnWorker(redis.url)),
    );
    workers.push(...started);
    for (let i = 0; i < 300 && (await backend.listWorkers()).length < n; i++) await sleep(100);
    // warm-up: every worker starts its evaluation thread and fetches both datasets
    await burst(backend, 'iris', sleepJob(50), 3 * n);
    await burst(backend, 'digits', sleepJob(50), 3 * n);
    if (n === 1) {
      await roundTrips(backend, 'iris', 10);
      overhead = await roundTrips(backend, 'iris', 100);
    }
    const sleepJobs = jobsPerWorker * n;
    const sleepSeconds = await burst(backend, 'iris', sleepJob(sleepMs), sleepJobs, repeats);
    const cpuJobs = Math.max(6, 2 * n);
    await burst(backend, 'digits', cpuJob, n); // every worker compiles the forest code once
    const cpuSeconds = await burst(backend, 'digits', cpuJob, cpuJobs, repeats);
    rows.push({ n, sleepJobs, sleepSeconds, cpuJobs, cpuSeconds });
    console.error(
      `${n} worker(s): ${sleepJobs} waiting jobs in ${sleepSeconds.toFixed(2)} s, ${cpuJobs} CPU jobs in ${cpuSeconds.toFixed(2)} s`,
    );
  }
  await backend.close();

  const evalMs = median(inline);
  console.log(`\n### Queue overhead per evaluation (one trivial evaluation at a time, median of 100)\n`);
  console.log('| path | round trip (ms) | evaluation alone (ms) | overhead (ms) |');
  console.log('|---|---:|---:|---:|');
  console.log(
    `| local threads (worker_threads pool, the default) | ${local.trip.toFixed(2)} | ${evalMs.toFixed(2)} | ${(local.trip - evalMs).toFixed(2)} |`,
  );
  console.log(
    `| Redis queue, 1 worker process | ${overhead.trip.toFixed(2)} | ${evalMs.toFixed(2)} | ${(overhead.trip - evalMs).toFixed(2)} |`,
  );
  console.log(
    `| Redis queue, less the worker's own thread round trip | | ${overhead.held.toFixed(2)} (thread) | ${(overhead.trip - overhead.held).toFixed(2)} |`,
  );

  const base = rows[0];
  console.log(
    `\n### Throughput against worker processes (this machine: ${cores} cores; fastest of ${repeats} bursts)\n`,
  );
  console.log(
    `| workers | waiting jobs (${sleepMs} ms each) | jobs/s | × 1 worker | ideal jobs/s | overhead per job (ms) | CPU jobs (forest, digits) | jobs/s | × 1 worker |`,
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const rate = (jobs, seconds) => (jobs / seconds).toFixed(2);
  console.log(
    `| local pool, ${localSleep.n} threads (peer) | ${localSleep.jobs} | ${rate(localSleep.jobs, localSleep.seconds)} | | | | | | |`,
  );
  console.log(
    `| local pool, ${localCpu.n} threads (peer) | | | | | | ${localCpu.jobs} | ${rate(localCpu.jobs, localCpu.seconds)} | |`,
  );
  for (const r of rows) {
    const rate = r.sleepJobs / r.sleepSeconds;
    const baseRate = base.sleepJobs / base.sleepSeconds;
    const cpuRate = r.cpuJobs / r.cpuSeconds;
    const cpuBase = base.cpuJobs / base.cpuSeconds;
    const perJob = (r.sleepSeconds * r.n * 1000) / r.sleepJobs - sleepMs;
    console.log(
      `| ${r.n} | ${r.sleepJobs} | ${rate.toFixed(2)} | ${(rate / baseRate).toFixed(2)} | ${((r.n * 1000) / sleepMs).toFixed(2)} | ${perJob.toFixed(1)} | ${r.cpuJobs} | ${cpuRate.toFixed(2)} | ${(cpuRate / cpuBase).toFixed(2)} |`,
    );
  }
} finally {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((r) => {
          w.once('exit', r);
          w.kill('SIGTERM');
        }),
    ),
  );
  await redis.stop();
}
