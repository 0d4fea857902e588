/**
 * This module contains the TPE model of one batch: for every dimension, a density l(x) over the values of the
 * good trials and g(x) over the others (only trials where the dimension is active count), and the sampling
 * of a configuration by walking the space tree: at each active parameter, candidates are drawn from l and
 * the one with the largest l(x)/g(x) is kept, so conditional branches are chosen before their parameters.
 */
import type { Random } from '../../../core/random.js';
import { branchSegment, dimensionId, type Dimension } from '../../space/dimensions.js';
import { canonicalKey, cloneValue } from '../../space/key.js';
import { fromUnit, toUnit } from '../../space/numeric.js';
import type { Config, Space } from '../../space/types.js';
import { CategoricalParzen, NumericParzen, recencyWeights } from './parzen.js';

export interface TpeModelSettings {
  /** Candidates drawn from l(x) per parameter; default 24. */
  nCandidates: number;
  /** Weight of the prior kernel in every density; default 1. */
  priorWeight: number;
}

interface Estimator {
  sample(rng: Random): number;
  logPdf(x: number): number;
}

/** Encodes values of a dimension as unit positions (numbers) or choice indices (categorical, conditional). */
function encoder(d: Dimension): {
  encode(v: unknown): number;
  decode(x: number): unknown;
  numeric: boolean;
  k: number;
} {
  const p = d.param;
  if (p.type === 'int' || p.type === 'float') {
    return { encode: (v) => toUnit(p, v as number), decode: (x) => fromUnit(p, x), numeric: true, k: 0 };
  }
  const choices: unknown[] = p.type === 'categorical' ? [...p.choices] : Object.keys(p.branches);
  const index = new Map(choices.map((c, i) => [canonicalKey(c), i]));
  return {
    encode: (v) => index.get(canonicalKey(v)) ?? -1,
    decode: (x) => cloneValue(choices[x]),
    numeric: false,
    k: choices.length,
  };
}

export class TpeModel {
  private readonly byId: Map<string, Dimension>;
  private readonly cache = new Map<
    string,
    { l: Estimator; g: Estimator; codec: ReturnType<typeof encoder> }
  >();

  /** `good` and `bad`: active values (by dimension id) of the trials on each side, oldest first. */
  constructor(
    dimensions: readonly Dimension[],
    private readonly good: readonly Map<string, unknown>[],
    private readonly bad: readonly Map<string, unknown>[],
    private readonly settings: TpeModelSettings,
  ) {
    this.byId = new Map(dimensions.map((d) => [d.id, d]));
  }

  /** A configuration of `space` chosen by TPE. */
  sample(space: Space, rng: Random): Config {
    const out: Config = {};
    this.walk(space, [], rng, out);
    return out;
  }

  private walk(space: Space, segments: string[], rng: Random, out: Config): void {
    for (const [name, p] of Object.entries(space)) {
      if (p.type === 'constant') {
        out[name] = cloneValue(p.value);
      } else if (p.type === 'group') {
        const sub: Config = {};
        this.walk(p.space, [...segments, name], rng, sub);
        out[name] = sub;
      } else {
        const value = this.choose(dimensionId(segments, name), rng);
        out[name] = value;
        if (p.type === 'conditional') {
          this.walk(
            p.branches[value as string],
            [...segments, branchSegment(name, value as string)],
            rng,
            out,
          );
        }
      }
    }
  }

  /** The best of nCandidates draws from l by log l(x) - log g(x). */
  private choose(id: string, rng: Random): unknown {
    const { l, g, codec } = this.estimators(id);
    let best = NaN;
    let bestScore = -Infinity;
    for (let i = 0; i < this.settings.nCandidates; i++) {
      const raw = l.sample(rng);
      // score ints at their cell centre, as observations are encoded
      const x = codec.numeric ? codec.encode(codec.decode(raw)) : raw;
      const score = l.logPdf(x) - g.logPdf(x);
      if (Number.isNaN(best) || score > bestScore) {
        best = x;
        bestScore = score;
      }
    }
    return codec.decode(best);
  }

  private estimators(id: string): { l: Estimator; g: Estimator; codec: ReturnType<typeof encoder> } {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const codec = encoder(this.byId.get(id)!);
    const build = (side: readonly Map<string, unknown>[]): Estimator => {
      const xs: number[] = [];
      for (const values of side) {
        if (!values.has(id)) continue;
        const x = codec.encode(values.get(id));
        if (x >= 0) xs.push(x);
      }
      const w = recencyWeights(xs.length);
      return codec.numeric
        ? new NumericParzen(xs, w, this.settings.priorWeight)
        : new CategoricalParzen(xs, w, codec.k, this.settings.priorWeight);
    };
    const entry = { l: build(this.good), g: build(this.bad), codec };
    this.cache.set(id, entry);
    return entry;
  }
}
