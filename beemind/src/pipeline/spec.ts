/**
 * This module contains the plain-object description of a pipeline used by search genomes and events,
 * `{ steps: [{ kind, params }], model: { family, params } }`, and its zod schema; pipelineFromSpec
 * (pipeline.ts) builds an unfitted Pipeline from it.
 */
import { z } from 'zod';
import { ConfigurationError } from '../core/errors.js';
import { ownData } from '../core/untrusted.js';
import { describeIssues } from '../protocol/issues.js';

const paramsSchema = z.record(z.string(), z.unknown()).default({});

export const pipelineSpecSchema = z.strictObject({
  steps: z.array(z.strictObject({ kind: z.string().min(1), params: paramsSchema })).default([]),
  model: z.strictObject({ family: z.string().min(1), params: paramsSchema }),
});

/** What a caller writes (params may be omitted). */
export type PipelineSpecInput = z.input<typeof pipelineSpecSchema>;
/** The normalised description (every params object present). */
export type PipelineSpec = z.output<typeof pipelineSpecSchema>;

/** Parses a spec, reporting every malformed field. */
export function parsePipelineSpec(spec: unknown): PipelineSpec {
  // own fields only: specs come back from stores and queues, and a `__proto__` key must not supply fields
  const result = pipelineSpecSchema.safeParse(ownData(spec));
  if (!result.success) {
    const problems = describeIssues(result.error, '(spec)');
    throw new ConfigurationError(
      'pipeline.bad_spec',
      `invalid pipeline description: ${problems}. Expected { steps: [{ kind, params }], model: { family, params } }.`,
    );
  }
  return result.data;
}
