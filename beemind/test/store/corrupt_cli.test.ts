// Every command of the built CLI that reads or writes the experiment store meets a damaged store the same
// way: `beemind: <file> is not a readable BeeMind experiment store (…)`, exit 2, no stack, file untouched —
// whether the damage is found when the store is opened (garbage, truncated file) or only by a later query
// (the pages of one table overwritten).
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  evolveIris,
  expectCleanFailure,
  IRIS,
  ok,
  PINO_RECORD,
  runCLI,
  runIdOf,
  STACK_LINE,
} from '../helpers/cli.js';

const CORRUPT =
  /is not a readable BeeMind experiment store \(.+\); it was left untouched: move it away \(or restore a backup\)/;

let dir: string;
let healthy: string;
let modelFile: string;
let runId: string;
const cli = (...args: string[]) => runCLI(dir, args);
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A copy of the healthy store with the pages of `tables` (and their indexes) overwritten. */
function damaged(name: string, tables: string[]): string {
  const db = new Database(healthy, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db
    .prepare(
      `SELECT rootpage FROM sqlite_master WHERE tbl_name IN (${tables.map(() => '?').join(',')}) AND rootpage > 0`,
    )
    .pluck()
    .all(...tables) as number[];
  db.close();
  const bytes = readFileSync(healthy);
  for (const page of pages) bytes.fill(0xde, (page - 1) * pageSize, page * pageSize);
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'beemind-corrupt-'));
  healthy = join(dir, 'healthy.db');
  runId = runIdOf(
    ok(await cli(...evolveIris(4, '--population', '4', '--store', healthy, '--save-model', 'iris'))),
  );
  modelFile = join(dir, 'iris.model.json');
  ok(await cli('models', 'export', 'iris', '-o', modelFile, '--store', healthy));
  // everything into the main file, so copies of it are the whole store
  const db = new Database(healthy);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs each command on a fresh copy of `store` and expects the corrupt-store error, the copy untouched. */
async function expectCorruptEverywhere(store: string, commands: string[][]): Promise<void> {
  await Promise.all(
    commands.map(async (args, i) => {
      const copy = join(dir, `copy-${i}-${Math.random().toString(36).slice(2)}.db`);
      copyFileSync(store, copy);
      const before = sha(copy);
      const r = await cli(...args, '--store', copy);
      try {
        expectCleanFailure(r, CORRUPT);
      } catch (error) {
        throw new Error(`beemind ${args.join(' ')}: ${(error as Error).message}`);
      }
      expect(sha(copy)).toBe(before);
    }),
  );
}

const RUN_COMMANDS = () => [
  ['runs', 'list'],
  ['runs', 'show', runId],
  ['runs', 'compare', runId, runId],
  ['runs', 'export', runId],
  ['evolve', IRIS, '-q', '-n', '2', '--resume', runId],
  ['evolve', IRIS, '-q', '-n', '2', '-t', 'species', '--warm-start', runId],
];
const MODEL_COMMANDS = () => [
  ['models', 'list'],
  ['models', 'show', 'iris'],
  ['models', 'export', 'iris'],
  ['models', 'export', 'iris', '-o', join(dir, 'out.json')],
  ['models', 'stage', 'iris', '1', 'production'],
  ['models', 'import', modelFile],
  ['predict', 'iris', IRIS],
];

describe('a damaged experiment store', () => {
  it('is reported by every store command when the file is garbage or truncated', async () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919 + 13) & 0xff)));
    const truncated = join(dir, 'truncated.db');
    const whole = readFileSync(healthy);
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 3)));
    const evolveNew = ['evolve', IRIS, '-q', '-n', '2', '-t', 'species'];
    for (const file of [garbage, truncated])
      await expectCorruptEverywhere(file, [...RUN_COMMANDS(), ...MODEL_COMMANDS(), evolveNew]);
  });

  it('is reported by the model commands, predict and evolve --save-model when the registry pages are damaged', async () => {
    const store = damaged('models-damaged.db', ['models']);
    await expectCorruptEverywhere(store, MODEL_COMMANDS());
    // the run itself is recorded before --save-model fails: it says so and where the run is
    const copy = join(dir, 'save-model.db');
    copyFileSync(store, copy);
    const r = await cli(...evolveIris(2, '--store', copy, '--save-model', 'again'));
    expectCleanFailure(r, CORRUPT);
    expect(r.stdout).toMatch(/2 drones, completed/);
    expect(r.stderr).toMatch(/run \w+ is recorded in the experiment store .*save-model\.db/);
  });

  it('is reported by the run commands, resume and warm start when the run pages are damaged', async () => {
    await expectCorruptEverywhere(damaged('runs-damaged.db', ['runs', 'drones', 'events']), RUN_COMMANDS());
  });

  it('only warns when a new run cannot be recorded, in a readable line, and the search goes on', async () => {
    const store = damaged('record-damaged.db', ['runs', 'drones', 'events']);
    const r = await cli(...evolveIris(2, '--store', store));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 drones, completed/);
    expect(r.stderr).toMatch(
      /^beemind: warning: could not record run \w+ in the experiment store .*record-damaged\.db/m,
    );
    expect(r.stderr).not.toMatch(PINO_RECORD);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});
