import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = 'beemind/dist/cli/bin.js';
const iris = fileURLToPath(new URL('../datasets/iris.csv', import.meta.url));

describe('the beemind command line', () => {
  it('evolves a model from a CSV, prints the leaderboard and writes the run as JSON', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'beemind-cli-')), 'run.json');
    const { stdout, stderr } = await run('node', [
      bin,
      'evolve',
      iris,
      '--target',
      'species',
      '--evaluations',
      '8',
      '--population',
      '4',
      '--workers',
      '1',
      '--seed',
      '3',
      '--families',
      'decision_tree,gaussian_nb,knn',
      '--json',
      out,
    ]);
    expect(stdout).toMatch(/8 drones, completed \(evaluations\)/);
    expect(stdout).toMatch(/rank\s+drone\s+family\s+accuracy/);
    expect(stdout).toMatch(/most important features/);
    expect(stderr).toMatch(/8\/8 drones/); // the progress bar
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved.drones).toHaveLength(8);
    expect(saved.run.type).toBe('run.finished');
  });

  it('leaves out the importance that did not fit in --seconds rather than measuring it past the budget', async () => {
    // digits with the kernel machine alone: a champion within seconds, its importance (64 columns, each shuffled
    // and scored by a machine of hundreds of support vectors) several seconds more
    const digits = fileURLToPath(new URL('../datasets/digits.csv', import.meta.url));
    const { stdout } = await run('node', [
      ...[bin, 'evolve', digits, '--target', 'digit', '--families', 'svm', '--seconds', '8'],
      ...['--no-store', '--workers', '2', '-q'],
    ]);
    expect(stdout).toMatch(/champion: /);
    expect(stdout).toMatch(
      /most important features: not measured, it did not fit in --seconds \(give it more time\)/,
    );
  });

  it('explains a wrong target and a bad option value, and exits non-zero', async () => {
    await expect(run('node', [bin, 'evolve', iris, '--target', 'nope', '-q'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no column named "nope"; the columns are: sepal_length/),
    });
    await expect(
      run('node', [bin, 'evolve', iris, '--target', 'species', '--seconds', 'soon']),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/"soon" is not a number/),
    });
  });

  it('prints its version, and drops rows without a target when asked', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect((await run('node', [bin, '--version'])).stdout.trim()).toBe(version);
    const dir = mkdtempSync(join(tmpdir(), 'beemind-missing-target-'));
    const csv = join(dir, 'gaps.csv');
    const lines = readFileSync(iris, 'utf8').trim().split('\n');
    // the species of every tenth flower left out
    writeFileSync(
      csv,
      lines.map((l, i) => (i > 0 && i % 10 === 0 ? l.replace(/,[a-z]+$/, ',') : l)).join('\n'),
    );
    const args = [
      bin,
      'evolve',
      csv,
      '-t',
      'species',
      '-n',
      '2',
      '-w',
      '0',
      '--families',
      'gaussian_nb',
      '-q',
      '--no-store',
    ];
    await expect(run('node', args)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/target "species" is missing in 15 of 150 rows.*--drop-missing-target/),
    });
    const { stdout } = await run('node', [...args, '--drop-missing-target']);
    expect(stdout).toMatch(/^Run \w+: 2 drones, completed \(evaluations\)/m);
  });

  it('says why a run has no champion when asked to predict with it, and what to change', async () => {
    const args = [
      bin,
      'evolve',
      iris,
      '-t',
      'species',
      '-n',
      '2',
      '-w',
      '1',
      '--families',
      'mlp',
      '-q',
      '--no-store',
    ];
    await expect(
      run('node', [...args, '--evaluation-seconds', '0.001', '--predict', iris]),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^beemind: the run has no champion: none of its 2 drones finished \(2 failed or timed out\); give it more --seconds or --evaluations, or a longer --evaluation-seconds; the run was not recorded/m,
      ),
    });
  });

  it('names the flag whose value is out of range, with the range', async () => {
    const cases: [string, string, RegExp][] = [
      [
        '--seconds',
        '0',
        /--seconds <n>' argument '0' is invalid\. 0 is out of range: give a number of seconds above 0/,
      ],
      ['--evaluation-seconds', '-1', /--evaluation-seconds <n>' argument '-1' is invalid/],
      [
        '--evaluations',
        '0',
        /--evaluations <n>' argument '0' is invalid\. 0 is out of range: give a whole number from 1 up/,
      ],
      ['--patience', '0', /--patience <n>' argument '0' is invalid/],
      [
        '--folds',
        '1',
        /--folds <n>' argument '1' is invalid\. 1 is out of range: give a whole number from 2 to 20/,
      ],
      [
        '--repeats',
        '11',
        /--repeats <n>' argument '11' is invalid\. 11 is out of range: give a whole number from 1 to 10/,
      ],
      [
        '--holdout',
        '0',
        /--holdout <fraction>' argument '0' is invalid\. 0 is out of range: give a fraction above 0 and below 1/,
      ],
      [
        '--test-size',
        '1',
        /--test-size <fraction>' argument '1' is invalid\. 1 is out of range: give a fraction from 0 and below 1/,
      ],
    ];
    for (const [flag, value, message] of cases) {
      await expect(
        run('node', [bin, 'evolve', iris, '--target', 'species', flag, value, '-q']),
      ).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringMatching(message),
      });
    }
  });

  it('repeats cross-validation with --repeats, and refuses it with a holdout', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'beemind-cli-')), 'run.json');
    await run('node', [
      bin,
      'evolve',
      iris,
      '--target',
      'species',
      '--evaluations',
      '2',
      '--workers',
      '0',
      '--families',
      'decision_tree',
      '--folds',
      '3',
      '--repeats',
      '2',
      '-q',
      '--json',
      out,
    ]);
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved.drones.every((d: { foldScores: number[] }) => d.foldScores.length === 6)).toBe(true);
    await expect(
      run('node', [bin, 'evolve', iris, '--target', 'species', '--repeats', '2', '--holdout', '0.2', '-q']),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/give one of them/),
    });
  });
});
