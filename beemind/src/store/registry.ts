/**
 * This module contains the model registry: models saved under a name with automatic versions (1, 2, …),
 * tags, a description and a stage (none, staging, production, archived), loaded back by name and
 * version, `latest` or stage in any process, and exported to / imported from one self-contained file.
 */
import { TrainedModel, type TrainedModelJSON } from '../trained/trained_model.js';
import { ConfigurationError } from '../core/errors.js';
import { printable, quote } from '../core/text.js';
import { writeOutputFile } from '../core/output_file.js';
import { currentProject, currentUser } from '../core/identity.js';
import type { StoreDatabase as Database } from './sql.js';
import type { Drone, RunFinished, RunStarted } from '../protocol/events.js';
import {
  ModelStageSchema,
  modelChecksum,
  parseModelFile,
  readModelFile,
  type ModelFile,
  type ModelSource,
  type ModelStage,
} from './model_file.js';

/** A version number, `latest`, or a stage (the newest version in that stage). */
export type ModelSelector = number | 'latest' | ModelStage;

export interface ModelVersion {
  name: string;
  version: number;
  stage: ModelStage;
  tags: Record<string, string>;
  description: string;
  task: 'classification' | 'regression';
  runId: string | null;
  droneId: string | null;
  metric: string | null;
  score: number | null;
  testScore: number | null;
  createdAt: string;
  updatedAt: string;
  /** Who saved it, and the project it was saved in (null for versions saved before stores were shared). */
  user: string | null;
  project: string | null;
  /** The fingerprint of the dataset version that trained it (see ExperimentStore.datasets()). */
  datasetFingerprint: string | null;
}

export interface SaveModelOptions {
  /** With a Run: the drone to refit and save instead of the champion. */
  drone?: string;
  tags?: Record<string, string>;
  stage?: ModelStage;
  description?: string;
  /** The project it is filed under (default: the run's, else BEEMIND_PROJECT, else `default`). Any project loads it by name. */
  project?: string;
}

interface ModelRow {
  name: string;
  version: number;
  stage: ModelStage;
  tags: string;
  description: string;
  task: 'classification' | 'regression';
  run_id: string | null;
  drone_id: string | null;
  metric: string | null;
  score: number | null;
  test_score: number | null;
  created_at: string;
  updated_at: string;
  user_name: string | null;
  project: string | null;
  dataset_fingerprint: string | null;
}

/** What the artifact column holds. */
interface Artifact {
  model: TrainedModelJSON;
  source: ModelSource;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const META_COLUMNS =
  'name, version, stage, tags, description, task, run_id, drone_id, metric, score, test_score, created_at, updated_at, ' +
  'user_name, project, dataset_fingerprint';

/** Refuses a model name that is not letters, digits, '.', '_' and '-' (at most 128, starting with a letter or digit). */
export function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new ConfigurationError(
      'registry.bad_name',
      `${quote(name)} is not a valid model name: use letters, digits, '.', '_' and '-' (at most 128), starting with a letter or digit.`,
    );
  }
}

function checkStage(stage: string): ModelStage {
  const parsed = ModelStageSchema.safeParse(stage);
  if (!parsed.success)
    throw new ConfigurationError(
      'registry.bad_stage',
      `${quote(stage)} is not a model stage; choose none, staging, production or archived.`,
    );
  return parsed.data;
}

/** Reads a selector typed on a command line: digits are a version, anything else `latest` or a stage. */
export function parseModelSelector(text: string | undefined): ModelSelector {
  if (text === undefined || text === 'latest') return 'latest';
  if (/^\d+$/.test(text)) return Number(text);
  return checkStage(text);
}

/**
 * Reads a model reference typed on a command line: `name`, `name:version`, `name:latest`, `name:stage` or
 * `name@stage` (e.g. `churn`, `churn:3`, `churn@production`). Model names never contain `:` or `@`.
 */
export function parseModelReference(text: string): { name: string; selector: ModelSelector } {
  const at = Math.max(text.lastIndexOf(':'), text.lastIndexOf('@'));
  const name = at < 0 ? text : text.slice(0, at);
  checkName(name);
  return { name, selector: at < 0 ? 'latest' : parseModelSelector(text.slice(at + 1)) };
}

function toVersion(row: ModelRow): ModelVersion {
  return {
    name: row.name,
    version: row.version,
    stage: row.stage,
    tags: JSON.parse(row.tags),
    description: row.description,
    task: row.task,
    runId: row.run_id,
    droneId: row.drone_id,
    metric: row.metric,
    score: row.score,
    testScore: row.test_score,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    user: row.user_name,
    project: row.project,
    datasetFingerprint: row.dataset_fingerprint,
  };
}

