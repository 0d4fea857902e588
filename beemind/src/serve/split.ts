/**
 * This module contains traffic splits (A/B tests and canaries): `name=1:90,2:10` sends 90% of a model's
 * default-route requests to version 1 and 10% to version 2. The version is chosen from a hash of the caller
 * (the X-BeeMind-Caller header, else the API key), so one caller always gets the same version; requests with
 * neither are spread by a deterministic weighted rotation.
 */
import { createHash } from 'node:crypto';
import { ConfigurationError } from '../core/errors.js';
import { quote } from '../core/text.js';
import { checkName } from '../store/registry.js';

export interface SplitShare {
  version: number;
  weight: number;
}

export interface TrafficSplit {
  model: string;
  shares: SplitShare[];
}

/** Resolution of the hash buckets: shares are exact to 1/BUCKETS. */
const BUCKETS = 10_000;

/**
 * Reads one split, `name=VERSION:WEIGHT,VERSION:WEIGHT…` (weights are positive numbers, relative: 90,10 and
 * 9,1 are the same split).
 */
export function parseSplit(text: string): TrafficSplit {
  const bad = (why: string) =>
    new ConfigurationError(
      'serve.bad_split',
      `${quote(text)} is not a traffic split (${why}); write NAME=VERSION:WEIGHT,VERSION:WEIGHT, e.g. churn=3:90,4:10.`,
    );
  const eq = text.indexOf('=');
  if (eq < 0) throw bad('no "="');
  const model = text.slice(0, eq).trim();
  checkName(model);
  const shares = text
    .slice(eq + 1)
    .split(',')
    .map((part) => {
      const m = /^\s*(\d+)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
      if (!m) throw bad(`${quote(part)} is not VERSION:WEIGHT`);
      const share = { version: Number(m[1]), weight: Number(m[2]) };
      if (share.version < 1 || !(share.weight > 0))
        throw bad('versions start at 1 and weights must be above 0');
      return share;
    });
  if (shares.length < 2) throw bad('a split needs at least two versions');
  if (new Set(shares.map((s) => s.version)).size !== shares.length) throw bad('a version appears twice');
  return { model, shares };
}

/** Several splits (one per model), from repeated --split flags or BEEMIND_SERVE_SPLIT (separated by ';'). */
export function parseSplits(texts: readonly string[]): Map<string, TrafficSplit> {
  const splits = new Map<string, TrafficSplit>();
  for (const text of texts
    .flatMap((t) => t.split(';'))
    .map((t) => t.trim())
    .filter(Boolean)) {
    const split = parseSplit(text);
    if (splits.has(split.model))
      throw new ConfigurationError(
        'serve.bad_split',
        `model ${quote(split.model)} has two splits; give one per model.`,
      );
    splits.set(split.model, split);
  }
  return splits;
}

/** Picks a split's version: by the caller's hash bucket when there is a caller, else by weighted rotation. */
export class SplitRouter {
  private readonly rotation = new Map<string, number>();

  constructor(readonly splits: ReadonlyMap<string, TrafficSplit>) {}

  /** The version the split of `model` sends this request to, or null when the model has no split. */
  choose(model: string, caller: string | null): number | null {
    const split = this.splits.get(model);
    if (!split) return null;
    let bucket: number;
    if (caller !== null) {
      const digest = createHash('sha256').update(`${model}\u0000${caller}`).digest();
      bucket = digest.readUInt32BE(0) % BUCKETS;
    } else {
      // no caller: the n-th anonymous request takes the n-th bucket of a fixed permutation (a stride coprime
      // with BUCKETS), so any run of requests meets the configured shares closely
      const n = this.rotation.get(model) ?? 0;
      this.rotation.set(model, n + 1);
      bucket = (n * 7919) % BUCKETS;
    }
    const total = split.shares.reduce((sum, s) => sum + s.weight, 0);
    let cumulative = 0;
    for (const share of split.shares) {
      cumulative += share.weight;
      if (bucket < (cumulative / total) * BUCKETS) return share.version;
    }
    return split.shares[split.shares.length - 1].version;
  }
}
