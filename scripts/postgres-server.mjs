/**
 * A PostgreSQL server of a test's (or a benchmark's) own: a new cluster in a temporary folder, listening on a free loopback
 * port, with a `beemind` role (password `secret`) owning a `beemind` database. It needs Debian's `postgresql`
 * package (scripts/setup.sh installs it); PG_BIN may point at another bin folder. Run as root, the cluster is
 * the `postgres` user's (PostgreSQL refuses to run as root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import process from 'node:process';

/**
 * @typedef {object} TestPostgres
 * @property {string} url postgres://beemind:secret@127.0.0.1:PORT/beemind
 * @property {number} port
 * @property {() => string} freshDatabase a URL of a fresh database of its own on the same server
 * @property {() => void} stop
 * @property {() => void} start
 * @property {() => void} destroy stops the server and removes its files
 */

function binDir() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions
    .map((v) => path.join(root, v, 'bin'))
    .find((d) => existsSync(path.join(d, 'initdb')));
  if (!found) {
    throw new Error(
      "these tests need a PostgreSQL server: install Debian's postgresql package (scripts/setup.sh does), or set PG_BIN to its bin folder",
    );
  }
  return found;
}

/** @returns {Promise<number>} */
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

let databases = 0;

/**
 * @param {{ fsync?: boolean }} [options] fsync: whether the server flushes its commits to disk (default off, which
 *   is fast and fine for tests; benchmarks pass true to measure durable commits)
 * @returns {Promise<TestPostgres>}
 */
export async function startPostgres(options = {}) {
  const fsync = options.fsync === true;
  const bin = binDir();
  const root = userInfo().uid === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'beemind-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  if (root) {
    chmodSync(dir, 0o755);
    const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  /** @param {string} command @param {string[]} args */
  const as = (command, args) => {
    const [file, argv] = root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    const r = spawnSync(file, argv, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  as(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const pwfile = path.join(dir, 'conf');
  writeFileSync(
    pwfile,
    `listen_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\nfsync = ${fsync ? 'on' : 'off'}\nmax_connections = 60\n`,
  );
  if (root)
    chownSync(
      pwfile,
      Number(execFileSync('id', ['-u', 'postgres'])),
      Number(execFileSync('id', ['-g', 'postgres'])),
    );
  // the role logs in with a password over TCP (so URLs carry one, as a team's would); the superuser by socket
  writeFileSync(
    path.join(data, 'pg_hba.conf'),
    'local all postgres trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n',
  );
  as('sh', ['-c', `echo "include '${pwfile}'" >> ${data}/postgresql.conf`]);
  const start = () => {
    as(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
  };
  const stop = () => {
    as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  start();
  /** @param {string} sql */
  const psql = (sql) =>
    as(path.join(bin, 'psql'), [
      '-h',
      dir,
      '-p',
      String(port),
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      sql,
    ]);
  psql("CREATE ROLE beemind LOGIN PASSWORD 'secret'");
  psql('CREATE DATABASE beemind OWNER beemind');
  const url = `postgres://beemind:secret@127.0.0.1:${port}/beemind`;
  return {
    url,
    port,
    freshDatabase() {
      const name = `beemind_${process.pid}_${++databases}`;
      psql(`CREATE DATABASE ${name} OWNER beemind`);
      return `postgres://beemind:secret@127.0.0.1:${port}/${name}`;
    },
    start,
    stop,
    destroy() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
