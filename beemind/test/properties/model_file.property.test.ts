// Property: a model file edited at random — a JSON leaf replaced (numbers out of range, NaN, huge values,
// null, strings, `__proto__`-keyed objects, arrays of the wrong length), a key deleted, or the numbers inside
// a packed array changed (child indices pointing back or out of range, features beyond the model, NaN leaf
// values) — and signed again, either loads and predicts sensible output quickly, or is refused with a
// BeeMindError. Never another exception, never a predict that spins.
import fc from 'fast-check';
import type { TrainedModelJSON } from '../../src/trained/trained_model.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { BeeMindError } from '../../src/core/errors.js';
import type { Frame } from '../../src/data/frame.js';
import { parseModelFile } from '../../src/store/model_file.js';
import { editPacked, fitCases, modelFile } from '../helpers/model_files.js';

/** Longest loading plus predicting a few rows may take. */
const PREDICT_MS = 2000;

type Json = unknown;
type Path = (string | number)[];

const cases: { json: TrainedModelJSON; rows: Frame; leaves: Path[]; packed: Path[] }[] = [];

/** Every path to a value in `value` (objects and arrays included), and those of packed arrays. */
function paths(value: Json, at: Path = [], out = { all: [] as Path[], packed: [] as Path[] }) {
  out.all.push(at);
  if (typeof value !== 'object' || value === null) return out;
  if (!Array.isArray(value) && 'dtype' in value && 'base64' in value) {
    out.packed.push(at);
    return out; // its base64 is a leaf
  }
  for (const [k, v] of Object.entries(value)) paths(v, [...at, Array.isArray(value) ? Number(k) : k], out);
  return out;
}

beforeAll(async () => {
  for (const { json, rows } of await fitCases()) {
    const { all, packed } = paths(json);
    cases.push({ json, rows, leaves: all.filter((p) => p.length > 0), packed });
  }
}, 60_000);

/** A value to put somewhere it does not belong. */
const strange: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.constantFrom(-1, 0, 1, 2, 2 ** 31 - 1, -(2 ** 31), 1e308, -1e308, 2 ** 53 + 2, 0.5, -0),
  fc.constantFrom(NaN, Infinity, -Infinity),
  fc.double(),
  fc.constantFrom(
    'NaN',
    'Infinity',
    '',
    'x',
    '__proto__',
    'constructor',
    'f64',
    'i32',
    'classification',
    'regression',
  ),
  fc.constantFrom(null, true, false),
  fc.constantFrom(
    [],
    [1],
    [1, 2, 3],
    ['a', 'b'],
    [null],
    {},
    { dtype: 'f64', base64: '' },
    { dtype: '__proto__', base64: 'AAAA' },
  ),
  fc.constant(
    JSON.parse('{"__proto__": {"dtype": "f64", "base64": "AAAAAAAA8D8=", "nOutputs": 1, "model": {}}}'),
  ),
  fc.string({ maxLength: 8 }),
);

/** A number to write into a packed array: near the node and feature counts, or out of any range. */
const element = fc.oneof(
  fc.integer({ min: -3, max: 60 }),
  fc.constantFrom(-1, 0, 255, 2 ** 31 - 1, -(2 ** 31), NaN, Infinity, -Infinity, 1e300, 0.5, -0.5),
);

type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'element'; at: number; index: number; value: number }
  | { kind: 'resize'; at: number; delta: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: strange }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('element' as const),
      at: fc.nat(),
      index: fc.nat(),
      value: element,
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('resize' as const),
      at: fc.nat(),
      delta: fc.integer({ min: -3, max: 3 }),
    }),
    weight: 1,
  },
);

function parentOf(root: Json, path: Path): { parent: Record<string | number, Json>; key: string | number } {
  let parent = root as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  return { parent, key: path[path.length - 1] };
}

/** A deep copy of `json` with `m` applied. */
function mutate(json: TrainedModelJSON, leaves: Path[], packed: Path[], m: Mutation): TrainedModelJSON {
  const copy = structuredClone(json);
  if (m.kind === 'replace' || m.kind === 'delete') {
    const { parent, key } = parentOf(copy, leaves[m.at % leaves.length]);
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else parent[key] = m.value;
    return copy;
  }
  const { parent, key } = parentOf(copy, packed[m.at % packed.length]);
  editPacked(parent, key, (values) => {
    if (m.kind === 'element') {
      if (values.length > 0) values[m.index % values.length] = m.value;
    } else if (m.delta < 0) values.splice(values.length + m.delta, -m.delta);
    else for (let i = 0; i < m.delta; i++) values.push(values.length > 0 ? values[i % values.length] : 0);
  });
  return copy;
}

/** Loads the (signed again) file and predicts its rows; returns what happened, or throws a non-BeeMind error. */
function loadAndPredict(json: TrainedModelJSON, rows: Frame): 'refused' | 'predicted' {
  const started = performance.now();
  try {
    const model = TrainedModel.fromJSON(parseModelFile(modelFile(json), 'edited.json').model);
    const labels = model.predict(rows);
    expect(labels).toHaveLength(rows.rows);
    if (model.classes) {
      for (const label of labels) expect(model.classes).toContain(label);
      const p = model.predictProba(rows);
      expect([p.rows, p.cols]).toEqual([rows.rows, model.classes.length]);
    } else {
      for (const v of labels) expect(typeof v).toBe('number');
    }
    return 'predicted';
  } catch (error) {
    if (error instanceof BeeMindError) return 'refused';
    throw error;
  } finally {
    expect(performance.now() - started).toBeLessThan(PREDICT_MS);
  }
}

describe('randomly edited model files', () => {
  it('load and predict, or are refused with a BeeMindError', () => {
    const outcomes = { refused: 0, predicted: 0 };
    fc.assert(
      fc.property(fc.nat(), mutation, (which, m) => {
        const c = cases[which % cases.length];
        outcomes[loadAndPredict(mutate(c.json, c.leaves, c.packed, m), c.rows)]++;
      }),
      { seed: 42, numRuns: 600 },
    );
    // both outcomes happen: the edits are not all fatal, and the checks are not all lenient
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.predicted).toBeGreaterThan(50);
  }, 20_000);

  it('the unedited files load and predict', () => {
    for (const c of cases) expect(loadAndPredict(c.json, c.rows)).toBe('predicted');
  });
});
