// Runs the built CLI (beemind/dist/cli/bin.js) as a child process, for the command-line tests.
import { BIN, runNode, type Finished } from '../store/helpers.js';

/**
 * Runs `beemind args…` in `cwd` (so its default store is `cwd/.beemind/experiments.db`), without
 * BEEMIND_STORE; resolves when it has exited.
 */
export function runCLI(cwd: string, args: string[]): Promise<Finished> {
  const { BEEMIND_STORE: _ignored, ...env } = process.env;
  return runNode([BIN, ...args], undefined, { cwd, env });
}

/** The stdout of a run that exited 0; otherwise throws with the exit code and stderr. */
export function ok(r: Finished): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}
