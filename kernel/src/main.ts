/**
 * This module is the kernel process's entry point: `node dist/main.js <connection file>` (what the kernelspec
 * runs).
 */
import { logger } from './log.js';
import { startKernel } from './kernel.js';

const connectionFile = process.argv[2];
if (!connectionFile) {
  process.stderr.write('usage: node main.js <connection file>\n');
  process.exit(2);
}
startKernel(connectionFile).catch((error: unknown) => {
  logger.fatal({ err: error }, 'the kernel failed to start');
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
