// Options of the built CLI that take a path or a name: what can be checked before a run is refused before
// it starts (nothing searched, nothing recorded); a write that fails after the run says so clearly, keeps the
// run and says where it is; output files of the other commands fail with `beemind: …` and exit 2 alike.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evolveIris, expectCleanFailure, IRIS, ok, runCLI, runIdOf } from './helpers/cli.js';

/** Linux's always-full device: opening succeeds, writing fails with ENOSPC. */
const FULL = '/dev/full';

let dir: string;
let runId: string;
let modelFile: string;
const cli = (...args: string[]) => runCLI(dir, args);
const evolveArgs = (...more: string[]) => evolveIris(2, ...more);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'beemind-options-'));
  runId = runIdOf(ok(await cli(...evolveArgs('--save-model', 'iris'))));
  modelFile = join(dir, 'iris.model.json');
  ok(await cli('models', 'export', 'iris', '-o', modelFile));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evolve refuses, before the search, paths and names that cannot work', () => {
  const fresh = () => mkdtempSync(join(tmpdir(), 'beemind-options-fresh-'));
  const cases: [string, () => string[], RegExp][] = [
    [
      '--json into a missing folder',
      () => ['--json', join(dir, 'no', 'such', 'run.json')],
      /--json .*run\.json: the folder .*no\/such does not exist; create it first or choose another path/,
    ],
    ['--json naming a folder', () => ['--json', dir], /--json .* is a folder; give the path of a file/],
    [
      '--json inside a file',
      () => ['--json', join(IRIS, 'run.json')],
      /--json .*: .*iris\.csv is not a folder/,
    ],
    [
      'an unknown family',
      () => ['--families', 'foo'],
      /unknown model family foo for this search space; choose from .*decision_tree.*gaussian_nb/,
    ],
    [
      'an unknown family among known ones',
      () => ['--families', 'decision_tree,nope,knn'],
      /unknown model family nope .*choose from/,
    ],
    [
      'a regression family for a classification target',
      () => ['--families', 'knn,ridge'],
      /"ridge" does not learn classification, and this target is a classification task; choose from .*svm/,
    ],
    [
      'an empty family list',
      () => ['--families', ' , '],
      /the family list is empty; name at least one model family/,
    ],
    [
      '--out into a missing folder',
      () => ['--predict', IRIS, '--out', join(dir, 'missing', 'p.csv')],
      /--out .*p\.csv: the folder .*missing does not exist/,
    ],
    [
      'an invalid --save-model name',
      () => ['--save-model', 'bad name'],
      /"bad name" is not a valid model name/,
    ],
    [
      '--save-model without a store',
      () => ['--save-model', 'x', '--no-store'],
      /--save-model needs the experiment store; drop --no-store/,
    ],
    [
      'a store under a regular file',
      () => ['--store', join(IRIS, 'x.db')],
      /cannot (open|create) the experiment store .*iris\.csv\/x\.db/,
    ],
    [
      'a store that cannot be opened',
      () => ['--store', '/proc/beemind.db'],
      /cannot (open|create) the experiment store \/proc\/beemind\.db/,
    ],
  ];
  it.each(cases)('%s', async (_name, extra, message) => {
    const cwd = fresh();
    try {
      const r = await runCLI(cwd, [...evolveArgs(...extra()), '-n', '200']);
      expectCleanFailure(r, message);
      expect(r.stdout).not.toMatch(/^Run \w+:/m); // nothing was searched
      expect(existsSync(join(cwd, '.beemind'))).toBe(false); // nor recorded in the default store
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('a write that fails after the run', () => {
  it('--json: says so, keeps the run in the store and says where it is', async () => {
    const r = await cli(...evolveArgs('--json', FULL));
    expectCleanFailure(
      r,
      /could not write --json \/dev\/full \(ENOSPC.*; the run (\w+) is recorded in the experiment store .*experiments\.db: `beemind runs show \1`/,
    );
    expect(r.stdout).toMatch(/^Run \w+: 2 drones, completed/m);
    const id = /the run (\w+) is recorded/.exec(r.stderr)![1];
    expect(ok(await cli('runs', 'show', id))).toMatch(/status\s+completed/);
  });

  it('--out of --predict, and --json without a store: the summary is above', async () => {
    const predicted = await cli(...evolveArgs('--predict', IRIS, '--out', FULL));
    expectCleanFailure(
      predicted,
      /could not write --out \/dev\/full \(ENOSPC.*; the run \w+ is recorded in the experiment store/,
    );
    const unstored = await cli(...evolveArgs('--no-store', '--json', FULL));
    expectCleanFailure(
      unstored,
      /could not write --json \/dev\/full .*; the run was not recorded \(--no-store\); its summary is printed above/,
    );
    expect(unstored.stdout).toMatch(/^Run \w+: 2 drones, completed/m);
  });
});

describe('the output files of the other commands', () => {
  const missing = () => join(dir, 'missing', 'out.txt');
  const commands: [string, (out: string) => string[]][] = [
    ['runs export', (out) => ['runs', 'export', runId, '-o', out]],
    ['models export', (out) => ['models', 'export', 'iris', '-o', out]],
    ['predict', (out) => ['predict', modelFile, IRIS, '-o', out]],
    ['datasets export', (out) => ['datasets', 'export', 'iris', '-o', out]],
  ];
  it.each(commands)('%s: a missing folder, a folder, a full disk', async (_name, args) => {
    expectCleanFailure(
      await cli(...args(missing())),
      /--out .*missing\/out\.txt: the folder .*missing does not exist; create it first/,
    );
    expectCleanFailure(await cli(...args(dir)), /--out .* is a folder; give the path of a file/);
    expectCleanFailure(await cli(...args(FULL)), /could not write --out \/dev\/full \(ENOSPC/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('a model file to import or predict with that is a folder or not a model', async () => {
    const notJson = join(dir, 'not-a-model.json');
    writeFileSync(notJson, 'hello');
    expectCleanFailure(await cli('models', 'import', dir), /could not read the model file/);
    expectCleanFailure(await cli('predict', notJson, IRIS), /could not read the model file/);
  });
});
