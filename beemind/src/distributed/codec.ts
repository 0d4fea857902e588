/**
 * This module contains the wire forms of what crosses Redis besides job payloads: the search data of a run
 * (named by the SHA-256 of its bytes, its content key) and an evaluation's outcome. Both are binary envelopes,
 * so a worker evaluates exactly the numbers the run has and the run gets back exactly the worker's scores.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ProtocolError } from '../core/errors.js';
import type { Column } from '../data/frame.js';
import type { Outcome } from '../evaluation/pool/outcome.js';
import type { EvaluationData, EvaluationResult } from '../evaluation/evaluate.js';
import { decodeEnvelope, encodeEnvelope, type DecodeOptions, type EnvelopeArray } from './envelope.js';
import { describeIssues } from '../protocol/issues.js';

const index = z.number().int().nonnegative();

const DatasetMetaSchema = z.object({
  v: z.literal(1),
  rows: z.number().int().nonnegative(),
  task: z.enum(['classification', 'regression']),
  nClasses: z.number().int().nonnegative(),
  columns: z.array(
    z.union([
      z.object({ name: z.string(), kind: z.enum(['numeric', 'boolean']), array: index }),
      z.object({ name: z.string(), kind: z.literal('categorical'), values: z.array(z.string().nullable()) }),
    ]),
  ),
  y: index,
  folds: z.array(z.object({ train: index, test: index })),
});

const SerializedErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  stack: z.string().optional(),
  code: z.string().optional(),
});

const OutcomeMetaSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    seconds: z.number(),
    value: z.object({
      foldScores: index,
      predictions: index.nullable(),
      predictionColumns: z.number().int(),
      fitSeconds: z.number(),
      predictSeconds: z.number(),
      modelSize: z.number(),
    }),
  }),
  z.object({ status: z.enum(['failed', 'crashed']), seconds: z.number(), error: SerializedErrorSchema }),
  z.object({ status: z.literal('timeout'), seconds: z.number() }),
  z.object({ status: z.literal('cancelled') }),
]);

function parseMeta<T>(schema: z.ZodType<T>, meta: unknown, what: string): T {
  const parsed = schema.safeParse(meta);
  if (!parsed.success) {
    throw new ProtocolError(
      'distributed.bad_payload',
      `a packed ${what} does not have the expected shape: ${describeIssues(parsed.error, '(root)', 1)}.`,
    );
  }
  return parsed.data;
}

function typed<T extends EnvelopeArray>(
  arrays: EnvelopeArray[],
  at: number,
  Ctor: abstract new (...args: never[]) => T,
  what: string,
): T {
  const a = arrays[at];
  if (Object.prototype.toString.call(a) !== `[object ${(Ctor as unknown as { name: string }).name}]`)
    throw new ProtocolError(
      'distributed.bad_payload',
      `a packed ${what} refers to a missing or mistyped array.`,
    );
  return a as T;
}

/** Packs the search data of a run. */
export function encodeDataset(data: EvaluationData): Buffer {
  const arrays: EnvelopeArray[] = [];
  const add = (a: EnvelopeArray) => arrays.push(a) - 1;
  const columns = data.features.columns.map((c) =>
    c.kind === 'categorical'
      ? { name: c.name, kind: c.kind, values: [...c.values] }
      : { name: c.name, kind: c.kind, array: add(c.values) },
  );
  const meta: z.infer<typeof DatasetMetaSchema> = {
    v: 1,
    rows: data.features.rows,
    task: data.task,
    nClasses: data.nClasses,
    columns,
    y: add(data.y),
    folds: data.folds.map((f) => ({ train: add(f.train), test: add(f.test) })),
  };
  return encodeEnvelope(meta, arrays);
}

/** Unpacks search data; with `shared`, its arrays live in shared memory for the evaluation threads. */
export function decodeDataset(bytes: Uint8Array, options: DecodeOptions = {}): EvaluationData {
  const { meta: raw, arrays } = decodeEnvelope(bytes, options);
  const meta = parseMeta(DatasetMetaSchema, raw, 'dataset');
  const columns = meta.columns.map((c): Column =>
    c.kind === 'categorical'
      ? { name: c.name, kind: c.kind, values: c.values }
      : { name: c.name, kind: c.kind, values: typed(arrays, c.array, Float64Array, 'dataset') },
  );
  return {
    features: { rows: meta.rows, columns },
    y: typed(arrays, meta.y, Float64Array, 'dataset'),
    task: meta.task,
    nClasses: meta.nClasses,
    folds: meta.folds.map((f) => ({
      train: typed(arrays, f.train, Int32Array, 'dataset'),
      test: typed(arrays, f.test, Int32Array, 'dataset'),
    })),
  };
}

/** The content key of packed data: the hex SHA-256 of its bytes. */
export function contentKey(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Packs an evaluation's outcome (scores and predictions as raw float64). */
export function encodeOutcome(outcome: Outcome<EvaluationResult>): Buffer {
  if (outcome.status !== 'ok') return encodeEnvelope(outcome, []);
  const r = outcome.value;
  const arrays: EnvelopeArray[] = [Float64Array.from(r.foldScores)];
  if (r.predictions) arrays.push(r.predictions);
  const meta: z.infer<typeof OutcomeMetaSchema> = {
    status: 'ok',
    seconds: outcome.seconds,
    value: {
      foldScores: 0,
      predictions: r.predictions ? 1 : null,
      predictionColumns: r.predictionColumns,
      fitSeconds: r.fitSeconds,
      predictSeconds: r.predictSeconds,
      modelSize: r.modelSize,
    },
  };
  return encodeEnvelope(meta, arrays);
}

export function decodeOutcome(bytes: Uint8Array): Outcome<EvaluationResult> {
  const { meta: raw, arrays } = decodeEnvelope(bytes);
  const meta = parseMeta(OutcomeMetaSchema, raw, 'result');
  if (meta.status !== 'ok') return meta;
  const v = meta.value;
  return {
    status: 'ok',
    seconds: meta.seconds,
    value: {
      foldScores: Array.from(typed(arrays, v.foldScores, Float64Array, 'result')),
      predictions: v.predictions === null ? null : typed(arrays, v.predictions, Float64Array, 'result'),
      predictionColumns: v.predictionColumns,
      fitSeconds: v.fitSeconds,
      predictSeconds: v.predictSeconds,
      modelSize: v.modelSize,
    },
  };
}
