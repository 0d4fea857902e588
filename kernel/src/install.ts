/**
 * This module contains the kernelspec installer: it writes the "BeeMind (TypeScript)" kernel.json (absolute
 * paths to this Node.js and this kernel, interrupts by message) into the user's, the Python environment's or a
 * given prefix's Jupyter data directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KernelConfigurationError } from './errors.js';

export const KERNEL_NAME = 'beemind';
export const DISPLAY_NAME = 'BeeMind (TypeScript)';

export type InstallScope = { kind: 'user' } | { kind: 'sys-prefix' } | { kind: 'prefix'; prefix: string };

export interface InstallOptions {
  scope: InstallScope;
  /** Kernel directory name (default `beemind`). */
  name?: string;
  displayName?: string;
}

/** The kernel.json content for this installation. */
export function kernelSpec(displayName = DISPLAY_NAME): Record<string, unknown> {
  const main = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
  return {
    argv: [process.execPath, main, '{connection_file}'],
    display_name: displayName,
    language: 'typescript',
    interrupt_mode: 'message',
    env: {},
    metadata: { debugger: false },
  };
}

/** Jupyter's per-user data directory, as jupyter_core computes it. */
export function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  if (process.platform === 'win32')
    return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'jupyter');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'jupyter');
}

/** The prefix of the active Python environment (virtualenv, conda, or the `python3` on PATH). */
export function pythonPrefix(): string {
  const active = process.env.VIRTUAL_ENV ?? process.env.CONDA_PREFIX;
  if (active) return active;
  for (const python of ['python3', 'python']) {
    try {
      return execFileSync(python, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new KernelConfigurationError(
    'install.no_python',
    'Cannot find the Python environment for --sys-prefix: activate it (or put python3 on PATH), or use --user / --prefix DIR.',
  );
}

export function kernelsDir(scope: InstallScope): string {
  if (scope.kind === 'user') return path.join(userDataDir(), 'kernels');
  const prefix = scope.kind === 'prefix' ? path.resolve(scope.prefix) : pythonPrefix();
  return path.join(prefix, 'share', 'jupyter', 'kernels');
}

/** Writes the kernelspec; returns its directory. */
export function installKernelSpec(options: InstallOptions): string {
  const dir = path.join(kernelsDir(options.scope), options.name ?? KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'kernel.json'),
    `${JSON.stringify(kernelSpec(options.displayName), null, 2)}\n`,
  );
  writeFileSync(path.join(dir, 'logo-svg.svg'), LOGO);
  return dir;
}

/** A honeycomb cell with "TS", shown by JupyterLab's launcher. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
  <polygon points="32,3 57,17.5 57,46.5 32,61 7,46.5 7,17.5" fill="#f5b700" stroke="#3a2a00" stroke-width="3"/>
  <text x="32" y="41" font-family="Helvetica, Arial, sans-serif" font-size="22" font-weight="bold" text-anchor="middle" fill="#3a2a00">TS</text>
</svg>
`;
