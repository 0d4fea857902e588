/**
 * This module contains the JSON Schemas of the server's routes: fastify validates requests and serialises
 * responses with them, and @fastify/swagger builds /openapi.json from the very same objects (with each served
 * model's row schema added, see openapi.ts).
 */

export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'an error, as RFC 9457 problem details (application/problem+json)',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: {
      type: 'string',
      description: 'the request id (X-Request-Id), to find the request in the log',
    },
    errorCount: { type: 'integer' },
    errors: {
      type: 'array',
      description: 'one entry per wrong field (at most 50; errorCount counts them all)',
      items: {
        type: 'object',
        properties: {
          pointer: { type: 'string', description: 'JSON Pointer to the field, e.g. /rows/3/sepal_length' },
          field: { type: 'string' },
          row: { type: 'integer', description: 'row index from 0 (-1 when the problem is not in one row)' },
          detail: { type: 'string' },
        },
        required: ['pointer', 'field', 'row', 'detail'],
      },
    },
  },
  required: ['type', 'title', 'status', 'detail'],
} as const;

/** An error response: a problem body under its own media type. */
export const problemResponse = {
  description:
    'a problem (RFC 9457): type, title, status, detail, instance, and for validation errors each wrong field',
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
};

/** Error responses every authenticated route can give. */
export const errorResponses = {
  400: problemResponse,
  401: problemResponse,
  403: problemResponse,
  404: problemResponse,
  429: problemResponse,
} as const;

export const modelNameParam = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$',
  description: 'the registered model name',
} as const;

/** The path parameters of a route about one model. */
export const modelParams = {
  type: 'object',
  properties: { name: modelNameParam },
  required: ['name'],
} as const;

export const versionParam = { type: 'integer', minimum: 1, description: 'a version number' } as const;
export const stageParam = {
  type: 'string',
  enum: ['none', 'staging', 'production', 'archived'],
  description: 'a stage: the newest version in it answers',
} as const;

/** The body of a prediction request in JSON (`rowSchema` types each row; the generic route accepts any object). */
export function predictBodySchema(maxRows: number, rowSchema: Record<string, unknown> = { type: 'object' }) {
  return {
    type: 'object',
    properties: {
      rows: {
        type: 'array',
        minItems: 1,
        maxItems: maxRows,
        items: rowSchema,
        description: 'the rows to predict, as objects keyed by feature column',
      },
      probabilities: {
        type: 'boolean',
        default: false,
        description: 'also return class probabilities (classification models)',
      },
    },
    required: ['rows'],
    additionalProperties: false,
  };
}

export const csvBodySchema = {
  type: 'string',
  description:
    'CSV text: a header row naming the feature columns, then one line per row (missing values: empty, NA, NaN, ?)',
} as const;

export const predictQuerySchema = {
  type: 'object',
  properties: {
    probabilities: {
      type: 'boolean',
      description: 'also return class probabilities (for CSV bodies; JSON bodies may say it in the body)',
    },
  },
  additionalProperties: false,
} as const;

export const predictResponseSchema = {
  type: 'object',
  properties: {
    model: { type: 'string' },
    version: {
      type: 'integer',
      description: 'the version that answered (also in the X-BeeMind-Model-Version header)',
    },
    selectedBy: {
      type: 'string',
      enum: ['version', 'stage', 'split', 'production', 'latest'],
      description:
        'why this version answered: asked for, by stage, by the traffic split, the production stage, or the latest version because no version is in production',
    },
    target: { type: ['string', 'null'], description: 'the column the model predicts' },
    predictions: {
      type: 'array',
      items: { type: ['string', 'number', 'null'] },
      description: 'one class label or value per input row, in input order',
    },
    classes: {
      type: 'array',
      items: { type: 'string' },
      description: 'with probabilities: the classes, in column order',
    },
    probabilities: {
      type: 'array',
      items: { type: 'array', items: { type: 'number' } },
      description:
        'with probabilities: one array per row, one probability per class (in the order of classes)',
    },
  },
  required: ['model', 'version', 'selectedBy', 'target', 'predictions'],
} as const;

const versionInfoSchema = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    stage: { type: 'string' },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
    description: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    runId: { type: ['string', 'null'] },
    droneId: { type: ['string', 'null'] },
    metric: { type: ['string', 'null'], description: 'the metric of its run' },
    score: { type: ['number', 'null'], description: 'cross-validated score in its run' },
    testScore: { type: ['number', 'null'], description: "score on its run's held-out test rows" },
  },
} as const;

export const modelListResponseSchema = {
  type: 'object',
  properties: {
    models: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          task: { type: 'string' },
          versions: { type: 'integer' },
          defaultVersion: {
            type: 'integer',
            description: 'the version answering /predict now (without a split)',
          },
          selectedBy: { type: 'string', enum: ['production', 'latest'] },
          stages: {
            type: 'object',
            additionalProperties: { type: 'integer' },
            description: 'the newest version in each stage',
          },
        },
      },
    },
  },
} as const;

export const modelResponseSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    task: { type: 'string' },
    target: { type: ['string', 'null'] },
    classes: { type: ['array', 'null'], items: { type: 'string' } },
    defaultVersion: { type: 'integer' },
    selectedBy: { type: 'string', enum: ['production', 'latest'] },
    split: {
      type: ['array', 'null'],
      items: { type: 'object', properties: { version: { type: 'integer' }, weight: { type: 'number' } } },
      description: 'the traffic split of the default route, if one is configured',
    },
    versions: { type: 'array', items: versionInfoSchema },
    input: {
      type: 'object',
      description: 'the input contract of the default version',
      properties: {
        columns: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              kind: { type: 'string' },
              nullable: { type: 'boolean' },
              min: { type: 'number' },
              max: { type: 'number' },
              examples: { type: 'array', items: { type: 'string' } },
            },
          },
        },
        rowSchema: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

export const stageBodySchema = {
  type: 'object',
  properties: {
    stage: stageParam,
    archiveOthers: {
      type: 'boolean',
      default: false,
      description: 'move the versions in that stage so far to archived',
    },
  },
  required: ['stage'],
  additionalProperties: false,
} as const;

export const healthResponseSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, models: { type: 'integer' }, loaded: { type: 'integer' } },
} as const;

export const monitoringResponseSchema = {
  type: 'object',
  properties: {
    model: { type: 'string' },
    reference: {
      type: ['object', 'null'],
      properties: { source: { type: 'string' }, rows: { type: 'integer' } },
      description:
        'the reference data (--reference NAME=CSV); null when none was given, and PSI is then null',
    },
    windowRows: { type: 'integer', description: 'rows per version in the sliding window' },
    minRows: { type: 'integer', description: 'rows a window needs before drift is computed' },
    threshold: { type: 'number', description: 'PSI at or above which a feature counts as drifted' },
    versions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          version: { type: 'integer' },
          rows: { type: 'integer', description: 'rows in the window' },
          driftedFeatures: { type: 'array', items: { type: 'string' } },
          prediction: {
            type: 'object',
            properties: { psi: { type: ['number', 'null'] }, drifted: { type: 'boolean' } },
          },
          features: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                feature: { type: 'string' },
                psi: { type: ['number', 'null'] },
                drifted: { type: 'boolean' },
                missingShare: { type: 'number' },
                unseenShare: { type: ['number', 'null'] },
              },
            },
          },
        },
      },
    },
  },
} as const;
