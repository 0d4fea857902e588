// Tests run as native ES modules (vega-lite, arquero and the kernel are ESM), transpiled by swc.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // kernel/src/converter/typescript.cts only re-exports the compiler (see there why); tests take it directly
    '^\\./typescript\\.cjs$': 'typescript',
  },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
    ],
  },
  testMatch: ['<rootDir>/*/test/*.test.ts', '<rootDir>/*/test/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Python environments (the project's and the bench peers' own) hold package.json files of their own
  modulePathIgnorePatterns: ['<rootDir>/\\.venv', '<rootDir>/bench/\\.'],
  testTimeout: 60000,
};
