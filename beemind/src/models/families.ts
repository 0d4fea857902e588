/**
 * Registers every built-in model family. Import this module (the package index does) before using the
 * registry. Each family lives in its own module; add new ones here.
 */
import { registerModelFamily, type ModelFamily } from './registry.js';

const builtIn: ModelFamily[] = [];

for (const f of builtIn) registerModelFamily(f);
