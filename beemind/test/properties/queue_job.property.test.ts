// Property: whatever lands in the queue, the worker's job parser (validateJob) either refuses it with a clear
// BeeMind error, or accepts it with every value that decides an evaluation's time or memory within the limits.
// Jobs start as the backend builds them (genomes of the default spaces and portfolio) and get random leaves
// replaced (huge, negative, non-finite, strings, null, nested junk, `__proto__` keys), keys dropped or added.
import fc from 'fast-check';
import { BeeMindError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { JOB_LIMITS, validateJob, type ValidJob } from '../../src/distributed/limits.js';
import { jobPayload } from '../../src/distributed/protocol.js';
import type { Genome } from '../../src/protocol/events.js';
import type { Task } from '../../src/core/task.js';
import { HYPERPARAMETER_LIMITS as H } from '../../src/models/limits.js';
import { modelFamilies } from '../../src/models/registry.js';
import { transformerKinds } from '../../src/preprocessing/registry.js';
import { defaultPipelineSpace } from '../../src/search/default_space.js';
import { sampleGenome } from '../../src/search/genome.js';
import { defaultPortfolio } from '../../src/search/portfolio.js';

const LIMITS = { maxJobSeconds: 600 };
const DATA_KEY = 'f'.repeat(64);

// ---- valid jobs, as a run sends them ----

const TASKS: Task[] = ['classification', 'regression'];
const genomes: Genome[] = TASKS.flatMap((task) => {
  const rng = new Random(7);
  const space = defaultPipelineSpace(task);
  return [...defaultPortfolio(task), ...Array.from({ length: 30 }, () => sampleGenome(space, rng))];
});
const validJob = fc
  .record({
    genome: fc.constantFrom(...genomes),
    fraction: fc.constantFrom(0.25, 0.5, 1),
    metric: fc.constantFrom('accuracy', 'r2', 'log_loss'),
    seed: fc.integer({ min: 0, max: 1000 }),
    timeoutMs: fc.option(fc.integer({ min: 1, max: 3_600_000 }), { nil: undefined }),
  })
  .map(({ genome, fraction, metric, seed, timeoutMs }) =>
    jobPayload(
      DATA_KEY,
      { genome, fraction, metric, seed, wantPredictions: fraction === 1, measureSize: false },
      timeoutMs,
    ),
  );

// ---- what an attacker (or a bug) puts in its place ----

/** An object with an own `key` property, as JSON.parse makes it (assignment would set a prototype instead). */
function withOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}
const protoJunk = fc
  .constantFrom('__proto__', 'constructor', 'prototype')
  .map((key) => withOwn({}, key, { nEstimators: 1e9, polluted: true }));
const nested = (depth: number): unknown => (depth === 0 ? 1e9 : { a: [nested(depth - 1)] });
const huge = fc.constantFrom(
  1e9,
  1e12,
  1e308,
  Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  5001,
  4097,
  65,
  257,
  100_001,
);
const junk = fc.oneof(
  huge,
  fc.constantFrom(-1, -1e9, 0, -0, 0.5, 1e-300, -Number.MAX_VALUE),
  fc.constantFrom(Number.NaN, Infinity, -Infinity),
  fc.constantFrom('NaN', 'Infinity', '-1', '1e9', '', 'auto', 'x'.repeat(20_000)),
  fc.constantFrom(null, true, false, undefined, [], {}),
  fc.array(huge, { maxLength: 20 }),
  fc.integer({ min: 20, max: 40 }).map(nested),
  protoJunk,
  fc.jsonValue({ maxDepth: 3 }),
);
const keyName = fc.oneof(
  fc.constantFrom('nEstimators', 'maxIter', 'maxDepth', 'hiddenLayerSizes', 'nJobs', 'maxLeafNodes'),
  fc.constantFrom('nIterNoChange', 'maxFeatures', 'nBins', 'modelParams', 'family', 'kind', 'params'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'steps', 'timeoutMs', 'v', 'job'),
  fc.string({ maxLength: 12 }),
);

type Mutation =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: unknown }
  | { op: 'param'; at: number; key: string; value: unknown };
const costKey = fc.constantFrom(
  'nEstimators',
  'maxIter',
  'maxDepth',
  'nIterNoChange',
  'maxLeafNodes',
  'nJobs',
  'hiddenLayerSizes',
  'maxFeatures',
  'nBins',
  'maxBins',
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: junk }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: keyName, value: junk }),
  },
  // aimed at what an evaluation costs: a huge (or odd) value for a cost-relevant hyperparameter
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('param' as const),
      at: fc.nat(),
      key: costKey,
      value: fc.oneof(
        { weight: 3, arbitrary: huge },
        { weight: 1, arbitrary: fc.array(huge, { maxLength: 20 }) },
        junk,
      ),
    }),
  },
);

/** A deep copy keeping own `__proto__`-like keys as own keys, and non-JSON values (NaN, undefined) as they are. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) withOwn(out, key, copy((value as Record<string, unknown>)[key]));
  return out;
}

/** Every [container, key] of a value, depth first. */
function slots(value: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []) {
  if (typeof value !== 'object' || value === null) return out;
  for (const key of Object.keys(value)) {
    const k = Array.isArray(value) ? Number(key) : key;
    out.push([value as Record<string, unknown>, k]);
    slots((value as Record<string, unknown>)[key], out);
  }
  return out;
}

/** The hyperparameter objects of a (mutated) job: the model's, each step's and a wrapped model's. */
function paramObjects(job: unknown): Record<string, unknown>[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const genome = (job as { job?: { genome?: { model?: { params?: unknown }; steps?: unknown } } })?.job
    ?.genome;
  const steps = Array.isArray(genome?.steps) ? (genome.steps as { params?: unknown }[]) : [];
  const found = [genome?.model?.params, ...steps.map((s) => s?.params)].filter(isObject);
  return [...found, ...found.map((p) => p.modelParams).filter(isObject)];
}

