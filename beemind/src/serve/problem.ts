/**
 * This module contains the server's error responses: problem details in the style of RFC 9457
 * (`application/problem+json` with type, title, status, detail, instance), the HttpProblem error that routes
 * throw, and the conversion of every other error (fastify's validation, body limit, a BeeMind error, a bug)
 * into one, so that no response ever carries a stack trace.
 */
import { BeeMindError } from '../core/errors.js';
import type { FieldProblem } from './input.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** Problem types are documented in docs/serve.md under this anchor prefix. */
const TYPE_BASE = 'https://beemind.dev/problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** One entry per wrong field (validation problems). */
  errors?: FieldProblem[];
  /** How many field problems there were in all (errors lists at most 50). */
  errorCount?: number;
}

const TITLES: ReadonlyMap<number, string> = new Map([
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [413, 'Content Too Large'],
  [415, 'Unsupported Media Type'],
  [422, 'Unprocessable Content'],
  [429, 'Too Many Requests'],
  [500, 'Internal Server Error'],
  [503, 'Service Unavailable'],
]);

/** An error a route throws to answer with a problem body. `slug` names the problem type. */
export class HttpProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly slug: string,
    detail: string,
    readonly extra: { errors?: FieldProblem[]; errorCount?: number } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }

  body(instance?: string): ProblemBody {
    return {
      type: `${TYPE_BASE}${this.slug}`,
      title: TITLES.get(this.statusCode) ?? 'Error',
      status: this.statusCode,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...this.extra,
    };
  }
}

/** Fastify's own client errors (FST_ERR_…) by code: the problem slug to report them under. */
const FASTIFY_CLIENT_ERRORS: ReadonlyMap<string, string> = new Map([
  ['FST_ERR_CTP_BODY_TOO_LARGE', 'body-too-large'],
  ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 'unsupported-media-type'],
  ['FST_ERR_CTP_EMPTY_JSON_BODY', 'invalid-body'],
  ['FST_ERR_CTP_INVALID_JSON_BODY', 'invalid-body'],
  ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 'invalid-body'],
]);

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
}

/**
 * The HttpProblem for any error thrown while serving: HttpProblem as it is, fastify's schema validation as a
 * 400 naming each wrong field, fastify's client errors (4xx) with their message, a BeeMind error as a 400 with
 * its message, anything else as a 500 whose detail says only that it was logged (a bug; never its stack).
 */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const e = (error ?? {}) as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    const errors: FieldProblem[] = e.validation.map((v) => {
      const named = v.params?.missingProperty ?? v.params?.additionalProperty;
      const missing = typeof named === 'string' ? `/${named}` : '';
      const pointer = `${v.instancePath ?? ''}${missing}`;
      const rowMatch = /^\/rows\/(\d+)/.exec(pointer);
      return {
        pointer:
          `${e.validationContext === 'body' || !e.validationContext ? '' : `/${e.validationContext}`}${pointer}` ||
          '/',
        field: pointer.split('/').filter(Boolean).at(-1) ?? e.validationContext ?? 'body',
        row: rowMatch ? Number(rowMatch[1]) : -1,
        // an enum's message ("must be equal to one of the allowed values") with the values
        detail: `${v.message ?? 'is invalid'}${Array.isArray(v.params?.allowedValues) ? ` (${v.params.allowedValues.join(', ')})` : ''}`,
      };
    });
    const where = e.validationContext === 'body' ? 'request body' : (e.validationContext ?? 'request');
    return new HttpProblem(
      400,
      'invalid-request',
      `the ${where} does not match its schema: ${errors.map((x) => `${x.pointer} ${x.detail}`).join('; ')}`,
      {
        errors,
        errorCount: errors.length,
      },
    );
  }
  const status = e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const slug =
      (e.code && FASTIFY_CLIENT_ERRORS.get(e.code)) ??
      (status === 404 ? 'not-found' : status === 429 ? 'rate-limited' : 'bad-request');
    return new HttpProblem(status, slug, e.message ?? 'bad request');
  }
  if (status === 503) return new HttpProblem(503, 'unavailable', e.message ?? 'the server is not available');
  // a store that is locked, full or unreadable is the server's trouble, not the request's
  if (error instanceof BeeMindError && error.code.startsWith('store.'))
    return new HttpProblem(503, 'store-unavailable', error.message);
  if (error instanceof BeeMindError)
    return new HttpProblem(400, error.code.replace(/[._]/g, '-'), error.message);
  return new HttpProblem(
    500,
    'internal',
    'the server failed to answer this request; the failure is in its log under this request id.',
  );
}
