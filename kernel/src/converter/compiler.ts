/**
 * This module contains the TypeScript program over the notebook's virtual files: the kernel prelude, the
 * declarations of earlier cells and the cell being checked. Parsed files, module resolutions and
 * package.json lookups are cached for the whole session, so checking a cell costs one incremental program
 * update (the previous program's structure is reused) and a fresh checker. A language service for completion
 * and inspection is created on first use and shares the parsed files through a document registry.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from './typescript.cjs';
import { PackageLocator } from '../packages/locate.js';

const require = createRequire(import.meta.url);

/** Compiler options of every cell: ES2022 modules (top-level await), strict, bundler-style resolution. */
export function cellCompilerOptions(): ts.CompilerOptions {
  // The kernel's own @types/node, so cells see Node's globals even where the notebook has no node_modules.
  const typesNode = path.dirname(require.resolve('@types/node/package.json'));
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    typeRoots: [path.dirname(typesNode)],
    strict: true,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    sourceMap: true,
    // Emitted with every cell: the declarations a later cell is checked against.
    declaration: true,
    useDefineForClassFields: true,
    newLine: ts.NewLineKind.LineFeed,
  };
}

interface Entry {
  version: string;
  file: ts.SourceFile;
}

/** Parsed source files by name and version, shared by the program and the language service. */
class SourceFileCache {
  private readonly entries = new Map<string, Entry>();

  get(
    fileName: string,
    version: string,
    snapshot: ts.IScriptSnapshot,
    options: ts.CreateSourceFileOptions | ts.ScriptTarget,
    scriptKind?: ts.ScriptKind,
  ): ts.SourceFile {
    const entry = this.entries.get(fileName);
    if (entry && entry.version === version) return entry.file;
    const file = ts.createLanguageServiceSourceFile(fileName, snapshot, options, version, true, scriptKind);
    this.entries.set(fileName, { version, file });
    return file;
  }

  /** A document registry over this cache (the language service's source of parsed files). */
  registry(): ts.DocumentRegistry {
    const acquire = (
      fileName: string,
      _settings: unknown,
      snapshot: ts.IScriptSnapshot,
      version: string,
      scriptKind?: ts.ScriptKind,
      options?: ts.CreateSourceFileOptions | ts.ScriptTarget,
    ) => this.get(fileName, version, snapshot, options ?? ts.ScriptTarget.ES2022, scriptKind);
    const withKey = (
      fileName: string,
      _path: ts.Path,
      settings: unknown,
      _key: ts.DocumentRegistryBucketKey,
      snapshot: ts.IScriptSnapshot,
      version: string,
      scriptKind?: ts.ScriptKind,
      options?: ts.CreateSourceFileOptions | ts.ScriptTarget,
    ) => acquire(fileName, settings, snapshot, version, scriptKind, options);
    return {
      acquireDocument: acquire,
      updateDocument: acquire,
      acquireDocumentWithKey: withKey,
      updateDocumentWithKey: withKey,
      getKeyForCompilationSettings: () => 'beemind' as ts.DocumentRegistryBucketKey,
      // Files live as long as the session: a notebook's set of files only grows by package declarations.
      releaseDocument: () => undefined,
      releaseDocumentWithKey: () => undefined,
      reportStats: () => `${this.entries.size} source files`,
    };
  }
}

export class CellProgram {
  readonly options = cellCompilerOptions();
  private readonly files = new Map<string, { text: string; version: number; snapshot: ts.IScriptSnapshot }>();
  private readonly disk = new Map<string, ts.IScriptSnapshot | undefined>();
  private readonly cache = new SourceFileCache();
  private readonly host: ts.CompilerHost;
  private readonly moduleCache: ts.ModuleResolutionCache;
  private rootNames: string[] = [];
  private current: ts.Program | undefined;
  private dirty = true;
  private projectVersion = 0;
  private service: ts.LanguageService | undefined;

