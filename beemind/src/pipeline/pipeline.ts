/**
 * This module contains Pipeline: preprocessing steps followed by a model, fitted together on training rows
 * and applied together to new frames, serialisable to plain JSON through the step and model registries.
 */
import '../models/families.js';
import { ConfigurationError, DataError, NotFittedError, ProtocolError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { StateReader } from '../core/untrusted.js';
import { categoryCodeColumns, columnNames, frameToMatrix, type Frame } from '../data/frame.js';
import type { Estimator, EstimatorJSON } from '../models/estimator.js';
import type { Task } from '../core/task.js';
import { createModel, estimatorFromJSON } from '../models/registry.js';
import { createTransformer, transformerFromJSON } from '../preprocessing/registry.js';
import type { Transformer, TransformerJSON } from '../preprocessing/transformer.js';
import { parsePipelineSpec, type PipelineSpec, type PipelineSpecInput } from './spec.js';

export interface PipelineFitOptions {
  /** Must match the model's task when given (a safety check for callers that carry the task separately). */
  task?: Task;
  /** Classification: number of classes (needed when a fold lacks the last class). */
  nClasses?: number;
  /** Seed handed to stochastic steps (default 0). */
  seed?: number;
}

export interface PipelineJSON {
  format: 'beemind.pipeline';
  version: 1;
  steps: TransformerJSON[];
  model: EstimatorJSON;
  /** Names of the columns the model sees; null when unfitted. */
  featureNames: string[] | null;
}

/** One model input column and its importance. */
export interface FeatureImportance {
  feature: string;
  importance: number;
}

export class Pipeline {
  readonly steps: readonly Transformer[];
  readonly model: Estimator;
  /** Column names after the last step; null until fitted. */
  private outputNames: string[] | null = null;

  constructor(steps: readonly Transformer[], model: Estimator) {
    this.steps = [...steps];
    this.model = model;
  }

  get task(): Task {
    return this.model.task;
  }

  get fitted(): boolean {
    return this.outputNames !== null;
  }

  /**
   * Fits each step in order on the previous step's output of the training rows, then the model on the final
   * frame. `y` holds class indices (classification) or values (regression).
   */
  async fit(frame: Frame, y: Float64Array, options: PipelineFitOptions = {}): Promise<this> {
    if (options.task && options.task !== this.model.task) {
      throw new ConfigurationError(
        'pipeline.task_mismatch',
        `the pipeline's model ${this.model.family} is a ${this.model.task} model but fit was asked for ${options.task}; ` +
          'create the model for the same task.',
      );
    }
    if (y.length !== frame.rows) {
      throw new DataError(
        'data.length_mismatch',
        `the pipeline got ${frame.rows} rows but ${y.length} target values; pass one target value per row.`,
      );
    }
    const context = { task: this.model.task, nClasses: options.nClasses, seed: options.seed ?? 0 };
    this.outputNames = null;
    let current = frame;
    for (const step of this.steps) {
      if (step.fitTransform) current = await step.fitTransform(current, y, context);
      else {
        await step.fit(current, y, context);
        current = step.transform(current);
      }
    }
    await this.model.fit(frameToMatrix(current, this.modelName()), y, {
      nClasses: options.nClasses,
      categorical: categoryCodeColumns(current),
    });
    this.outputNames = columnNames(current);
    return this;
  }

  /** The frame the model sees: `frame` passed through every fitted step. */
  transform(frame: Frame): Frame {
    this.checkFitted();
    return this.steps.reduce((current, step) => step.transform(current), frame);
  }

  /** Class indices (classification) or values (regression), one per row. */
  predict(frame: Frame): Float64Array {
    return this.model.predict(this.toModelInput(frame));
  }

  /** Classification only: rows × nClasses probabilities. */
  predictProba(frame: Frame): Matrix {
    if (this.model.task !== 'classification' || !this.model.predictProba) {
      throw new ConfigurationError(
        'pipeline.no_proba',
        `${this.model.family} (${this.model.task}) does not predict probabilities; use predict().`,
      );
    }
    return this.model.predictProba(this.toModelInput(frame));
  }

  /** Names of the columns the model sees, after all steps. */
  featureNames(): string[] {
    this.checkFitted();
    return [...this.outputNames!];
  }

  /** The model's importances named by the columns it sees, or null when its family defines none. */
  featureImportances(): FeatureImportance[] | null {
    this.checkFitted();
    if (!this.model.featureImportances) return null;
    const values = this.model.featureImportances();
    return this.outputNames!.map((feature, j) => ({ feature, importance: values[j] }));
  }

  /** The plain-object description of this pipeline's structure and hyperparameters (no fitted state). */
  spec(): PipelineSpec {
    return {
      steps: this.steps.map((s) => ({ kind: s.kind, params: s.getParams() })),
      model: { family: this.model.family, params: this.model.getParams() },
    };
  }

  toJSON(): PipelineJSON {
    return {
      format: 'beemind.pipeline',
      version: 1,
      steps: this.steps.map((s) => s.toJSON()),
      model: this.model.toJSON(),
      featureNames: this.outputNames ? [...this.outputNames] : null,
    };
  }

  /**
   * Rebuilds a pipeline (fitted or not) from the output of its toJSON(), checking every step's and the model's
   * state, and that a fitted pipeline is fitted throughout with one output name per model feature.
   */
  static fromJSON(json: PipelineJSON): Pipeline {
    if (json?.format !== 'beemind.pipeline' || json.version !== 1 || !Array.isArray(json.steps)) {
      throw new ProtocolError(
        'pipeline.bad_json',
        'not a serialised BeeMind pipeline (expected format "beemind.pipeline", version 1).',
      );
    }
    const pipeline = new Pipeline(json.steps.map(transformerFromJSON), estimatorFromJSON(json.model));
    const s = StateReader.of(json, 'pipeline', '');
    if (json.featureNames !== null && json.featureNames !== undefined) {
      // fitted: so is every step and the model, which has one feature per output name
      const parts = [...s.list('steps'), s.object('model')];
      const unfitted = parts.findIndex((part) => part.isNull('state'));
      if (unfitted >= 0)
        s.fail(
          `it has feature names, but ${unfitted < json.steps.length ? `step ${unfitted}` : 'its model'} is not fitted`,
        );
      pipeline.outputNames = s.strings('featureNames', {
        length: pipeline.model.nFeatures,
        unique: true,
      }) as string[];
    }
    return pipeline;
  }

  private toModelInput(frame: Frame): Matrix {
    return frameToMatrix(this.transform(frame), this.modelName());
  }

  private modelName(): string {
    return `${this.model.family} (the model at the end of the pipeline)`;
  }

  private checkFitted(): void {
    if (!this.outputNames) throw new NotFittedError('this pipeline');
  }
}

/** An unfitted pipeline for `task`, with every step's and the model's params validated. */
export function pipelineFromSpec(spec: PipelineSpecInput, task: Task): Pipeline {
  const { steps, model } = parsePipelineSpec(spec);
  return new Pipeline(
    steps.map((s) => createTransformer(s.kind, s.params)),
    createModel(model.family, task, model.params),
  );
}
