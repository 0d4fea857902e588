import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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
