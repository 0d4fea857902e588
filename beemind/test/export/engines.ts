// Shared by the tests that run exported modules in another JavaScript engine (headless Chromium, Deno): every
// family and ensemble case exported as a module file, one script that imports each module, predicts its rows
// and reports the results (numbers as the hex of their float64 bytes, so even the sign of a zero counts), and
// the comparison with the library's own predictions in Node.
import { exportModule } from '../../src/export/module.js';
import {
  ENSEMBLE_CASES,
  FAMILY_CASES,
  probabilityRows,
  rowObjects,
  trainOn,
  type FamilyCase,
} from './helpers.js';

/**
 * The engine-side code: `predictAll(cases, load)` imports each case's module with `load(file)` and returns, per
 * file, its labels (or hex values) and hex probabilities, or the error it met. Plain JavaScript, no imports.
 */
export const PREDICT_ALL = `
function hex(numbers) {
  const bytes = new Uint8Array(Float64Array.from(numbers).buffer);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
async function predictAll(cases, load) {
  const results = {};
  for (const c of cases) {
    try {
      const m = await load(c.file);
      const labels = m.predict(c.rows);
      results[c.file] = {
        labels: m.task === 'classification' ? labels : hex(labels),
        proba: m.predictProba ? hex(m.predictProba(c.rows).flat()) : null,
      };
    } catch (error) {
      results[c.file] = { error: String((error && error.stack) || error) };
    }
  }
  return results;
}
`;

/** What the engine reports per module. */
export interface EngineResult {
  labels: unknown;
  proba: string | null;
  error?: string;
}

/** Every case exported: module texts by file name, the rows each predicts, and what the library predicts. */
export interface EngineCases {
  cases: FamilyCase[];
  modules: Map<string, string>;
  /** For cases.json: the module file and its rows, in case order. */
  inputs: { file: string; rows: Record<string, unknown>[] }[];
  expected: Map<string, { labels: unknown; proba: string | null }>;
}

function hex(numbers: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(numbers).buffer).toString('hex');
}

function fromHex(text: string): Float64Array {
  const bytes = Buffer.from(text, 'hex');
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** The largest |a − b| / |b| over two hex-encoded float64 arrays (Infinity when their lengths differ). */
function maxRelativeError(a: string, b: string): number {
  const x = fromHex(a);
  const y = fromHex(b);
  if (x.length !== y.length || x.length === 0) return Infinity;
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    if (Object.is(x[i], y[i])) continue;
    max = Math.max(max, Math.abs(x[i] - y[i]) / Math.max(Math.abs(y[i]), Number.MIN_VALUE));
  }
  return max;
}

export async function engineCases(): Promise<EngineCases> {
  const cases = [...FAMILY_CASES, ...ENSEMBLE_CASES];
  const modules = new Map<string, string>();
  const inputs = [];
  const expected = new Map<string, { labels: unknown; proba: string | null }>();
  for (const [k, c] of cases.entries()) {
    const { model, test } = await trainOn(c.dataset, c.specs, { stacked: c.stacked });
    const file = `model_${k}.mjs`;
    modules.set(file, exportModule(model, { format: 'esm' }));
    inputs.push({ file, rows: rowObjects(test) });
    const labels = model.predict(test);
    expected.set(file, {
      labels: model.task === 'classification' ? labels : hex(labels as number[]),
      proba: model.task === 'classification' ? hex(probabilityRows(model, test).flat()) : null,
    });
  }
  return { cases, modules, inputs, expected };
}

/**
 * Checks an engine's results: no errors; bit for bit for the cases whose arithmetic is + − × ÷ √ only; for
 * the others (Math.exp, log, tanh, ** may round differently in the last bit between engines) the same labels
 * and numbers within 1e-12 relative.
 */
export function expectSameAsLibrary(all: EngineCases, results: Record<string, EngineResult>): void {
  for (const [k, { file }] of all.inputs.entries()) {
    const got = results[file] ?? { labels: undefined, proba: null, error: 'no result' };
    const want = all.expected.get(file)!;
    expect({ file, error: got.error }).toEqual({ file, error: undefined });
    if (all.cases[k].engineExact) {
      expect({ file, ...got }).toEqual({ file, ...want });
      continue;
    }
    if (typeof want.labels !== 'string')
      expect({ file, labels: got.labels }).toEqual({ file, labels: want.labels });
    const numbers = want.proba ?? (want.labels as string);
    expect({
      file,
      error: maxRelativeError(got.proba ?? (got.labels as string), numbers) <= 1e-12,
    }).toEqual({ file, error: true });
  }
}
