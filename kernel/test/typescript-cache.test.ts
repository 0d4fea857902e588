// The compiler's V8 code cache: the first kernel writes it, the next one starts from it, and a damaged cache is
// ignored (V8 rejects it) without breaking the compiler.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const loader = fileURLToPath(new URL('../dist/converter/typescript-loader.cjs', import.meta.url));

/** Loads the compiler in a fresh process with the cache in `dir`; returns whether the cache was used. */
function start(dir: string): { used: boolean; version: string } {
  const script = `const l = require(${JSON.stringify(loader)}); const ts = require('typescript');
    ts.transpileModule('const a: number = 1', {}); l.saveTypeScriptCodeCache();
    process.stdout.write(JSON.stringify({ used: l.codeCacheUsed, version: ts.version }));`;
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, BEEMIND_CACHE_DIR: dir },
    cwd: path.dirname(loader),
    encoding: 'utf8',
  });
  return JSON.parse(out) as { used: boolean; version: string };
}

describe('TypeScript code cache', () => {
  it('is written by the first start and used by the next', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'beemind-cache-'));
    expect(start(dir).used).toBe(false);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^typescript-.*\.v8cache$/);
    expect(start(dir).used).toBe(true);
  });

  it('ignores a damaged cache and replaces it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'beemind-cache-'));
    start(dir);
    const [file] = readdirSync(dir);
    writeFileSync(path.join(dir, file), Buffer.from('not a code cache'));
    const damaged = start(dir);
    expect(damaged.used).toBe(false);
    expect(damaged.version).toMatch(/^\d+\.\d+/);
    expect(start(dir).used).toBe(true);
  });
});
