// Exported modules in headless Chromium: a page served from loopback imports each generated module, predicts
// the test rows and posts the results back (numbers as the hex of their float64 bytes, so even the sign of a
// zero counts). Models whose arithmetic is + − × ÷ √ only (trees, forests, extra trees, boosting regression,
// linear regressors, kNN) predict bit for bit as the library in Node; those that call Math.exp, log, tanh or
// ** agree within 1e-12 relative (Chromium's V8 rounds some of those differently in the last bit), with the
// same class labels.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PREDICT_ALL, engineCases, expectSameAsLibrary, type EngineResult } from './engines.js';
import { tempFolder } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
/** Chromium's start-up and the page's work on a loaded machine: generous, never a timing assertion. */
const BROWSER_TIMEOUT_MS = 120_000;

/** The page: imports every module named in cases.json, predicts its rows, posts the results. */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>exported modules</title>
<script type="module">
${PREDICT_ALL}
const cases = await (await fetch('./cases.json')).json();
const results = await predictAll(cases, (file) => import('./' + file));
await fetch('./result', { method: 'POST', body: JSON.stringify(results) });
</script>
`;

/** Serves `files` (exact names only) and resolves `result` with the body of the first POST to /result. */
function serve(files: Map<string, { type: string; body: string }>): {
  server: Server;
  result: Promise<string>;
} {
  let deliver: (body: string) => void = () => {};
  const result = new Promise<string>((resolve) => (deliver = resolve));
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1).split('?')[0];
    if (req.method === 'POST' && name === 'result') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.end('ok');
        deliver(Buffer.concat(chunks).toString('utf8'));
      });
      return;
    }
    const file = files.get(name);
    if (!file) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', file.type);
    res.end(file.body);
  });
  return { server, result };
}

const folder = tempFolder();
afterAll(() => folder.cleanup());

describe('exported modules in headless Chromium', () => {
  it('predict exactly as the library for every family and ensemble', async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium`);
    const all = await engineCases();
    const files = new Map<string, { type: string; body: string }>();
    for (const [file, text] of all.modules) files.set(file, { type: 'text/javascript', body: text });
    files.set('index.html', { type: 'text/html; charset=utf-8', body: PAGE });
    files.set('cases.json', { type: 'application/json', body: JSON.stringify(all.inputs) });

    const { server, result } = serve(files);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const profile = path.join(folder.dir, 'profile');
    mkdirSync(profile);
    const browser = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        `http://127.0.0.1:${port}/index.html`,
      ],
      // its own process group, so that the browser's helper processes end with it
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    let stderr = '';
    browser.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ended = new Promise<number | null>((resolve) => browser.on('exit', resolve));
    const exited = ended.then((code) => `chromium exited (${code}) before posting results:\n${stderr}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(
        () => resolve(`no results from chromium within ${BROWSER_TIMEOUT_MS / 1000} s:\n${stderr}`),
        BROWSER_TIMEOUT_MS,
      );
    });
    try {
      const outcome = await Promise.race([
        result.then((body) => ({ body })),
        exited.then((why) => ({ why })),
        timedOut.then((why) => ({ why })),
      ]);
      if ('why' in outcome) throw new Error(outcome.why);
      expectSameAsLibrary(all, JSON.parse(outcome.body) as Record<string, EngineResult>);
    } finally {
      clearTimeout(timer);
      if (browser.exitCode === null) process.kill(-browser.pid!, 'SIGKILL');
      await ended;
      server.close();
    }
  }, 300_000);
});
