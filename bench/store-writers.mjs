// Experiment store under concurrent writers: drones written per second and write latency (p50, p95) of BeeMind's
// SQLite store and PostgreSQL store with 1, 4 and 8 writer PROCESSES, next to Optuna's RDB storage on the same
// PostgreSQL server writing trials from as many processes.
//
// Each BeeMind writer process records one run of its own: it writes the run's `run.started`, waits until every
// writer is ready, then writes N `drone.evaluated` events with writeEvent (one transaction each, as a search
// does) and times each call. Each Optuna writer process (bench/store_writers_optuna.py) likewise creates one
// study of its own — a study is Optuna's run — and then writes N trials, each `study.ask()` + `study.tell(trial,
// value)` timed as one write. Every measurement gets a fresh store: a new SQLite file, or a new PostgreSQL
// database (BeeMind's tables, or Optuna's, created before the writers start). Throughput is all writes of all
// processes over the span from the first process's first write to the last process's last one; p50/p95 pool
// every write's latency across the processes.
//
// The PostgreSQL server is this script's own (scripts/postgres-server.mjs: PostgreSQL on loopback, a cluster in a
// temporary folder) started with fsync = on (synchronous_commit stays on, the default), so every commit is durable
// for BeeMind and Optuna alike; --no-fsync measures the faster, non-durable server the tests use.
//
// Run from the repository root after `npx tsc -b` and `bash bench/setup_peers.sh optuna`:
//   node bench/store-writers.mjs [--writers 1,4,8] [--drones 500] [--backends sqlite,postgres,optuna]
//                                [--repeats 1] [--prediction-rows 0] [--optuna-params 0] [--no-fsync]
// --prediction-rows R stores R out-of-fold predictions (float64) with each drone (default none: Optuna has no
// counterpart); --optuna-params K makes each Optuna trial suggest K floats (default none). With --repeats > 1
// each cell is measured that many times (a fresh store each time) and the one with the highest throughput is
// reported (the machine is shared: slower repeats measure the neighbours). Prints markdown tables.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = resolve(dirname(here), '..');
const dist = (path) => join(root, 'beemind/dist', path);
const OPTUNA_PYTHON = join(root, 'bench/.venv-optuna/bin/python');
const OPTUNA_SCRIPT = join(root, 'bench/store_writers_optuna.py');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const FEATURES = Array.from({ length: 12 }, (_, k) => ({
  name: `f${k}`,
  kind: 'numeric',
  missing: 0,
  distinct: 500,
  min: 0,
  max: 1,
  mean: 0.5,
}));

/** A drone as a search records it: a genome of a few steps and a model, five fold scores, two objectives. */
function drone(k, writer) {
  const families = ['random_forest', 'hist_gradient_boosting', 'logistic_regression', 'extra_trees'];
  const family = families[k % families.length];
  const folds = Array.from({ length: 5 }, (_, f) => 0.8 + ((k * 31 + f * 7 + writer) % 100) / 1000);
  const score = folds.reduce((a, b) => a + b, 0) / folds.length;
  return {
    id: `d${String(k).padStart(5, '0')}`,
    generation: Math.floor(k / 20),
    parents: k < 20 ? [] : [`d${String(k - 20).padStart(5, '0')}`, `d${String(k - 19).padStart(5, '0')}`],
    operator: k < 20 ? 'init' : k % 2 ? 'mutation' : 'crossover',
    genome: {
      steps: [
        { kind: 'impute', params: { strategy: 'median' } },
        { kind: 'scale', params: { method: k % 2 ? 'standard' : 'robust' } },
      ],
      model: {
        family,
        params: {
          trees: 50 + (k % 10) * 10,
          maxDepth: 3 + (k % 8),
          learningRate: 0.05 + (k % 5) / 100,
          seed: k,
        },
      },
    },
    family,
    status: 'ok',
    foldScores: folds,
    score,
    objectives: [score, 0.1 + (k % 13) / 10],
    fitSeconds: 0.1 + (k % 13) / 10,
    predictSeconds: 0.01,
    fraction: 1,
  };
}

function runStarted(runId, writer) {
  return {
    type: 'run.started',
    version: 1,
    runId,
    time: new Date().toISOString(),
    name: `bench writer ${writer}`,
    seed: writer,
    config: { budget: { evaluations: 0 }, populationSize: 20 },
    metric: 'accuracy',
    objectives: [
      { name: 'accuracy', direction: 'maximize' },
      { name: 'fit_seconds', direction: 'minimize' },
    ],
    dataset: {
      name: 'bench',
      rows: 500,
      fingerprint: `bench-${writer}`,
      task: 'classification',
      target: 'y',
      classes: ['0', '1'],
      features: FEATURES,
    },
  };
}

const now = () => (performance.timeOrigin + performance.now()) / 1000; // wall-clock seconds, as Python's time.time()

