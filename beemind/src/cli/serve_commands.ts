/**
 * This module contains the `beemind serve` command (the HTTP API for the models of the registry, see
 * docs/serve.md) and `beemind keys create|list|revoke` (its API keys, kept hashed in the experiment store).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { printable, printableJSON } from '../core/text.js';
import { tableBundle } from '../display.js';
import { SERVE_DEFAULTS, SERVE_ENVIRONMENT } from '../serve/config.js';
import { serve } from '../serve/server.js';
import { ApiKeys } from '../store/api_keys.js';
import { STORE_HELP, storeAt } from './store_commands.js';

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
  return n;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const commaList = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const env = (key: keyof typeof SERVE_ENVIRONMENT) => `(env ${SERVE_ENVIRONMENT[key]})`;

function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'serve every model of the registry over HTTP: predictions, model info, OpenAPI docs at /docs, metrics',
    )
    .option('--store <file>', STORE_HELP)
    .option(
      '-p, --port <n>',
      `port, 0 for any free one (default ${SERVE_DEFAULTS.port}) ${env('port')}`,
      wholeNumber,
    )
    .option(
      '-H, --host <address>',
      `address to listen on (default ${SERVE_DEFAULTS.host}; 0.0.0.0 for every interface) ${env('host')}`,
    )
    .option(
      '--no-auth',
      `serve without API keys: anyone who can reach the address may use every model (local use only) (env ${SERVE_ENVIRONMENT.auth}=off)`,
    )
    .option(
      '--cors-origin <origin>',
      `allow browser calls from this origin, e.g. https://app.example.com (repeatable) ${env('corsOrigins')}`,
      collect,
    )
    .option(
      '--rate-limit <n>',
      `requests per API key per window, 0 for no limit (default ${SERVE_DEFAULTS.rateLimit}) ${env('rateLimit')}`,
      wholeNumber,
    )
    .option(
      '--rate-limit-window <seconds>',
      `the rate limit's window (default ${SERVE_DEFAULTS.rateLimitWindowSeconds}) ${env('rateLimitWindowSeconds')}`,
      wholeNumber,
    )
    .option(
      '--body-limit <bytes>',
      `largest request body (default ${SERVE_DEFAULTS.bodyLimitBytes}) ${env('bodyLimitBytes')}`,
      wholeNumber,
    )
    .option(
      '--max-rows <n>',
      `most rows per prediction request (default ${SERVE_DEFAULTS.maxRows}) ${env('maxRows')}`,
      wholeNumber,
    )
    .option(
      '--split <name=v:w,…>',
      `traffic split of a model's default route, e.g. churn=3:90,4:10 (repeatable) ${env('splits')}`,
      collect,
    )
    .option(
      '--reference <name=csv>',
      `reference data of a model for drift monitoring, e.g. iris=iris.csv (its training table; repeatable) ${env('references')}`,
      collect,
    )
    .option(
      '--monitor-window <rows>',
      `rows per model version in the drift window (default ${SERVE_DEFAULTS.monitorWindow}) ${env('monitorWindow')}`,
      wholeNumber,
    )
    .option(
      '--drift-threshold <psi>',
      `PSI at or above which a feature counts as drifted (default ${SERVE_DEFAULTS.driftThreshold}) ${env('driftThreshold')}`,
      Number,
    )
    .option(
      '--log-level <level>',
      `request log level: fatal, error, warn, info, debug, silent (default ${SERVE_DEFAULTS.logLevel}) ${env('logLevel')}`,
    )
    .option(
      '--shutdown-seconds <n>',
      `on SIGINT/SIGTERM, how long in-flight requests may finish (default ${SERVE_DEFAULTS.shutdownSeconds}) ${env('shutdownSeconds')}`,
      wholeNumber,
    )
    .action(async (o, command: Command) => {
      // storeAt refuses a missing store with the fix, before anything listens
      const store = storeAt(o.store).location;
      const explicit = (key: string) => command.getOptionValueSource(key) === 'cli';
      const server = await serve({
        store,
        ...(o.port !== undefined ? { port: o.port } : {}),
        ...(o.host !== undefined ? { host: o.host } : {}),
        ...(explicit('auth') ? { auth: o.auth } : {}),
        ...(o.corsOrigin ? { corsOrigins: o.corsOrigin.flatMap(commaList) } : {}),
        ...(o.rateLimit !== undefined ? { rateLimit: o.rateLimit } : {}),
        ...(o.rateLimitWindow !== undefined ? { rateLimitWindowSeconds: o.rateLimitWindow } : {}),
        ...(o.bodyLimit !== undefined ? { bodyLimitBytes: o.bodyLimit } : {}),
        ...(o.maxRows !== undefined ? { maxRows: o.maxRows } : {}),
        ...(o.split ? { splits: o.split } : {}),
        ...(o.reference ? { references: o.reference } : {}),
        ...(o.monitorWindow !== undefined ? { monitorWindow: o.monitorWindow } : {}),
        ...(o.driftThreshold !== undefined ? { driftThreshold: o.driftThreshold } : {}),
        ...(o.logLevel !== undefined ? { logLevel: o.logLevel } : {}),
        ...(o.shutdownSeconds !== undefined ? { shutdownSeconds: o.shutdownSeconds } : {}),
        handleSignals: true,
      });
      process.stdout.write(`${printable(server.toString())}\n`);
      await server.closed;
      process.stdout.write('stopped: every request received was answered\n');
    });
}

function addKeysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .description('API keys of `beemind serve`, kept hashed in the experiment store');

  keys
    .command('create')
    .description('create an API key; its secret is printed once and never stored')
    .requiredOption('--name <name>', 'what the key is for, e.g. dashboard')
    .option('--models <list>', 'only these models (comma-separated; default: every model)', commaList)
    .option('--admin', 'an admin key: may also change stages (PUT …/stage) and read /metrics')
    .option('--store <file>', STORE_HELP)
    .option('--json', 'print JSON')
    .action((o) => {
      const created = ApiKeys.of(storeAt(o.store)).create({
        name: o.name,
        models: o.models ?? null,
        admin: o.admin ?? false,
      });
      if (o.json) return void process.stdout.write(`${printableJSON(created)}\n`);
      process.stdout.write(
        printable(
          `created API key ${created.id} (${created.name}; ${created.admin ? 'admin' : 'read-only'}; models: ${created.models?.join(', ') ?? 'all'})\n` +
            `secret (shown only now; send it as "Authorization: Bearer <secret>" or "X-API-Key: <secret>"):\n${created.secret}\n`,
        ),
      );
    });

  keys
    .command('list')
    .description('the API keys (never their secrets)')
    .option('--store <file>', STORE_HELP)
    .option('--json', 'print JSON')
    .action((o) => {
      const list = ApiKeys.of(storeAt(o.store)).list();
      if (o.json) return void process.stdout.write(`${printableJSON(list)}\n`);
      if (list.length === 0)
        return void process.stdout.write(
          'no API keys yet; create one with `beemind keys create --name NAME`\n',
        );
      const rows = list.map((k) => [
        k.id,
        k.name,
        k.admin ? 'admin' : 'read-only',
        k.models?.join(',') ?? 'all',
        k.createdAt.slice(0, 16).replace('T', ' '),
        k.revokedAt ? `revoked ${k.revokedAt.slice(0, 16).replace('T', ' ')}` : 'live',
      ]);
      process.stdout.write(
        `${printable(tableBundle(['id', 'name', 'access', 'models', 'created', 'status'], rows)['text/plain'])}\n`,
      );
    });

  keys
    .command('revoke')
    .description('revoke an API key: every server using this store refuses it from the next request on')
    .argument('<id>', 'the key id (from `beemind keys list`)')
    .option('--store <file>', STORE_HELP)
    .action((id: string, o) => {
      const key = ApiKeys.of(storeAt(o.store)).revoke(id);
      process.stdout.write(printable(`revoked API key ${key.id} (${key.name})\n`));
    });
}

/** Adds `serve` and `keys` to the program. */
export function addServeCommands(program: Command): void {
  addServeCommand(program);
  addKeysCommand(program);
}
