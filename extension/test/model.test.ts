// NotebookModel and RunState: folding events, snapshots, the shared selection, requests and resets.
import { NotebookModel, type RequestPort } from '../src/model/notebook.js';
import type { Request } from '../src/protocol.js';
import { syntheticRun } from './synthetic.js';

class FakePort implements RequestPort {
  readonly requests: { request: Request; resolve(v: unknown): void; reject(e: Error): void }[] = [];
  request(request: Request): Promise<unknown> {
    return new Promise((resolve, reject) => this.requests.push({ request, resolve, reject }));
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('NotebookModel', () => {
  it('folds a streamed run: drones, generations, Pareto front, champion', () => {
    const model = new NotebookModel();
    let changes = 0;
    model.changed.connect(() => changes++);
    const events = syntheticRun({ drones: 40, generations: 4, seed: 1 });
    model.applyEvents(events.slice(0, 10));
    model.applyEvents(events.slice(10));
    expect(changes).toBe(2);
    const run = model.activeRun!;
    expect(run.drones).toHaveLength(40);
    expect(run.generations.size).toBe(4);
    expect(run.isLive).toBe(false);
    expect(run.championId).toBe(run.bestDrone!.id);
    expect(run.pareto.has(run.championId!)).toBe(true);
    expect(model.effectiveSelection).toEqual({ runId: run.runId, droneId: run.championId, isDefault: true });
  });

  it('replaces a re-evaluated drone in place and keeps the best drone right', () => {
    const model = new NotebookModel();
    const events = syntheticRun({ drones: 10, generations: 1, finished: false });
    model.applyEvents(events);
    const run = model.activeRun!;
    const best = run.bestDrone!;
    const worse = { ...best, score: -1, foldScores: [-1] };
    model.applyEvents([{ type: 'drone.evaluated', runId: run.runId, time: 't', drone: worse }]);
    expect(run.drones).toHaveLength(10);
    expect(run.drone(best.id)!.score).toBe(-1);
    expect(run.bestDrone!.id).not.toBe(best.id);
  });

  it('shares one selection; selecting in another run activates it; a snapshot without it clears it', () => {
    const model = new NotebookModel();
    model.applySnapshot([
      { runId: 'a', events: syntheticRun({ drones: 5, runId: 'a' }) },
      { runId: 'b', events: syntheticRun({ drones: 5, runId: 'b', seed: 2 }) },
    ]);
    expect(model.activeRun!.runId).toBe('b');
    let selections = 0;
    model.selectionChanged.connect(() => selections++);
    model.select({ runId: 'a', droneId: 'd2' });
    expect(model.activeRun!.runId).toBe('a');
    expect(model.effectiveSelection).toEqual({ runId: 'a', droneId: 'd2', isDefault: false });
    model.select({ runId: 'a', droneId: 'd2' });
    expect(selections).toBe(1);
    model.applySnapshot([{ runId: 'b', events: syntheticRun({ drones: 5, runId: 'b', seed: 2 }) }]);
    expect(model.selection).toBeNull();
    expect(model.runs.map((r) => r.runId)).toEqual(['b']);
  });

  it('compares every run unless hidden', () => {
    const model = new NotebookModel();
    model.applyEvents([
      ...syntheticRun({ drones: 3, runId: 'a' }),
      ...syntheticRun({ drones: 3, runId: 'b' }),
    ]);
    model.setCompared('a', false);
    expect(model.comparedRuns.map((r) => r.runId)).toEqual(['b']);
    model.setCompared('a', true);
    expect(model.comparedRuns).toHaveLength(2);
  });

  it('compares by default only the runs on the same data as the one shown, and any run the user ticks', () => {
    const model = new NotebookModel();
    const other = syntheticRun({ drones: 3, runId: 'other' }).map((e) =>
      e.type === 'run.started'
        ? { ...e, dataset: { ...e.dataset, fingerprint: 'beef', target: 'species' } }
        : e,
    );
    model.applyEvents([
      ...other,
      ...syntheticRun({ drones: 3, runId: 'a' }),
      ...syntheticRun({ drones: 3, runId: 'b' }),
    ]);
    expect(model.activeRun!.runId).toBe('b');
    expect(model.comparedRuns.map((r) => r.runId)).toEqual(['a', 'b']);
    expect(model.isCompared('other')).toBe(false);
    model.setCompared('other', true);
    expect(model.comparedRuns.map((r) => r.runId)).toEqual(['other', 'a', 'b']);
    model.setCompared('other', false);
    expect(model.isCompared('other')).toBe(false);
    // shown in the lineage, a run on other data is compared with the runs on its own data, not with these
    model.setCompared('other', true);
    model.setActiveRun('other');
    expect(model.comparedRuns.map((r) => r.runId)).toEqual(['other']);
  });

  it('asks for importance once, folds the answer, and reports failures', async () => {
    const model = new NotebookModel();
    model.applyEvents(syntheticRun({ drones: 6, generations: 1, runId: 'r' }));
    expect(model.importance('r', 'd1')).toEqual({ state: 'unknown' });
    const port = new FakePort();
    model.setPort(port);
    model.requestImportance('r', 'd1');
    model.requestImportance('r', 'd1');
    expect(port.requests).toHaveLength(1);
    expect(model.importance('r', 'd1')).toEqual({ state: 'pending' });
    port.requests[0].resolve({
      droneId: 'd1',
      metric: 'accuracy',
      features: [{ feature: 'x', importance: 0.3, std: 0.1 }],
    });
    await flush();
    const got = model.importance('r', 'd1');
    expect(got.state).toBe('ready');
    if (got.state === 'ready') expect(got.value.features[0].feature).toBe('x');

    model.requestConfusion('r', 'd2');
    port.requests[1].reject(new Error('comm message rejected'));
    await flush();
    expect(model.confusion('r', 'd2')).toEqual({ state: 'error', message: 'comm message rejected' });
  });

  it('says when there is no kernel to ask', () => {
    const model = new NotebookModel();
    model.applyEvents(syntheticRun({ drones: 3, runId: 'r' }));
    model.requestConfusion('r', 'd0');
    expect(model.confusion('r', 'd0')).toEqual({
      state: 'error',
      message: 'Not connected to a BeeMind kernel.',
    });
  });

  it('forgets everything on reset (kernel restart)', () => {
    const model = new NotebookModel();
    model.applyEvents(syntheticRun({ drones: 3, runId: 'r' }));
    model.select({ runId: 'r', droneId: 'd1' });
    model.reset({ status: 'restarting', message: 'restarting' });
    expect(model.runs).toHaveLength(0);
    expect(model.selection).toBeNull();
    expect(model.status.status).toBe('restarting');
  });

  it('treats an ensemble champion as the default selection and lists its members', () => {
    const model = new NotebookModel();
    const events = syntheticRun({ drones: 6, generations: 1, runId: 'r' });
    const finished = events[events.length - 1];
    if (finished.type !== 'run.finished') throw new Error('expected run.finished last');
    events[events.length - 1] = {
      ...finished,
      championId: 'ensemble',
      ensemble: {
        members: [
          { id: 'd1', weight: 0.5 },
          { id: 'd3', weight: 0.5 },
        ],
        score: 0.99,
      },
    };
    model.applyEvents(events);
    expect(model.effectiveSelection).toMatchObject({ droneId: 'ensemble', isDefault: true });
    expect(model.activeRun!.championMembers).toEqual(['d1', 'd3']);
  });

  it('reads the author and project from run.started, null for runs recorded without them', () => {
    const model = new NotebookModel();
    model.applyEvents([
      ...syntheticRun({ drones: 2, runId: 'shared', user: 'ada', project: 'churn' }),
      ...syntheticRun({ drones: 2, runId: 'old' }),
      ...syntheticRun({ drones: 2, runId: 'blank', user: '', project: '' }),
    ]);
    expect([model.run('shared')!.user, model.run('shared')!.project]).toEqual(['ada', 'churn']);
    expect([model.run('old')!.user, model.run('old')!.project]).toEqual([null, null]);
    expect([model.run('blank')!.user, model.run('blank')!.project]).toEqual([null, null]);
  });
});
