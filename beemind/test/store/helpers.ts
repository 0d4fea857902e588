// Shared pieces of the store tests: temporary store paths, the datasets, and child processes of node.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A fresh store path in its own temporary directory (the file does not exist yet). */
export function tempStore(name = 'experiments.db'): string {
  return join(mkdtempSync(join(tmpdir(), 'beemind-store-')), name);
}

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
export const BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
export const FAST_FAMILIES = ['decision_tree', 'gaussian_nb', 'knn', 'logistic_regression'];

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node args…`; `onLine(line, kill)` sees each stdout line as it arrives. Resolves when the process
 * has exited (never rejects: the caller asserts on code, signal and output).
 */
export function runNode(
  args: string[],
  onLine?: (line: string, child: ReturnType<typeof spawn>) => void,
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) onLine?.(line, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
