#!/usr/bin/env node
// Benchmark of the BeeMind JupyterLab panels in Chromium: renders the lineage, importance and comparison panels
// for synthetic runs of 1,000 and 10,000 drones (bench/panels-entry.ts, bundled here with rspack) and, as the
// peer, the library's Vega-Lite lineage chart of the same drones rendered by Vega. Prints a markdown table.
//
//   node bench/panels-render.mjs [--sizes 1000,10000] [--repeats 5] [--no-peer] [--write]
//
// --write replaces the "JupyterLab panel rendering" section of docs/benchmarks.md. Uses Debian's Chromium
// (BEEMIND_CHROMIUM overrides /usr/bin/chromium); never downloads a browser.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rspack } from '@rspack/core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const sizes = option('sizes', '1000,10000');
const repeats = option('repeats', '5');
const peer = !args.includes('--no-peer');
const chromium = process.env.BEEMIND_CHROMIUM ?? '/usr/bin/chromium';
const work = mkdtempSync(path.join(os.tmpdir(), 'beemind-panels-bench-'));

async function bundle() {
  const compiler = rspack({
    mode: 'production',
    target: 'web',
    context: repo,
    entry: path.join(repo, 'bench', 'panels-entry.ts'),
    output: { path: work, filename: 'bench.js' },
    resolve: { extensions: ['.ts', '.js', '.mjs', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } },
    module: {
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          loader: 'builtin:swc-loader',
          options: { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } },
          type: 'javascript/auto',
        },
      ],
    },
    devtool: false,
    performance: { hints: false },
  });
  const stats = await new Promise((resolve, reject) =>
    compiler.run((error, result) => (error ? reject(error) : resolve(result))),
  );
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  await new Promise((resolve) => compiler.close(resolve));
}

// JupyterLab's light theme variables the panels read, so the page looks and lays out as in the sidebar.
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>BeeMind panels bench</title>
<link rel="stylesheet" href="/style/index.css">
<style>
:root { --jp-layout-color0: #fff; --jp-layout-color1: #fff; --jp-layout-color2: #eee; --jp-layout-color3: #bdbdbd;
  --jp-ui-font-color0: #000; --jp-ui-font-color1: rgba(0,0,0,.87); --jp-ui-font-color2: rgba(0,0,0,.54); --jp-ui-font-color3: rgba(0,0,0,.38);
  --jp-border-color1: #bdbdbd; --jp-border-color2: #e0e0e0; --jp-border-width: 1px; --jp-brand-color1: #1976d2; --jp-brand-color3: #bbdefb;
  --jp-accent-color1: #388e3c; --jp-error-color1: #d32f2f; --jp-warn-color1: #f57c00; --jp-ui-font-size0: 11px; --jp-ui-font-size1: 13px;
  --jp-ui-font-family: system-ui, sans-serif; --jp-code-font-family: monospace; --jp-code-font-size: 12px; }
body { margin: 0; }
.bench-host { position: absolute; top: 0; left: 0; width: 420px; height: 900px; display: flex; }
.bench-host > .lm-Widget { flex: 1; }
</style></head><body><script src="/bench.js"></script></body></html>`;

function serve() {
  let deliver;
  const results = new Promise((resolve) => (deliver = resolve));
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/results') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        res.end('ok');
        deliver(JSON.parse(body));
      });
      return;
    }
    const url = new URL(req.url, 'http://localhost');
    const files = {
      '/bench.js': [path.join(work, 'bench.js'), 'text/javascript'],
      '/style/index.css': [path.join(repo, 'extension', 'style', 'index.css'), 'text/css'],
    };
    if (url.pathname === '/') {
      res.setHeader('content-type', 'text/html');
      res.end(PAGE);
    } else if (files[url.pathname]) {
      res.setHeader('content-type', files[url.pathname][1]);
      res.end(readFileSync(files[url.pathname][0]));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, results, port: server.address().port })),
  );
}

function table(rows) {
  const metrics = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter(
    (k) => k !== 'drones' && k !== 'edges',
  );
  const head = `| milliseconds (median of ${repeats}) | ${rows.map((r) => `${Number(r.drones).toLocaleString('en')} drones (${Number(r.edges).toLocaleString('en')} edges)`).join(' | ')} |`;
  const rule = `|---|${rows.map(() => '---:').join('|')}|`;
  const lines = metrics.map(
    (m) => `| ${m} | ${rows.map((r) => (r[m] === undefined ? '' : Number(r[m]).toFixed(1))).join(' | ')} |`,
  );
  return [head, rule, ...lines].join('\n');
}

async function main() {
  process.stdout.write('bundling bench/panels-entry.ts … ');
  await bundle();
  console.log('done');
  const { server, results, port } = await serve();
  const url = `http://127.0.0.1:${port}/?sizes=${sizes}&repeats=${repeats}&peer=${peer ? 1 : 0}`;
  const browser = spawn(
    chromium,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--window-size=1400,1000',
      `--user-data-dir=${path.join(work, 'profile')}`,
      url,
    ],
    { stdio: 'ignore' },
  );
  const timeout = setTimeout(() => {
    console.error('the benchmark page did not report within 10 minutes');
    browser.kill('SIGKILL');
    process.exit(1);
  }, 600_000);
  const report = await results;
  clearTimeout(timeout);
  const exited = new Promise((resolve) => browser.once('exit', resolve));
  browser.kill('SIGTERM');
  await exited;
  server.close();
  rmSync(work, { recursive: true, force: true });
  if (!report.ok) {
    console.error(report.error);
    process.exit(1);
  }
  const version = /Chrome\/([\d.]+)/.exec(report.userAgent)?.[1] ?? 'unknown';
  const text = table(report.rows);
  console.log(`\nChromium ${version}, headless, --disable-gpu (software raster), sidebar 420 × 900 px\n`);
  console.log(text);
  if (args.includes('--write')) writeSection(text, version);
}

function writeSection(text, version) {
  const file = path.join(repo, 'docs', 'benchmarks.md');
  const title = '## JupyterLab panel rendering';
  const section = `${title}

Command (after \`npm ci\`): \`node bench/panels-render.mjs --write\`

The three BeeMind panels rendered in Chromium ${version} (headless, \`--disable-gpu\`) in a 420 × 900 px sidebar
for seeded synthetic runs (200 drones per generation, 4 % failed, 2 % timed out, 6 % pruned, one or two
parents each). "render" is the synchronous work of a redraw (layout, DOM, canvas calls); "to paint" runs
until the next frame has been painted. The peer is the library's own Vega-Lite lineage chart of the same
drones (\`run.lineageChart()\`, what a cell shows), compiled by Vega-Lite and rendered by Vega 6, timed to the
first paint. Measured on the shared 2-core machine while other jobs ran: absolute times are inflated.

${text}
`;
  let doc = readFileSync(file, 'utf8');
  const start = doc.indexOf(title);
  if (start >= 0) {
    const next = doc.indexOf('\n## ', start + title.length);
    doc = doc.slice(0, start) + section + (next >= 0 ? doc.slice(next + 1) : '');
  } else {
    doc = `${doc.trimEnd()}\n\n${section}`;
  }
  writeFileSync(file, doc);
  console.log(`\nwrote the "${title.slice(3)}" section of docs/benchmarks.md`);
}

main().catch((error) => {
  console.error(error);
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
