/**
 * This module contains the dataset versions of a store: every run records the fingerprint, schema and row
 * count of the data it searched, so the versions seen, the runs of each and the model versions each trained
 * can be listed (`beemind datasets list`, store.datasets()).
 */
import type { StoreDatabase } from './sql.js';

export interface DatasetVersion {
  /** The content fingerprint: equal data, equal fingerprint. */
  fingerprint: string;
  /** The name it was given (the newest run's, when runs named it differently). */
  name: string;
  rows: number;
  /** Its feature columns, as the runs saw them. */
  features: { name: string; kind: string }[];
  target: string;
  firstSeen: string;
  lastSeen: string;
  /** The runs searched on it, oldest first. */
  runs: string[];
  /** The model versions trained on it. */
  models: { name: string; version: number }[];
}

interface RunRow {
  id: string;
  dataset_fingerprint: string;
  dataset_name: string;
  dataset_rows: number;
  dataset_schema: string;
  target: string;
  started_at: string;
}

/** The store's dataset versions, most recently used first. */
export function datasetVersions(db: StoreDatabase): DatasetVersion[] {
  const runs = db
    .prepare(
      'SELECT id, dataset_fingerprint, dataset_name, dataset_rows, dataset_schema, target, started_at FROM runs ORDER BY started_at, rowid',
    )
    .all() as RunRow[];
  const versions = new Map<string, DatasetVersion>();
  const runDataset = new Map<string, string>();
  for (const run of runs) {
    runDataset.set(run.id, run.dataset_fingerprint);
    let version = versions.get(run.dataset_fingerprint);
    if (!version) {
      const schema = JSON.parse(run.dataset_schema) as { features: { name: string; kind: string }[] };
      version = {
        fingerprint: run.dataset_fingerprint,
        name: run.dataset_name,
        rows: run.dataset_rows,
        features: schema.features.map((f) => ({ name: f.name, kind: f.kind })),
        target: run.target,
        firstSeen: run.started_at,
        lastSeen: run.started_at,
        runs: [],
        models: [],
      };
      versions.set(run.dataset_fingerprint, version);
    }
    version.name = run.dataset_name;
    version.lastSeen = run.started_at;
    version.runs.push(run.id);
  }
  const models = db
    .prepare('SELECT name, version, run_id, dataset_fingerprint FROM models ORDER BY name, version')
    .all() as { name: string; version: number; run_id: string | null; dataset_fingerprint: string | null }[];
  for (const m of models) {
    // versions saved before fingerprints were recorded with them are found through their run
    const fingerprint = m.dataset_fingerprint ?? (m.run_id ? runDataset.get(m.run_id) : undefined);
    const version = fingerprint ? versions.get(fingerprint) : undefined;
    version?.models.push({ name: m.name, version: m.version });
  }
  return [...versions.values()].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
}
