#!/usr/bin/env node
// The `beemind-kernel` command: a committed, executable shim over the compiled CLI (run `npx tsc -b` first).
import process from 'node:process';
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`beemind-kernel: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
