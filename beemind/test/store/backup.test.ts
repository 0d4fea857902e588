// `beemind store backup FILE` copies the experiment store into one self-contained file with SQLite's online
// backup — consistent even while another process records a run — and `beemind store restore FILE` puts such a
// file back, refusing to replace a store that holds runs (without --force) and files that are not BeeMind stores.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { migrate } from '../../src/store/migrations.js';
import { SqliteStoreDatabase } from '../../src/store/sqlite.js';
import { evolveIris, expectCleanFailure, IRIS, ok, runCLI, runIdOf, startLongRun } from '../helpers/cli.js';

let dir: string;
let store: string;
let runId: string;
const cli = (...args: string[]) => runCLI(dir, args);
const file = (name: string) => join(dir, name);

/** What a store file holds, read without changing it: integrity, runs (with their drone counts) and models. */
function contents(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      check: db.pragma('quick_check', { simple: true }),
      journal: db.pragma('journal_mode', { simple: true }),
      runs: db
        .prepare(
          'SELECT id, status, evaluated, (SELECT COUNT(*) FROM drones d WHERE d.run_id = r.id) AS drones FROM runs r ORDER BY id',
        )
        .all() as { id: string; status: string; evaluated: number; drones: number }[],
      models: db.prepare('SELECT name, version FROM models ORDER BY name, version').all(),
    };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'beemind-backup-'));
  store = join(dir, '.beemind', 'experiments.db');
  runId = runIdOf(ok(await cli(...evolveIris(4, '--save-model', 'iris'))));
}, 120_000);
afterAll(() => {
  closeStores();
  rmSync(dir, { recursive: true, force: true });
});

