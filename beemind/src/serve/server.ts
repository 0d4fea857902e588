/**
 * This module contains the model server: createServer() builds the fastify application (routes under /v1,
 * health, metrics, OpenAPI and docs; API keys, rate limits, CORS, security headers, body limits, problem
 * responses, request logs), and serve() starts it on a port, preloads the models, and shuts it down gracefully —
 * on close() or, when asked, on SIGINT/SIGTERM — answering every request already received.
 */
import { randomUUID } from 'node:crypto';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { pino, type DestinationStream } from 'pino';
import { ConfigurationError } from '../core/errors.js';
import { printable, quote } from '../core/text.js';
import { selectFeatures } from '../trained/trained_model.js';
import { readCSV } from '../data/csv.js';
import { ApiKeys, type ApiKey } from '../store/api_keys.js';
import { ExperimentStore } from '../store/experiment_store.js';
import type { ModelStage } from '../store/model_file.js';
import type { Frame } from '../data/frame.js';
import { authenticate, type RouteAccess } from './auth.js';
import { resolveServeConfig, type ServeConfig, type ServeSettings } from './config.js';
import { frameFromCsv, frameFromJsonRows, type ProblemList } from './input.js';
import { ServeMetrics } from './metrics.js';
import { DriftMonitor, Reference } from './monitoring.js';
import { ModelCatalog, type Selection } from './models.js';
import { withModelPaths } from './openapi.js';
import { addRunEventsRoute } from './run_events.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE, toProblem } from './problem.js';
import {
  csvBodySchema,
  errorResponses,
  healthResponseSchema,
  modelListResponseSchema,
  modelNameParam,
  modelParams,
  modelResponseSchema,
  monitoringResponseSchema,
  predictBodySchema,
  predictQuerySchema,
  predictResponseSchema,
  problemResponse,
  problemSchema,
  stageBodySchema,
  stageParam,
  versionParam,
} from './schemas.js';
import { parseSplits, SplitRouter } from './split.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (default: anyone). */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The API key the request authenticated with (null without auth or on public routes). */
    apiKey: ApiKey | null;
  }
}

export interface ServeOptions extends ServeSettings {
  /** Where request logs go (default: stderr). */
  logStream?: DestinationStream;
  /** Stop gracefully on SIGINT and SIGTERM (the command line does). */
  handleSignals?: boolean;
  /** Adds routes or hooks of your own to the application before it starts. */
  configure?: (app: FastifyInstance) => void | Promise<void>;
}

/** The header that steers a traffic split: requests with the same value get the same version. */
export const CALLER_HEADER = 'x-beemind-caller';
export const VERSION_HEADER = 'x-beemind-model-version';
export const SELECTED_BY_HEADER = 'x-beemind-selected-by';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Log fields that may hold a secret: censored in every log record. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'secret',
];

export interface ServerParts {
  app: FastifyInstance;
  config: ServeConfig;
  catalog: ModelCatalog;
  store: ExperimentStore;
  metrics: ServeMetrics;
  /** Whether /docs is served (Node.js 20.19 or newer). */
  docs: boolean;
}

/** A route's metrics label: its pattern (bounded cardinality), never the raw URL. */
const routeLabel = (request: FastifyRequest) => request.routeOptions.url ?? 'unmatched';

