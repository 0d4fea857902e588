// Two processes write the same store at once (each records a run and then registers its champion many
// times under one shared name) while this process keeps reading it: nobody sees "database is locked",
// both runs are complete, and every registry version number is handed out exactly once.
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { FAST_FAMILIES, fixture, runNode, tempStore } from './helpers.js';

afterAll(() => closeStores());

describe('two processes writing one store', () => {
  it('never fail on a locked database, and a reader never blocks them', async () => {
    const store = tempStore();
    const SAVES = 15;
    const writer = (seed: number) =>
      runNode([
        fixture('run_evolve.mjs'),
        store,
        JSON.stringify({
          families: FAST_FAMILIES,
          populationSize: 4,
          budget: { evaluations: 16 },
          seed,
          ensemble: false,
        }),
        JSON.stringify({ name: 'shared', times: SAVES }),
      ]);
    const writers = Promise.all([writer(1), writer(2)]);

    // read continuously while they write: every read succeeds and sees a consistent, growing store
    let done = false;
    void writers.then(() => (done = true));
    let reads = 0;
    let lastSeen = 0;
    while (!done) {
      try {
        const db = ExperimentStore.open(store, { mustExist: true });
        const runs = db.listRuns();
        const drones = runs.reduce((n, r) => n + db.drones(r.id).length, 0);
        expect(drones).toBeGreaterThanOrEqual(lastSeen);
        lastSeen = drones;
        // two reads, so a writer may commit between them: the count read later is never smaller
        for (const r of runs) expect(db.drones(r.id).length).toBeLessThanOrEqual(db.run(r.id).evaluated);
        reads++;
      } catch (error) {
        if ((error as { code?: string }).code !== 'store.missing') throw error; // not created yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }

    const results = await writers;
    for (const r of results) {
      expect(r.stderr).not.toMatch(/locked|busy/i);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^done \S+ 16 completed$/m);
    }
    expect(reads).toBeGreaterThan(0);

    const db = ExperimentStore.open(store);
    const runs = db.listRuns();
    expect(runs).toHaveLength(2);
    for (const r of runs) {
      expect(r.status).toBe('completed');
      expect(db.drones(r.id)).toHaveLength(16);
      expect(db.events(r.id).filter((e) => e.type === 'drone.evaluated')).toHaveLength(16);
    }
    const versions = db.models
      .list('shared')
      .map((v) => v.version)
      .sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 2 * SAVES }, (_, k) => k + 1));
  });
});
