/**
 * This module contains plugin loading: user modules (custom model families, preprocessing steps) imported
 * into the calling thread and into every evaluation worker before a search.
 */
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError } from '../core/errors.js';

/** A plugin path (relative to the working directory) or URL, as an importable URL string. */
export function pluginUrl(plugin: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(plugin) && !/^[a-z]:[\\/]/i.test(plugin)
    ? plugin
    : pathToFileURL(resolvePath(plugin)).href;
}

/** Imports each plugin once (module caching makes repeated calls free). */
export async function loadPlugins(plugins: readonly string[]): Promise<void> {
  for (const plugin of plugins) {
    try {
      await import(pluginUrl(plugin));
    } catch (error) {
      throw new ConfigurationError(
        'evolve.bad_plugin',
        `could not import plugin "${plugin}": ${(error as Error).message}. Pass a path to a compiled .js/.mjs module.`,
        { cause: error },
      );
    }
  }
}
