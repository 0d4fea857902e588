/**
 * This module contains the catalog of served models: which version answers a request (a version, a stage,
 * or by default the traffic split, else the production stage, else the latest version), read from the
 * registry on every request so that a stage change made elsewhere takes effect at once; and the loaded
 * models, cached per (name, version) — a registered version never changes, so its cache entry never goes stale.
 */
import { TrainedModel } from '../trained/trained_model.js';
import { quote } from '../core/text.js';
import type { ExperimentStore } from '../store/experiment_store.js';
import type { ModelFile, ModelStage } from '../store/model_file.js';
import type { ModelVersion } from '../store/registry.js';
import { inputColumns, rowJsonSchema, type InputColumn } from './input.js';
import { HttpProblem } from './problem.js';
import type { SplitRouter } from './split.js';

/** A loaded version, ready to predict. */
export interface ServedModel {
  name: string;
  version: number;
  model: TrainedModel;
  columns: InputColumn[];
  /** The JSON Schema of one input row. */
  rowSchema: Record<string, unknown>;
  /** The training target's name (null for a model saved without its run). */
  target: string | null;
}

/** How a request names the version it wants. */
export type Selection =
  { by: 'default' } | { by: 'version'; version: number } | { by: 'stage'; stage: ModelStage };

/** Which version answers and why: the version asked for, a stage, the split, production, or latest as a fallback. */
export interface Resolved {
  version: number;
  selectedBy: 'version' | 'stage' | 'split' | 'production' | 'latest';
}

export class ModelCatalog {
  private readonly loaded = new Map<string, ServedModel>();
  private readonly stagesOf;
  private readonly namesQuery;

  constructor(
    private readonly store: ExperimentStore,
    private readonly splits: SplitRouter,
  ) {
    // one indexed query per request (the primary key is (name, version)); prepared once
    this.stagesOf = store.db.prepare(
      'SELECT version, stage FROM models WHERE name = ? ORDER BY version DESC',
    );
    this.namesQuery = store.db.prepare('SELECT DISTINCT name FROM models ORDER BY name');
  }

  /** The names of every registered model. */
  names(): string[] {
    return (this.namesQuery.all() as { name: string }[]).map((r) => r.name);
  }

  /** A model's versions and stages, newest first; 404 when there is no such model. */
  private versions(name: string): { version: number; stage: ModelStage }[] {
    const versions = this.stagesOf.all(name) as { version: number; stage: ModelStage }[];
    if (versions.length === 0) {
      throw new HttpProblem(
        404,
        'no-model',
        `there is no model named ${quote(name)}; GET /v1/models lists the served models.`,
      );
    }
    return versions;
  }

  /** The version that answers a request for `name` with `selection` (the caller steers a split). */
  resolve(name: string, selection: Selection, caller: string | null): Resolved {
    const versions = this.versions(name);
    const have = () => versions.map((v) => `${v.version} (${v.stage})`).join(', ');
    if (selection.by === 'version') {
      if (!versions.some((v) => v.version === selection.version)) {
        throw new HttpProblem(
          404,
          'no-version',
          `model ${quote(name)} has no version ${selection.version}; it has ${have()}.`,
        );
      }
      return { version: selection.version, selectedBy: 'version' };
    }
    if (selection.by === 'stage') {
      const found = versions.find((v) => v.stage === selection.stage);
      if (!found) {
        throw new HttpProblem(
          404,
          'no-version',
          `model ${quote(name)} has no version in stage ${selection.stage}; it has ${have()}.`,
        );
      }
      return { version: found.version, selectedBy: 'stage' };
    }
    const split = this.splits.choose(name, caller);
    if (split !== null && versions.some((v) => v.version === split))
      return { version: split, selectedBy: 'split' };
    return productionOrLatest(versions);
  }

  /** The loaded model of one version (loaded from the registry on first use, then cached). */
  load(name: string, version: number): ServedModel {
    const key = `${name}\u0000${version}`;
    const cached = this.loaded.get(key);
    if (cached) return cached;
    const file: ModelFile = this.store.models.exportModel(name, version);
    const columns = inputColumns(file);
    const served: ServedModel = {
      name,
      version,
      model: TrainedModel.fromJSON(file.model),
      columns,
      rowSchema: rowJsonSchema(columns),
      target: file.source.dataset?.target ?? null,
    };
    this.loaded.set(key, served);
    return served;
  }

  /** How many versions are loaded. */
  get loadedCount(): number {
    return this.loaded.size;
  }

  /** The registry's metadata of every version of `name`, newest first (404 when there is none). */
  describe(name: string): ModelVersion[] {
    this.versions(name);
    return this.store.models.list(name);
  }

  /** The version a request without a version or stage would get now (for listings), ignoring splits. */
  defaultVersion(name: string): Resolved {
    return productionOrLatest(this.versions(name));
  }
}

/** The newest production version, else the latest version (versions come newest first). */
function productionOrLatest(versions: readonly { version: number; stage: ModelStage }[]): Resolved {
  const production = versions.find((v) => v.stage === 'production');
  return production
    ? { version: production.version, selectedBy: 'production' }
    : { version: versions[0].version, selectedBy: 'latest' };
}
