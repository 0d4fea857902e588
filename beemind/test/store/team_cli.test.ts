// The command line on a team's PostgreSQL store: evolve records into it by URL with a project and an author,
// `runs list` filters by user and project, `datasets list` shows the dataset version and the model it trained,
// `store copy` moves a laptop's SQLite store into the team store (twice adds nothing), and `store backup` /
// `restore` round-trip it. The password never appears in what the commands print.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evolveIris, ok, runCLI } from '../helpers/cli.js';
import { usePostgres } from '../helpers/postgres.js';

const postgres = usePostgres();
const dir = mkdtempSync(join(tmpdir(), 'beemind-team-'));
const cli = (...args: string[]) => runCLI(dir, args);

it('records, lists, copies, backs up and restores a team store from the command line', async () => {
  const team = postgres.server.freshDatabase();
  const shown = (text: string) => {
    expect(text).not.toContain('secret');
    return text;
  };
  const run = ok(
    await cli(...evolveIris(6, '--store', team, '--project', 'churn', '--save-model', 'churn-model', '-q')),
  );
  shown(run);
  ok(await cli(...evolveIris(6, '-q', '--seed', '3'))); // a laptop's own store, under dir/.beemind

  const listed = JSON.parse(ok(await cli('runs', 'list', '--store', team, '--project', 'churn', '--json')));
  expect(listed).toHaveLength(1);
  expect(listed[0]).toMatchObject({ project: 'churn', status: 'completed' });
  expect(JSON.parse(ok(await cli('runs', 'list', '--store', team, '--user', 'nobody', '--json')))).toEqual(
    [],
  );
  expect(shown(ok(await cli('runs', 'list', '--store', team)))).toMatch(/churn/);

  const versions = JSON.parse(ok(await cli('datasets', 'list', '--store', team, '--json')));
  expect(versions).toHaveLength(1);
  expect(versions[0]).toMatchObject({
    rows: 150,
    target: 'species',
    runs: [listed[0].id],
    models: [{ name: 'churn-model', version: 1 }],
  });

  const local = join(dir, '.beemind', 'experiments.db');
  expect(shown(ok(await cli('store', 'copy', local, team)))).toMatch(
    /^copied 1 run and 0 model versions from .* into postgres:\/\/beemind:\*\*\*\*@/,
  );
  expect(ok(await cli('store', 'copy', local, team))).toMatch(/copied 0 runs .*skipped 1 run/);
  expect(JSON.parse(ok(await cli('runs', 'list', '--store', team, '--json')))).toHaveLength(2);

  const backup = join(dir, 'team.backup');
  expect(shown(ok(await cli('store', 'backup', backup, '--store', team)))).toMatch(
    /backed up 2 runs and 1 model version/,
  );
  const restoredTeam = postgres.server.freshDatabase();
  expect(shown(ok(await cli('store', 'restore', backup, '--store', restoredTeam)))).toMatch(
    /restored 2 runs and 1 model version/,
  );
  expect(JSON.parse(ok(await cli('models', 'list', '--store', restoredTeam, '--json')))).toHaveLength(1);
}, 180_000);
