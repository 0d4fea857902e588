// The model registry: automatic versions, tags and stages, loading by version, `latest` or stage, a round
// trip through a fresh process with identical predictions, and export/import as one self-contained file.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { evolve } from '../../src/automl/evolve.js';
import type { Run } from '../../src/automl/run.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { loadDataset } from '../../src/data/datasets.js';
import { toDataset, type Dataset } from '../../src/data/dataset.js';
import { ExperimentStore, closeStores } from '../../src/store/experiment_store.js';
import { loadModel, saveModel } from '../../src/store/api.js';
import { FAST_FAMILIES, fixture, runNode, tempStore } from './helpers.js';

let store: string;
let iris: Dataset;
let diabetes: Dataset;
let irisRun: Run;
let diabetesRun: Run;

beforeAll(async () => {
  store = tempStore();
  iris = toDataset(await loadDataset('iris'), { target: 'species' });
  diabetes = toDataset(await loadDataset('diabetes'), { target: 'progression' });
  irisRun = await evolve(iris, {
    store,
    workers: 0,
    families: FAST_FAMILIES,
    populationSize: 6,
    budget: { evaluations: 12 },
    importance: false,
    seed: 2,
  });
  diabetesRun = await evolve(diabetes, {
    store,
    workers: 0,
    families: ['ridge', 'lasso', 'decision_tree', 'knn'],
    populationSize: 4,
    budget: { evaluations: 8 },
    importance: false,
  });
});

afterAll(() => closeStores());

/** What predict.mjs prints, computed in this process. */
function predictions(model: TrainedModel, data: Dataset) {
  const values =
    model.task === 'classification'
      ? Array.from(model.predictProba(data).data)
      : Array.from(model.predictRaw(data));
  return { labels: model.predict(data), values };
}

