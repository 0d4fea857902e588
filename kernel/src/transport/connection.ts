/**
 * This module contains the connection file that Jupyter hands the kernel: where to bind the five sockets and
 * how to sign messages. Checked by hand rather than with zod so that the kernel starts fast.
 */
import { readFileSync } from 'node:fs';
import { KernelConfigurationError } from '../errors.js';

export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

export const SOCKET_NAMES = ['shell', 'iopub', 'stdin', 'control', 'hb'] as const;
export type SocketName = (typeof SOCKET_NAMES)[number];

export function readConnectionFile(path: string): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new KernelConfigurationError(
      'connection.unreadable',
      `Cannot read the connection file ${path}: ${(error as Error).message}. Start the kernel through Jupyter, which writes this file.`,
    );
  }
  return parseConnectionInfo(raw, path);
}

export function parseConnectionInfo(raw: unknown, source = 'connection info'): ConnectionInfo {
  const fail = (what: string) =>
    new KernelConfigurationError('connection.invalid', `Invalid ${source}: ${what}.`);
  if (typeof raw !== 'object' || raw === null) throw fail('expected a JSON object');
  const info = raw as Record<string, unknown>;
  const transport = info.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc')
    throw fail(`transport must be "tcp" or "ipc", not ${String(transport)}`);
  if (typeof info.ip !== 'string' || info.ip === '') throw fail('"ip" must be a non-empty string');
  const key = info.key ?? '';
  if (typeof key !== 'string') throw fail('"key" must be a string');
  const scheme = info.signature_scheme ?? 'hmac-sha256';
  if (typeof scheme !== 'string') throw fail('"signature_scheme" must be a string');
  const ports: Record<string, number> = {};
  for (const name of SOCKET_NAMES) {
    const port = info[`${name}_port`];
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw fail(`"${name}_port" must be an integer port number`);
    }
    ports[`${name}_port`] = port;
  }
  return { transport, ip: info.ip, key, signature_scheme: scheme, ...ports } as ConnectionInfo;
}

/** The ZeroMQ endpoint of one socket (port 0 asks ZeroMQ for a free port). */
export function endpoint(info: ConnectionInfo, name: SocketName): string {
  const port = info[`${name}_port`];
  if (info.transport === 'ipc') return `ipc://${info.ip}-${port}`;
  return `tcp://${info.ip}:${port === 0 ? '*' : port}`;
}
