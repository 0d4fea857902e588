#!/usr/bin/env node
// The `beemind` executable: runs the command line and exits with its status.
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`beemind: unexpected error: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
