#!/usr/bin/env node
// Runs the command line and exits with its status. The `beemind` executable is bin/beemind.js, which imports
// this module (npm links that committed file even before this one is compiled).
import { main } from './main.js';

main(process.argv.slice(2)).then(
  // exit once piped output has drained (process.exit alone cuts it at the pipe's 64 KiB buffer)
  (code) => process.stdout.write('', () => process.exit(code)),
  (error) => {
    process.stderr.write(`beemind: unexpected error: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