/** One BeeMind writer process: `--child <location> <drones> <index> <predictionRows>`. */
async function child() {
  const [location, droneCount, index, predictionRows] = process.argv.slice(3);
  const { ExperimentStore, closeStores } = await import(dist('store/experiment_store.js'));
  const { writeEvent } = await import(dist('store/run_writer.js'));
  const store = ExperimentStore.open(location);
  const runId = `bench-${index}-${process.pid}`;
  writeEvent(store.db, runStarted(runId, Number(index)));
  const rows = Number(predictionRows);
  const events = Array.from({ length: Number(droneCount) }, (_, k) => ({
    type: 'drone.evaluated',
    runId,
    time: new Date().toISOString(),
    drone: drone(k, Number(index)),
  }));
  const predictions = rows > 0 ? Float64Array.from({ length: rows }, (_, r) => (r % 100) / 100) : undefined;
  console.log(JSON.stringify({ ready: true }));
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === 'go') break;
  lines.close();

  const latencies = [];
  const start = now();
  for (const event of events) {
    const t0 = performance.now();
    writeEvent(store.db, event, predictions);
    latencies.push(performance.now() - t0);
  }
  const end = now();
  const written = store.drones(runId).length;
  console.log(JSON.stringify({ latencies_ms: latencies, start, end, written }));
  closeStores();
}

/** Starts `count` writer processes, lets them go together once all are ready, and returns their reports. */
async function runWriters(count, command, onReady = async () => undefined) {
  const processes = Array.from({ length: count }, (_, i) => {
    const [file, args] = command(i);
    const proc = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d));
    const lines = createInterface({ input: proc.stdout });
    const messages = [];
    let wake = null;
    lines.on('line', (line) => {
      try {
        messages.push(JSON.parse(line));
      } catch {
        return; // not ours (a library printing)
      }
      wake?.();
    });
    const exited = new Promise((resolveExit) => proc.on('exit', (code) => resolveExit(code)));
    const next = async () => {
      while (messages.length === 0) {
        const woken = new Promise((r) => (wake = r));
        const code = await Promise.race([woken, exited.then((c) => ({ exited: c }))]);
        if (code && typeof code === 'object' && 'exited' in code && messages.length === 0) {
          throw new Error(`writer ${i} exited (${code.exited}) early: ${stderr.slice(-2000)}`);
        }
      }
      return messages.shift();
    };
    return { proc, next, exited, stderr: () => stderr };
  });
  for (const p of processes) await p.next(); // {ready: true}
  await onReady();
  for (const p of processes) p.proc.stdin.write('go\n');
  const reports = [];
  for (const p of processes) reports.push(await p.next());
  for (const [i, p] of processes.entries()) {
    const code = await p.exited;
    if (code !== 0) throw new Error(`writer ${i} failed (${code}): ${p.stderr().slice(-2000)}`);
  }
  return reports;
}

const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

function summarize(reports, expected) {
  const latencies = reports.flatMap((r) => r.latencies_ms).sort((a, b) => a - b);
  const written = reports.reduce((n, r) => n + r.written, 0);
  if (written !== expected) throw new Error(`expected ${expected} writes in the store, found ${written}`);
  const span = Math.max(...reports.map((r) => r.end)) - Math.min(...reports.map((r) => r.start));
  return {
    writes: latencies.length,
    seconds: span,
    perSecond: latencies.length / span,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    max: latencies[latencies.length - 1],
  };
}

/** Transactions committed and rolled back in the database at `url` (PostgreSQL's own statistics). */
async function transactionCounts(url) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_stat_force_next_flush()').catch(() => undefined);
    const { rows } = await client.query(
      'SELECT xact_commit::int8 AS commits, xact_rollback::int8 AS rollbacks FROM pg_stat_database WHERE datname = current_database()',
    );
    return { commits: Number(rows[0].commits), rollbacks: Number(rows[0].rollbacks) };
  } finally {
    await client.end();
  }
}

