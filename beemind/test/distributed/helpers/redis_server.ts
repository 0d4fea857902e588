// Starts a private redis-server for a test file: a free loopback port, no persistence, a temporary directory;
// optionally with a password, or TLS only (a throw-away certificate authority made with openssl).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  port: number;
  /** redis://[:password@]127.0.0.1:port, or rediss://127.0.0.1:port with TLS */
  url: string;
  /** With TLS: the CA certificate file clients must trust (e.g. through NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  /** Stops the server (its data is gone: nothing is persisted). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A CA and a server certificate for 127.0.0.1 signed by it, in `dir`. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=BeeMind test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-days',
    '1',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-extfile',
    file('san.ext'),
    '-out',
    file('server.crt'),
  );
  return { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') };
}

interface LaunchOptions {
  password?: string;
  tls?: { ca: string; cert: string; key: string };
}

function launch(port: number, dir: string, { password, tls }: LaunchOptions): Promise<ChildProcess> {
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  if (tls) {
    args.push(
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      tls.cert,
      '--tls-key-file',
      tls.key,
      '--tls-ca-cert-file',
      tls.ca,
      '--tls-auth-clients',
      'no',
    );
  } else {
    args.push('--port', String(port));
  }
  if (password) args.push('--requirepass', password);
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      reject(error);
      return;
    }
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.resume();
    child.once('error', (error) =>
      reject(
        new Error(
          `could not start redis-server (${error.message}); scripts/setup.sh installs it (Debian package redis-server).`,
        ),
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited with code ${code} before it was ready:\n${output}`)),
    );
  });
}

export async function startRedisServer(
  options: { password?: string; tls?: boolean } = {},
): Promise<RedisServer> {
  const port = await freePort();
  const certificates = options.tls
    ? makeCertificates(mkdtempSync(join(tmpdir(), 'beemind-tls-')))
    : undefined;
  const launchOptions: LaunchOptions = { password: options.password, tls: certificates };
  let dir = mkdtempSync(join(tmpdir(), 'beemind-redis-'));
  let child: ChildProcess | null = await launch(port, dir, launchOptions);
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    port,
    url: `${options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    caFile: certificates?.ca,
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
    async start() {
      if (child) return;
      dir = mkdtempSync(join(tmpdir(), 'beemind-redis-'));
      child = await launch(port, dir, launchOptions);
    },
  };
}
