// Where a notebook's imports come from: the notebook's folder upward first, the kernel's own packages as the
// fallback (type-checked and run from the same copy), a clear error naming a package that is nowhere; and the
// `%npm` line magic's parsing.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { Converter } from '../src/converter/converter.js';
import { IMPORT_FUNCTION, Importer } from '../src/packages/importer.js';
import {
  findPackageDir,
  isBareSpecifier,
  kernelPackageBases,
  packageName,
  PackageLocator,
} from '../src/packages/locate.js';
import { MagicError, splitArguments, splitMagics } from '../src/packages/npm-magic.js';

/** A folder with no node_modules in it or above it (the temporary folder's parents have none). */
function bareFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'beemind-packages-'));
  expect(findPackageDir(dir, 'beemind')).toBeUndefined();
  return dir;
}

/** A minimal typed ES module package `name` in `dir/node_modules`. */
function writePackage(dir: string, name: string, source: string, types: string): void {
  const root = path.join(dir, 'node_modules', name);
  mkdirSync(root, { recursive: true });
  writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      type: 'module',
      exports: { '.': { types: './index.d.ts', default: './index.js' } },
    }),
  );
  writeFileSync(path.join(root, 'index.js'), source);
  writeFileSync(path.join(root, 'index.d.ts'), types);
}

/** What a cell refused by the type checker rejects with: a TypeScriptError whose traceback contains `text`. */
function typeErrorSaying(text: string) {
  return {
    content: { ename: 'TypeScriptError', traceback: expect.arrayContaining([expect.stringContaining(text)]) },
  };
}

