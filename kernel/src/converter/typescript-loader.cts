/**
 * This module loads the TypeScript compiler with a V8 code cache, so a kernel starts without compiling its
 * 9 MB of JavaScript again: the first kernel on a machine writes the cache (after its warm-up compile, so the
 * functions a compile uses are in it), later kernels read it. V8 checks the cache against the source, its own
 * version and flags, and ignores a cache that does not fit. The loaded module goes into `require.cache`, so
 * `require('typescript')` (typescript.cts) returns it. Cache folder: BEEMIND_CACHE_DIR, else
 * $XDG_CACHE_HOME/beemind, else ~/.cache/beemind; nothing is written when it cannot be.
 */
import fs = require('node:fs');
import Module = require('node:module');
import os = require('node:os');
import path = require('node:path');
import vm = require('node:vm');

const file = require.resolve('typescript');
const version = (
  JSON.parse(fs.readFileSync(path.join(path.dirname(file), '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
const cacheDirectory =
  process.env.BEEMIND_CACHE_DIR ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'beemind');
const cacheFile = path.join(
  cacheDirectory,
  `typescript-${version}-node${process.version}-${process.arch}.v8cache`,
);

function readCache(): Buffer | undefined {
  try {
    return fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

const cachedData = readCache();
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
const loaded = new Module(file);
loaded.filename = file;
(script.runInThisContext() as (...args: unknown[]) => void).call(
  loaded.exports,
  loaded.exports,
  Module.createRequire(file),
  loaded,
  file,
  path.dirname(file),
);
loaded.loaded = true;
require.cache[file] = loaded;

/** Whether this process started from a code cache that V8 accepted. */
export const codeCacheUsed = cachedData !== undefined && !script.cachedDataRejected;

/** Writes the code cache unless one was used; call it once the compiler has done its warm-up work. */
export function saveTypeScriptCodeCache(): void {
  if (codeCacheUsed) return;
  try {
    fs.mkdirSync(cacheDirectory, { recursive: true });
    const partial = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(partial, script.createCachedData());
    fs.renameSync(partial, cacheFile); // whole or not at all, even with several kernels starting at once
  } catch {
    // a read-only home or a full disk only costs the next kernel its faster start
  }
}
