/**
 * The search-space DSL and its pure helpers: types and builders, checks, sampling, repair, canonical keys,
 * dimensions for model-based search, and grids.
 */
export * from './types.js';
export { checkSpace } from './check.js';
export { canonicalKey, cloneValue } from './key.js';
export { toUnit, fromUnit, clipNumeric, isLegalNumber } from './numeric.js';
export { sampleConfig, sampleLeaf, sampleBranch, branchWeights, weightedIndex } from './sample.js';
export { configProblems, checkConfig, repairConfig } from './repair.js';
export {
  dimensions,
  dimensionId,
  branchSegment,
  activeValues,
  getAt,
  setAt,
  configDistance,
  type Dimension,
} from './dimensions.js';
export { SpaceGrid, gridValues } from './grid.js';
