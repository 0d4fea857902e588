// WorkerPool and process exit: a forgotten pool must not keep node alive, and close() must free every thread.
import { spawn } from 'node:child_process';

// A separate node process runs the compiled pool (built by `npx tsc -b`), so its exit can be observed.
const poolModule = new URL('../../dist/evaluation/pool/worker_pool.js', import.meta.url).href;
const entry = new URL('./fixtures/tasks.mjs', import.meta.url).href;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs an ES module script in a fresh node; a script that hangs is killed after `killAfterMs`. */
function runScript(body: string, killAfterMs = 15_000): Promise<Exit> {
  const script = `import { WorkerPool } from ${JSON.stringify(poolModule)};\nconst entry = new URL(${JSON.stringify(entry)});\n${body}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      timeout: killAfterMs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('WorkerPool and process exit', () => {
  it('lets node exit when a pool with idle workers is never closed', async () => {
    const exit = await runScript(`
      const pool = new WorkerPool({ entry, size: 2 });
      const outcomes = await Promise.all([pool.run({ kind: 'echo', value: 1 }), pool.run({ kind: 'echo', value: 2 })]);
      console.log(outcomes.map((o) => o.status).join(','), pool.workers);
    `);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stdout.trim()).toBe('ok,ok 2');
  });

  it('lets node exit after close() even while tasks were running forever or queued', async () => {
    const exit = await runScript(`
      const pool = new WorkerPool({ entry, size: 2 });
      const pending = [
        pool.run({ kind: 'loop' }),
        pool.run({ kind: 'sleep', ms: 600000 }),
        pool.run({ kind: 'echo', value: 3 }),
      ];
      setTimeout(() => void pool.close(), 200);
      const outcomes = await Promise.all(pending);
      console.log(outcomes.map((o) => o.status).join(','), pool.workers);
    `);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stdout.trim()).toBe('cancelled,cancelled,cancelled 0');
  });

  it('keeps node alive while a task is running, until its outcome arrives', async () => {
    const exit = await runScript(`
      const pool = new WorkerPool({ entry, size: 1 });
      void pool.run({ kind: 'sleep', ms: 300 }).then((o) => console.log(o.status));
    `);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stdout.trim()).toBe('ok');
  });
});
