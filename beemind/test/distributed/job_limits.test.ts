// A worker holds every job to its own limits, whatever the job says: a time limit a job's `timeoutMs` can only
// lower, a heap limit per evaluation, and the hyperparameter bounds declared in the families' and steps' schemas.
// Checked on the job parser (validateJob), on the schemas, on a worker in this process and on `beemind worker`.
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { EvaluationData, EvaluationJob } from '../../src/evaluation/evaluate.js';
import { evolve } from '../../src/automl/evolve.js';
import { ConfigurationError, EvaluationError, ProtocolError } from '../../src/core/errors.js';
import { RedisBackend } from '../../src/distributed/backend.js';
import { contentKey, decodeOutcome, encodeDataset } from '../../src/distributed/codec.js';
import { JOB_LIMITS, validateJob } from '../../src/distributed/limits.js';
import { JOB_DATA_LIMITS, jobPayload, queueKeys, type WorkerLimits } from '../../src/distributed/protocol.js';
import { startWorker } from '../../src/distributed/worker.js';
import { histGradientBoostingSchema } from '../../src/models/hist_gradient_boosting/gradient_boosting.js';
import {
  lassoParams,
  linearRegressionParams,
  ridgeParams,
} from '../../src/models/linear/linear_regression.js';
import { logisticRegressionParams } from '../../src/models/linear/logistic_regression.js';
import { gaussianNbParams } from '../../src/models/naive_bayes/gaussian_nb.js';
import { svmClassifierParams, svmRegressorParams } from '../../src/models/svm/svm.js';
import { knnParams } from '../../src/models/neighbors/knn.js';
import { mlpParams } from '../../src/models/neural/mlp.js';
import { createModel, modelFamilies } from '../../src/models/registry.js';
import {
  decisionTreeClassifierSchema,
  decisionTreeRegressorSchema,
} from '../../src/models/tree/decision_tree.js';
import { extraTreesSchemas } from '../../src/models/tree/extra_trees.js';
import { randomForestSchemas } from '../../src/models/tree/random_forest.js';
import { simpleImputerSchema } from '../../src/preprocessing/imputer.js';
import { log1pSchema } from '../../src/preprocessing/log1p.js';
import { dateFeaturesSchema } from '../../src/preprocessing/date_features.js';
import { dropTextSchema } from '../../src/preprocessing/drop_text.js';
import { textTfidfSchema } from '../../src/preprocessing/text_tfidf.js';
import { targetEncoderSchema } from '../../src/preprocessing/target_encoder.js';
import { modelSelectSchema } from '../../src/preprocessing/model_select.js';
import { mutualInfoSelectSchema } from '../../src/preprocessing/mutual_info_select.js';
import { oneHotEncoderSchema } from '../../src/preprocessing/one_hot_encoder.js';
import { ordinalEncoderSchema } from '../../src/preprocessing/ordinal_encoder.js';
import { pairwiseProductsSchema } from '../../src/preprocessing/pairwise_products.js';
import { quantileBinningSchema } from '../../src/preprocessing/quantile_binning.js';
import { createTransformer, transformerKinds } from '../../src/preprocessing/registry.js';
import {
  minMaxScalerSchema,
  robustScalerSchema,
  standardScalerSchema,
} from '../../src/preprocessing/scalers.js';
import { varianceThresholdSchema } from '../../src/preprocessing/variance_threshold.js';
import { defaultPipelineSpace } from '../../src/search/default_space.js';
import type { Genome } from '../../src/protocol/events.js';
import { hp, type Space } from '../../src/search/space/types.js';
import { startRedisServer, type RedisServer } from './helpers/redis_server.js';
import { evaluationJob, irisEvaluationData, loadIris, registerSleepyHere } from './helpers/runs.js';
import { SLEEPY_PLUGIN, spawnWorker } from './helpers/worker_process.js';

const FAULTY = fileURLToPath(new URL('../automl/fixtures/faulty_model.mjs', import.meta.url));
const DATA_KEY = 'a'.repeat(64);
const LIMITS = { maxJobSeconds: 600 };

const model = (family: string, params: Record<string, unknown>): Genome => ({
  steps: [],
  model: { family, params },
});
const payload = (genome: Genome, timeoutMs?: number) =>
  jobPayload(DATA_KEY, { ...evaluationJob('x'), genome }, timeoutMs);