async function main() {
  const writerCounts = option('writers', '1,4,8').split(',').map(Number);
  const drones = Number(option('drones', 500));
  const backends = option('backends', 'sqlite,postgres,optuna').split(',');
  const repeats = Number(option('repeats', 1));
  const predictionRows = Number(option('prediction-rows', 0));
  const optunaParams = Number(option('optuna-params', 0));
  const fsync = !process.argv.includes('--no-fsync');
  if (backends.includes('optuna') && !existsSync(OPTUNA_PYTHON)) {
    throw new Error('bench/.venv-optuna is missing: run `bash bench/setup_peers.sh optuna` first');
  }
  const { ExperimentStore, closeStores } = await import(dist('store/experiment_store.js'));
  const needsPostgres = backends.some((b) => b === 'postgres' || b === 'optuna');
  const { startPostgres } = await import(join(root, 'scripts/postgres-server.mjs'));
  const server = needsPostgres ? await startPostgres({ fsync }) : null;
  const scratch = mkdtempSync(join(tmpdir(), 'beemind-store-writers-'));
  const startedAt = new Date();
  const loadBefore = loadavg()[0];
  let optunaVersion = null;
  const results = [];
  try {
    if (server) {
      const { url } = server;
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query(
        "SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync",
      );
      await client.end();
      console.error(
        `PostgreSQL ${rows[0].version} on 127.0.0.1:${server.port}: fsync=${rows[0].fsync}, synchronous_commit=${rows[0].sync}`,
      );
    }
    for (const backend of backends) {
      for (const writers of writerCounts) {
        let best = null;
        for (let repeat = 0; repeat < repeats; repeat++) {
          let location;
          let command;
          let pgUrl = null;
          if (backend === 'sqlite') {
            location = join(scratch, `${writers}-${repeat}.db`);
            ExperimentStore.open(location); // created and migrated before the writers start
            closeStores();
          } else if (backend === 'postgres') {
            location = server.freshDatabase();
            pgUrl = location;
            ExperimentStore.open(location);
            closeStores();
          } else if (backend === 'optuna') {
            pgUrl = server.freshDatabase();
            location = pgUrl.replace(/^postgres:\/\//, 'postgresql+psycopg2://');
            const init = spawnSync(OPTUNA_PYTHON, [OPTUNA_SCRIPT, '--url', location, '--init'], {
              encoding: 'utf8',
            });
            if (init.status !== 0) throw new Error(`Optuna's tables: ${init.stderr}`);
            optunaVersion = JSON.parse(init.stdout.trim().split('\n').pop()).optuna;
          } else {
            throw new Error(`unknown backend ${backend}: choose sqlite, postgres or optuna`);
          }
          if (backend === 'optuna') {
            command = (i) => [
              OPTUNA_PYTHON,
              [
                OPTUNA_SCRIPT,
                '--url',
                location,
                '--trials',
                String(drones),
                '--index',
                String(i),
                '--params',
                String(optunaParams),
              ],
            ];
          } else {
            command = (i) => [
              process.execPath,
              [here, '--child', location, String(drones), String(i), String(predictionRows)],
            ];
          }
          let before = null;
          const reports = await runWriters(writers, command, async () => {
            if (pgUrl) before = await transactionCounts(pgUrl);
          });
          const summary = summarize(reports, writers * drones);
          if (pgUrl) {
            await new Promise((r) => setTimeout(r, 700)); // the writers' backends report their statistics as they exit
            const after = await transactionCounts(pgUrl);
            summary.commits = after.commits - before.commits;
            summary.rollbacks = after.rollbacks - before.rollbacks;
          }
          console.error(
            `${backend} × ${writers} (repeat ${repeat + 1}/${repeats}): ${summary.perSecond.toFixed(0)}/s, ` +
              `p50 ${summary.p50.toFixed(2)} ms, p95 ${summary.p95.toFixed(2)} ms, max ${summary.max.toFixed(1)} ms` +
              (pgUrl ? `, ${summary.commits} commits, ${summary.rollbacks} rollbacks` : ''),
          );
          if (!best || summary.perSecond > best.perSecond) best = summary;
        }
        results.push({ backend, writers, ...best });
      }
    }
  } finally {
    server?.destroy();
    rmSync(scratch, { recursive: true, force: true });
  }

  const names = {
    sqlite: 'BeeMind SQLite (WAL, synchronous=NORMAL)',
    postgres: 'BeeMind PostgreSQL',
    optuna: `Optuna ${optunaVersion ?? ''} RDBStorage (PostgreSQL)`.replace('  ', ' '),
  };
  const fmt = (x, digits = 2) => x.toFixed(digits);
  console.log(
    `\nRun at ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${availableParallelism()} cores ` +
      `(load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end); ` +
      `${drones} writes per process; PostgreSQL fsync ${server ? (fsync ? 'on' : 'off') : 'not used'}` +
      `${predictionRows ? `; ${predictionRows} predictions per drone` : ''}${optunaParams ? `; ${optunaParams} params per trial` : ''}` +
      `${repeats > 1 ? `; best of ${repeats}` : ''}.\n`,
  );
  console.log(
    '| store | writer processes | writes | writes/s | p50 ms | p95 ms | max ms | commits per write | rollbacks |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const perWrite = r.commits === undefined ? '–' : fmt(r.commits / r.writes, 1);
    console.log(
      `| ${names[r.backend]} | ${r.writers} | ${r.writes} | ${fmt(r.perSecond, 0)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ` +
        `${fmt(r.max, 1)} | ${perWrite} | ${r.rollbacks ?? '–'} |`,
    );
  }
  const at8 = (b) => results.find((r) => r.backend === b && r.writers === Math.max(...writerCounts));
  if (at8('postgres') && at8('optuna')) {
    const ratio = at8('postgres').perSecond / at8('optuna').perSecond;
    console.log(
      `\nAt ${at8('postgres').writers} writers BeeMind's PostgreSQL store writes ${ratio.toFixed(2)}× Optuna's RDB throughput ` +
        `(goal: at least 1×: ${ratio >= 1 ? 'met' : 'NOT met'}).`,
    );
  }
}

if (process.argv[2] === '--child') await child();
else await main();