/**
 * What the registry reads of a finished run (the library's Run satisfies it): its events, a drone's record, and
 * a drone (or the champion) refit as a model. The store depends on this shape, not on the search that made it.
 */
export interface FinishedRun {
  readonly id: string;
  readonly metric: string;
  readonly testScore: number | null;
  readonly started: RunStarted;
  readonly finished: RunFinished;
  drone(id: string): Drone | undefined;
  model(droneId?: string): Promise<TrainedModel>;
}

/** The source of a model saved from a run: the drone (or champion) and how it scored. */
async function fromRun(
  run: FinishedRun,
  droneId?: string,
): Promise<{ model: TrainedModel; source: ModelSource }> {
  const model = await run.model(droneId);
  const champion = droneId === undefined || droneId === run.finished.championId;
  const id = champion ? run.finished.championId : droneId!;
  const combined = champion && run.finished.ensemble !== null; // a greedy ensemble or a stack
  const score = combined ? run.finished.ensemble!.score : (run.drone(id!)?.score ?? null);
  const d = run.started.dataset;
  return {
    model,
    source: {
      runId: run.id,
      droneId: id,
      metric: run.metric,
      score,
      testScore: champion ? run.testScore : null,
      dataset: {
        name: d.name,
        fingerprint: d.fingerprint,
        target: d.target,
        rows: d.rows,
        features: d.features,
      },
    },
  };
}

export class ModelRegistry {
  constructor(private readonly db: Database) {}

  /**
   * Saves a model under `name` as its next version. With a Run, saves its champion (or `options.drone`,
   * refit on the run's search rows) and records the run, drone and scores. Async only for that refit: the
   * version is committed to the store before the promise resolves.
   */
  async save(
    name: string,
    from: FinishedRun | TrainedModel,
    options: SaveModelOptions = {},
  ): Promise<ModelVersion> {
    checkName(name);
    const { model, source } = !(from instanceof TrainedModel)
      ? await fromRun(from, options.drone)
      : {
          model: from,
          source: {
            runId: null,
            droneId: from.id,
            metric: null,
            score: null,
            testScore: null,
            dataset: null,
          },
        };
    const project = options.project ?? (from instanceof TrainedModel ? undefined : from.started.project);
    return this.register(name, model.toJSON(), source, { ...options, project });
  }

