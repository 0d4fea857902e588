/**
 * The `beemind worker` command: evaluate drones for runs on other machines, taking jobs from a Redis queue
 * until Ctrl-C / SIGTERM (a first signal lets running evaluations finish, a second stops them).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_WORKER_LIMITS } from '../distributed/protocol.js';
import { redactRedisUrl } from '../distributed/redis_url.js';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number ≥ 1.`);
  return n;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Adds the `worker` command to the program. */
export function addWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('evaluate drones for runs elsewhere: take jobs from a Redis queue (BullMQ)')
    .addOption(
      new Option('--redis <url>', 'redis://[user:password@]host[:port][/db], or rediss://… for TLS')
        .env('BEEMIND_REDIS_URL')
        .makeOptionMandatory(),
    )
    .option('-c, --concurrency <n>', 'evaluations at once (default: the number of CPUs)', positiveInteger)
    .option('--queue <name>', 'the queue runs send to', 'beemind')
    .option(
      '--plugin <module>',
      'module registering custom model families or steps (repeatable)',
      collect,
      [],
    )
    .addOption(
      new Option(
        '--max-job-seconds <n>',
        `longest one evaluation may run, whatever its job says (default: ${DEFAULT_WORKER_LIMITS.maxJobSeconds})`,
      )
        .env('BEEMIND_WORKER_MAX_JOB_SECONDS')
        .argParser(positiveInteger),
    )
    .addOption(
      new Option(
        '--max-job-memory-mb <n>',
        `JS heap limit of each evaluation (default: ${DEFAULT_WORKER_LIMITS.maxJobMemoryMb})`,
      )
        .env('BEEMIND_WORKER_MAX_JOB_MEMORY_MB')
        .argParser(positiveInteger),
    )
    .addOption(new Option('--memory-mb <n>').argParser(positiveInteger).hideHelp()) // the old name of --max-job-memory-mb
    .option(
      '--stalled-check <ms>',
      'how often to look for jobs of dead workers; such a job runs again within about 3× this',
      positiveInteger,
    )
    .action(async (o) => {
      const { startWorker } = await import('../distributed/worker.js');
      const worker = await startWorker({
        redis: o.redis,
        queue: o.queue,
        plugins: o.plugin,
        ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
        ...(o.maxJobSeconds !== undefined ? { maxJobSeconds: o.maxJobSeconds } : {}),
        ...((o.maxJobMemoryMb ?? o.memoryMb) !== undefined
          ? { maxJobMemoryMb: o.maxJobMemoryMb ?? o.memoryMb }
          : {}),
        ...(o.stalledCheck !== undefined
          ? { stalledCheckMs: o.stalledCheck, lockMs: 2 * o.stalledCheck }
          : {}),
      });
      process.stdout.write(
        `beemind worker ${worker.id} ready: queue "${worker.queue}" at ${redactRedisUrl(o.redis)}, ${worker.concurrency} at once, at most ${worker.limits.maxJobSeconds} s and ${worker.limits.maxJobMemoryMb} MB per job; Ctrl-C to stop\n`,
      );
      await new Promise<void>((resolve) => {
        let signals = 0;
        const stop = (signal: NodeJS.Signals) => {
          signals++;
          const force = signals > 1;
          process.stdout.write(
            force
              ? `${signal}: stopping now\n`
              : `${signal}: finishing running evaluations (again to stop now)\n`,
          );
          void worker.close({ force }).then(() => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      const s = worker.stats;
      process.stdout.write(`beemind worker ${worker.id} stopped after ${s.evaluated} evaluations\n`);
    });
}
