/**
 * This module contains attributions for one fitted pipeline over the user's columns. When every model input
 * comes from one user column (scalers, imputers and their missing indicators, one-hot and binning outputs,
 * selectors), the model's own attributions (TreeSHAP or linear) over its inputs are summed back to the user
 * columns they came from. When a step mixes columns (pairwise products) or an output's column cannot be
 * traced, the whole pipeline is explained model-agnostically over the user columns instead (sampling.ts) —
 * rather than apportioning a product between its factors, which Shapley values do not define uniquely.
 */
import { frameToMatrix, type Frame } from '../data/frame.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import {
  exactAttribution,
  nativeScale,
  outputCount,
  rawOutput,
  type Attribution,
  type Scale,
} from './attribution.js';
import { agnosticShapley, type SamplingOptions } from './sampling.js';

/** Steps whose new columns each combine several input columns. */
const MIXING_STEPS = new Set(['pairwise_products']);

/**
 * For each column the model sees, the index of the user column it comes from (null when some column mixes
 * user columns or cannot be traced), and `background` (user columns) passed through the steps, whose output
 * names the tracing reads.
 */
export function traceColumns(
  pipeline: Pipeline,
  background: Frame,
): { sources: Int32Array | null; transformed: Frame } {
  let source = new Map<string, number>(background.columns.map((c, j) => [c.name, j]));
  let current = background;
  for (const step of pipeline.steps) {
    const next = step.transform(current);
    if (MIXING_STEPS.has(step.kind)) {
      // a mixing step keeps its inputs under their names; any new column mixes
      if (next.columns.some((c) => !source.has(c.name)))
        return { sources: null, transformed: pipeline.transform(background) };
    }
    const inputs = current.columns.map((c) => c.name);
    const traced = new Map<string, number>();
    for (const column of next.columns) {
      const from = source.get(column.name) ?? derivedFrom(column.name, inputs, source);
      if (from === undefined) return { sources: null, transformed: pipeline.transform(background) };
      traced.set(column.name, from);
    }
    source = traced;
    current = next;
  }
  return { sources: Int32Array.from(current.columns, (c) => source.get(c.name)!), transformed: current };
}

/**
 * The user column of a derived output named `<input>=<level>` (one-hot, binning), `<input>.<part>` (date
 * parts) or `<input>__missing` (missing indicator): the longest input name it extends, so `a=b=c` from input
 * `a=b` is not read as `a`.
 */
function derivedFrom(
  name: string,
  inputs: readonly string[],
  source: ReadonlyMap<string, number>,
): number | undefined {
  let best: string | undefined;
  for (const input of inputs) {
    if (
      name.length > input.length &&
      name.startsWith(input) &&
      (name[input.length] === '=' || name[input.length] === '.' || name.slice(input.length) === '__missing')
    ) {
      if (best === undefined || input.length > best.length) best = input;
    }
  }
  return best === undefined ? undefined : source.get(best);
}

export interface PipelineAttributionOptions extends SamplingOptions {
  /** Explain on this scale instead of the model's own (an ensemble of classifiers uses probabilities). */
  scale?: Scale;
}

/**
 * Attributions of every row of `explained` (the user's columns) for `pipeline` on `scale`, over the user
 * columns, with `background` rows (same columns) as the reference: `cover` background for TreeSHAP covers
 * and linear means, `sample` background for sampling.
 */
export function pipelineAttribution(
  pipeline: Pipeline,
  explained: Frame,
  background: { cover: Frame; sample: Frame },
  options: PipelineAttributionOptions = {},
): Attribution & { scale: Scale } {
  const model = pipeline.model;
  const scale = options.scale ?? nativeScale(model);
  const K = outputCount(model);
  const p = explained.columns.length;
  const { sources, transformed } = traceColumns(pipeline, background.cover);
  if (sources) {
    const X = frameToMatrix(pipeline.transform(explained));
    const B = frameToMatrix(transformed);
    const exact = exactAttribution(model, X, B, scale);
    if (exact) {
      const q = X.cols;
      const values = exact.values.map((phi) => {
        const out = new Float64Array(K * p);
        for (let k = 0; k < K; k++) for (let j = 0; j < q; j++) out[k * p + sources[j]] += phi[k * q + j];
        return out;
      });
      return { ...exact, values, scale };
    }
  }
  const f = (frame: Frame) => rawOutput(model, frameToMatrix(pipeline.transform(frame)), scale);
  return { ...agnosticShapley(f, K, explained, background.sample, options), scale };
}
