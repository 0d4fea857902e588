// Runs `beemind worker` (the built CLI) as a child process and waits until it takes jobs.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../dist/cli/bin.js', import.meta.url));
export const SLEEPY_PLUGIN = fileURLToPath(new URL('../fixtures/sleepy_model.mjs', import.meta.url));

export interface WorkerProcess {
  /** The worker id it printed (also the BullMQ worker name, `job.processedBy`). */
  id: string;
  child: ChildProcess;
  output(): string;
  /** Sends a signal and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Evaluations it reported when it stopped (after stop('SIGTERM')). */
  evaluated(): number;
}

export function spawnWorker(
  url: string,
  queue: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'worker',
      '--redis',
      url,
      '--queue',
      queue,
      '--concurrency',
      '1',
      '--stalled-check',
      '500',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BEEMIND_LOG_LEVEL: 'warn', ...env } },
  );
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the worker did not get ready in 30 s:\n${out}`)),
      30_000,
    );
    const check = () => {
      const ready = /beemind worker (\S+) ready/.exec(out);
      if (!ready) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve({
        id: ready[1],
        child,
        output: () => out,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
        evaluated: () => Number(/stopped after (\d+) evaluations/.exec(out)?.[1] ?? NaN),
      });
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (code ${code}) before it was ready:\n${out}`));
    });
  });
}
