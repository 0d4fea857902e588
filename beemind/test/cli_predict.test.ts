// Predicting from the built CLI (beemind/dist/cli/bin.js, as child processes): `evolve --predict` and
// `predict` with a registered model or a model file; usage errors exit 2 with the usage.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok, runCLI } from './helpers/cli.js';
import { runNode } from './store/helpers.js';

/** The bundled datasets (one place to change if they move). */
const DATASETS = fileURLToPath(new URL('../datasets/', import.meta.url));
const IRIS = join(DATASETS, 'iris.csv');
const DIABETES = join(DATASETS, 'diabetes.csv');
const LAUNCHER = fileURLToPath(new URL('../bin/beemind.js', import.meta.url));
const CLASSES = ['setosa', 'versicolor', 'virginica'];

let dir: string;
const cli = (...args: string[]) => runCLI(dir, args);
const csvRows = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'beemind-predict-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('beemind evolve --predict and beemind predict', () => {
  it('predicts with the champion of a run, then with its registered version and its model file alike', async () => {
    const fromRun = join(dir, 'run.csv');
    const summary = ok(
      await cli(
        'evolve',
        IRIS,
        '--target',
        'species',
        '--evaluations',
        '6',
        '--seed',
        '0',
        '-q',
        '--save-model',
        'iris',
        '--predict',
        IRIS,
        '--out',
        fromRun,
        '--proba',
      ),
    );
    expect(summary).toMatch(/6 drones, completed/);
    expect(summary).toMatch(/wrote 150 predictions to .*run\.csv/);

    // the target column plus one probability column per class; one row per input row
    const [header, ...rows] = csvRows(readFileSync(fromRun, 'utf8'));
    expect(header).toEqual(['species', ...CLASSES.map((c) => `proba_${c}`)]);
    expect(rows).toHaveLength(150);
    for (const [label, ...p] of rows) {
      const proba = p.map(Number);
      expect(proba.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect(CLASSES[proba.indexOf(Math.max(...proba))]).toBe(label);
    }
    // in input order: the iris rows come sorted by species, and the champion gets them nearly all right
    const truth = csvRows(readFileSync(IRIS, 'utf8'))
      .slice(1)
      .map((r) => r[4]);
    expect(rows.filter(([label], i) => label === truth[i]).length).toBeGreaterThan(135);

    const file = join(dir, 'iris.model.json');
    ok(await cli('models', 'export', 'iris', '1', '--out', file));
    const [byName, byVersion, byFile, labelsOnly] = await Promise.all([
      cli('predict', 'iris', IRIS, '--proba'),
      cli('predict', 'iris:1', IRIS, '--proba', '--store', join(dir, '.beemind', 'experiments.db')),
      cli('predict', file, IRIS, '--proba'),
      cli('predict', file, IRIS),
    ]);
    expect(ok(byName)).toBe(readFileSync(fromRun, 'utf8'));
    expect(ok(byVersion)).toBe(byName.stdout);
    expect(ok(byFile)).toBe(byName.stdout);
    expect(ok(labelsOnly)).toBe(`${['species', ...rows.map(([label]) => label)].join('\n')}\n`);

    // --out writes the file and says so on stderr
    const out = join(dir, 'out.csv');
    const written = await cli('predict', 'iris@none', IRIS, '-o', out);
    expect(ok(written)).toBe('');
    expect(written.stderr).toMatch(/wrote 150 predictions/);
    expect(readFileSync(out, 'utf8')).toBe(labelsOnly.stdout);

    // a bare name is the latest version; when that is not the production one, which `serve` answers with, a note says so
    ok(await cli('models', 'import', file, '--name', 'flowers', '--stage', 'production'));
    ok(await cli('models', 'import', file, '--name', 'flowers', '--stage', 'staging'));
    const latest = await cli('predict', 'flowers', IRIS);
    expect(ok(latest)).toBe(labelsOnly.stdout);
    expect(latest.stderr).toMatch(
      /^beemind: note: "flowers" is version 2 \(staging\), the latest; version 1 is in production, which `beemind serve` answers with \(flowers@production predicts with it\)\.$/m,
    );
    expect((await cli('predict', 'flowers@production', IRIS)).stderr).not.toMatch(/note:/);
  });

  it('writes the predictions to stdout without --out, and the summary to stderr', async () => {
    const r = await cli(
      'evolve',
      IRIS,
      '-t',
      'species',
      '-n',
      '6',
      '--seed',
      '0',
      '--no-store',
      '-q',
      '--predict',
      IRIS,
    );
    const [header, ...rows] = csvRows(ok(r));
    expect(header).toEqual(['species']);
    expect(rows).toHaveLength(150);
    expect(r.stderr).toMatch(/6 drones, completed/);
  });

  it('names the missing columns of the file to predict, before the run, and ignores the others', async () => {
    const partial = join(dir, 'partial.csv');
    writeFileSync(
      partial,
      readFileSync(IRIS, 'utf8')
        .split('\n')
        .map((line) => line.split(',').slice(1, 3).join(','))
        .join('\n'),
    );
    const [evolve, predict] = await Promise.all([
      cli('evolve', IRIS, '-t', 'species', '-n', '6', '--no-store', '--predict', partial),
      cli('predict', 'iris', partial),
    ]);
    for (const r of [evolve, predict]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^beemind: .*partial\.csv lacks 2 columns "sepal_length", "petal_width"/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
    }
    expect(evolve.stdout).toBe(''); // checked before the run
    expect(evolve.stderr).not.toMatch(/drones/);
  });

  it('refuses --proba for regression and a model that does not exist, with exit 2', async () => {
    const [regression, unknown, noFile, noStore] = await Promise.all([
      cli('evolve', DIABETES, '-t', 'progression', '--no-store', '--predict', DIABETES, '--proba'),
      cli('predict', 'nope', IRIS),
      cli('predict', join(dir, 'nope.json'), IRIS),
      cli('predict', 'iris', IRIS, '--store', join(dir, 'none.db')),
    ]);
    expect(regression).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--proba needs a classification model/),
    });
    expect(unknown).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^beemind: there is no model named "nope"/),
    });
    expect(noFile).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^beemind: there is no model file .*nope\.json/),
    });
    expect(noStore).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^beemind: "iris" is not a model file, and there is no experiment store at .*none\.db/,
      ),
    });
  });

  it('exits 2 with the usage on usage errors, and 0 on --help (also through bin/beemind.js)', async () => {
    const [option, command, argument, value, needsPredict, help, launcher] = await Promise.all([
      cli('evolve', IRIS, '-t', 'species', '--bogus'),
      cli('frobnicate'),
      cli('predict', 'iris'),
      cli('predict', 'iris', IRIS, '--store'),
      cli('evolve', IRIS, '-t', 'species', '--proba'),
      cli('predict', '--help'),
      runNode([LAUNCHER, '--help']),
    ]);
    for (const r of [option, command, argument, value, needsPredict]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).toMatch(/Usage: beemind/);
    }
    expect(option.stderr).toMatch(/unknown option '--bogus'/);
    expect(needsPredict.stderr).toMatch(/--out and --proba need --predict/);
    expect(help).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Usage: beemind predict \[options\] <model> <csv>/),
    });
    expect(launcher).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/predict \[options\] <model> <csv>/),
    });
  });
});
