#!/usr/bin/env node
// The `beemind` executable: runs the command line and exits with its status.
import { main } from './main.js';

main(process.argv.slice(2)).then(
  // exit once piped output has drained (process.exit alone cuts it at the pipe's 64 KiB buffer)
  (code) => process.stdout.write('', () => process.exit(code)),
  (error) => {
    process.stderr.write(`beemind: unexpected error: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
