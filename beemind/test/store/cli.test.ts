// The store commands of the built CLI (beemind/dist/cli/bin.js): evolve into the default store under the
// working directory, resume and warm start; runs list|show|compare|export; models list|show|stage|export|import.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok, runCLI } from '../helpers/cli.js';
import { tempStore } from './helpers.js';

const IRIS = fileURLToPath(new URL('../../datasets/iris.csv', import.meta.url));
const DIABETES = fileURLToPath(new URL('../../datasets/diabetes.csv', import.meta.url));
const FAMILIES = 'decision_tree,gaussian_nb,knn';

let dir: string;
/** Runs the CLI in `dir` (so the default store is `dir/.beemind/experiments.db`). */
const cli = (...args: string[]) => runCLI(dir, args);

/** The id in evolve's summary line `Run <id>: …`. */
const runId = (stdout: string) => /^Run (\w+):/m.exec(stdout)![1];

beforeAll(() => {
  dir = dirname(tempStore());
});

describe('beemind runs and models', () => {
  it('lists nothing, saying where runs will be recorded, in a project without a store yet', async () => {
    const fresh = dirname(tempStore());
    const list = ok(await runCLI(fresh, ['runs', 'list']));
    expect(list).toMatch(
      /^no runs recorded yet: there is no experiment store at .*\.beemind\/experiments\.db \(beemind evolve creates it\)$/m,
    );
    expect(ok(await runCLI(fresh, ['models', 'list', '--json']))).toBe('[]\n');
    expect(existsSync(join(fresh, '.beemind'))).toBe(false); // listing created nothing
  });

  it('records runs in .beemind/ here, resumes and warm starts them, and lists, shows, compares and exports them', async () => {
    const first = ok(
      await cli(
        'evolve',
        IRIS,
        '-t',
        'species',
        '-n',
        '8',
        '--population',
        '4',
        '-w',
        '0',
        '--families',
        FAMILIES,
        '-q',
        '--save-model',
        'iris',
      ),
    );
    expect(first).toMatch(/8 drones, completed/);
    expect(first).toMatch(/saved the champion as model iris version 1 in .*\.beemind\/experiments\.db/);
    expect(existsSync(join(dir, '.beemind', 'experiments.db'))).toBe(true);
    const id = runId(first);

    // resume (no --target: it comes from the stored run) and warm start, at once
    const [resumed, warm] = await Promise.all([
      cli('evolve', IRIS, '--resume', id.slice(0, 6), '-n', '12', '-q'),
      cli(
        'evolve',
        IRIS,
        '-t',
        'species',
        '--warm-start',
        id,
        '-n',
        '4',
        '--population',
        '4',
        '-w',
        '0',
        '--families',
        FAMILIES,
        '--seed',
        '9',
        '-q',
      ),
    ]);
    expect(ok(resumed)).toMatch(new RegExp(`Run ${id}: 12 drones, completed`));
    // the data of another run: said as such, not as a missing column
    const otherData = await cli('evolve', DIABETES, '--resume', id, '-n', '14', '-q');
    expect(otherData.code).toBe(2);
    expect(otherData.stderr).toMatch(
      new RegExp(
        `^beemind: run "${id}" learned to predict "species", a column ".*diabetes\\.csv" does not have: resume a run with the data it was started on\\.$`,
        'm',
      ),
    );
    expect(ok(warm)).toMatch(/4 drones, completed/);
    const other = runId(warm.stdout);

    const csv = join(dir, 'drones.csv');
    const [list, show, compare, exported, json] = await Promise.all([
      cli('runs', 'list'),
      cli('runs', 'show', id.slice(0, 5), '--top', '3'),
      cli('runs', 'compare', id, other, '--top', '2'),
      cli('runs', 'export', id, '-o', csv),
      cli('runs', 'export', other, '--format', 'json'),
    ]);
    expect(ok(list).trimEnd().split('\n')).toHaveLength(3);
    expect(ok(list)).toMatch(
      new RegExp(
        `run\\s+name\\s+status\\s+metric\\s+best\\s+test\\s+drones\\s+user\\s+project\\s+started\\n(.*\\n)*${id}\\s+iris\\s+completed\\s+accuracy\\s+[\\d.]+\\s+[\\d.]+\\s+12\\s+\\S+\\s+default`,
      ),
    );
    expect(ok(show)).toMatch(/status\s+completed \(evaluations\), 2 sessions/);
    expect(ok(show)).toMatch(/data\s+iris: 150 rows, 4 features/);
    expect(ok(show).trimEnd().split('\n').slice(-4)[0]).toMatch(/^rank\s+drone\s+family\s+accuracy/);
    expect(ok(compare)).toMatch(new RegExp(`^\\s+${id}\\s+${other}`));
    expect(ok(compare)).toMatch(/#2\s+0\.\d{4} \w+ \(d\d+\)\s+0\.\d{4} \w+ \(d\d+\)/);
    ok(exported);
    expect(readFileSync(csv, 'utf8').trimEnd().split('\n')).toHaveLength(13);
    const parsed = JSON.parse(ok(json));
    expect(parsed.drones.slice(0, 4).map((d: { operator: string }) => d.operator)).toEqual(
      Array(4).fill('warm_start'),
    );

    const missing = await cli('runs', 'show', 'zzzz');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/there is no run "zzzz" in the experiment store .*beemind runs list/);
  });

  it('lists, shows, stages, exports and imports models', async () => {
    const file = join(dir, 'iris.model.json');
    const other = join(dir, 'other.db');
    ok(await cli('models', 'stage', 'iris', '1', 'production'));
    const [list, show] = await Promise.all([
      cli('models', 'list'),
      cli('models', 'show', 'iris', 'production'),
    ]);
    expect(ok(list)).toMatch(/^name\s+version\s+stage.*\niris\s+1\s+production\s+classification\s+accuracy/);
    expect(ok(show)).toMatch(/model iris version 1 \(production\)/);
    expect(ok(show)).toMatch(/features\s+sepal_length, sepal_width, petal_length, petal_width/);
    ok(await cli('models', 'export', 'iris', 'latest', '-o', file));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      format: 'beemind.model-file',
      name: 'iris',
      modelVersion: 1,
      stage: 'production',
    });
    expect(
      ok(await cli('models', 'import', file, '--store', other, '--name', 'copy', '--tag', 'from=cli')),
    ).toMatch(/registered copy version 1 \(none\)/);
    const copied = JSON.parse(ok(await cli('models', 'list', '--store', other, '--json')));
    expect(copied).toEqual([expect.objectContaining({ name: 'copy', version: 1, tags: { from: 'cli' } })]);
  });
});
