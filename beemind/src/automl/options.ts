/**
 * This module contains the options of `evolve()`: one zod schema with the defaults, from which the
 * TypeScript type is derived. The CLI and the kernel pass user input through it.
 */
import os from 'node:os';
import { z } from 'zod';
import { parseParams } from '../models/estimator.js';
import type { PipelineSpace } from '../search/genome.js';
import { QueueNameSchema } from '../distributed/protocol.js';
import type { HalvingSettings } from './halving.js';

export const ObjectiveNameSchema = z.enum(['score', 'fit_seconds', 'model_size', 'predict_seconds']);
export type ObjectiveName = z.infer<typeof ObjectiveNameSchema>;

export const BudgetSchema = z
  .object({
    /** Wall-clock limit of the whole run, refit and explanation included. */
    seconds: z.number().positive().optional(),
    /** Maximum number of drones evaluated (the only limit that keeps runs reproducible for a seed). */
    evaluations: z.number().int().positive().optional(),
    /** Per-drone limit; a drone past it is stopped (its worker terminated) and recorded as timeout. */
    evaluationSeconds: z.number().positive().optional(),
    /** Stop after this many generations without improvement of the best score. */
    patience: z.number().int().positive().optional(),
  })
  .strict();

const ValidationSchema = z.union([
  z
    .object({
      folds: z.number().int().min(2).max(20),
      /** Cross-validation repeated on this many shuffles of the rows (scikit-learn's RepeatedKFold), averaged. */
      repeats: z.number().int().min(1).max(10).optional(),
    })
    .strict(),
  z.object({ holdout: z.number().gt(0).lt(1) }).strict(),
]);
export type Validation = z.infer<typeof ValidationSchema>;
const HalvingSchema = z.object({ minFraction: z.number().gt(0).lte(1), eta: z.number().min(2) }).strict();

