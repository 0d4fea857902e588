// `beemind serve` against the hand-written Python server (FastAPI + uvicorn around scikit-learn's
// HistGradientBoosting, bench/serving_fastapi.py), both on loopback, both trained on the same bundled table,
// driven by autocannon in the same run: throughput and p50/p99 latency for 1-row and 1,000-row requests at
// full load, and latency at a fixed 1,000 requests per second for 1-row requests.
// Usage: bash bench/setup.sh && npx tsc -b && node bench/serving.mjs [seconds=10] [dataset=breast_cancer]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { datasetInfo, evolve, loadDataset, saveModel } from '../beemind/dist/index.js';
import { root } from './datasets.mjs';

const seconds = Number(process.argv[2] ?? 10);
const name = process.argv[3] ?? 'breast_cancer';
const { target, file: csv } = datasetInfo(name);
const scratch = mkdtempSync(join(tmpdir(), 'beemind-serving-'));
const store = join(scratch, 'experiments.db');

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function waitUntilUp(url, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet: try again
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up within 60 s`);
}

// the same model family on both sides: BeeMind's histogram gradient boosting with its defaults
const data = await loadDataset(name);
const run = await evolve(data, {
  target,
  families: ['hist_gradient_boosting'],
  budget: { evaluations: 1 },
  testSize: 0,
  seed: 0,
  store,
  importance: false,
  ensemble: false,
});
await saveModel(run, 'bench', { store, stage: 'production' });

/** The first `n` rows of the table (repeated when it has fewer) as JSON objects, without the target. */
const rowsOf = (n) => {
  const columns = data.columns.filter((c) => c.name !== target);
  const cell = (v) => (typeof v === 'number' && Number.isNaN(v) ? null : v);
  return Array.from({ length: n }, (_, i) =>
    Object.fromEntries(columns.map((c) => [c.name, cell(c.values[i % data.rows])])),
  );
};

const servers = [];
const stopAll = () => servers.forEach((s) => s.kill('SIGTERM'));
process.on('exit', () => {
  stopAll();
  rmSync(scratch, { recursive: true, force: true });
});

const beemindPort = await freePort();
const beemind = spawn(
  process.execPath,
  [
    join(root, 'beemind', 'bin', 'beemind.js'),
    'serve',
    '--store',
    store,
    '--port',
    String(beemindPort),
    '--no-auth',
    '--rate-limit',
    '0',
    '--log-level',
    'warn',
    '--body-limit',
    String(64 * 1024 * 1024),
    '--max-rows',
    '100000',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
servers.push(beemind);
const pythonPort = await freePort();
const python = spawn(
  join(root, '.venv', 'bin', 'python'),
  [join(root, 'bench', 'serving_fastapi.py'), csv, target, String(pythonPort)],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
servers.push(python);
// the measurement floor: a bare Node.js HTTP server answering a constant, driven by the same client on the same
// cores; a latency below its own cannot be seen from the client on this machine
const floorPort = await freePort();
const floor = spawn(
  process.execPath,
  [
    '-e',
    `require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => res.setHeader('content-type', 'application/json').end('{"predictions":[0]}'));
}).listen(${floorPort}, '127.0.0.1')`,
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
servers.push(floor);
await waitUntilUp(`http://127.0.0.1:${floorPort}/`, floor);
await waitUntilUp(`http://127.0.0.1:${beemindPort}/healthz`, beemind);
await waitUntilUp(`http://127.0.0.1:${pythonPort}/healthz`, python);

const peers = [
  { label: 'BeeMind `beemind serve`', url: `http://127.0.0.1:${beemindPort}/v1/models/bench/predict` },
  { label: 'FastAPI + uvicorn + scikit-learn HGB', url: `http://127.0.0.1:${pythonPort}/predict` },
  {
    label: 'floor: bare Node.js server, constant answer',
    url: `http://127.0.0.1:${floorPort}/`,
    onlyAtFixedRate: true,
  },
];

/** BeeMind's own latency histogram of predict requests (cumulative counts by upper bound in seconds). */
async function serverSideBuckets() {
  const text = await (await fetch(`http://127.0.0.1:${beemindPort}/metrics`)).text();
  const buckets = new Map();
  for (const line of text.split('\n')) {
    const m =
      /^beemind_http_request_duration_seconds_bucket\{le="([^"]+)",method="POST",route="\/v1\/models\/:name\/predict"\} (\d+)/.exec(
        line,
      );
    if (m) buckets.set(m[1], Number(m[2]));
  }
  return buckets;
}
let serverSide = '';

function load(url, body, options) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duration: seconds,
        ...options,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

const scenarios = [
  { label: '1 row, full load (16 connections)', rows: 1, options: { connections: 16 } },
  {
    label: '1 row, 1,000 requests/s',
    rows: 1,
    options: { connections: 16, overallRate: 1000 },
    fixedRate: true,
  },
  { label: '1,000 rows, full load (4 connections)', rows: 1000, options: { connections: 4 } },
];

const lines = [
  '| request | server | requests/s | rows/s | p50 ms | p99 ms | errors |',
  '|---|---|---:|---:|---:|---:|---:|',
];
for (const scenario of scenarios) {
  const body = JSON.stringify({ rows: rowsOf(scenario.rows) });
  for (const peer of peers) {
    if (peer.onlyAtFixedRate && !scenario.fixedRate) continue;
    // one answer checked first: both return one prediction per row
    const check = await fetch(peer.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const answer = await check.json();
    if (!check.ok || answer.predictions?.length !== scenario.rows)
      throw new Error(`${peer.label}: ${check.status} ${JSON.stringify(answer).slice(0, 300)}`);
    await load(peer.url, body, { ...scenario.options, duration: 2 }); // warm-up
    const before = peer === peers[0] && scenario.fixedRate ? await serverSideBuckets() : null;
    const r = await load(peer.url, body, scenario.options);
    if (before) {
      const after = await serverSideBuckets();
      const count = (le) => after.get(le) - before.get(le);
      const share = (le) => `${((100 * count(le)) / count('+Inf')).toFixed(1)}%`;
      serverSide = `BeeMind's own latency histogram over the 1,000 requests/s measurement (receiving a request to sending its answer): ${share('0.001')} under 1 ms, ${share('0.005')} under 5 ms, of ${count('+Inf')} requests`;
    }
    const errors = r.errors + r.timeouts + r.non2xx;
    const rps = r.requests.average;
    lines.push(
      `| ${scenario.label} | ${peer.label} | ${rps.toFixed(0)} | ${(rps * scenario.rows).toFixed(0)} | ${r.latency.p50.toFixed(2)} | ${r.latency.p99.toFixed(2)} | ${errors} |`,
    );
    process.stderr.write(`${lines.at(-1)}\n`);
  }
}
stopAll();
console.log(
  `\n${seconds} s per measurement after a 2 s warm-up, ${name} (${data.rows} rows, ${data.columnNames.length - 1} features), load average ${(await import('node:os')).loadavg()[0].toFixed(1)} at the end\n`,
);
console.log(lines.join('\n'));
console.log(`\n${serverSide}`);
process.exit(0);