describe("validateJob, the worker's job parser", () => {
  it.each<[string, Genome, RegExp]>([
    ['10⁹ trees', model('random_forest', { nEstimators: 1e9 }), /nEstimators: .*<=5000/],
    ['10⁹ boosting iterations', model('hist_gradient_boosting', { maxIter: 1e9 }), /maxIter: .*<=100000/],
    ['10⁸ hidden units', model('mlp', { hiddenLayerSizes: [1e8] }), /hiddenLayerSizes\[0\]: .*<=4096/],
    ['17 hidden layers', model('mlp', { hiddenLayerSizes: Array(17).fill(8) }), /hiddenLayerSizes: .*<=16/],
    ['10⁹ epochs', model('mlp', { maxIter: 1e9 }), /maxIter: .*<=100000/],
    ['depth 1000', model('decision_tree', { maxDepth: 1000 }), /maxDepth: .*<=64/],
    ['10⁹ solver iterations', model('logistic_regression', { maxIter: 1e9 }), /maxIter: .*<=100000/],
    ['10⁹ coordinate sweeps', model('lasso', { maxIter: 1e9 }), /maxIter: .*<=100000/],
    ['10⁶ threads', model('extra_trees', { nJobs: 1e6 }), /nJobs: .*<=256/],
    [
      '10⁹ trees inside model_select',
      {
        steps: [{ kind: 'model_select', params: { modelParams: { nEstimators: 1e9 } } }],
        model: model('knn', {}).model,
      },
      /extra_trees.*nEstimators: .*<=5000/,
    ],
    [
      '10⁷ engineered columns',
      { steps: [{ kind: 'pairwise_products', params: { maxFeatures: 1e7 } }], model: model('knn', {}).model },
      /maxFeatures: .*<=5000/,
    ],
  ])('refuses a job with %s and timeoutMs null, naming the parameter and its limit', (_, genome, message) => {
    const job = payload(genome);
    expect(job.timeoutMs).toBeNull();
    expect(() => validateJob(job, LIMITS)).toThrow(ConfigurationError);
    expect(() => validateJob(job, LIMITS)).toThrow(message);
  });

  it("runs a job without a timeout under the worker's limit; a job's own timeout can only lower it", () => {
    const genome = model('knn', {});
    expect(validateJob(payload(genome), LIMITS)).toMatchObject({ timeoutMs: 600_000, cappedByWorker: true });
    expect(validateJob(payload(genome, 5000), LIMITS)).toMatchObject({
      timeoutMs: 5000,
      cappedByWorker: false,
    });
    expect(validateJob(payload(genome, 1e12), LIMITS)).toMatchObject({
      timeoutMs: 600_000,
      cappedByWorker: true,
    });
    expect(validateJob(payload(genome), { maxJobSeconds: 2 })).toMatchObject({ timeoutMs: 2000 });
    for (const bad of [0, -5, 'NaN', Number.NaN, Infinity]) {
      expect(() => validateJob({ ...payload(genome), timeoutMs: bad }, LIMITS)).toThrow(/timeoutMs/);
    }
  });

  it(`refuses a pipeline of more than ${JOB_LIMITS.steps} steps`, () => {
    const steps = Array.from({ length: JOB_LIMITS.steps + 1 }, () => ({ kind: 'log1p', params: {} }));
    expect(() => validateJob(payload({ steps, model: model('knn', {}).model }), LIMITS)).toThrow(
      new EvaluationError(
        'distributed.too_many_steps',
        'the pipeline has 33 preprocessing steps; a worker takes at most 32.',
      ),
    );
  });

  it('refuses keys that reach prototypes, deep nesting and oversized data as malformed jobs', () => {
    const base = JSON.stringify(payload(model('knn', { nNeighbors: 3 })));
    const withParams = (params: string) => JSON.parse(base.replace('{"nNeighbors":3}', params));
    const deep = '['.repeat(40) + ']'.repeat(40);
    const cases: [unknown, RegExp][] = [
      [withParams('{"__proto__":{"nNeighbors":1e9}}'), /params: the key "__proto__" is not allowed/],
      [withParams('{"constructor":{"prototype":{}}}'), /the key "constructor" is not allowed/],
      [withParams(`{"nNeighbors":${deep}}`), /nested deeper than 32 levels/],
      [withParams(`{"weights":"${'x'.repeat(JOB_DATA_LIMITS.stringLength + 1)}"}`), /a string longer than/],
      [withParams(`{"w":[${Array(JOB_DATA_LIMITS.values).fill(0).join(',')}]}`), /more than 10000 values/],
    ];
    for (const [job, message] of cases) {
      expect(() => validateJob(job, LIMITS)).toThrow(ProtocolError);
      expect(() => validateJob(job, LIMITS)).toThrow(message);
    }
  });

  it('accepts every genome of the default search spaces, at the ends of their ranges too', () => {
    for (const task of ['classification', 'regression'] as const) {
      const { slots, models } = defaultPipelineSpace(task);
      const genomes: Genome[] = [];
      for (const [family, space] of Object.entries(models))
        for (const params of extremes(space)) genomes.push(model(family, params));
      for (const slot of slots)
        for (const [kind, space] of Object.entries(slot.choices))
          for (const params of extremes(space))
            genomes.push({ steps: [{ kind, params }], model: { family: 'knn', params: {} } });
      for (const genome of genomes) expect(() => validateJob(payload(genome), LIMITS)).not.toThrow();
    }
  });
});

