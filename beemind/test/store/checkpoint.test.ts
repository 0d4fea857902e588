// The store's write-ahead log is checkpointed into the main file when a process is done with it: after the
// CLI exits (normally, on Ctrl-C or SIGTERM) and after a library user's script ends, the `.db` file alone —
// copied to share or back it up — holds every run.
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { evolveIris, ok, runCLI, runIdOf, startLongRun } from '../helpers/cli.js';
import { runNode } from './helpers.js';

const INDEX = pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href;

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'beemind-checkpoint-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `beemind runs list --json` of a copy of `db` alone (without its -wal and -shm files). */
async function runsOfCopy(db: string) {
  const elsewhere = join(tempDir(), 'copy.db');
  copyFileSync(db, elsewhere);
  return JSON.parse(ok(await runCLI(tempDir(), ['runs', 'list', '--json', '--store', elsewhere]))) as {
    id: string;
    status: string;
    evaluated: number;
  }[];
}

const walSize = (db: string) => (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0);

describe('the experiment store file alone holds every run', () => {
  it('after `beemind evolve` exits', async () => {
    const cwd = tempDir();
    const id = runIdOf(ok(await runCLI(cwd, evolveIris(4))));
    const db = join(cwd, '.beemind', 'experiments.db');
    expect(walSize(db)).toBe(0);
    expect(await runsOfCopy(db)).toEqual([
      expect.objectContaining({ id, status: 'completed', evaluated: 4 }),
    ]);
  });

  it.each([
    ['SIGINT', '1'],
    ['SIGTERM', '0'],
  ] as const)(
    'after %s stops a run (it finishes as interrupted), with %s evaluation threads',
    async (signal, workers) => {
      const cwd = tempDir();
      const run = await startLongRun(cwd, '-w', workers);
      run.child.kill(signal);
      const r = await run.finished;
      expect(r.signal).toBeNull();
      expect(r.stdout).toMatch(/^Run \w+: \d+ drones, interrupted/m);
      expect(r.stdout).toMatch(/^champion: d\d+$/m); // the best drone so far, refit
      const id = runIdOf(r.stdout);
      const db = join(cwd, '.beemind', 'experiments.db');
      expect(walSize(db)).toBe(0);
      const [stored] = await runsOfCopy(db);
      expect(stored).toMatchObject({ id, status: 'interrupted' });
      expect(stored.evaluated).toBeGreaterThan(0);
    },
  );

  // Which of the two a second signal meets depends on timing: an interrupted run on iris winds up in tens of
  // milliseconds, so the second signal may arrive after it is done. Both ways the file holds the run (the
  // exit at once itself is tested in-process in cli_signals.test.ts).
  it('after a second signal, which exits at once (130 or 143) or finds the run wound up, with the drones so far', async () => {
    const cwd = tempDir();
    const run = await startLongRun(cwd, '-w', '1');
    run.child.kill('SIGINT');
    run.child.kill('SIGTERM');
    const r = await run.finished;
    expect(r.signal).toBeNull();
    if (r.code === 0) expect(r.stdout).toMatch(/^Run \w+: \d+ drones, interrupted/m);
    else {
      expect([130, 143]).toContain(r.code);
      expect(r.stdout).not.toMatch(/^Run \w+:/m); // it did not wait for the run to finish
    }
    const [stored] = await runsOfCopy(join(cwd, '.beemind', 'experiments.db'));
    expect(stored).toMatchObject({ status: 'interrupted' });
    expect(stored.evaluated).toBeGreaterThan(0);
  });

  it.each(['returns', 'calls process.exit()'])(
    "after a library user's script %s without closing the store",
    async (ending) => {
      const cwd = tempDir();
      const db = join(cwd, 'lib.db');
      const script = `
      import { evolve, loadDataset } from ${JSON.stringify(INDEX)};
      const run = await evolve(await loadDataset('iris'), {
        target: 'species', store: ${JSON.stringify(db)}, workers: 0, importance: false,
        families: ['decision_tree', 'gaussian_nb'], budget: { evaluations: 3 },
      });
      process.stdout.write(run.id, () => ${ending === 'returns' ? '{}' : 'process.exit(0)'});`;
      const r = await runNode(['--input-type=module', '-e', script], undefined, { cwd });
      expect(r.code).toBe(0);
      expect(walSize(db)).toBe(0);
      expect(await runsOfCopy(db)).toEqual([expect.objectContaining({ id: r.stdout.trim(), evaluated: 3 })]);
    },
  );
});
