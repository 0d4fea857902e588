/**
 * The search layer of BeeMind: search spaces, genomes and the pipeline space, the default space and
 * portfolio, variation operators, NSGA-II ranking, and the ask/tell strategies (random, grid, TPE, evolution).
 * Pure and synchronous; all randomness comes from a seed.
 */
export * from './space/index.js';
export * from './genome.js';
export {
  defaultPipelineSpace,
  defaultModelSpaces,
  defaultStepSlots,
  type DefaultSpaceOptions,
} from './default_space.js';
export { defaultPortfolio, fitPortfolio } from './portfolio.js';
export { mutate, crossover, type Variation, type MutationKind, type MutationOptions } from './operators.js';
export * from './nsga2.js';
export * from './strategies/index.js';