/** Parameter sets of a flat space: every parameter at its low end, then at its high end (categorical: each choice). */
function extremes(space: Space): Record<string, unknown>[] {
  const at = (pick: (p: Space[string], k: number) => unknown, k: number) =>
    Object.fromEntries(Object.entries(space).map(([name, p]) => [name, pick(p, k)]));
  const value = (p: Space[string], k: number): unknown => {
    if (p.type === 'int' || p.type === 'float') return k === 0 ? p.low : p.high;
    if (p.type === 'categorical') return p.choices[k % p.choices.length];
    if (p.type === 'constant') return p.value;
    throw new Error(`no nested parameters expected in the default space, got ${p.type}`);
  };
  const width = Math.max(
    2,
    ...Object.values(space).map((p) => (p.type === 'categorical' ? p.choices.length : 0)),
  );
  return Array.from({ length: width }, (_, k) => at(value, k));
}

// ---- the bounds themselves ----

const SCHEMAS: Record<string, z.ZodType[]> = {
  hist_gradient_boosting: [histGradientBoostingSchema],
  decision_tree: [decisionTreeClassifierSchema, decisionTreeRegressorSchema],
  random_forest: [randomForestSchemas.classifier, randomForestSchemas.regressor],
  extra_trees: [extraTreesSchemas.classifier, extraTreesSchemas.regressor],
  logistic_regression: [logisticRegressionParams],
  linear_regression: [linearRegressionParams],
  ridge: [ridgeParams],
  lasso: [lassoParams],
  knn: [knnParams],
  gaussian_nb: [gaussianNbParams],
  svm: [svmClassifierParams, svmRegressorParams],
  mlp: [mlpParams],
  date_features: [dateFeaturesSchema],
  text_tfidf: [textTfidfSchema],
  drop_text: [dropTextSchema],
  target_encoder: [targetEncoderSchema],
  simple_imputer: [simpleImputerSchema],
  one_hot_encoder: [oneHotEncoderSchema],
  ordinal_encoder: [ordinalEncoderSchema],
  log1p: [log1pSchema],
  pairwise_products: [pairwiseProductsSchema],
  quantile_binning: [quantileBinningSchema],
  standard_scaler: [standardScalerSchema],
  robust_scaler: [robustScalerSchema],
  min_max_scaler: [minMaxScalerSchema],
  variance_threshold: [varianceThresholdSchema],
  mutual_info_select: [mutualInfoSelectSchema],
  model_select: [modelSelectSchema],
};

/** Numeric hyperparameters without an upper bound, and why none is needed. */
const UNBOUNDED: Record<string, string> = {
  ...Object.fromEntries(
    ['learningRate', 'alpha', 'C', 'tol', 'l2Regularization', 'varSmoothing', 'epsilon', 'p']
      .concat(['minImpurityDecrease', 'threshold', 'minFrequency', 'featureRange'])
      .map((name) => [name, 'a real number that does not change what a fit costs']),
  ),
  minSamplesSplit: 'a larger value only makes a fit cheaper',
  minSamplesLeaf: 'a larger value only makes a fit cheaper',
  maxFeatures: 'trees: clamped to the number of columns',
  nNeighbors: 'clamped to the number of rows',
  batchSize: 'clamped to the number of rows',
  maxCategories: 'clamped to the number of categories',
  k: 'clamped to the number of columns',
  seed: 'any seed costs the same',
  gammaFactor: "svm: the solver's iterations are capped by maxIter",
  tolerance: "svm: the solver's iterations are capped by maxIter",
};

type JsonSchema = {
  type?: string;
  maximum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
};

