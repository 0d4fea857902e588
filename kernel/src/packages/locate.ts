/**
 * This module contains where a notebook's bare imports come from: the notebook's folder and its parents, as
 * Node looks for `node_modules/<name>`, and failing that the packages installed with the kernel (`beemind`
 * and its dependencies, arquero included), so `import { evolve } from 'beemind'` works in a notebook in any
 * folder. The type checker (converter/compiler.ts) and the runtime importer (packages/importer.ts) both ask
 * this one locator, so a cell type-checks against the package it will run.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Whether `specifier` names a package (`beemind`, `@scope/pkg/sub`), not a path, URL or Node built-in. */
export function isBareSpecifier(specifier: string): boolean {
  if (specifier === '' || specifier.startsWith('.') || specifier.startsWith('/')) return false;
  if (specifier.startsWith('#')) return false; // package.json "imports" of the notebook's own package
  if (/^[a-zA-Z][a-zA-Z\d+.-]*:/.test(specifier)) return false; // node:, file:, data:, C:\ …
  return !isBuiltin(specifier);
}

/** The package a bare specifier points into: `@scope/pkg/sub/path` → `@scope/pkg`, `pkg/sub` → `pkg`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The first `node_modules/<name>` folder from `start` upward, as Node's resolver walks. */
export function findPackageDir(start: string, name: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The root folder of the beemind-kernel package (this file is `<root>/dist/packages/locate.js`). */
export function kernelRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/**
 * The folders the kernel's own packages resolve from: the kernel's root, and the folder of the `beemind`
 * it was installed with (whose dependencies npm may have nested under it).
 */
export function kernelPackageBases(): string[] {
  const root = kernelRoot();
  const bases = [root];
  const library = findPackageDir(root, 'beemind');
  if (library) bases.push(realpathSync(library));
  return bases;
}

/** Where a specifier resolves from: the notebook's folder, or one of the kernel's package folders. */
export interface Location {
  /** The folder whose `node_modules` chain holds the package. */
  base: string;
  /** True when the notebook's folder had no such package and the kernel's own copy is used. */
  fromKernel: boolean;
}

export class PackageLocator {
  constructor(
    readonly notebookDirectory: string,
    readonly kernelBases: readonly string[] = kernelPackageBases(),
  ) {}

  /** Where `specifier` resolves from; undefined for a package that is nowhere. Paths resolve from the notebook. */
  locate(specifier: string): Location | undefined {
    if (!isBareSpecifier(specifier)) return { base: this.notebookDirectory, fromKernel: false };
    const name = packageName(specifier);
    if (findPackageDir(this.notebookDirectory, name) || isOwnPackage(this.notebookDirectory, name)) {
      return { base: this.notebookDirectory, fromKernel: false };
    }
    for (const base of this.kernelBases) {
      if (findPackageDir(base, name)) return { base, fromKernel: true };
    }
    return undefined;
  }

  /**
   * Whether package `name` resolves, for the notebook, to the very copy installed with the kernel (found
   * through the kernel's folders, or a notebook-folder entry that is a link to that same copy): loading it
   * runs no code of the notebook's folder.
   */
  isKernelCopy(name: string): boolean {
    const location = this.locate(name);
    if (!location) return false;
    if (location.fromKernel) return true;
    const own = realDirectory(findPackageDir(this.notebookDirectory, name));
    return (
      own !== undefined && this.kernelBases.some((base) => realDirectory(findPackageDir(base, name)) === own)
    );
  }

  /** The error text for a package found nowhere: which package, where it was looked for, how to install it. */
  missingMessage(specifier: string): string {
    const name = packageName(specifier);
    return (
      `Cannot find package '${name}': it is neither in node_modules of the notebook's folder (${this.notebookDirectory}) ` +
      `or a folder above it, nor among the packages installed with the BeeMind kernel. Install it with a cell ` +
      `'%npm install ${name}' (or 'npm install ${name}' in a terminal in that folder), then run this cell again.`
    );
  }
}

function realDirectory(dir: string | undefined): string | undefined {
  try {
    return dir === undefined ? undefined : realpathSync(dir);
  } catch {
    return undefined;
  }
}

/** A package may import itself by name from inside its own folder (package.json "name" with "exports"). */
function isOwnPackage(start: string, name: string): boolean {
  let dir = path.resolve(start);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; exports?: unknown };
        return json.name === name && json.exports !== undefined;
      } catch {
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}
