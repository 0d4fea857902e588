/**
 * This module contains the runtime side of a cell's imports: every `import` of a cell (static imports are
 * converted to calls of this importer, see converter/transform.ts) loads through Node's own ES module loader
 * from the folder the PackageLocator chose, so the notebook's packages win and the kernel's are the fallback.
 */
import path from 'node:path';
import vm from 'node:vm';
import type { PackageLocator } from './locate.js';

/** The global name cells call instead of `import()`; defined by worker/globals.ts. */
export const IMPORT_FUNCTION = '__beemind_import__';

type Load = (specifier: string, options?: ImportCallOptions) => Promise<unknown>;

/** An error for a package that is in none of the folders a cell may import from. */
export class PackageNotFoundError extends Error {
  readonly code = 'ERR_MODULE_NOT_FOUND';
  constructor(message: string) {
    super(message);
    this.name = 'PackageNotFoundError';
  }
}

export class Importer {
  /** One loader per base folder: an `import()` compiled as if written in a file of that folder. */
  private readonly loaders = new Map<string, Load>();

  constructor(private readonly locator: PackageLocator) {}

  /** Imports `specifier` as a module file in the notebook's folder would, with the kernel's packages as fallback. */
  import(specifier: string, options?: ImportCallOptions): Promise<unknown> {
    const location = this.locator.locate(String(specifier));
    if (!location) return Promise.reject(new PackageNotFoundError(this.locator.missingMessage(specifier)));
    return this.loader(location.base)(specifier, options);
  }

  private loader(base: string): Load {
    let load = this.loaders.get(base);
    if (!load) {
      const script = new vm.Script('(specifier, options) => import(specifier, options)', {
        filename: path.join(base, '__beemind_import__.js'),
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
      load = script.runInThisContext() as Load;
      this.loaders.set(base, load);
    }
    return load;
  }
}