  constructor(
    readonly directory: string,
    private readonly packages: PackageLocator = new PackageLocator(directory),
  ) {
    const canonical = (f: string) => f;
    this.moduleCache = ts.createModuleResolutionCache(directory, canonical, this.options);
    const typeCache = ts.createTypeReferenceDirectiveResolutionCache(
      directory,
      canonical,
      this.options,
      this.moduleCache.getPackageJsonInfoCache(),
    );
    const moduleCache = this.moduleCache;
    const resolution: ts.ModuleResolutionHost = {
      fileExists: (f) => this.files.has(f) || ts.sys.fileExists(f),
      readFile: (f) => this.files.get(f)?.text ?? ts.sys.readFile(f),
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
    };
    this.host = {
      ...resolution,
      getSourceFile: (fileName, options) => {
        const snapshot = this.snapshot(fileName);
        return snapshot && this.cache.get(fileName, this.version(fileName), snapshot, options);
      },
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      writeFile: () => undefined,
      getCurrentDirectory: () => directory,
      getCanonicalFileName: canonical,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      getNewLine: () => '\n',
      getModuleResolutionCache: () => moduleCache,
      resolveModuleNameLiterals: (literals, containingFile, redirected, options, containingSourceFile) =>
        literals.map((literal) =>
          ts.resolveModuleName(
            literal.text,
            this.importingFile(literal.text, containingFile),
            options,
            resolution,
            moduleCache,
            redirected,
            ts.getModeForUsageLocation(containingSourceFile, literal, options),
          ),
        ),
      resolveTypeReferenceDirectiveReferences: (
        references,
        containingFile,
        redirected,
        options,
        containingSourceFile,
      ) =>
        references.map((ref) =>
          ts.resolveTypeReferenceDirective(
            typeof ref === 'string' ? ref : ref.fileName.toLowerCase(),
            containingFile,
            options,
            resolution,
            redirected,
            typeCache,
            typeof ref === 'string'
              ? undefined
              : ts.getModeForFileReference(ref, containingSourceFile?.impliedNodeFormat),
          ),
        ),
    };
  }

  /**
   * The file a cell's import is resolved from: the cell itself, or, for a package that only the kernel has, a
   * file in the kernel's package folder, so the types come from the copy that will run (see packages/locate.ts).
   */
  private importingFile(specifier: string, containingFile: string): string {
    if (!this.files.has(containingFile)) return containingFile;
    const location = this.packages.locate(specifier);
    return location?.fromKernel ? path.join(location.base, '__beemind_import__.ts') : containingFile;
  }

  /** Forgets every module resolution and missing file (after `%npm install`), so new packages are found. */
  forgetResolutions(): void {
    this.moduleCache.clear();
    this.moduleCache.getPackageJsonInfoCache().clear();
    for (const [name, snapshot] of this.disk) if (snapshot === undefined) this.disk.delete(name);
    this.current = undefined;
    this.service?.dispose();
    this.service = undefined;
    this.dirty = true;
    this.projectVersion += 1;
  }

  /** Replaces the set of virtual files (name → text); unchanged texts keep their version. */
  setFiles(files: ReadonlyMap<string, string>): void {
    let changed = files.size !== this.files.size;
    for (const [name, text] of files) {
      const current = this.files.get(name);
      if (current && current.text === text) continue;
      this.files.set(name, {
        text,
        version: (current?.version ?? 0) + 1,
        snapshot: ts.ScriptSnapshot.fromString(text),
      });
      changed = true;
    }
    for (const name of [...this.files.keys()]) if (!files.has(name)) this.files.delete(name);
    if (changed) {
      this.rootNames = [...files.keys()];
      this.dirty = true;
      this.projectVersion += 1;
    }
  }

  /** The program over the current files (updated from the previous one when files changed). */
  program(): ts.Program {
    if (this.dirty || !this.current) {
      this.current = ts.createProgram({
        rootNames: this.rootNames,
        options: this.options,
        host: this.host,
        oldProgram: this.current,
      });
      this.dirty = false;
    }
    return this.current;
  }

  /** The language service over the same files, for completion and quick info. */
  languageService(): ts.LanguageService {
    if (!this.service) {
      const h = this.host;
      const host: ts.LanguageServiceHost & { getModuleResolutionCache(): ts.ModuleResolutionCache } = {
        fileExists: h.fileExists,
        readFile: h.readFile,
        directoryExists: h.directoryExists,
        getDirectories: h.getDirectories,
        realpath: h.realpath,
        getCurrentDirectory: h.getCurrentDirectory,
        getDefaultLibFileName: h.getDefaultLibFileName,
        useCaseSensitiveFileNames: h.useCaseSensitiveFileNames,
        resolveModuleNameLiterals: h.resolveModuleNameLiterals,
        resolveTypeReferenceDirectiveReferences: h.resolveTypeReferenceDirectiveReferences,
        getCompilationSettings: () => this.options,
        getScriptFileNames: () => this.rootNames,
        getProjectVersion: () => String(this.projectVersion),
        getScriptVersion: (f) => this.version(f),
        getScriptSnapshot: (f) => this.snapshot(f),
        getModuleResolutionCache: () => this.moduleCache,
        readDirectory: ts.sys.readDirectory,
      };
      this.service = ts.createLanguageService(host, this.cache.registry());
    }
    return this.service;
  }

  private version(fileName: string): string {
    return String(this.files.get(fileName)?.version ?? 0);
  }

  private snapshot(fileName: string): ts.IScriptSnapshot | undefined {
    const file = this.files.get(fileName);
    if (file) return file.snapshot;
    // Library and package declaration files are read once per session.
    if (!this.disk.has(fileName)) {
      const text = ts.sys.readFile(fileName);
      this.disk.set(fileName, text === undefined ? undefined : ts.ScriptSnapshot.fromString(text));
    }
    return this.disk.get(fileName);
  }
}