/** Compiles and runs cells as the kernel's worker does, with the importer installed as the kernel installs it. */
function notebook(directory: string) {
  const locator = new PackageLocator(directory);
  const converter = new Converter(directory, locator);
  const importer = new Importer(locator);
  let cells = 0;
  return {
    converter,
    async run(code: string): Promise<unknown> {
      const result = converter.compile(code, `cell[${++cells}]`);
      if (!result.ok) throw Object.assign(new Error(result.error.evalue), { content: result.error });
      // cells run in the main context (runInThisContext), whose global is not jest's sandbox global
      Object.assign(vm.runInThisContext('globalThis'), {
        [IMPORT_FUNCTION]: (s: string) => importer.import(s),
      });
      const script = new vm.Script(result.compiled.js, {
        filename: path.join(directory, `cell_${cells}.js`),
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
      return script.runInThisContext();
    },
  };
}

describe('package locations', () => {
  it('tells package names from paths, URLs and Node built-ins', () => {
    expect(isBareSpecifier('beemind')).toBe(true);
    expect(isBareSpecifier('@scope/pkg/sub')).toBe(true);
    for (const s of ['./x.js', '../x', '/abs/x', 'node:fs', 'fs', 'file:///x.js', '#internal']) {
      expect(isBareSpecifier(s)).toBe(false);
    }
    expect(packageName('@scope/pkg/sub/path')).toBe('@scope/pkg');
    expect(packageName('arquero/dist/x')).toBe('arquero');
  });

  it('falls back to the packages installed with the kernel, beemind and its dependencies included', () => {
    const locator = new PackageLocator(bareFolder());
    const bases = kernelPackageBases();
    expect(locator.locate('beemind')).toEqual({ base: bases[0], fromKernel: true });
    expect(locator.locate('arquero')?.fromKernel).toBe(true);
    expect(locator.locate('./local.js')).toEqual({ base: locator.notebookDirectory, fromKernel: false });
    expect(locator.locate('no-such-package-beemind-test')).toBeUndefined();
  });

  it("prefers the notebook's own copy of a package to the kernel's", () => {
    const dir = bareFolder();
    writePackage(
      dir,
      'beemind',
      'export const which = "notebook";\n',
      'export declare const which: string;\n',
    );
    const nested = path.join(dir, 'analysis', 'week1');
    mkdirSync(nested, { recursive: true });
    expect(new PackageLocator(nested).locate('beemind')).toEqual({ base: nested, fromKernel: false });
  });
});

describe("the kernel's own copy", () => {
  it('tells the copy installed with the kernel (or a link to it) from a copy in the notebook folder', () => {
    expect(new PackageLocator(bareFolder()).isKernelCopy('beemind')).toBe(true);
    const planted = bareFolder();
    writePackage(
      planted,
      'beemind',
      'export const which = "planted";\n',
      'export declare const which: string;\n',
    );
    expect(new PackageLocator(planted).isKernelCopy('beemind')).toBe(false);
    const linked = bareFolder();
    mkdirSync(path.join(linked, 'node_modules'));
    symlinkSync(
      findPackageDir(kernelPackageBases()[0], 'beemind')!,
      path.join(linked, 'node_modules', 'beemind'),
    );
    expect(new PackageLocator(linked).isKernelCopy('beemind')).toBe(true);
    expect(new PackageLocator(bareFolder()).isKernelCopy('no-such-package-beemind-test')).toBe(false);
  });
});

describe('imports in a notebook', () => {
  it('imports and type-checks beemind in a folder with no node_modules anywhere above it', async () => {
    const nb = notebook(bareFolder());
    expect(await nb.run("import { DataFrame, readCSV } from 'beemind';\ntypeof readCSV")).toBe('function');
    // the types came along: a wrong argument is a type error, not a runtime surprise
    await expect(nb.run('readCSV(42)')).rejects.toThrow(/not assignable to parameter of type 'string'/);
    expect(
      await nb.run("new DataFrame([{ name: 'x', kind: 'numeric', values: new Float64Array([1, 2]) }]).rows"),
    ).toBe(2);
    expect(await nb.run("const aq = await import('arquero'); typeof aq.table")).toBe('function');
  });

  it("carries a cell's variables whose types are beemind's (a model from createModel) into later cells", async () => {
    const nb = notebook(bareFolder());
    await nb.run("import { createModel, SupportVectorMachine } from 'beemind';");
    await nb.run("const model = createModel('svm', 'classification', { C: 2 }); const answer = 42;");
    expect(await nb.run('answer')).toBe(42);
    expect(await nb.run('model.getParams().C')).toBe(2);
    expect(await nb.run('(model as SupportVectorMachine).decisionFunction === undefined')).toBe(false);
  });

  it('keeps the names of a cell whose value has a type its package does not export', async () => {
    const dir = bareFolder();
    writePackage(
      dir,
      'private-types',
      'export const make = () => ({ v: 1 }); export const show = () => ({ w: "x" });\n',
      'interface Hidden { v: number }\nexport interface Shown { w: string }\n' +
        // `export {}`: only what is marked export leaves the module (Hidden stays private)
        'export declare function make(): Hidden;\nexport declare function show(): Shown;\nexport {};\n',
    );
    const nb = notebook(dir);
    // TypeScript emits no declarations for this cell (h's type cannot be named outside the package)
    await nb.run(
      "import { make, show, type Shown } from 'private-types';\n" +
        'const h = make(); const n = 5; const s = show(); const m = new Map<string, Shown>([["a", s]]);\n' +
        'interface Local { q: number }\nfunction twice(x: number) { return 2 * x; }',
    );
    expect(await nb.run('n + h.v + s.w.length + twice(2) + (m.get("a")?.w.length ?? 0)')).toBe(12);
    expect(await nb.run('const local: Local = { q: 3 }; local.q')).toBe(3);
    // the types that can be named are kept: a wrong use is still a type error
    await expect(nb.run('const wrong: string = n')).rejects.toThrow(
      /Type '5' is not assignable to type 'string'|Type 'number' is not assignable/,
    );
    await expect(nb.run('s.w.toFixed(1)')).rejects.toThrow(/toFixed/);
  });

  it("runs the notebook folder's package when it has one", async () => {
    const dir = bareFolder();
    writePackage(
      dir,
      'local-answer',
      'export const answer = 41 + 1;\n',
      'export declare const answer: number;\n',
    );
    const nb = notebook(dir);
    expect(await nb.run("import { answer } from 'local-answer';\nanswer")).toBe(42);
  });

  it('names a package that is nowhere and says how to install it', async () => {
    const nb = notebook(bareFolder());
    await expect(nb.run("import _ from 'no-such-package-beemind-test';")).rejects.toMatchObject(
      typeErrorSaying('%npm install no-such-package-beemind-test'),
    );
    // a dynamic import that the type checker cannot see fails at run time with the same advice
    await expect(nb.run("await import('no-such-package-beemind-test' + '')")).rejects.toThrow(
      /Cannot find package 'no-such-package-beemind-test'.*%npm install no-such-package-beemind-test/s,
    );
  });

  it('says that a file the same cell writes can be imported from the next cell', async () => {
    const nb = notebook(bareFolder());
    await expect(nb.run("const mod = await import('./churn.mjs');")).rejects.toMatchObject(
      typeErrorSaying(
        'If a line of this cell writes ./churn.mjs, import it in the next cell: a cell is type-checked as a whole before any of it runs.',
      ),
    );
  });

  it('finds a package installed after a failed import, without a restart', async () => {
    const dir = bareFolder();
    const nb = notebook(dir);
    await expect(nb.run("import { late } from 'late-package';\nlate")).rejects.toThrow(
      /Cannot find module 'late-package'/,
    );
    writePackage(
      dir,
      'late-package',
      'export const late = "here";\n',
      'export declare const late: string;\n',
    );
    nb.converter.packagesChanged(); // what the kernel does after `%npm …`
    expect(await nb.run("import { late } from 'late-package';\nlate")).toBe('here');
  });
});

describe('import hooks', () => {
  it("runs a package's hook around each import of it (and its subpaths), before the import resolves", async () => {
    const dir = bareFolder();
    writePackage(dir, 'hooked', 'export const v = 1;\n', 'export declare const v: number;\n');
    writePackage(dir, 'other', 'export const w = 2;\n', 'export declare const w: number;\n');
    const importer = new Importer(new PackageLocator(dir));
    const seen: string[] = [];
    importer.hook('hooked', async (load, specifier) => {
      seen.push(`before ${specifier}`);
      const module = await load();
      await new Promise((r) => setTimeout(r, 10));
      seen.push('after');
      return module;
    });
    const module = (await importer.import('hooked')) as { v: number };
    seen.push('resolved');
    expect(module.v).toBe(1);
    expect(((await importer.import('other')) as { w: number }).w).toBe(2);
    await expect(importer.import('hooked/missing.js')).rejects.toThrow();
    expect(((await importer.importDirect('hooked')) as { v: number }).v).toBe(1);
    expect(seen).toEqual(['before hooked', 'after', 'resolved', 'before hooked/missing.js']);
  });
});

describe('%npm line magic', () => {
  it('splits leading %npm lines off the cell and keeps line numbers', () => {
    expect(splitMagics("%npm install lodash 'left pad'\n\nconst x = 1;\nx")).toEqual({
      commands: [['install', 'lodash', 'left pad']],
      code: '\n\nconst x = 1;\nx',
    });
    expect(splitMagics('const rest = 10 % 3;\nrest')).toEqual({
      commands: [],
      code: 'const rest = 10 % 3;\nrest',
    });
  });

  it('rejects unknown magics, magics after code and an empty %npm', () => {
    expect(() => splitMagics('%pip install pandas')).toThrow(MagicError);
    expect(() => splitMagics('%pip install pandas')).toThrow(/unknown line magic %pip.*%npm/);
    expect(() => splitMagics('const a = 1;\n%npm install lodash')).toThrow(/must come first/);
    expect(() => splitMagics('%npm')).toThrow(/needs a command/);
  });

  it('splits arguments on spaces with quotes grouping', () => {
    expect(splitArguments(` install  "a b" 'c' d`)).toEqual(['install', 'a b', 'c', 'd']);
  });
});
