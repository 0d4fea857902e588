#!/usr/bin/env node
// Compiles every WebAssembly text file (src/**/*.wat) into a TypeScript module beside it (<name>_wasm.ts) that
// embeds the binary as base64, so the library needs no build step or file loading at run time.
// Usage: npm run build:wasm -w beemind   (a test checks that the embedded binaries match their sources)
import { writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileWat, watFiles, wasmModulePath, renderWasmModule } from './wasm-tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const wat of watFiles(join(root, 'src'))) {
  const bytes = await compileWat(wat);
  const out = wasmModulePath(wat);
  writeFileSync(out, renderWasmModule(relative(root, wat), bytes));
  console.log(`${relative(root, wat)} -> ${relative(root, out)} (${bytes.length} bytes)`);
}
