/**
 * This module gives the converter the TypeScript compiler through `require`. Imported from an ES module, a
 * CommonJS package is first scanned for its export names, which for TypeScript's 9 MB file costs about 0.6 s of
 * kernel start-up; through this CommonJS module the scan sees a single default export. The instance is the one
 * typescript-loader.cts loaded with a V8 code cache. Every converter module imports `ts` from here, with the
 * types of 'typescript' unchanged.
 */
import './typescript-loader.cjs';
import ts = require('typescript');
export = ts;