/** Paths of the numeric values of a JSON schema that have no upper bound (zod gives integers 2⁵³ − 1). */
function unboundedNumbers(schema: JsonSchema, path: string): string[] {
  const out: string[] = [];
  if (schema.type === 'number' || schema.type === 'integer') {
    const bounded =
      schema.exclusiveMaximum !== undefined ||
      (schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER);
    if (!bounded) out.push(path);
  }
  for (const [name, sub] of Object.entries(schema.properties ?? {}))
    out.push(...unboundedNumbers(sub, path ? `${path}.${name}` : name));
  for (const sub of [...(schema.anyOf ?? []), ...(schema.prefixItems ?? [])])
    out.push(...unboundedNumbers(sub, path));
  if (schema.items) out.push(...unboundedNumbers(schema.items, path));
  return out;
}

describe('the hyperparameter bounds', () => {
  it('cover every built-in model family and preprocessing step', () => {
    const ids = [...modelFamilies().map((f) => f.family), ...transformerKinds().map((k) => k.kind)];
    expect(Object.keys(SCHEMAS).sort()).toEqual([...new Set(ids)].sort());
  });

  it('give every numeric hyperparameter an upper bound, or a stated reason for none', () => {
    const missing: string[] = [];
    for (const [id, schemas] of Object.entries(SCHEMAS))
      for (const schema of schemas) {
        const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
        for (const path of unboundedNumbers(json, '')) {
          if (!(path.split('.')[0] in UNBOUNDED)) missing.push(`${id}.${path}`);
        }
      }
    expect(missing).toEqual([]);
  });

  it('hold the defaults of every family and step', () => {
    for (const family of modelFamilies())
      for (const task of family.tasks)
        expect(() =>
          createModel(family.family, task, createModel(family.family, task).getParams()),
        ).not.toThrow();
    for (const { kind } of transformerKinds())
      expect(() => createTransformer(kind, createTransformer(kind).getParams())).not.toThrow();
  });
});

// ---- a worker taking jobs ----

describe('a worker in this process', () => {
  let server: RedisServer;
  let data: EvaluationData;
  const open: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    [server, data] = await Promise.all([startRedisServer(), irisEvaluationData()]);
  });
  afterAll(async () => {
    for (const x of open.reverse()) await x.close();
    await server?.stop();
  });

  /** A worker with these limits on a queue of its own, and a run's backend sending it evaluations of iris. */
  async function limitedWorker(queue: string, limits: WorkerLimits) {
    const worker = await startWorker({
      redis: server.url,
      queue,
      concurrency: 1,
      plugins: [FAULTY],
      ...limits,
    });
    const backend = await RedisBackend.connect({ redis: server.url, queue });
    backend.prepare('iris', data);
    open.push({ close: () => worker.close({ force: true }) }, backend);
    let ids = 0;
    const evaluate = (job: EvaluationJob, timeoutMs?: number) =>
      backend.evaluate('iris', job, { id: `d${++ids}.r0`, timeoutMs });
    return { worker, evaluate };
  }

  it('answers a job with 10⁹ trees and no timeout at once, as a failed evaluation, and takes the next job', async () => {
    const { worker, evaluate } = await limitedWorker('trees', { maxJobSeconds: 1, maxJobMemoryMb: 256 });
    const started = performance.now();
    const huge = await evaluate(evaluationJob('random_forest', { nEstimators: 1e9 }));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(huge).toMatchObject({ status: 'failed', error: { name: 'ConfigurationError' } });
    if (huge.status === 'failed') expect(huge.error.message).toMatch(/nEstimators: .*<=5000/);
    expect((await evaluate(evaluationJob('gaussian_nb'))).status).toBe('ok');
    expect(worker.stats).toMatchObject({ refused: 1 });
    expect(worker.limits).toEqual({ maxJobSeconds: 1, maxJobMemoryMb: 256 });
  });

  it("stops a job at the worker's time limit when its own timeout is null or longer, and keeps a shorter one", async () => {
    const { evaluate } = await limitedWorker('time', { maxJobSeconds: 1, maxJobMemoryMb: 256 });
    const hang = evaluationJob('faulty', { mode: 'hang' });
    for (const timeoutMs of [undefined, 1e9]) {
      const started = performance.now();
      const outcome = await evaluate(hang, timeoutMs);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(outcome.status).toBe('failed');
      if (outcome.status === 'failed')
        expect(outcome.error.message).toBe(
          "stopped after 1 s, this worker's limit per job (beemind worker --max-job-seconds).",
        );
    }
    expect((await evaluate(hang, 200)).status).toBe('timeout'); // the run's own, shorter limit
    expect((await evaluate(evaluationJob('gaussian_nb'))).status).toBe('ok');
  });

  it('names the memory limit when an evaluation exhausts it, and takes the next job', async () => {
    const { evaluate } = await limitedWorker('memory', { maxJobSeconds: 60, maxJobMemoryMb: 128 });
    const outcome = await evaluate(evaluationJob('faulty', { mode: 'oom' }));
    expect(outcome.status).toBe('crashed');
    if (outcome.status === 'crashed')
      expect(outcome.error.message).toMatch(
        /more than 128 MB, this worker's memory limit per job \(beemind worker --max-job-memory-mb\)/,
      );
    expect((await evaluate(evaluationJob('gaussian_nb'))).status).toBe('ok');
  });
});