/** Builds the application (not listening yet) with its catalog over the store. */
export async function createServer(options: ServeOptions = {}): Promise<ServerParts> {
  const config = resolveServeConfig(options);
  const store = ExperimentStore.open(config.store, { mustExist: true });
  const keys = ApiKeys.of(store);
  const router = new SplitRouter(parseSplits(config.splits));
  const catalog = new ModelCatalog(store, router);
  checkSplits(store, router);
  const monitor = new DriftMonitor(await loadReferences(config.references, catalog), {
    windowRows: config.monitorWindow,
    minRows: Math.min(MIN_MONITORED_ROWS, config.monitorWindow),
    threshold: config.driftThreshold,
  });
  const predictVersion = (name: string) => (version: number, frame: Frame) =>
    catalog.load(name, version).model.predict(frame);
  const metrics = new ServeMetrics(() =>
    monitor.models().map((name) => ({ model: name, versions: monitor.report(name, predictVersion(name)) })),
  );
  const logger = pino(
    { name: 'beemind-serve', level: config.logLevel, redact: { paths: REDACTED, censor: '[redacted]' } },
    options.logStream ?? pino.destination({ fd: 2, sync: false }),
  );

  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
    return503OnClosing: true,
  });
  app.decorateRequest('apiKey', null);
  /** Whether the models were loaded (readyz). */
  let ready = false;
  app.addSchema(problemSchema);

  // every failure answers with problem details: never a stack trace
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: problem.statusCode, problem: problem.slug }, problem.message);
    metrics.errors.inc({ status: String(problem.statusCode), type: problem.slug });
    return reply.code(problem.statusCode).type(PROBLEM_CONTENT_TYPE).send(problem.body(request.id));
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = new HttpProblem(
      404,
      'not-found',
      `there is no route ${request.method} ${request.url.split('?')[0].slice(0, 200)}; see /docs for the routes.`,
    );
    metrics.errors.inc({ status: '404', type: problem.slug });
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem.body(request.id));
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const access = config.auth ? (request.routeOptions.config.access ?? 'none') : 'none';
    request.apiKey = authenticate(keys, request, access);
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: routeLabel(request) };
    metrics.requests.inc({ ...labels, status: String(reply.statusCode) });
    metrics.latency.observe(labels, reply.elapsedTime / 1000);
  });

  await app.register(fastifyHelmet, {
    // swagger-ui's page needs its own inline styles; its CSP is set by @fastify/swagger-ui (staticCSP)
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'validator.swagger.io'] },
    },
  });
  await app.register(fastifyCors, {
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    methods: ['GET', 'POST', 'PUT'],
    allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'X-BeeMind-Caller', 'X-Request-Id'],
    exposedHeaders: ['X-BeeMind-Model-Version', 'X-BeeMind-Selected-By', 'X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
  if (config.rateLimit > 0) {
    await app.register(fastifyRateLimit, {
      global: true,
      hook: 'preHandler',
      max: config.rateLimit,
      timeWindow: config.rateLimitWindowSeconds * 1000,
      // per key: the key id (never the secret); without auth, per client address
      keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.id}` : `ip:${request.ip}`),
      allowList: (request) => !request.url.startsWith('/v1/'),
      errorResponseBuilder: (_request, context) =>
        new HttpProblem(
          429,
          'rate-limited',
          `more than ${context.max} requests in ${config.rateLimitWindowSeconds} s from this ${config.auth ? 'API key' : 'client'}; retry after ${context.after} (see the Retry-After header).`,
        ),
    });
  }
  await app.register(fastifySwagger, {
    openapi: {
      // 3.1: its schemas are JSON Schema, so `type: ['string', 'null']` and `examples` are valid as written
      openapi: '3.1.0',
      info: {
        title: 'BeeMind model server',
        version: '1',
        description:
          'Predictions from the models of a BeeMind experiment store. Errors are RFC 9457 problem details. ' +
          'Every prediction names the version that answered.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'an API key from `beemind keys create`' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: config.auth ? [{ bearer: [] }, { apiKey: [] }] : [],
    },
    // shared schemas become components named by their $id (`Problem`)
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  const docs = canRequireEsm(process.versions.node);
  if (docs) {
    await app.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      transformSpecificationClone: false,
      transformSpecification: (spec) => withModelPaths(spec, catalog, config.maxRows),
    });
  } else {
    app.log.warn('the interactive docs (/docs) need Node.js 20.19 or newer; /openapi.json is served');
  }

  // bodies are JSON or CSV; anything else (fastify's default text/plain too) is a 415
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: config.bodyLimitBytes },
    (_request, body, done) => done(null, body),
  );

  const publicRoute = { config: { access: 'none' as RouteAccess, rateLimit: false } };
  const hidden = { hide: true };

  app.get(
    '/healthz',
    { ...publicRoute, schema: { ...hidden, response: { 200: healthResponseSchema } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    { ...publicRoute, schema: { ...hidden, response: { 200: healthResponseSchema, 503: problemResponse } } },
    async (request) => {
      let names: string[];
      try {
        names = catalog.names();
      } catch (error) {
        // a public route: the details (the store's path among them) go to the log only
        request.log.error({ err: error }, 'the experiment store cannot be read');
        throw new HttpProblem(
          503,
          'not-ready',
          'the experiment store cannot be read; the log has the details under this request id.',
        );
      }
      if (!ready) throw new HttpProblem(503, 'not-ready', 'the models are still loading.');
      return { status: 'ready', models: names.length, loaded: catalog.loadedCount };
    },
  );
  app.get('/metrics', { config: { access: 'admin' }, schema: hidden }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/openapi.json', { ...publicRoute, schema: hidden }, async () =>
    withModelPaths(app.swagger() as unknown as Record<string, unknown>, catalog, config.maxRows),
  );

  const read = { config: { access: 'read' as RouteAccess } };
  app.get(
    '/v1/models',
    {
      ...read,
      schema: {
        summary: 'The served models',
        tags: ['models'],
        response: { 200: modelListResponseSchema, ...errorResponses },
      },
    },
    async (request) => ({
      models: catalog
        .names()
        .filter(
          (name) =>
            !request.apiKey ||
            request.apiKey.admin ||
            !request.apiKey.models ||
            request.apiKey.models.includes(name),
        )
        .map((name) => {
          const versions = catalog.describe(name);
          const stages: Record<string, number> = {};
          for (const v of versions)
            if (v.stage !== 'none' && !(v.stage in stages)) stages[v.stage] = v.version;
          const chosen = catalog.defaultVersion(name);
          return {
            name,
            task: versions[0].task,
            versions: versions.length,
            defaultVersion: chosen.version,
            selectedBy: chosen.selectedBy,
            stages,
          };
        }),
    }),
  );
  app.get<{ Params: { name: string } }>(
    '/v1/models/:name',
    {
      ...read,
      schema: {
        summary: 'A model: its versions and stages, the metrics of their runs, and the input schema',
        tags: ['models'],
        params: modelParams,
        response: { 200: modelResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { name } = request.params;
      const versions = catalog.describe(name);
      const chosen = catalog.defaultVersion(name);
      const served = catalog.load(name, chosen.version);
      return {
        name,
        task: served.model.task,
        target: served.target,
        classes: served.model.classes,
        defaultVersion: chosen.version,
        selectedBy: chosen.selectedBy,
        split: router.splits.get(name)?.shares ?? null,
        versions,
        input: { columns: served.columns, rowSchema: served.rowSchema },
      };
    },
  );

  const predictSchema = (summary: string, params: Record<string, unknown>) => ({
    summary,
    tags: ['predict'],
    params: {
      type: 'object',
      properties: { name: modelNameParam, ...params },
      required: ['name', ...Object.keys(params)],
    },
    querystring: predictQuerySchema,
    body: {
      content: {
        'application/json': { schema: predictBodySchema(config.maxRows) },
        'text/csv': { schema: csvBodySchema },
      },
    },
    response: { 200: predictResponseSchema, ...errorResponses },
  });
  type PredictRequest = FastifyRequest<{
    Params: { name: string; version?: number; stage?: ModelStage };
    Querystring: { probabilities?: boolean };
    Body: { rows: unknown[]; probabilities?: boolean } | string;
  }>;
  const predict =
    (selection: (request: PredictRequest) => Selection) =>
    async (request: PredictRequest, reply: FastifyReply) => {
      const { name } = request.params;
      const callerHeader: unknown = request.headers[CALLER_HEADER];
      const caller: string | null =
        typeof callerHeader === 'string' && callerHeader
          ? callerHeader.slice(0, 256)
          : (request.apiKey?.id ?? null);
      const resolved = catalog.resolve(name, selection(request), caller);
      const served = catalog.load(name, resolved.version);
      const body = request.body;
      const parsed =
        typeof body === 'string'
          ? frameFromCsv(body, served.columns, config.maxRows)
          : frameFromJsonRows(body.rows, served.columns);
      if (parsed.frame === null) {
        const message: string | null =
          'message' in parsed && typeof parsed.message === 'string' ? parsed.message : null;
        throw invalidRows(name, resolved.version, parsed.problems, message);
      }
      const wantProbabilities =
        (typeof body === 'string' ? undefined : body.probabilities) ?? request.query.probabilities ?? false;
      if (wantProbabilities && served.model.task !== 'classification') {
        throw new HttpProblem(
          400,
          'no-probabilities',
          `model ${quote(name)} does regression, which has no class probabilities; leave "probabilities" out.`,
        );
      }
      const frame = parsed.frame;
      const labels = served.model.predict(frame);
      monitor.record(name, resolved.version, frame, labels);
      metrics.predictions.inc(
        { model: name, version: String(resolved.version), selected_by: resolved.selectedBy },
        frame.rows,
      );
      metrics.rows.observe({ model: name }, frame.rows);
      reply.header(VERSION_HEADER, resolved.version).header(SELECTED_BY_HEADER, resolved.selectedBy);
      const answer: Record<string, unknown> = {
        model: name,
        version: resolved.version,
        selectedBy: resolved.selectedBy,
        target: served.target,
        predictions: labels,
      };
      if (wantProbabilities) {
        const proba = served.model.predictProba(frame);
        answer.classes = served.model.classes;
        answer.probabilities = Array.from({ length: proba.rows }, (_, i) =>
          Array.from(proba.data.subarray(i * proba.cols, (i + 1) * proba.cols)),
        );
      }
      return answer;
    };
  app.post(
    '/v1/models/:name/predict',
    {
      ...read,
      schema: predictSchema(
        'Predict with the default version: the split, else production, else the latest',
        {},
      ),
    },
    predict(() => ({ by: 'default' })),
  );
  app.post(
    '/v1/models/:name/versions/:version/predict',
    { ...read, schema: predictSchema('Predict with one version', { version: versionParam }) },
    predict((request) => ({ by: 'version', version: request.params.version! })),
  );
  app.post(
    '/v1/models/:name/stages/:stage/predict',
    { ...read, schema: predictSchema('Predict with the newest version in a stage', { stage: stageParam }) },
    predict((request) => ({ by: 'stage', stage: request.params.stage! })),
  );
  app.get<{ Params: { name: string } }>(
    '/v1/models/:name/monitoring',
    {
      ...read,
      schema: {
        summary:
          'Drift of the inputs and predictions of each version over its last rows, against the reference data',
        tags: ['models'],
        params: modelParams,
        response: { 200: monitoringResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { name } = request.params;
      catalog.describe(name); // 404 for an unknown model
      const reference = monitor.reference(name);
      return {
        model: name,
        reference: reference ? { source: reference.source, rows: reference.frame.rows } : null,
        windowRows: monitor.settings.windowRows,
        minRows: monitor.settings.minRows,
        threshold: monitor.settings.threshold,
        versions: monitor.report(name, predictVersion(name)),
      };
    },
  );
  addRunEventsRoute(app, store, {
    summary:
      "A run's events as server-sent events: those stored, then new ones until the run ends (Last-Event-ID resumes)",
    tags: ['runs'],
    params: {
      type: 'object',
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'a run id or a unique prefix' },
      },
      required: ['id'],
    },
    response: {
      200: {
        description:
          'text/event-stream: `id`, `event` (the event type) and `data` (the event as JSON) per event; a final `end` event',
        type: 'string',
      },
      ...errorResponses,
    },
  });
  app.put<{
    Params: { name: string; version: number };
    Body: { stage: ModelStage; archiveOthers?: boolean };
  }>(
    '/v1/models/:name/versions/:version/stage',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Move a version to a stage (admin keys)',
        tags: ['models'],
        params: {
          type: 'object',
          properties: { name: modelNameParam, version: versionParam },
          required: ['name', 'version'],
        },
        body: stageBodySchema,
        response: { ...errorResponses },
      },
    },
    async (request) => {
      const { name, version } = request.params;
      catalog.resolve(name, { by: 'version', version }, null); // 404 for an unknown model or version
      const info = store.models.setStage(name, version, request.body.stage, {
        archiveOthers: request.body.archiveOthers,
      });
      request.log.info({ model: name, version, stage: info.stage }, 'stage changed');
      return { name, version: info.version, stage: info.stage };
    },
  );

  await options.configure?.(app);

  app.addHook('onReady', async () => {
    // load every model's default version up front, so the first requests do not pay for it
    for (const name of catalog.names()) {
      try {
        catalog.load(name, catalog.defaultVersion(name).version);
      } catch (error) {
        app.log.error(
          { model: name, err: error },
          'a model could not be loaded; its requests will fail until it is fixed',
        );
      }
    }
    ready = true;
  });
  return { app, config, catalog, store, metrics, docs };
}

/**
 * Whether this Node.js can require() an ES module (20.19+, 22.12+, 23+), as @fastify/swagger-ui does through
 * @fastify/static: without it the server runs without /docs.
 */
export function canRequireEsm(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major >= 23 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
}

/** Below this many rows in a window, drift is not computed (PSI is noisy on few rows). */
const MIN_MONITORED_ROWS = 100;

/**
 * The reference tables of `--reference NAME=CSV`: each CSV read and cut to the feature columns of the model's
 * default version (a missing column is named in the error), before the server starts.
 */
async function loadReferences(
  settings: readonly string[],
  catalog: ModelCatalog,
): Promise<Map<string, Reference>> {
  const references = new Map<string, Reference>();
  for (const setting of settings) {
    const at = setting.indexOf('=');
    const name = setting.slice(0, at);
    const file = setting.slice(at + 1);
    if (references.has(name))
      throw new ConfigurationError(
        'serve.bad_reference',
        `model ${quote(name)} has two references; give one per model.`,
      );
    if (!catalog.names().includes(name)) {
      throw new ConfigurationError(
        'serve.bad_reference',
        `the reference ${quote(setting)} names the model ${quote(name)}, which the registry does not have; fix --reference / BEEMIND_SERVE_REFERENCE.`,
      );
    }
    const served = catalog.load(name, catalog.defaultVersion(name).version);
    const frame = selectFeatures(
      await readCSV(file),
      served.model.featureNames,
      `the reference data ${printable(file, { inline: true })}`,
    );
    references.set(name, new Reference(file, frame));
  }
  return references;
}

/** Refuses a split naming a model or version the registry does not have, before the server starts. */
function checkSplits(store: ExperimentStore, router: SplitRouter): void {
  for (const split of router.splits.values()) {
    const have = new Set(store.models.list(split.model).map((v) => v.version));
    const missing = split.shares.filter((s) => !have.has(s.version)).map((s) => s.version);
    if (missing.length > 0) {
      throw new ConfigurationError(
        'serve.bad_split',
        `the split of ${quote(split.model)} names ${missing.length === 1 ? 'version' : 'versions'} ${missing.join(', ')}, which the registry does not have` +
          `${have.size ? ` (it has ${[...have].join(', ')})` : ' (there is no such model)'}; fix --split / BEEMIND_SERVE_SPLIT.`,
      );
    }
  }
}

/** The 400 for rows that do not fit the model's input schema: each wrong field named. */
function invalidRows(
  name: string,
  version: number,
  problems: ProblemList,
  message: string | null,
): HttpProblem {
  const listed = problems.listed.slice(0, 3).map((p) => `${p.pointer} ${p.detail}`);
  const detail =
    message ??
    `${problems.total} ${problems.total === 1 ? 'field does' : 'fields do'} not fit the input schema of ${quote(name)} version ${version}: ${listed.join('; ')}${problems.total > listed.length ? '; …' : ''} (GET /v1/models/${name} shows the schema).`;
  return new HttpProblem(
    400,
    'invalid-rows',
    detail,
    message ? {} : { errors: problems.listed, errorCount: problems.total },
  );
}

/** A running server. */
export interface RunningServer {
  /** The base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  port: number;
  host: string;
  /** The interactive docs (/docs), or the OpenAPI document on Node.js older than 20.19. */
  docsUrl: string;
  /** The models served when it started. */
  models: string[];
  auth: boolean;
  app: FastifyInstance;
  /** Stops accepting connections, answers the requests already received, then resolves. */
  close(): Promise<void>;
  /** Resolves once the server has closed (by close() or a signal). */
  closed: Promise<void>;
  /** The start-up lines: address, models, docs. */
  toString(): string;
}

/**
 * Serves every model of the experiment store's registry over HTTP (see docs/serve.md): starts listening and
 * resolves once the models are loaded and the port is open.
 */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const { app, config, catalog, docs } = await createServer(options);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new ConfigurationError(
        'serve.cannot_listen',
        `cannot listen on ${config.host}:${config.port} (${code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : 'no such local address'}); choose another --port / --host (BEEMIND_SERVE_PORT / BEEMIND_SERVE_HOST).`,
        { cause: error },
      );
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${shownHost}:${port}`;
  const models = catalog.names();

  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // requests already received are answered; past the grace period their connections are cut
      const force = setTimeout(() => app.server.closeAllConnections(), config.shutdownSeconds * 1000);
      force.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(force);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolveClosed();
      }
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info({ signal }, 'shutting down: finishing the requests in flight');
    void close();
  };
  if (options.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const docsUrl = docs ? `${url}/docs` : `${url}/openapi.json`;
  return {
    url,
    port,
    host: config.host,
    docsUrl,
    models,
    auth: config.auth,
    app,
    close,
    closed,
    toString: () =>
      [
        `BeeMind is serving ${models.length} ${models.length === 1 ? 'model' : 'models'} at ${url}`,
        ...(models.length
          ? models.map((m) => `  ${m}: POST ${url}/v1/models/${m}/predict`)
          : [
              '  (the registry is empty: register a model with `beemind evolve … --save-model NAME` or saveModel())',
            ]),
        docs
          ? `docs: ${docsUrl}  (OpenAPI: ${url}/openapi.json)`
          : `docs: ${docsUrl} (OpenAPI; the interactive docs need Node.js 20.19 or newer)`,
        config.auth
          ? 'API keys required (create one with `beemind keys create --name NAME`)'
          : 'authentication is OFF (--no-auth): anyone who can reach this address may use every model',
      ].join('\n'),
  };
}