function mutate(job: unknown, mutations: Mutation[]): unknown {
  const root = { job: copy(job) };
  for (const m of mutations) {
    if (m.op === 'param') {
      const targets = paramObjects(root.job);
      if (targets.length > 0) withOwn(targets[m.at % targets.length], m.key, copy(m.value));
      continue;
    }
    const all = slots(root.job).concat([[root, 'job']]);
    const [container, key] = all[m.at % all.length];
    const target = container as Record<string | number, unknown>;
    if (m.op === 'replace') withOwn(target as Record<string, unknown>, String(key), copy(m.value));
    else if (m.op === 'delete') {
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete target[key];
    } else {
      const inner = target[key];
      if (typeof inner === 'object' && inner !== null && !Array.isArray(inner))
        withOwn(inner as Record<string, unknown>, m.key, copy(m.value));
      else withOwn(target as Record<string, unknown>, String(key), withOwn({}, m.key, copy(m.value)));
    }
  }
  return root.job;
}

// ---- the property ----

/** The most each value that decides an evaluation's cost may be, by parameter name (null: unbounded default). */
const COST_LIMITS: Record<string, number> = {
  nEstimators: H.trees,
  maxDepth: H.depth,
  maxIter: H.iterations,
  nIterNoChange: H.iterations,
  maxLeafNodes: H.leaves,
  nJobs: H.threads,
  nBins: 255,
  maxBins: 255,
};
const knownFamilies = new Set(modelFamilies().map((f) => f.family));
const knownKinds = new Set(transformerKinds().map((k) => k.kind));

/** Problems of an accepted job: values deciding its cost outside the limits (the threads check unknown families). */
function overLimits({ payload, timeoutMs }: ValidJob): string[] {
  const problems: string[] = [];
  if (!(timeoutMs > 0 && timeoutMs <= LIMITS.maxJobSeconds * 1000)) problems.push(`timeoutMs ${timeoutMs}`);
  const { genome, fraction } = payload.job;
  if (!(fraction > 0 && fraction <= 1)) problems.push(`fraction ${fraction}`);
  if (genome.steps.length > JOB_LIMITS.steps) problems.push(`${genome.steps.length} steps`);
  const checkParams = (who: string, params: Record<string, unknown>) => {
    for (const [name, limit] of Object.entries(COST_LIMITS)) {
      const v = params[name];
      if (v !== undefined && v !== null && !(typeof v === 'number' && v <= limit))
        problems.push(`${who}.${name} = ${JSON.stringify(v)}`);
    }
    const layers = params.hiddenLayerSizes;
    if (
      layers !== undefined &&
      !(Array.isArray(layers) && layers.length <= H.hiddenLayers && layers.every((u) => u <= H.hiddenUnits))
    )
      problems.push(`${who}.hiddenLayerSizes = ${JSON.stringify(layers)}`);
  };
  for (const step of genome.steps) {
    if (!knownKinds.has(step.kind)) continue;
    checkParams(step.kind, step.params);
    if (step.kind === 'pairwise_products' && (step.params.maxFeatures as number) > H.addedColumns)
      problems.push(`pairwise_products.maxFeatures = ${String(step.params.maxFeatures)}`);
    const nested = step.params.modelParams;
    if (typeof nested === 'object' && nested !== null)
      checkParams(`${step.kind}.modelParams`, nested as Record<string, unknown>);
  }
  if (knownFamilies.has(genome.model.family)) checkParams(genome.model.family, genome.model.params);
  return problems;
}

/** A refusal must be a BeeMind error whose message names where the problem is. */
function clearRefusal(error: unknown): boolean {
  if (!(error instanceof BeeMindError)) return false;
  const m = error.message;
  switch (error.code) {
    case 'distributed.bad_job': // "(path: problem)"
      return /^a queued job (was refused|is not a BeeMind evaluation) \((payload|v|data|job|timeoutMs)\b.*: /.test(
        m,
      );
    case 'params.invalid': // "invalid hyperparameters for <who>: <path>: <problem>", the path as zod writes it (a[0].b)
      return /^invalid (hyperparameters|params|options)? ?for .+: [A-Za-z(][\w.()[\]"]*: /.test(m);
    default:
      return m.length > 20;
  }
}

function holds(input: unknown): boolean {
  let accepted: ValidJob;
  try {
    accepted = validateJob(input, LIMITS);
  } catch (error) {
    if (!clearRefusal(error))
      throw new Error(`unclear refusal: ${String(error)} (${(error as BeeMindError).code})`);
    return true;
  }
  const problems = overLimits(accepted);
  if (problems.length > 0) throw new Error(`accepted a job over the limits: ${problems.join(', ')}`);
  return true;
}

describe("the worker's job parser", () => {
  it('accepts the jobs a run sends', () => {
    fc.assert(
      fc.property(validJob, (job) => {
        expect(overLimits(validateJob(job, LIMITS))).toEqual([]);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('refuses a mutated job clearly, or accepts it within every limit', () => {
    fc.assert(
      fc.property(validJob, fc.array(mutation, { minLength: 1, maxLength: 4 }), (job, mutations) =>
        holds(mutate(job, mutations)),
      ),
      { seed: 42, numRuns: 4000 },
    );
  });

  it('refuses anything else clearly', () => {
    fc.assert(fc.property(fc.oneof(junk, fc.anything({ maxDepth: 4 })), holds), { seed: 42, numRuns: 1000 });
  });
});
