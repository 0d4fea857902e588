// A run killed with SIGKILL in the middle of its search resumes from the store (a SQLite file, or a PostgreSQL
// store that another process picks the run up from): every drone finished before the kill is kept as it was,
// none is evaluated again, numbering and lineage go on, and the run finishes.
import { evolve } from '../../src/automl/evolve.js';
import { loadDataset } from '../../src/data/datasets.js';
import { droneNumber, RunEventSchema, type Drone, type RunEvent } from '../../src/protocol/events.js';
import { genomeKey } from '../../src/search/genome.js';
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { usePostgres } from '../helpers/postgres.js';
import { FAST_FAMILIES, fixture, runNode, tempStore } from './helpers.js';

const TOTAL = 32;
const postgres = usePostgres();

afterAll(() => closeStores());

describe.each([
  ['SQLite', () => tempStore()],
  ['PostgreSQL', () => postgres.server.freshDatabase()],
])('a run killed mid-search (%s store)', (_backend, newStore) => {
  it('resumes with every finished drone kept, none evaluated twice, and finishes', async () => {
    const store = newStore();
    const options = { families: FAST_FAMILIES, populationSize: 4, budget: { evaluations: TOTAL }, seed: 3 };
    let seen = 0;
    const killed = await runNode(
      [fixture('run_evolve.mjs'), store, JSON.stringify(options)],
      (line, child) => {
        if (line.startsWith('drone ') && ++seen === 8) child.kill('SIGKILL');
      },
    );
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).not.toMatch(/^done /m);

    const db = ExperimentStore.open(store);
    const [summary] = db.listRuns();
    expect(summary.status).toBe('interrupted'); // recorded as running by a process that no longer exists
    expect(summary.reason).toBe('process ended');
    const before = db.drones(summary.id);
    // read back for the panels, it ends as its summary says: not running for ever
    const ending = db
      .snapshots()
      .find((s) => s.runId === summary.id)!
      .events.at(-1)!;
    expect(ending).toMatchObject({ type: 'run.finished', status: 'interrupted', reason: 'process ended' });
    expect(RunEventSchema.safeParse(ending).success).toBe(true);
    // every drone announced before the kill was committed first (at most one batch more got through)
    expect(before.length).toBeGreaterThanOrEqual(8);
    expect(before.length).toBeLessThan(TOTAL);

    const iris = await loadDataset('iris');
    const heard: RunEvent[] = [];
    const run = await evolve(
      iris,
      { resume: summary.id.slice(0, 5), store, workers: 0, importance: false },
      { onEvent: (e) => heard.push(e) },
    );

    expect(run.id).toBe(summary.id);
    expect(run.status).toBe('completed');
    expect(run.reason).toBe('evaluations');
    expect(run.drones).toHaveLength(TOTAL);
    expect(run.drones.slice(0, before.length)).toEqual(before);
    const added = run.drones.slice(before.length);
    const beforeIds = new Set(before.map((d) => d.id));
    const beforeKeys = new Set(before.map((d) => genomeKey(d.genome)));
    // no genome of a finished drone was evaluated again, and the ids go on from the last one
    expect(added.every((d) => !beforeKeys.has(genomeKey(d.genome)) && !beforeIds.has(d.id))).toBe(true);
    expect(new Set(run.drones.map((d) => genomeKey(d.genome))).size).toBe(TOTAL);
    // (a batch the kill cut short may leave a gap: its drones that had not finished were never recorded)
    const last = Math.max(...before.map((d) => droneNumber(d.id)));
    expect(added.map((d) => d.id)).toEqual(added.map((_, k) => `d${last + k + 1}`));
    const lastGeneration = Math.max(...before.map((d) => d.generation));
    expect(Math.min(...added.map((d) => d.generation))).toBe(lastGeneration + 1);
    // the same population: new drones are bred from the drones of both sessions
    const known = new Set<string>();
    for (const d of run.drones) {
      for (const p of d.parents) expect(known.has(p)).toBe(true);
      known.add(d.id);
    }
    expect(added.some((d) => d.parents.some((p) => beforeIds.has(p)))).toBe(true);

    // the caller hears the stored history first, then only the new drones
    const evaluated = heard
      .filter((e): e is Extract<RunEvent, { type: 'drone.evaluated' }> => e.type === 'drone.evaluated')
      .map((e) => e.drone);
    expect(heard[0].type).toBe('run.started');
    // (announced as each finished, the run listing them in the order they were proposed)
    expect(evaluated.map((d: Drone) => d.id).sort((a, b) => droneNumber(a) - droneNumber(b))).toEqual(
      run.drones.map((d) => d.id),
    );
    expect(heard.at(-1)!.type).toBe('run.finished');

    // the store holds the whole run once, finished, after two sessions
    const after = db.run(summary.id);
    expect(after.status).toBe('completed');
    expect(after.sessions).toBe(2);
    expect(db.drones(summary.id)).toEqual(run.drones);
    const stored = db.events(summary.id);
    expect(stored.filter((e) => e.type === 'drone.evaluated')).toHaveLength(TOTAL);
    expect(stored.filter((e) => e.type === 'run.started')).toHaveLength(1);
    expect(run.hasChampion).toBe(true);
    expect(after.championId).toBe(run.finished.championId);
  });
});
