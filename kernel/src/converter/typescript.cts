/**
 * This module loads the TypeScript compiler with `require`. Imported from an ES module, a CommonJS package is
 * first scanned for its export names, which for TypeScript's 9 MB file costs about 0.6 s of kernel start-up;
 * through this CommonJS module the scan sees a single default export. Every converter module imports
 * `ts` from here, with the types of 'typescript' unchanged.
 */
import ts = require('typescript');
export = ts;