describe('beemind store backup', () => {
  it('writes one self-contained file with the runs and models of the store', async () => {
    const backup = file('backup.db');
    expect(ok(await cli('store', 'backup', backup))).toMatch(
      new RegExp(`backed up 1 run and 1 model version of .*experiments\\.db to .*backup\\.db`),
    );
    expect(existsSync(`${backup}-wal`)).toBe(false);
    // the file alone, copied anywhere, is the whole store
    const copy = join(mkdtempSync(join(tmpdir(), 'beemind-backup-copy-')), 'copy.db');
    copyFileSync(backup, copy);
    expect(contents(copy)).toEqual({
      check: 'ok',
      journal: 'delete',
      runs: [{ id: runId, status: 'completed', evaluated: 4, drones: 4 }],
      models: [{ name: 'iris', version: 1 }],
    });
    expect(ok(await cli('runs', 'list', '--store', copy))).toMatch(new RegExp(`^${runId}\\s`, 'm'));
  });

  it('refuses an existing file without --force, a missing folder, and a missing or damaged store', async () => {
    const existing = file('existing.db');
    writeFileSync(existing, 'precious');
    expectCleanFailure(
      await cli('store', 'backup', existing),
      /existing\.db already exists; pass --force to replace it, or choose another file/,
    );
    expect(readFileSync(existing, 'utf8')).toBe('precious');
    ok(await cli('store', 'backup', existing, '--force'));
    expect(contents(existing).runs).toHaveLength(1);

    expectCleanFailure(
      await cli('store', 'backup', file('no/such/b.db')),
      /the folder .*no\/such does not exist; create it first/,
    );
    expectCleanFailure(
      await cli('store', 'backup', file('b.db'), '--store', file('none.db')),
      /there is no experiment store at .*none\.db/,
    );
    const garbage = file('garbage.db');
    writeFileSync(garbage, 'not a database at all');
    expectCleanFailure(
      await cli('store', 'backup', file('b2.db'), '--store', garbage),
      /garbage\.db is not a readable BeeMind experiment store/,
    );
    expectCleanFailure(
      await cli('store', 'backup', store, '--force'),
      /is the experiment store itself; choose another file/,
    );
    expect(existsSync(file('b.db'))).toBe(false);
    expect(existsSync(file('b2.db'))).toBe(false);
  });

  it('is consistent while another process records a run into the store', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'beemind-backup-live-'));
    const live = join(cwd, 'live.db');
    const writer = await startLongRun(cwd, '-w', '0', '--store', live);
    try {
      let seen = 0;
      for (let i = 0; i < 4; i++) {
        const backup = join(cwd, `live-${i}.db`);
        ok(await runCLI(cwd, ['store', 'backup', backup, '--store', live]));
        const { check, runs } = contents(backup);
        expect(check).toBe('ok');
        expect(runs).toHaveLength(1);
        // the run's drone count and its drones were written in one transaction: a consistent copy agrees
        expect(runs[0].evaluated).toBe(runs[0].drones);
        expect(runs[0].status).toBe('running');
        expect(runs[0].drones).toBeGreaterThanOrEqual(seen);
        seen = runs[0].drones;
      }
      expect(seen).toBeGreaterThan(0);
      expect(writer.child.exitCode).toBeNull(); // it was writing all along
    } finally {
      writer.child.kill('SIGINT');
      await writer.finished;
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('beemind store restore', () => {
  it('restores a backup into a new store, and replaces a store with runs only with --force', async () => {
    const backup = file('to-restore.db');
    ok(await cli('store', 'backup', backup));
    const target = file('restored/experiments.db');
    expect(ok(await cli('store', 'restore', backup, '--store', target))).toMatch(
      /restored 1 run and 1 model version from .*to-restore\.db into .*restored\/experiments\.db/,
    );
    expect(ok(await cli('runs', 'list', '--store', target))).toMatch(new RegExp(`^${runId}\\s`, 'm'));
    expect(ok(await cli('models', 'list', '--store', target))).toMatch(/^iris\s+1\s/m);

    // a store with another run is not replaced without --force
    const other = file('other.db');
    const otherId = runIdOf(ok(await cli(...evolveIris(2, '--store', other))));
    expectCleanFailure(
      await cli('store', 'restore', backup, '--store', other),
      /the experiment store .*other\.db already holds 1 run and 0 model versions; restoring .* would replace them: pass --force/,
    );
    expect(contents(other).runs.map((r) => r.id)).toEqual([otherId]);
    ok(await cli('store', 'restore', backup, '--store', other, '--force'));
    expect(contents(other).runs.map((r) => r.id)).toEqual([runId]);
    expect(contents(other).models).toEqual([{ name: 'iris', version: 1 }]);
  });

  it('replaces a damaged store with --force', async () => {
    const backup = file('for-damaged.db');
    ok(await cli('store', 'backup', backup));
    const damaged = file('damaged.db');
    writeFileSync(damaged, 'SQLite format 3\u0000' + 'x'.repeat(5000));
    expectCleanFailure(
      await cli('store', 'restore', backup, '--store', damaged),
      /damaged\.db is not a readable BeeMind experiment store .*pass --force to replace it/i,
    );
    ok(await cli('store', 'restore', backup, '--store', damaged, '--force'));
    expect(contents(damaged).runs.map((r) => r.id)).toEqual([runId]);
  });

  it('refuses files that are not BeeMind stores of a known schema version', async () => {
    const target = file('never.db');
    const foreign = file('foreign.db');
    const other = new Database(foreign);
    other.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)');
    other.close();
    const emptyFile = file('empty-file.db');
    writeFileSync(emptyFile, '');
    const empty = file('empty.db');
    const nothing = new Database(empty);
    nothing.pragma('user_version = 1'); // a database with a header and no tables
    nothing.close();
    const newer = file('newer.db');
    ok(await cli('store', 'backup', newer));
    const future = new Database(newer);
    future.prepare("INSERT INTO beemind_schema VALUES (99, 'from the future', '2030-01-01')").run();
    future.close();
    const truncated = file('truncated.db');
    const whole = readFileSync(newer);
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));

    const cases: [string, RegExp][] = [
      [
        IRIS,
        /cannot restore .*iris\.csv: it is not a BeeMind experiment store \(it does not start with the SQLite header\) nor a store export/,
      ],
      [
        foreign,
        /cannot restore .*foreign\.db: it is a SQLite database of another application \(tables: users\)/,
      ],
      [emptyFile, /cannot restore .*empty-file\.db: it is an empty file, not a BeeMind experiment store/],
      [empty, /cannot restore .*empty\.db: it is an empty database, not a BeeMind experiment store/],
      [
        newer,
        /cannot restore .*newer\.db: it has schema version 99, newer than this BeeMind understands \(\d+\); upgrade beemind/,
      ],
      [truncated, /cannot restore .*truncated\.db: it is damaged \(.+\); restore another backup/],
      [file('missing.db'), /cannot restore .*missing\.db: there is no such file/],
      [dir, /cannot restore .*: it is a folder/],
    ];
    for (const [source, message] of cases)
      expectCleanFailure(await cli('store', 'restore', source, '--store', target), message);
    expect(existsSync(target)).toBe(false);
  });

  it('restores a store of an older schema version and brings it up to date', async () => {
    const old = file('v1.db');
    const db = new Database(old);
    migrate(new SqliteStoreDatabase(db), 1);
    db.close();
    const target = file('from-v1.db');
    expect(ok(await cli('store', 'restore', old, '--store', target))).toMatch(
      /restored 0 runs and 0 model versions/,
    );
    expect(ExperimentStore.open(target).schemaVersion).toBe(ExperimentStore.SCHEMA_VERSION);
  });

  it('backs up and restores from the library too', async () => {
    const source = ExperimentStore.open(store);
    const copy = file('library.db');
    expect(await source.backup(copy)).toEqual({ file: copy, runs: 1, models: 1 });
    const target = file('library-restored.db');
    expect(await ExperimentStore.restore(copy, target)).toEqual({ file: target, runs: 1, models: 1 });
    expect(
      ExperimentStore.open(target)
        .listRuns()
        .map((r) => r.id),
    ).toEqual([runId]);
  });
});