  private register(
    name: string,
    model: TrainedModelJSON,
    source: ModelSource,
    options: Omit<SaveModelOptions, 'drone'>,
  ): ModelVersion {
    const stage = checkStage(options.stage ?? 'none');
    const artifact: Artifact = { model, source };
    const time = new Date().toISOString();
    const version = this.db.writeTransaction(() => {
      const row = this.db.prepare('SELECT MAX(version) AS v FROM models WHERE name = ?').get(name) as {
        v: number | null;
      };
      const next = (row.v ?? 0) + 1;
      this.db
        .prepare(
          `INSERT INTO models (name, version, stage, tags, description, task, run_id, drone_id, metric, score, test_score, created_at, updated_at, artifact,
             user_name, project, dataset_fingerprint)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          name,
          next,
          stage,
          JSON.stringify(options.tags ?? {}),
          options.description ?? '',
          model.task,
          source.runId,
          source.droneId,
          source.metric,
          source.score,
          source.testScore,
          time,
          time,
          JSON.stringify(artifact),
          currentUser(),
          currentProject(options.project),
          source.dataset?.fingerprint ?? null,
        );
      return next;
    });
    return this.get(name, version);
  }

  /** The version a selector picks. */
  private resolve(name: string, selector: ModelSelector): number {
    const versions = this.db
      .prepare('SELECT version, stage FROM models WHERE name = ? ORDER BY version DESC')
      .all(name) as { version: number; stage: ModelStage }[];
    if (versions.length === 0) {
      throw new ConfigurationError(
        'registry.no_model',
        `there is no model named ${quote(name)} in the registry ${printable(this.db.name, { inline: true })}; list them with \`beemind models list\` or registry.list().`,
      );
    }
    const found =
      selector === 'latest'
        ? versions[0]
        : typeof selector === 'number'
          ? versions.find((v) => v.version === selector)
          : versions.find((v) => v.stage === selector);
    if (!found) {
      const have = versions.map((v) => `${v.version} (${v.stage})`).join(', ');
      throw new ConfigurationError(
        'registry.no_version',
        `model ${quote(name)} has no ${typeof selector === 'number' ? `version ${selector}` : `version in stage ${selector}`}; it has ${have}.`,
      );
    }
    return found.version;
  }

  /** The metadata of one version. */
  get(name: string, selector: ModelSelector = 'latest'): ModelVersion {
    const version = this.resolve(name, selector);
    return toVersion(
      this.db
        .prepare(`SELECT ${META_COLUMNS} FROM models WHERE name = ? AND version = ?`)
        .get(name, version) as ModelRow,
    );
  }

  /** Every version of every model (or of `name`), by name, newest version first. */
  list(name?: string): ModelVersion[] {
    const rows = (
      name === undefined
        ? this.db.prepare(`SELECT ${META_COLUMNS} FROM models ORDER BY name, version DESC`).all()
        : this.db.prepare(`SELECT ${META_COLUMNS} FROM models WHERE name = ? ORDER BY version DESC`).all(name)
    ) as ModelRow[];
    return rows.map(toVersion);
  }

  private artifact(name: string, version: number): Artifact {
    const row = this.db
      .prepare('SELECT artifact FROM models WHERE name = ? AND version = ?')
      .get(name, version) as { artifact: string };
    return JSON.parse(row.artifact) as Artifact;
  }

  /** The model, ready to predict exactly as when it was saved (synchronous; loadModel() is the async entry point). */
  load(name: string, selector: ModelSelector = 'latest'): TrainedModel {
    return TrainedModel.fromJSON(this.artifact(name, this.resolve(name, selector)).model);
  }

  /** Moves a version to a stage; with `archiveOthers`, the versions in that stage so far move to archived. */
  setStage(
    name: string,
    selector: ModelSelector,
    stage: ModelStage,
    options: { archiveOthers?: boolean } = {},
  ): ModelVersion {
    const version = this.resolve(name, selector);
    checkStage(stage);
    const time = new Date().toISOString();
    this.db.writeTransaction(() => {
      if (options.archiveOthers && stage !== 'none' && stage !== 'archived') {
        this.db
          .prepare(
            "UPDATE models SET stage = 'archived', updated_at = ? WHERE name = ? AND stage = ? AND version != ?",
          )
          .run(time, name, stage, version);
      }
      this.db
        .prepare('UPDATE models SET stage = ?, updated_at = ? WHERE name = ? AND version = ?')
        .run(stage, time, name, version);
    });
    return this.get(name, version);
  }

  /** Sets tags on a version (a null value removes that tag). */
  setTags(name: string, selector: ModelSelector, tags: Record<string, string | null>): ModelVersion {
    const version = this.resolve(name, selector);
    this.db.writeTransaction(() => {
      const row = this.db
        .prepare('SELECT tags FROM models WHERE name = ? AND version = ?')
        .get(name, version) as { tags: string };
      const merged: Record<string, string> = JSON.parse(row.tags);
      for (const [k, v] of Object.entries(tags)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      this.db
        .prepare('UPDATE models SET tags = ?, updated_at = ? WHERE name = ? AND version = ?')
        .run(JSON.stringify(merged), new Date().toISOString(), name, version);
    });
    return this.get(name, version);
  }

  /** The self-contained file of a version: its fitted pipelines, metadata and origin. */
  exportModel(name: string, selector: ModelSelector = 'latest'): ModelFile {
    const info = this.get(name, selector);
    const { model, source } = this.artifact(name, info.version);
    return {
      format: 'beemind.model-file',
      version: 1,
      name: info.name,
      modelVersion: info.version,
      stage: info.stage,
      tags: info.tags,
      description: info.description,
      createdAt: info.createdAt,
      source,
      sha256: modelChecksum(model),
      model,
    };
  }

  /** Writes exportModel() to `file` as JSON. */
  exportToFile(name: string, selector: ModelSelector, file: string, what = 'the model file'): ModelVersion {
    const exported = this.exportModel(name, selector);
    writeOutputFile(file, JSON.stringify(exported), what);
    return this.get(name, exported.modelVersion);
  }

  /**
   * Registers a model file (a path, or its parsed JSON) as the next version of `options.name` (default: the
   * name it was exported under). Tags and description come along; the stage starts at `none` unless given.
   */
  importModel(
    file: string | unknown,
    options: { name?: string; stage?: ModelStage; tags?: Record<string, string> } = {},
  ): ModelVersion {
    // parsing checks the whole model: a file whose pipelines cannot be rebuilt is refused before registering it
    const parsed = typeof file === 'string' ? readModelFile(file) : parseModelFile(file, 'the model JSON');
    const name = options.name ?? parsed.name;
    checkName(name);
    return this.register(name, parsed.model, parsed.source, {
      stage: options.stage ?? 'none',
      tags: { ...parsed.tags, ...options.tags },
      description: parsed.description,
    });
  }
}
