// Shared pieces of the server tests: a temporary store with tiny registered models (iris: two versions,
// diabetes: one) and API keys, and a log stream that keeps what the server logged.
import './require_esm.js';
import { Writable } from 'node:stream';
import { evolve } from '../../src/automl/evolve.js';
import type { Run } from '../../src/automl/run.js';
import { toDataset, type Dataset } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/datasets.js';
import { ApiKeys, type CreatedApiKey } from '../../src/store/api_keys.js';
import { saveModel } from '../../src/store/api.js';
import { ExperimentStore } from '../../src/store/experiment_store.js';
import { tempStore } from '../store/helpers.js';

export interface Fixture {
  store: string;
  iris: Dataset;
  diabetes: Dataset;
  irisRun: Run;
  keys: {
    admin: CreatedApiKey;
    reader: CreatedApiKey;
    diabetesOnly: CreatedApiKey;
    revoked: CreatedApiKey;
  };
}

const tiny = {
  families: ['decision_tree'],
  budget: { evaluations: 3 },
  workers: 0,
  importance: false,
} as const;

/**
 * A store holding `iris` version 1 (none) and version 2 (production), both decision trees from one run, and
 * `diabetes` version 1 (none, so its default falls back to the latest), plus four keys (one revoked).
 */
export async function buildFixture(store = tempStore()): Promise<Fixture> {
  const iris = toDataset(await loadDataset('iris'), { target: 'species' });
  const diabetes = toDataset(await loadDataset('diabetes'), { target: 'progression' });
  const irisRun = await evolve(iris, { ...tiny, store, seed: 1 });
  const diabetesRun = await evolve(diabetes, { ...tiny, store, seed: 1 });
  await saveModel(irisRun, 'iris', { store });
  await saveModel(irisRun, 'iris', { store, stage: 'production' });
  await saveModel(diabetesRun, 'diabetes', { store });
  const keys = ApiKeys.of(ExperimentStore.open(store));
  const revoked = keys.create({ name: 'old' });
  keys.revoke(revoked.id);
  return {
    store,
    iris,
    diabetes,
    irisRun,
    keys: {
      admin: keys.create({ name: 'ops', admin: true }),
      reader: keys.create({ name: 'app' }),
      diabetesOnly: keys.create({ name: 'clinic', models: ['diabetes'] }),
      revoked,
    },
  };
}

/** The first `n` rows of a dataset's features as JSON objects (numbers, strings, null for missing). */
export function jsonRows(data: Dataset, n: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < Math.min(n, data.features.rows); i++) {
    const row: Record<string, unknown> = {};
    for (const c of data.features.columns) {
      const v = c.values[i];
      row[c.name] = typeof v === 'number' && Number.isNaN(v) ? null : c.kind === 'boolean' ? v === 1 : v;
    }
    rows.push(row);
  }
  return rows;
}

/** A writable stream that keeps every log line, for the server's logStream. */
export function logCollector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export const bearer = (key: { secret: string }) => ({ authorization: `Bearer ${key.secret}` });