describe('`beemind worker` with limits', () => {
  const queue = 'limits-cli';
  let server: RedisServer;
  beforeAll(async () => {
    registerSleepyHere();
    server = await startRedisServer();
  });
  afterAll(() => server?.stop());

  it('answers jobs anyone wrote to the queue, without limits, as failed drones, and evaluates the next valid job', async () => {
    const worker = await spawnWorker(
      server.url,
      queue,
      ['--plugin', SLEEPY_PLUGIN, '--max-job-memory-mb', '512'],
      { BEEMIND_WORKER_MAX_JOB_SECONDS: '1' },
    );
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const q = new Queue(queue, { connection });
    const events = new QueueEvents(queue, { connection });
    try {
      expect(worker.output()).toMatch(/at most 1 s and 512 MB per job/);
      const data: EvaluationData = await irisEvaluationData();
      const bytes = encodeDataset(data);
      const key = contentKey(bytes);
      await connection.set(queueKeys(queue).data(key), bytes, 'EX', 600);
      await events.waitUntilReady();
      const returned = new Map<string, unknown>();
      const done = new Promise<void>((resolve) =>
        events.on('completed', ({ jobId, returnvalue }) => {
          returned.set(jobId, returnvalue);
          if (returned.size === 3) resolve();
        }),
      );
      // written straight to Redis, as anyone who can write to it could: no timeout, no bounds
      const jobs = {
        trees: jobPayload(key, evaluationJob('random_forest', { nEstimators: 1e9 })),
        sleep: jobPayload(key, evaluationJob('sleepy_centroid', { ms: 3_600_000 })),
        valid: jobPayload(key, evaluationJob('gaussian_nb')),
      };
      const started = performance.now();
      await q.addBulk(
        Object.entries(jobs).map(([jobId, data]) => ({ name: 'evaluate', data, opts: { jobId } })),
      );
      await done;
      expect(performance.now() - started).toBeLessThan(15_000);
      const outcome = (jobId: string) =>
        decodeOutcome(Buffer.from((returned.get(jobId) as { outcome: string }).outcome, 'base64'));
      expect(outcome('trees')).toMatchObject({ status: 'failed' });
      expect(JSON.stringify(outcome('trees'))).toMatch(/nEstimators: .*<=5000/);
      expect(outcome('sleep')).toMatchObject({
        status: 'failed',
        error: { message: expect.stringMatching(/stopped after 1 s.*--max-job-seconds/) },
      });
      expect(outcome('valid').status).toBe('ok');

      // the same, as drones of a run: the sleepy ones fail at the worker's limit, the others are evaluated
      const run = await evolve(await loadIris(), {
        backend: { redis: server.url, queue },
        plugins: [SLEEPY_PLUGIN],
        space: { slots: [], models: { sleepy_centroid: { ms: hp.constant(3_600_000) }, gaussian_nb: {} } },
        populationSize: 4,
        budget: { evaluations: 4 },
        validation: { holdout: 0.3 },
        seed: 3,
        importance: false,
        store: false,
      });
      const byFamily = (family: string) => run.drones.filter((d) => d.family === family);
      expect(byFamily('sleepy_centroid').length).toBeGreaterThan(0);
      for (const d of byFamily('sleepy_centroid')) {
        expect(d.status).toBe('failed');
        expect(d.error).toMatch(/stopped after 1 s, this worker's limit per job/);
      }
      expect(byFamily('gaussian_nb').some((d) => d.status === 'ok')).toBe(true);
      expect(await worker.stop('SIGTERM')).toBe(0);
    } finally {
      await worker.stop('SIGKILL');
      await events.close();
      await q.close();
      connection.disconnect();
    }
  });
});
