// TLS (rediss://) with a password: a worker and a run from the command line through a TLS-only Redis.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { RedisBackend } from '../../src/distributed/backend.js';
import { EvaluationError } from '../../src/core/errors.js';
import { startRedisServer, type RedisServer } from './helpers/redis_server.js';
import { BIN, spawnWorker, type WorkerProcess } from './helpers/worker_process.js';

const run = promisify(execFile);
const IRIS = fileURLToPath(new URL('../../datasets/iris.csv', import.meta.url));
let server: RedisServer;
let worker: WorkerProcess | null = null;

beforeAll(async () => {
  server = await startRedisServer({ tls: true, password: 'tls-pa55' });
});

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await server?.stop();
});

describe('Redis over TLS', () => {
  it('explains a server certificate Node does not trust, without the password', async () => {
    const attempt = RedisBackend.connect({ redis: server.url });
    await expect(attempt).rejects.toThrow(EvaluationError);
    await expect(attempt).rejects.toThrow(
      /rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+ .*certificate.*NODE_EXTRA_CA_CERTS/s,
    );
    await expect(attempt).rejects.not.toThrow(/tls-pa55/);
  });

  it('evolves on a worker through rediss:// once Node trusts the server (NODE_EXTRA_CA_CERTS)', async () => {
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: server.caFile };
    worker = await spawnWorker(server.url, 'tls', [], env);
    const { stdout } = await run(
      process.execPath,
      [
        BIN,
        'evolve',
        IRIS,
        '--target',
        'species',
        '--evaluations',
        '4',
        '--population',
        '2',
        '--families',
        'gaussian_nb',
        '--queue',
        'tls',
        '--no-store',
        '-q',
      ],
      { env: { ...env, BEEMIND_REDIS_URL: server.url } }, // the URL (and its password) from the environment
    );
    expect(stdout).toMatch(/4 drones, completed \(evaluations\)/);
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(worker.evaluated()).toBeGreaterThan(0);
  });
});
