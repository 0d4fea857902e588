// Runs the built CLI (beemind/dist/cli/bin.js) as a child process, for the command-line tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BIN, runNode, type Finished } from '../store/helpers.js';

/** The bundled iris CSV (target `species`). */
export const IRIS = fileURLToPath(new URL('../../datasets/iris.csv', import.meta.url));
/** Families that evaluate in milliseconds on iris. */
export const QUICK_FAMILIES = 'decision_tree,gaussian_nb,knn';

/** Target, quick families in the calling thread, no progress bar. */
const QUICK_RUN = ['-t', 'species', '-w', '0', '--families', QUICK_FAMILIES, '-q'];

/** The arguments of a small `beemind evolve` on iris (`evaluations` drones), then `extra`, which may override them. */
export function evolveIris(evaluations: number, ...extra: string[]): string[] {
  return ['evolve', IRIS, '-n', String(evaluations), ...QUICK_RUN, ...extra];
}

/** The run id in evolve's summary line `Run <id>: …`. */
export function runIdOf(stdout: string): string {
  const found = /^Run (\w+):/m.exec(stdout);
  if (!found) throw new Error(`no "Run <id>:" line in:\n${stdout}`);
  return found[1];
}

/** The environment of a CLI child: this one without BEEMIND_STORE (the store is the one under its cwd). */
function cliEnv(): NodeJS.ProcessEnv {
  const { BEEMIND_STORE: _ignored, ...env } = process.env;
  return env;
}

/**
 * Runs `beemind args…` in `cwd` (so its default store is `cwd/.beemind/experiments.db`), without
 * BEEMIND_STORE; resolves when it has exited (killed with SIGKILL after `timeoutMs`, when given).
 */
export async function runCLI(
  cwd: string,
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<Finished> {
  if (options.timeoutMs === undefined) return runNode([BIN, ...args], undefined, { cwd, env: cliEnv() });
  const started = startCLI(cwd, args);
  const timer = setTimeout(() => started.child.kill('SIGKILL'), options.timeoutMs);
  try {
    return await started.finished;
  } finally {
    clearTimeout(timer);
  }
}

/** The stdout of a run that exited 0; otherwise throws with the exit code and stderr. */
export function ok(r: Finished): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A stack trace line (`    at fn (file:1:2)`) or a raw JSON log record of pino (`{"level":40,…}`). */
export const STACK_LINE = /^\s+at \S/m;
export const PINO_RECORD = /\{"level":\d+/;

/** Asserts a command failed the way users should see it: exit 2, `beemind: <message>`, no stack, no raw log JSON. */
export function expectCleanFailure(r: Finished, message: RegExp): void {
  const shown = `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  expect({ code: r.code, shown }).toEqual({ code: 2, shown: expect.stringMatching(/beemind: /) });
  expect(r.stderr).toMatch(message);
  expect(shown).not.toMatch(STACK_LINE);
  expect(shown).not.toMatch(PINO_RECORD);
  expect(shown).not.toMatch(/unexpected error/);
}

/** A CLI child process that is still running: its output so far, and a wait for some output. */
export interface StartedCLI {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  finished: Promise<Finished>;
  /** Resolves once stdout or stderr so far matches `pattern`; rejects after `ms` or if the process ends first. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
}

/** Starts `beemind args…` in `cwd` (as runCLI) without waiting for it. */
export function startCLI(cwd: string, args: string[]): StartedCLI {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  const poke = () => waiters.forEach((w) => w());
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), poke()));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => ((stderr += chunk), poke()));
  let exited = false;
  const finished = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => {
      exited = true;
      poke();
      resolve({ code, signal, stdout, stderr });
    }),
  );
  const waitFor = (pattern: RegExp, ms = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`no ${pattern} within ${ms} ms:\n${stdout}\n${stderr}`)),
        ms,
      );
      const check = () => {
        if (pattern.test(stdout) || pattern.test(stderr)) done();
        else if (exited) done(new Error(`the process ended before ${pattern}:\n${stdout}\n${stderr}`));
      };
      const done = (error?: Error) => {
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        if (error) reject(error);
        else resolve();
      };
      waiters.push(check);
      check();
    });
  return { child, finished, waitFor };
}

/**
 * Starts `beemind evolve` on iris for up to 120 s with its progress bar (then `extra`), and resolves once the
 * bar shows evaluated drones, which are recorded in the store by then.
 */
export async function startLongRun(cwd: string, ...extra: string[]): Promise<StartedCLI> {
  const args = ['-n', '100000', '--seconds', '120', '--families', QUICK_FAMILIES, ...extra];
  const run = startCLI(cwd, ['evolve', IRIS, '-t', 'species', ...args]);
  try {
    await run.waitFor(/\| [1-9]\d* drones/);
  } catch (error) {
    run.child.kill('SIGKILL');
    throw error;
  }
  return run;
}