async function predictInFreshProcess(storePath: string, name: string, version: string, dataset: string) {
  const result = await runNode([fixture('predict.mjs'), storePath, name, version, dataset]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('the model registry', () => {
  it('numbers versions, records where a model came from, and keeps tags and stages', async () => {
    const registry = ExperimentStore.open(store).models;
    const v1 = await registry.save('iris', irisRun, { tags: { owner: 'ana' }, description: 'the champion' });
    const second = irisRun.leaderboard.rows[1].id;
    const v2 = await registry.save('iris', irisRun, { drone: second, stage: 'staging' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1).toMatchObject({
      name: 'iris',
      stage: 'none',
      task: 'classification',
      runId: irisRun.id,
      droneId: irisRun.finished.championId,
      metric: 'accuracy',
      testScore: irisRun.testScore,
      tags: { owner: 'ana' },
      description: 'the champion',
    });
    expect(v2).toMatchObject({
      droneId: second,
      score: irisRun.drone(second)!.score,
      testScore: null,
      stage: 'staging',
    });

    expect(registry.setStage('iris', 1, 'production').stage).toBe('production');
    expect(registry.setStage('iris', 2, 'production', { archiveOthers: true }).stage).toBe('production');
    expect(registry.get('iris', 1).stage).toBe('archived');
    expect(registry.get('iris', 'production').version).toBe(2);
    expect(registry.setTags('iris', 2, { reviewed: 'yes', owner: null }).tags).toEqual({ reviewed: 'yes' });
    expect(registry.list('iris').map((v) => v.version)).toEqual([2, 1]);
    expect(registry.list().map((v) => v.name)).toEqual(['iris', 'iris']);

    // the loaded models predict exactly as the run's own
    expect(predictions(registry.load('iris', 1), iris)).toEqual(predictions(irisRun.champion, iris));
    expect(predictions(registry.load('iris', 'latest'), iris)).toEqual(
      predictions(await irisRun.model(second), iris),
    );
  });

  it('explains wrong names, versions and stages', async () => {
    const registry = ExperimentStore.open(store).models;
    await expect(registry.save('no spaces', irisRun)).rejects.toMatchObject({ code: 'registry.bad_name' });
    expect(() => registry.load('nope')).toThrow(/no model named "nope".*beemind models list/);
    expect(() => registry.load('iris', 99)).toThrow(
      /model "iris" has no version 99; it has 2 \(production\), 1 \(archived\)/,
    );
    expect(() => registry.get('iris', 'staging')).toThrow(/no version in stage staging/);
    expect(() => registry.setStage('iris', 1, 'gold' as never)).toThrow(/not a model stage/);
    await expect(irisRun.model('d999')).rejects.toMatchObject({ code: 'run.no_drone' });
  });

  it('loads a model in a fresh process with identical predictions (classification and regression)', async () => {
    const iv = await saveModel(irisRun, 'iris-fresh', { store });
    const dv = await saveModel(diabetesRun, 'diabetes', { store, tags: { kind: 'regression' } });
    expect(await predictInFreshProcess(store, 'iris-fresh', String(iv.version), 'iris')).toEqual(
      predictions(irisRun.champion, iris),
    );
    const fresh = await predictInFreshProcess(store, 'diabetes', 'latest', 'diabetes');
    expect(fresh).toEqual(predictions(diabetesRun.champion, diabetes));
    expect(fresh.values.every((v: number) => Number.isFinite(v))).toBe(true);
    expect((await loadModel('diabetes', dv.version, { store })).featureNames).toEqual(diabetes.featureNames);
  });

  it('saves and loads with await alike, with identical predictions', async () => {
    const pending = saveModel(irisRun, 'round-trip', { store });
    expect(pending).toBeInstanceOf(Promise);
    const saved = await pending;
    const loading = loadModel('round-trip', 'latest', { store });
    expect(loading).toBeInstanceOf(Promise);
    const model = await loading;
    expect(model.id).toBe(saved.droneId);
    expect(predictions(model, iris)).toEqual(predictions(irisRun.champion, iris));
    await expect(loadModel('no-such-model', 'latest', { store })).rejects.toMatchObject({
      code: 'registry.no_model',
    });
  });

  it('exports a model as one file and imports it into another store', async () => {
    const registry = ExperimentStore.open(store).models;
    const file = join(dirname(store), 'iris-model.json');
    registry.exportToFile('iris', 'production', file);
    const other = tempStore('other.db');
    const imported = ExperimentStore.open(other).models.importModel(file, {
      name: 'iris-copy',
      tags: { imported: 'yes' },
    });
    expect(imported).toMatchObject({
      name: 'iris-copy',
      version: 1,
      stage: 'none',
      runId: irisRun.id,
      tags: { reviewed: 'yes', imported: 'yes' },
    });
    const original = registry.load('iris', 'production');
    expect(await predictInFreshProcess(other, 'iris-copy', '1', 'iris')).toEqual(predictions(original, iris));

    // the file carries its origin and refuses to load once edited or when it is something else
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json).toMatchObject({
      format: 'beemind.model-file',
      name: 'iris',
      modelVersion: 2,
      source: { runId: irisRun.id, dataset: { target: 'species', rows: 150 } },
    });
    json.model.members[0].weight = 0.5;
    const edited = join(dirname(store), 'edited.json');
    writeFileSync(edited, JSON.stringify(json));
    expect(() => registry.importModel(edited)).toThrow(
      expect.objectContaining({ code: 'model_file.checksum' }),
    );
    writeFileSync(edited, JSON.stringify({ hello: 'world' }));
    expect(() => registry.importModel(edited)).toThrow(/is not a BeeMind model file \(format:/);
    writeFileSync(edited, '{ not json');
    expect(() => registry.importModel(edited)).toThrow(
      expect.objectContaining({ code: 'model_file.unreadable' }),
    );
  });

  it('saves a model built without a run, an ensemble included', async () => {
    const model = TrainedModel.fromJSON(irisRun.champion.toJSON());
    const v = await saveModel(model, 'bare', { store });
    expect(v).toMatchObject({ runId: null, metric: null, score: null, droneId: irisRun.champion.id });
    expect(predictions(await loadModel('bare', 1, { store }), iris)).toEqual(
      predictions(irisRun.champion, iris),
    );
    await expect((await loadModel('bare', 1, { store })).importance()).rejects.toMatchObject({
      code: 'model.no_importance_data',
    });

    const [a, b] = diabetesRun.leaderboard.rows;
    const members = [
      { droneId: a.id, weight: 0.7, pipeline: (await diabetesRun.model(a.id)).members[0].pipeline },
      { droneId: b.id, weight: 0.3, pipeline: (await diabetesRun.model(b.id)).members[0].pipeline },
    ];
    const ensemble = new TrainedModel('regression', 'ensemble', members, diabetes.featureNames, null, () =>
      Promise.reject(new Error('unused')),
    );
    const ev = await saveModel(ensemble, 'blend', { store });
    expect(ev.droneId).toBe('ensemble');
    expect(await predictInFreshProcess(store, 'blend', '1', 'diabetes')).toEqual(
      predictions(ensemble, diabetes),
    );
  });
});
