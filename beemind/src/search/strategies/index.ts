/**
 * The search strategies behind one ask/tell interface, and createStrategy to build one by name.
 */
import { ConfigurationError } from '../../core/errors.js';
import { quote } from '../../core/text.js';
import type { PipelineSpace } from '../genome.js';
import { EvolutionStrategy, type EvolutionOptions } from './evolution.js';
import { GridSearch, type GridSearchOptions } from './grid.js';
import { RandomSearch, type RandomSearchOptions } from './random.js';
import type { SearchStrategy } from './strategy.js';
import { TpeSearch, type TpeOptions } from './tpe/tpe.js';

export * from './strategy.js';
export { EvolutionStrategy, type EvolutionOptions } from './evolution.js';
export { GridSearch, type GridSearchOptions } from './grid.js';
export { RandomSearch, type RandomSearchOptions } from './random.js';
export { TpeSearch, type TpeOptions } from './tpe/tpe.js';

/** Options of each strategy, by name. */
export interface StrategyOptionsByName {
  random: RandomSearchOptions;
  grid: GridSearchOptions;
  tpe: TpeOptions;
  evolution: EvolutionOptions;
}

export type StrategyName = keyof StrategyOptionsByName;

export const STRATEGY_NAMES: readonly StrategyName[] = ['evolution', 'tpe', 'random', 'grid'];

/** Builds the strategy called `name` over `space`. */
export function createStrategy<N extends StrategyName>(
  name: N,
  space: PipelineSpace,
  options: StrategyOptionsByName[N] = {},
): SearchStrategy {
  switch (name) {
    case 'random':
      return new RandomSearch(space, options as RandomSearchOptions);
    case 'grid':
      return new GridSearch(space, options as GridSearchOptions);
    case 'tpe':
      return new TpeSearch(space, options as TpeOptions);
    case 'evolution':
      return new EvolutionStrategy(space, options as EvolutionOptions);
    default:
      throw new ConfigurationError(
        'search.unknown_strategy',
        `unknown search strategy ${quote(name)}; choose one of ${STRATEGY_NAMES.join(', ')}.`,
      );
  }
}
