/**
 * This module contains the checks and writes of output files (a run's JSON, predictions, exports, backups):
 * a path that cannot be written is refused before any work with a message naming the option and the fix,
 * and a write that fails anyway becomes a ConfigurationError instead of a raw file-system error.
 */
import { statSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from './errors.js';

/**
 * Refuses an output path whose folder is missing or not a folder, or which is itself a folder. `what` names
 * it in the message: an option (`--json`) or a description (`the backup`).
 */
export function checkOutputFile(file: string, what: string): void {
  const folder = path.dirname(path.resolve(file));
  const target = statOrNull(file, what);
  if (target?.isDirectory()) {
    throw new ConfigurationError(
      'output.is_folder',
      `cannot write ${what} ${file}: it is a folder; give the path of a file (in it, or elsewhere).`,
    );
  }
  if (target) return;
  const parent = statOrNull(folder, what);
  if (!parent) {
    throw new ConfigurationError(
      'output.no_folder',
      `cannot write ${what} ${file}: the folder ${folder} does not exist; create it first or choose another path.`,
    );
  }
  if (!parent.isDirectory()) {
    throw new ConfigurationError(
      'output.no_folder',
      `cannot write ${what} ${file}: ${folder} is not a folder; choose a path in an existing folder.`,
    );
  }
}

/** The file's stats, or null when there is nothing there (also when a "folder" on its path is a file). */
function statOrNull(file: string, what: string): Stats | null {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new ConfigurationError(
      'output.write_failed',
      `cannot write ${what} ${file}: ${(error as Error).message}; check the path and its permissions, or choose another path.`,
      { cause: error },
    );
  }
}

/** The ConfigurationError for a failed write of output `file` (see checkOutputFile for `what`). */
export function outputFileError(file: string, what: string, error: unknown): ConfigurationError {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
    try {
      checkOutputFile(file, what);
    } catch (explained) {
      return explained as ConfigurationError;
    }
  }
  return new ConfigurationError(
    'output.write_failed',
    `could not write ${what} ${file} (${(error as Error)?.message ?? error}); check the folder's permissions and the free space, or choose another path.`,
    { cause: error },
  );
}

/** Writes `data` to `file`, explaining a failure (see outputFileError). */
export function writeOutputFile(file: string, data: string | Uint8Array, what: string): void {
  try {
    writeFileSync(file, data);
  } catch (error) {
    throw outputFileError(file, what, error);
  }
}
