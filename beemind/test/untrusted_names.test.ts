// Strings from outside (a model file, a CSV header, a command-line option, a queued job) that pick something
// by name are looked up as own entries only: `__proto__`, `constructor` or `toString` never reach
// Object.prototype, and malformed input is a BeeMindError, never a TypeError.
import '../src/models/families.js';
import { evolve } from '../src/automl/evolve.js';
import { BeeMindError, ConfigurationError, DataError, ProtocolError } from '../src/core/errors.js';
import { pack, unpackF64 } from '../src/core/serialize.js';
import { parseCSV } from '../src/data/csv.js';
import { loadDatasetAsDataset } from '../src/data/datasets.js';
import { decodeEnvelope, encodeEnvelope } from '../src/distributed/envelope.js';
import { parseJobPayload } from '../src/distributed/protocol.js';
import { getScorer } from '../src/metrics/scorers.js';
import { createModel, estimatorFromJSON } from '../src/models/registry.js';
import { createTransformer } from '../src/preprocessing/registry.js';
import { createStrategy } from '../src/search/strategies/index.js';
import { parseModelFile } from '../src/store/model_file.js';
import { parseModelSelector } from '../src/store/registry.js';
import { modelFile } from './helpers/model_files.js';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

/** The BeeMindError `fn` throws (fails the test when it throws anything else, or nothing). */
function caught(fn: () => unknown): BeeMindError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BeeMindError);
    return error as BeeMindError;
  }
  throw new Error('expected an error');
}

describe('names from outside pick own entries only', () => {
  it('metrics: --metric constructor is an unknown metric, not "for undefined"', async () => {
    for (const name of NAMES) {
      const error = caught(() => getScorer(name, 'classification'));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.code).toBe('metric.unknown');
      expect(error.message).toMatch(/unknown metric .*choose one of accuracy/);
    }
    const iris = await loadDatasetAsDataset('iris');
    await expect(evolve(iris, { metric: 'constructor', workers: 0, store: false })).rejects.toMatchObject({
      code: 'metric.unknown',
    });
  });

  it('packed arrays: a dtype such as "__proto__" is a ProtocolError, not "Ctor is not a constructor"', () => {
    for (const dtype of NAMES) {
      expect(() => unpackF64({ dtype, base64: '' } as never)).toThrow(ProtocolError);
    }
    // a packed array of another type, or of a length that is no whole number of elements
    expect(() => unpackF64(pack(Int32Array.of(1, 2)))).toThrow(ProtocolError);
    expect(() => unpackF64({ dtype: 'f64', base64: 'AAAA' })).toThrow(ProtocolError);
  });

  it('envelopes: an array entry of dtype "constructor" is malformed', () => {
    expect(decodeEnvelope(encodeEnvelope({}, [Float64Array.of(1)])).arrays[0]).toEqual(Float64Array.of(1));
    for (const dtype of NAMES) {
      const header = JSON.stringify({ meta: {}, arrays: [{ dtype, offset: 0, length: 1 }] });
      const forged = Buffer.alloc(8 + header.length + 16);
      forged.writeUInt32LE(0x56454d42, 0); // "BMEV"
      forged.writeUInt32LE(header.length, 4);
      forged.write(header, 8, 'utf8');
      expect(() => decodeEnvelope(forged)).toThrow(ProtocolError);
    }
  });

  it('model families, step kinds, strategies and stages', () => {
    for (const name of NAMES) {
      expect(() => createModel(name, 'classification')).toThrow(ConfigurationError);
      expect(() => createTransformer(name)).toThrow(ConfigurationError);
      expect(() => createStrategy(name as never, { slots: [], models: {} } as never)).toThrow(
        ConfigurationError,
      );
      expect(() => parseModelSelector(name)).toThrow(ConfigurationError);
      expect(() =>
        estimatorFromJSON({
          format: 'beemind.estimator',
          version: 1,
          family: name,
          task: 'regression',
          params: {},
          state: null,
        }),
      ).toThrow(ConfigurationError);
    }
  });

  it('type-inference options: a column named "constructor" is not forced to a kind', () => {
    const df = parseCSV('constructor,toString,y\n1,2,3\n4,5,6\n', { kinds: { y: 'categorical' } });
    expect(df.columns.map((c) => c.kind)).toEqual(['numeric', 'numeric', 'categorical']);
  });

  it('a serialised estimator with a null or missing state model is a BeeMindError, not a TypeError', async () => {
    for (const family of ['decision_tree', 'knn', 'ridge', 'gaussian_nb', 'mlp', 'hist_gradient_boosting']) {
      const task = family === 'ridge' ? 'regression' : 'classification';
      for (const model of [null, undefined, 42, 'x', []]) {
        const error = caught(() =>
          estimatorFromJSON({
            format: 'beemind.estimator',
            version: 1,
            family,
            task,
            params: {},
            state: { nFeatures: 2, nClasses: task === 'classification' ? 2 : 0, model },
          }),
        );
        expect(error.message).toMatch(new RegExp(family));
      }
    }
  });
});

describe('schemas of untrusted JSON read own fields only', () => {
  const model = {
    format: 'beemind.model',
    version: 1,
    task: 'regression',
    classes: null,
    featureNames: ['x'],
    members: [{ droneId: 'd1', weight: 1, pipeline: {} }],
  };

  it('a model file hiding its fields behind "__proto__" is refused', () => {
    const hidden = `{"__proto__": ${JSON.stringify(modelFile(model as never))}}`;
    expect(() => parseModelFile(JSON.parse(hidden), 'hidden.json')).toThrow(DataError);
    // the same object after a careless copy (Object.assign runs the __proto__ setter): still refused
    expect(() => parseModelFile(Object.assign({}, JSON.parse(hidden)), 'hidden.json')).toThrow(DataError);
  });

  it('a queued job hiding its fields behind "__proto__" is refused', () => {
    const payload = {
      v: 1,
      data: 'a'.repeat(64),
      job: {
        genome: { steps: [], model: { family: 'knn', params: {} } },
        fraction: 1,
        metric: 'accuracy',
        seed: 0,
        wantPredictions: false,
        measureSize: false,
      },
      timeoutMs: null,
    };
    expect(parseJobPayload(payload).v).toBe(1);
    const hidden = JSON.parse(`{"__proto__": ${JSON.stringify(payload)}}`);
    expect(() => parseJobPayload(hidden)).toThrow(ProtocolError);
    expect(() => parseJobPayload(Object.assign({}, hidden))).toThrow(ProtocolError);
  });

  it('hyperparameters hidden behind "__proto__" are not read', () => {
    const params = Object.assign({}, JSON.parse('{"__proto__": {"nNeighbors": 1}}'));
    expect(createModel('knn', 'classification', params).getParams()).toMatchObject({ nNeighbors: 5 });
  });
});
