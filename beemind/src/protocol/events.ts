/**
 * This module contains the run event stream: the one versioned contract between the library, the kernel's
 * comm bridge, the JupyterLab panels, the store and the CLI. Schemas are zod; TypeScript types are derived
 * from them; docs/events.schema.json is generated from them (npm run schema).
 */
import { z } from 'zod';

export const EVENT_PROTOCOL_VERSION = 1;

const params = z.record(z.string(), z.unknown());

export const GenomeSchema = z.object({
  steps: z.array(z.object({ kind: z.string(), params })),
  model: z.object({ family: z.string(), params }),
});

export const DroneStatusSchema = z.enum(['ok', 'failed', 'timeout', 'pruned']);

export const ObjectiveSchema = z.object({
  /** e.g. `accuracy`, `fit_seconds`, `model_size`, `predict_seconds`. */
  name: z.string(),
  direction: z.enum(['maximize', 'minimize']),
});

export const ColumnSchemaSchema = z.object({
  name: z.string(),
  kind: z.enum(['numeric', 'boolean', 'categorical']),
  missing: z.number(),
  distinct: z.number(),
  min: z.number().optional(),
  max: z.number().optional(),
  mean: z.number().optional(),
  top: z.array(z.object({ value: z.string(), count: z.number() })).optional(),
});

export const DroneSchema = z.object({
  id: z.string(),
  generation: z.number().int().nonnegative(),
  parents: z.array(z.string()),
  /** How the drone was made: init, portfolio, random, grid, tpe, crossover, mutation, … */
  operator: z.string(),
  genome: GenomeSchema,
  family: z.string(),
  status: DroneStatusSchema,
  /** Primary metric on each validation fold (empty when the drone did not finish). */
  foldScores: z.array(z.number()),
  /** Mean primary metric, or null when failed/timed out. */
  score: z.number().nullable(),
  /** One value per run objective, in the run's objective order (null when unknown). */
  objectives: z.array(z.number().nullable()),
  fitSeconds: z.number(),
  predictSeconds: z.number(),
  /** Fraction of the training rows used (successive halving evaluates on growing fractions). */
  fraction: z.number(),
  error: z.string().optional(),
});

/** The number of a drone id `d12` (a run numbers its drones in the order it proposes them); 0 for any other id. */
export function droneNumber(id: string): number {
  return Number(/^d(\d+)$/.exec(id)?.[1] ?? 0);
}

const base = { runId: z.string(), time: z.string() };

export const RunStartedSchema = z.object({
  type: z.literal('run.started'),
  version: z.literal(EVENT_PROTOCOL_VERSION),
  ...base,
  name: z.string(),
  /** Who started it and the project it belongs to (absent in runs recorded before stores were shared). */
  user: z.string().optional(),
  project: z.string().optional(),
  seed: z.number(),
  config: z.record(z.string(), z.unknown()),
  metric: z.string(),
  objectives: z.array(ObjectiveSchema),
  dataset: z.object({
    name: z.string(),
    rows: z.number(),
    fingerprint: z.string(),
    task: z.enum(['classification', 'regression']),
    target: z.string(),
    classes: z.array(z.string()).nullable(),
    /**
     * Classification: the metric of always predicting the most frequent class of the search rows (with the
     * class shares as probabilities), the score a model must beat (absent in runs recorded before it was kept).
     */
    baseline: z.object({ predicts: z.string(), score: z.number() }).optional(),
    /** The columns the models see (the table's, without those set aside by screening). */
    features: z.array(ColumnSchemaSchema),
    /** Columns set aside before the search, and why (absent in runs recorded before screening existed). */
    dropped: z
      .array(
        z.object({
          column: z.string(),
          reason: z.enum(['constant', 'duplicate', 'identifier']),
          of: z.string().optional(),
        }),
      )
      .optional(),
  }),
});

export const DroneEvaluatedSchema = z.object({
  type: z.literal('drone.evaluated'),
  ...base,
  drone: DroneSchema,
});

export const GenerationCompletedSchema = z.object({
  type: z.literal('generation.completed'),
  ...base,
  generation: z.number().int().nonnegative(),
  bestId: z.string().nullable(),
  bestScore: z.number().nullable(),
  paretoIds: z.array(z.string()),
  /** Mean pairwise genome distance in [0, 1] across the generation. */
  diversity: z.number(),
  evaluated: z.number(),
});

export const ImportanceComputedSchema = z.object({
  type: z.literal('importance.computed'),
  ...base,
  droneId: z.string(),
  method: z.enum(['permutation', 'model']),
  metric: z.string(),
  features: z.array(z.object({ feature: z.string(), importance: z.number(), std: z.number() })),
});

export const LeaderboardRowSchema = z.object({
  rank: z.number(),
  id: z.string(),
  family: z.string(),
  score: z.number(),
  std: z.number(),
  fitSeconds: z.number(),
  generation: z.number(),
});

export const RunFinishedSchema = z.object({
  type: z.literal('run.finished'),
  ...base,
  status: z.enum(['completed', 'interrupted', 'failed']),
  /** Which limit ended the run: time, evaluations, stagnation, exhausted, interrupted, error. */
  reason: z.string(),
  championId: z.string().nullable(),
  ensemble: z
    .object({
      members: z.array(z.object({ id: z.string(), weight: z.number() })),
      score: z.number(),
      /** greedy: the members' weighted average (weight: its share); stack: a level-2 model combines them (weight:
       *  the member's share of its coefficients). Absent in runs recorded before stacking. */
      kind: z.enum(['greedy', 'stack']).optional(),
    })
    .nullable(),
  leaderboard: z.array(LeaderboardRowSchema),
  testScore: z.number().nullable(),
  /** Rows the delivered champion was fit on: every row given to evolve, or the search rows alone when no time was
   *  left to refit it on every row. Absent without a champion, and in runs recorded before it was kept. */
  championRows: z.number().int().optional(),
  elapsedSeconds: z.number(),
  evaluated: z.number(),
  error: z.string().optional(),
});

export const RunEventSchema = z.discriminatedUnion('type', [
  RunStartedSchema,
  DroneEvaluatedSchema,
  GenerationCompletedSchema,
  ImportanceComputedSchema,
  RunFinishedSchema,
]);

export type Genome = z.infer<typeof GenomeSchema>;
export type DroneStatus = z.infer<typeof DroneStatusSchema>;
export type Objective = z.infer<typeof ObjectiveSchema>;
export type Drone = z.infer<typeof DroneSchema>;
export type RunStarted = z.infer<typeof RunStartedSchema>;
export type DroneEvaluated = z.infer<typeof DroneEvaluatedSchema>;
export type GenerationCompleted = z.infer<typeof GenerationCompletedSchema>;
export type ImportanceComputed = z.infer<typeof ImportanceComputedSchema>;
export type LeaderboardRow = z.infer<typeof LeaderboardRowSchema>;
export type RunFinished = z.infer<typeof RunFinishedSchema>;
export type RunEvent = z.infer<typeof RunEventSchema>;

/** The JSON Schema of the event stream (written to docs/events.schema.json). */
export function eventJsonSchema(): unknown {
  return z.toJSONSchema(RunEventSchema, { target: 'draft-2020-12' });
}
