/**
 * This module contains the runtime side of a cell's imports: every `import` of a cell (static imports are
 * converted to calls of this importer, see converter/transform.ts) loads through Node's own ES module loader
 * from the folder the PackageLocator chose, so the notebook's packages win and the kernel's are the fallback.
 * The kernel hooks the imports of a package to learn when a cell has loaded it (the worker does so for
 * `beemind`, whose events feed the progress bars and the panels).
 */
import path from 'node:path';
import vm from 'node:vm';
import { isBareSpecifier, packageName, type PackageLocator } from './locate.js';

/** The global name cells call instead of `import()`; defined by worker/globals.ts. */
export const IMPORT_FUNCTION = '__beemind_import__';

type Load = (specifier: string, options?: ImportCallOptions) => Promise<unknown>;

/**
 * Runs around every import of one package by a cell: `load` imports the specifier; the import resolves with
 * what the hook returns, so the cell goes on only once the hook is done.
 */
export type ImportHook = (load: () => Promise<unknown>, specifier: string) => Promise<unknown>;

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
  private readonly hooks = new Map<string, ImportHook>();

  constructor(private readonly locator: PackageLocator) {}

  /** Runs `hook` around the imports of package `name` (the package itself and its subpaths). */
  hook(name: string, hook: ImportHook): void {
    this.hooks.set(name, hook);
  }

  /** What a cell's import calls: `importDirect`, through the package's hook when it has one. */
  import(specifier: string, options?: ImportCallOptions): Promise<unknown> {
    const name = String(specifier);
    const hook = isBareSpecifier(name) ? this.hooks.get(packageName(name)) : undefined;
    return hook ? hook(() => this.importDirect(name, options), name) : this.importDirect(name, options);
  }

  /** Imports `specifier` as a module file in the notebook's folder would, with the kernel's packages as fallback. */
  importDirect(specifier: string, options?: ImportCallOptions): Promise<unknown> {
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
