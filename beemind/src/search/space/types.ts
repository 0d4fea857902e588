/**
 * This module contains the search-space DSL: plain, JSON-serialisable parameter descriptions (int, float,
 * categorical, constant, conditional, group) and the `hp` builders that write them tersely.
 *
 * A Space maps parameter names to parameters; a configuration (Config) maps the same names to values.
 * A `conditional` parameter takes one of its branch names as its value, and the parameters of the chosen
 * branch live beside it in the same object (ConfigSpace semantics written as a tree):
 *
 * ```ts
 * const space = { penalty: hp.conditional({ l2: {}, elasticnet: { l1Ratio: hp.float(0, 1) } }) };
 * // sampled configurations: { penalty: 'l2' } or { penalty: 'elasticnet', l1Ratio: 0.37 }
 * ```
 *
 * A `group` nests a sub-space under one name, so a configuration can hold independent namespaces
 * (`{ scaler: { kind: 'standard_scaler' }, model: { family: 'ridge', alpha: 0.1 } }`).
 */

/** Any JSON value: what categorical choices, constants and configuration values are made of. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A configuration: parameter name → value (a nested Config for groups). */
export type Config = Record<string, unknown>;

/** Integer in [low, high] (both inclusive), uniform or log-uniform (log needs low ≥ 1). */
export interface IntParam {
  readonly type: 'int';
  readonly low: number;
  readonly high: number;
  readonly log?: boolean;
}

/** Real number in [low, high], uniform or log-uniform (log needs low > 0). */
export interface FloatParam {
  readonly type: 'float';
  readonly low: number;
  readonly high: number;
  readonly log?: boolean;
}

/** One of a list of JSON values; optional sampling weights (default: uniform). */
export interface CategoricalParam {
  readonly type: 'categorical';
  readonly choices: readonly JsonValue[];
  readonly weights?: readonly number[];
}

/** A fixed value: always present in a configuration, never searched. */
export interface ConstantParam {
  readonly type: 'constant';
  readonly value: JsonValue;
}

/**
 * A choice between named branches, each with its own sub-space. The value is the branch name; the chosen
 * branch's parameters sit next to it in the same configuration object. Optional sampling weights by branch
 * name (branches not listed get 1).
 */
export interface ConditionalParam {
  readonly type: 'conditional';
  readonly branches: Readonly<Record<string, Space>>;
  readonly weights?: Readonly<Record<string, number>>;
}

/** A nested sub-space: the value is a configuration object of its own. */
export interface GroupParam {
  readonly type: 'group';
  readonly space: Space;
}

export type NumericParam = IntParam | FloatParam;
/** Parameters that hold a single searchable value. */
export type LeafParam = IntParam | FloatParam | CategoricalParam;
export type Param = IntParam | FloatParam | CategoricalParam | ConstantParam | ConditionalParam | GroupParam;

/** A search space: parameter name → parameter. Plain data: JSON.stringify / JSON.parse round-trip it. */
export type Space = Readonly<Record<string, Param>>;

/** Terse builders for spaces: `{ maxDepth: hp.int(2, 12), learningRate: hp.float(0.01, 1, { log: true }) }`. */
export const hp = {
  int(low: number, high: number, options: { log?: boolean } = {}): IntParam {
    return options.log ? { type: 'int', low, high, log: true } : { type: 'int', low, high };
  },
  float(low: number, high: number, options: { log?: boolean } = {}): FloatParam {
    return options.log ? { type: 'float', low, high, log: true } : { type: 'float', low, high };
  },
  categorical(choices: readonly JsonValue[], weights?: readonly number[]): CategoricalParam {
    return weights ? { type: 'categorical', choices, weights } : { type: 'categorical', choices };
  },
  constant(value: JsonValue): ConstantParam {
    return { type: 'constant', value };
  },
  conditional(branches: Record<string, Space>, weights?: Record<string, number>): ConditionalParam {
    return weights ? { type: 'conditional', branches, weights } : { type: 'conditional', branches };
  },
  group(space: Space): GroupParam {
    return { type: 'group', space };
  },
};

export function isNumericParam(p: Param): p is NumericParam {
  return p.type === 'int' || p.type === 'float';
}
