/**
 * This module contains who and what a run or a saved model belongs to in a shared store: the user (the
 * BEEMIND_USER environment variable, else the operating system's user) and the project (the `project` option,
 * else BEEMIND_PROJECT, else `default`).
 */
import os from 'node:os';

export const DEFAULT_PROJECT = 'default';

/** The person recorded as the author of runs and model versions. */
export function currentUser(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.BEEMIND_USER?.trim();
  if (fromEnv) return fromEnv;
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown'; // a uid without a passwd entry (some containers)
  }
}

/** The project runs and model versions are filed under. */
export function currentProject(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return option?.trim() || env.BEEMIND_PROJECT?.trim() || DEFAULT_PROJECT;
}
