/**
 * This module contains the `%npm` line magic: lines at the top of a cell such as `%npm install lodash` run npm
 * in the notebook's folder (as `npm install lodash` in a terminal there would), with npm's output streamed into
 * the cell; the rest of the cell runs afterwards and can import what was installed, without a restart.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** A cell split into its leading `%npm` commands (argument lists) and its TypeScript code. */
export interface CellMagics {
  commands: string[][];
  /** The code with each magic line blanked, so line numbers in errors stay those of the cell. */
  code: string;
}

/** A `%` line the kernel cannot run: an unknown magic, or a magic after the cell's code began. */
export class MagicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MagicError';
  }
}

const MAGIC_LINE = /^\s*%([A-Za-z]\w*)\b(.*)$/;

/** Splits the leading `%npm` lines off a cell; a cell without magic lines comes back unchanged. */
export function splitMagics(cell: string): CellMagics {
  if (!cell.includes('%')) return { commands: [], code: cell };
  const lines = cell.split('\n');
  const commands: string[][] = [];
  let inCode = false;
  lines.forEach((line, index) => {
    const magic = MAGIC_LINE.exec(line);
    if (!magic) {
      if (line.trim() !== '') inCode = true;
      return;
    }
    const [, name, rest] = magic;
    if (name !== 'npm') {
      throw new MagicError(
        `line ${index + 1}: unknown line magic %${name}. The BeeMind kernel knows %npm, e.g. '%npm install lodash'.`,
      );
    }
    if (inCode) {
      throw new MagicError(
        `line ${index + 1}: %npm lines must come first in a cell, before any code; move it to the top (or to a cell of its own).`,
      );
    }
    const args = splitArguments(rest);
    if (args.length === 0) {
      throw new MagicError(`line ${index + 1}: %npm needs a command, e.g. '%npm install lodash'.`);
    }
    commands.push(args);
    lines[index] = '';
  });
  return { commands, code: lines.join('\n') };
}

/** Splits a command line into arguments: whitespace separates, single or double quotes group. */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) args.push(m[1] ?? m[2] ?? m[3]);
  return args;
}

export interface NpmRun {
  cwd: string;
  write(stream: 'stdout' | 'stderr', text: string): void;
  signal: AbortSignal;
}

/**
 * Runs npm with `args` in `cwd`; resolves with its exit code. The npm that came with the kernel's Node.js is
 * preferred (a Jupyter server's PATH may lack npm); otherwise `npm` on PATH.
 */
export function runNpm(args: readonly string[], run: NpmRun): Promise<number> {
  const bundled = path.join(
    path.dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'bin',
    'npm-cli.js',
  );
  const [command, prefix] = existsSync(bundled)
    ? [process.execPath, [bundled]]
    : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], {
      cwd: run.cwd,
      env: {
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        npm_config_update_notifier: 'false',
        ...process.env,
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: run.signal,
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => run.write('stdout', text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => run.write('stderr', text));
    child.on('error', (error) =>
      reject(
        (error as { name?: string }).name === 'AbortError'
          ? error
          : new MagicError(
              `cannot run npm (${error.message}); install Node.js with npm, or put npm on PATH.`,
            ),
      ),
    );
    child.on('close', (code) => resolve(code ?? 1));
  });
}