export const EvolveOptionsSchema = z
  .object({
    /** Target column, when `data` is a table rather than a Dataset. */
    target: z.string().optional(),
    task: z.enum(['classification', 'regression']).optional(),
    /** When `data` is a table: drop the rows whose target is missing (by default they are refused with an error). */
    dropMissingTarget: z.boolean().optional(),
    /** Primary metric (default: accuracy or r2). */
    metric: z.string().optional(),
    /** Objectives for multi-objective search (NSGA-II when more than one); `score` is the metric. */
    objectives: z.array(ObjectiveNameSchema).min(1).default(['score']),
    budget: BudgetSchema.default({ evaluations: 60 }),
    strategy: z.enum(['evolution', 'random', 'grid', 'tpe']).default('evolution'),
    populationSize: z.number().int().min(2).default(16),
    /** Restrict the search to these model families. */
    families: z.array(z.string()).optional(),
    /** Your own pipeline space (step slots and model families with their hyperparameter spaces). */
    space: z
      .custom<PipelineSpace>((v) => typeof v === 'object' && v !== null && 'models' in v && 'slots' in v, {
        message: 'expected a PipelineSpace { slots, models }',
      })
      .optional(),
    /**
     * Modules (paths or file URLs) imported in this thread and in every evaluation worker before the search,
     * e.g. to register your own model families or preprocessing steps.
     */
    plugins: z.array(z.string()).default([]),
    /**
     * Cross-validation folds, or a holdout fraction. Default by the number of search rows (validationFor): 5
     * folds below 5,000, 3 folds below 50,000, a 20% holdout above.
     */
    validation: ValidationSchema.optional(),
    /**
     * Successive halving over growing data fractions: weak drones are pruned on a fraction of the rows. Default:
     * on from 2,000 search rows (halvingFor), where the smallest fraction still has a few hundred rows.
     */
    successiveHalving: z.union([z.boolean(), HalvingSchema]).optional(),
    /** Rows held out for the final test score and the champion's importance (0 to use all rows). */
    testSize: z.number().min(0).lt(1).default(0.2),
    /** Evaluation workers (threads); 0 evaluates in the calling thread without per-drone timeouts. */
    workers: z
      .number()
      .int()
      .min(0)
      .default(Math.max(1, Math.min(os.availableParallelism(), 8))),
    /** Per-worker heap limit, so one drone exhausting memory kills only its worker. */
    workerMemoryMb: z.number().int().min(64).default(2048),
    /**
     * Evaluate on `beemind worker` processes, on any machines, through a Redis queue (BullMQ) instead of local
     * threads: `{ redis: 'redis://user:password@host:6379', queue? }` (rediss:// for TLS). `workers` and
     * `workerMemoryMb` then do not apply; the workers' own options do. The run records the URL without its password.
     */
    backend: z
      .object({ redis: z.string().min(1), queue: QueueNameSchema.optional() })
      .strict()
      .optional(),
    /** Consider a greedy ensemble of the best drones (Caruana et al.) as the champion. */
    ensemble: z.boolean().default(true),
    /**
     * Consider a stack of the best drones as the champion: a level-2 linear model trained on their out-of-fold
     * predictions, chosen when its own out-of-fold score beats the best drone and the greedy ensemble.
     */
    stacking: z.boolean().default(true),
    /**
     * Set aside columns that cannot help a model (constant, repeating an earlier column, or an identifier: a
     * row number, or a code or name that no two rows share) before the search; the run lists them in run.droppedColumns.
     */
    screenColumns: z.boolean().default(true),
    /** Compute permutation importance of the champion at the end of the run. */
    importance: z.boolean().default(true),
    seed: z.number().int().min(0).default(0),
    name: z.string().optional(),
    /**
     * Experiment store that records the run as it goes: a file, a team's `postgres://user:password@host/db`
     * URL, or false for none. Default: the BEEMIND_STORE environment variable, else `.beemind/experiments.db`
     * under the working directory.
     */
    store: z.union([z.string().min(1), z.literal(false)]).optional(),
    /** The project the run is filed under in the store (default: BEEMIND_PROJECT, else `default`). */
    project: z.string().trim().min(1).max(200).optional(),
    /**
     * Id of a stored run to continue: its options, drones and lineage are kept, finished drones are not
     * evaluated again, and new drones join the same run. Options you pass on top may change the budget,
     * workers or strategy, not what a score means (metric, validation, seed, …). The evaluations budget
     * counts the drones already in the run; the seconds budget is for this session.
     */
    resume: z.string().min(1).optional(),
    /** Id of a stored run whose best drones (up to populationSize) are evaluated first and seed the search. */
    warmStart: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((options, ctx) => {
    const { seconds, evaluations, patience } = options.budget;
    // a grid search ends when its grid is exhausted; any other search would run until interrupted
    if (
      seconds === undefined &&
      evaluations === undefined &&
      patience === undefined &&
      options.strategy !== 'grid'
    )
      ctx.addIssue({
        code: 'custom',
        path: ['budget'],
        message:
          'a budget needs a limit: seconds ({ seconds: 30 }), evaluations ({ evaluations: 60 }) or patience; leave budget out for the default of 60 evaluations',
      });
  });

export type EvolveOptionsInput = z.input<typeof EvolveOptionsSchema>;
export type EvolveOptions = z.output<typeof EvolveOptionsSchema>;

export function parseEvolveOptions(input: unknown): EvolveOptions {
  return parseParams(EvolveOptionsSchema, input, 'evolve()', 'options');
}

/** Options with the size-dependent defaults settled for the data at hand (what the run records). */
export type SizedEvolveOptions = Omit<EvolveOptions, 'validation' | 'successiveHalving'> & {
  validation: Validation;
  successiveHalving: HalvingSettings | false;
};

/** The share of the search rows each validation fold (or the holdout) scores: a fit sees the rest. */
export function validationShare(v: Validation): number {
  return 'holdout' in v ? v.holdout : 1 / v.folds;
}

/**
 * Validation that keeps the cost of a drone in step with the data: 5 folds on small data, where the variance of
 * the estimate matters most; 3 folds from 5,000 rows (each fold still scores 1,600+ rows); one 20% holdout from
 * 50,000 rows (10,000+ scored rows), as FLAML and AutoGluon switch to a holdout on large data.
 */
export function validationFor(searchRows: number): Validation {
  if (searchRows >= 50_000) return { holdout: 0.2 };
  return { folds: searchRows >= 5_000 ? 3 : 5 };
}

export const DEFAULT_HALVING: HalvingSettings = { minFraction: 1 / 9, eta: 3 };

/** Successive halving from 2,000 search rows: below, a ninth of a fold's training rows is too few to rank drones. */
export function halvingFor(searchRows: number): HalvingSettings | false {
  return searchRows >= 2_000 ? DEFAULT_HALVING : false;
}

/** Settles the options whose default depends on the number of search rows. */
export function sizeOptions(options: EvolveOptions, searchRows: number): SizedEvolveOptions {
  const halving = options.successiveHalving ?? halvingFor(searchRows);
  return {
    ...options,
    validation: options.validation ?? validationFor(searchRows),
    successiveHalving: halving === true ? DEFAULT_HALVING : halving,
  };
}
