/**
 * This module contains the self-contained model file: one JSON document holding a registered model's
 * fitted pipelines, its registry metadata and where it came from, with a SHA-256 of the model so a
 * truncated or edited file is refused on import.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BeeMindError, DataError } from '../core/errors.js';
import { printable } from '../core/text.js';
import { ownData } from '../core/untrusted.js';
import { TrainedModel, type TrainedModelJSON } from '../trained/trained_model.js';
import { ColumnSchemaSchema } from '../protocol/events.js';
import { describeIssues } from '../protocol/issues.js';

export const ModelStageSchema = z.enum(['none', 'staging', 'production', 'archived']);
export type ModelStage = z.infer<typeof ModelStageSchema>;

/** Where a registered model came from (nulls for a model saved without its run). */
export const ModelSourceSchema = z.object({
  runId: z.string().nullable(),
  /** The drone saved, or `ensemble`. */
  droneId: z.string().nullable(),
  metric: z.string().nullable(),
  /** Cross-validated score of the drone (or ensemble) in its run. */
  score: z.number().nullable(),
  /** Score on the run's held-out test rows (champions only). */
  testScore: z.number().nullable(),
  dataset: z
    .object({
      name: z.string(),
      fingerprint: z.string(),
      target: z.string(),
      rows: z.number(),
      features: z.array(ColumnSchemaSchema),
    })
    .nullable(),
});
export type ModelSource = z.infer<typeof ModelSourceSchema>;

const TrainedModelShape = z
  .object({
    format: z.literal('beemind.model'),
    version: z.literal(1),
    task: z.enum(['classification', 'regression']),
    classes: z.array(z.string()).nullable(),
    featureNames: z.array(z.string()),
    members: z
      .array(z.object({ droneId: z.string(), weight: z.number(), pipeline: z.looseObject({}) }))
      .min(1),
  })
  .loose();

export const ModelFileSchema = z.object({
  format: z.literal('beemind.model-file'),
  version: z.literal(1),
  name: z.string(),
  modelVersion: z.number().int().positive(),
  stage: ModelStageSchema,
  tags: z.record(z.string(), z.string()),
  description: z.string(),
  createdAt: z.string(),
  source: ModelSourceSchema,
  /** SHA-256 (hex) of JSON.stringify(model). */
  sha256: z.string(),
  model: TrainedModelShape,
});

export interface ModelFile extends Omit<z.infer<typeof ModelFileSchema>, 'model'> {
  model: TrainedModelJSON;
}

export function modelChecksum(model: TrainedModelJSON): string {
  return createHash('sha256').update(JSON.stringify(model)).digest('hex');
}

/**
 * Validates a parsed model file completely: its shape, its checksum, and the model itself (every pipeline
 * step's and model's fitted state, see TrainedModel.fromJSON). `origin` names it in errors.
 */
export function parseModelFile(json: unknown, origin: string): ModelFile {
  const where = printable(origin, { inline: true });
  // own fields only: a `__proto__` key cannot supply fields the file lacks
  const data = ownData(json) as { model?: TrainedModelJSON };
  const parsed = ModelFileSchema.safeParse(data);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error, '(file)', 4);
    throw new DataError(
      'model_file.invalid',
      `${where} is not a BeeMind model file (${problems}); export one with \`beemind models export\` or registry.exportModel().`,
    );
  }
  // the checksum covers the model exactly as written (schema parsing may reorder keys)
  const file: ModelFile = { ...parsed.data, model: data.model! };
  if (modelChecksum(file.model) !== file.sha256) {
    throw new DataError(
      'model_file.checksum',
      `${where} was modified or truncated after export (its SHA-256 does not match the model); export it again.`,
    );
  }
  try {
    TrainedModel.fromJSON(file.model);
  } catch (error) {
    if (!(error instanceof BeeMindError)) throw error;
    throw new DataError(
      'model_file.invalid',
      `${where} is not a valid BeeMind model file: ${error.message}`,
      { cause: error },
    );
  }
  return file;
}

/** Reads and validates the model file at `path` (written by `beemind models export` or exportToFile()). */
export function readModelFile(path: string): ModelFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DataError(
        'model_file.missing',
        `there is no model file ${printable(path, { inline: true })}; write one with \`beemind models export NAME --out ${printable(path, { inline: true })}\` or registry.exportToFile().`,
        { cause: error },
      );
    throw new DataError(
      'model_file.unreadable',
      `could not read the model file ${printable(path, { inline: true })}: ${printable((error as Error).message)}.`,
      { cause: error },
    );
  }
  return parseModelFile(json, path);
}
