#!/usr/bin/env node
// The `beemind` command: a committed, executable shim over the compiled CLI, so that npm links it during
// `npm ci` even before `npx tsc -b` has written dist/. Importing dist/cli/bin.js runs the command line.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'bin.js');
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  process.stderr.write(
    `beemind: the command line is not built yet (${compiled} is missing); run \`npx tsc -b\` first.\n`,
  );
  process.exitCode = 1;
}
