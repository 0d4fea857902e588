// Property: whatever arguments the CLI gets — its real commands and options mixed with random strings,
// paths that do not exist, numbers out of range, unicode and control characters — it exits 0 or 2, prints
// no stack trace and no raw JSON log record, and ends. Each case runs the built CLI (beemind/dist/cli/bin.js)
// as a child process in a temporary folder, like the other CLI tests; runs that would search are bounded by
// `--seconds 2 -w 0` (given before and after the random arguments, so they always apply).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import fc from 'fast-check';
import { buildProgram } from '../../src/cli/main.js';
import { evolveIris, IRIS, ok, PINO_RECORD, runCLI, runIdOf, STACK_LINE } from '../helpers/cli.js';

/** Bounds every search a random case starts. */
const BOUND = ['--seconds', '2', '-w', '0'];
/** Left out: they reach for the network (a Redis server), which a random URL may leave waiting. */
const NETWORK = new Set(['worker', '--redis', '--queue']);

/** Every command path of the real program (`runs`, `runs list`, …) with its option flags. */
function commandsOf(command: Command, path: string[] = []): { path: string[]; options: string[] }[] {
  return command.commands
    .filter((c) => !NETWORK.has(c.name()))
    .flatMap((c) => {
      const here = [...path, c.name()];
      const options = c.options
        .flatMap((o) => [o.long, o.short])
        .filter((f): f is string => f !== undefined && !NETWORK.has(f));
      return [{ path: here, options }, ...commandsOf(c, here)];
    });
}

let dir: string;
let runId: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'beemind-property-'));
  runId = runIdOf(ok(await runCLI(dir, evolveIris(2, '--save-model', 'iris'))));
  ok(await runCLI(dir, ['models', 'export', 'iris', '-o', join(dir, 'iris.model.json')]));
  writeFileSync(join(dir, 'corrupt.db'), `SQLite format 3\u0000${'\u00ff'.repeat(3000)}`);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Random text for names and values: any code points but NUL (which no argv can hold) and `/`, so a random path stays in the case's folder. */
const text = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.constantFrom('', ' ', '-', '--', '\u001b[31m', '\r\n', 'é', '名前', '\u202e'),
  )
  .map((s) => s.replaceAll('\u0000', '').replaceAll('/', ''));
const numbers = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }).map(String),
  fc.double().map(String),
  fc.constantFrom(
    '0',
    '-1',
    '1',
    '2',
    '0.5',
    '1.5',
    '1e309',
    '-1e309',
    'NaN',
    'Infinity',
    '1e300',
    '9007199254740993',
    '0x10',
    '',
  ),
);
const values = () =>
  fc.oneof(
    fc.constantFrom(
      IRIS,
      join(dir, 'iris.model.json'),
      join(dir, 'corrupt.db'),
      join(dir, '.beemind', 'experiments.db'),
      join(dir, 'no', 'such', 'file.csv'),
      join(dir, 'missing.db'),
      dir,
      '/dev/full',
      '/proc/beemind.db',
      'iris',
      'iris:1',
      'iris@production',
      'species',
      'latest',
      'production',
      'decision_tree,knn',
      'accuracy',
      runId,
      runId.slice(0, 4),
    ),
    numbers,
    text,
  );

const commands = commandsOf(buildProgram());
const allOptions = [...new Set(commands.flatMap((c) => c.options))];
const evolveOptions = commands.find((c) => c.path.join(' ') === 'evolve')!.options;
const cases = fc
  .oneof(
    { weight: 6, arbitrary: fc.constantFrom(...commands) },
    // evolve with valid data and target, so that random options reach a real (bounded) run
    {
      weight: 2,
      arbitrary: fc.constant({ path: ['evolve', IRIS, '-t', 'species'], options: evolveOptions }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom({ path: ['help'], options: [] }, { path: [], options: allOptions }),
    },
  )
  .chain(({ path, options }) => {
    const own = fc.constantFrom(...(options.length ? options : allOptions));
    const token = fc.oneof(
      { weight: 4, arbitrary: own },
      { weight: 1, arbitrary: fc.constantFrom(...allOptions) },
      { weight: 4, arbitrary: values() },
      { weight: 1, arbitrary: fc.tuple(own, values()).map(([o, v]) => `${o}=${v}`) },
      { weight: 1, arbitrary: fc.constantFrom('--help', '-h', '--json', '--force', '-q') },
    );
    return fc.tuple(fc.constant(path), fc.array(token, { maxLength: 8 }));
  })
  .map(([path, tokens]) =>
    path[0] === 'evolve' ? [...path, ...BOUND, ...tokens, ...BOUND] : [...path, ...tokens],
  );

describe('the command line, given random arguments', () => {
  it('exits 0 or 2, without a stack trace or raw log JSON, and never hangs', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (args) => {
        const r = await runCLI(dir, args, { timeoutMs: 60_000 });
        const shown = `${r.stdout}\n${r.stderr}`;
        const failure =
          r.signal !== null
            ? `did not end within 60 s (${r.signal})`
            : r.code !== 0 && r.code !== 2
              ? `exit ${r.code}`
              : STACK_LINE.test(shown)
                ? 'a stack trace'
                : PINO_RECORD.test(shown)
                  ? 'a raw JSON log record'
                  : /unexpected error/.test(shown)
                    ? 'an unexpected error'
                    : null;
        if (failure)
          throw new Error(`beemind ${JSON.stringify(args)}: ${failure}\n${r.stderr.slice(0, 2000)}`);
      }),
      { seed: 42, numRuns: 40, endOnFailure: true },
    );
  }, 600_000);
});
