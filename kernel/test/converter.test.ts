// The converter end to end: type checking with cell line numbers, declarations carried across cells (and
// superseded when declared again), imports, top-level await, and scripts that run in the global scope.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { Converter } from '../src/converter/converter.js';
import { IMPORT_FUNCTION, Importer } from '../src/packages/importer.js';
import { PackageLocator } from '../src/packages/locate.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'beemind-converter-'));
writeFileSync(
  path.join(directory, 'helper.mjs'),
  'export const answer = 42;\nexport default function twice(x) { return 2 * x; }\n',
);
writeFileSync(
  path.join(directory, 'helper.d.mts'),
  'export declare const answer: number;\nexport default function twice(x: number): number;\n',
);
const converter = new Converter(directory);
// What the kernel's worker installs: the importer that cells' imports call (in the main context's global,
// where runInThisContext runs the cells, not jest's sandbox global).
Object.assign(vm.runInThisContext('globalThis'), {
  [IMPORT_FUNCTION]: (specifier: string) => new Importer(new PackageLocator(directory)).import(specifier),
});
let cells = 0;

/** Compiles and runs a cell like the kernel does; returns its value or the compile error. */
async function run(code: string): Promise<unknown> {
  const result = converter.compile(code, `cell[${++cells}]`);
  if (!result.ok) throw Object.assign(new Error(result.error.evalue), { content: result.error });
  const script = new vm.Script(result.compiled.js, {
    filename: path.join(directory, `cell_${cells}.js`),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  return script.runInThisContext();
}

describe('Converter', () => {
  it('returns the value of a final expression and nothing after a declaration', async () => {
    expect(await run('1 + 1')).toBe(2);
    expect(await run('const unused = 3;')).toBeUndefined();
  });

  it('carries variables, functions and their types into later cells', async () => {
    await run('const base: number = 40;\nfunction plus(a: number, b = 2): number { return a + b; }');
    expect(await run('plus(base)')).toBe(42);
    await expect(run('plus("x")')).rejects.toThrow(/not assignable to parameter of type 'number'/);
  });

  it('reports type errors with the cell line and column and does not run the cell', async () => {
    const globals = globalThis as Record<string, unknown>;
    await expect(
      run('(globalThis as Record<string, unknown>).ranAnyway = true;\nconst n: number = "text";'),
    ).rejects.toMatchObject({
      content: {
        ename: 'TypeScriptError',
        evalue: "line 2: Type 'string' is not assignable to type 'number'.",
        traceback: expect.arrayContaining([expect.stringContaining('line 2, column 7')]),
      },
    });
    expect(globals.ranAnyway).toBeUndefined();
  });

  it('lets a later cell declare a name again, with its new type', async () => {
    await run('let value = 1;');
    expect(await run('value += 1; value')).toBe(2);
    await run('const value = "text";');
    expect(await run('value.toUpperCase()')).toBe('TEXT');
    await expect(run('value = "other"')).rejects.toThrow(/constant/);
  });

  it('carries interfaces, type aliases, classes and enums', async () => {
    await run(
      'interface Point { x: number; y: number }\ntype Pair = [Point, Point];\nclass Box { constructor(public size: number) {} area() { return this.size ** 2; } }\nenum Color { Red, Green }',
    );
    expect(
      await run(
        'const pair: Pair = [{ x: 1, y: 2 }, { x: 3, y: 4 }];\npair[1].x + new Box(3).area() + Color.Green',
      ),
    ).toBe(13);
    await expect(run('const bad: Point = { x: 1 };')).rejects.toThrow(/'y' is missing/);
  });

  it('binds destructured declarations as globals', async () => {
    await run('const { a, b: [c, d = 4], ...rest } = { a: 1, b: [3], e: 5 };');
    expect(await run('[a, c, d, rest.e]')).toEqual([1, 3, 4, 5]);
  });

  it('treats export keywords as plain declarations', async () => {
    await run(
      'export const exported = 5;\nexport function exportedFn() { return 6; }\nexport default class {}',
    );
    expect(await run('exported + exportedFn()')).toBe(11);
  });

  it('supports top-level await', async () => {
    expect(
      await run('const later = await new Promise<number>((r) => setTimeout(() => r(7), 5));\nlater * 6'),
    ).toBe(42);
  });

  it('turns static imports into dynamic imports resolved from the notebook directory, and carries them', async () => {
    expect(await run('import twice, { answer } from "./helper.mjs";\ntwice(answer)')).toBe(84);
    expect(await run('answer + 1')).toBe(43);
    expect(await run('const m = await import("./helper.mjs"); m.answer')).toBe(42);
  });

  it('drops type-only imports at run time', async () => {
    expect(
      await run(
        'import type { Worker } from "node:worker_threads";\nlet w: Worker | undefined;\nw === undefined',
      ),
    ).toBe(true);
  });

  it('keeps runtime errors in the cell and the names bound before them', async () => {
    await expect(run('const before = 1;\nthrow new Error("boom");')).rejects.toThrow('boom');
    expect(await run('before')).toBe(1);
  });

  it('re-checks an unchanged cell when what it depends on changed', async () => {
    await run('let probe = 1.5;');
    expect(await run('probe.toFixed(1)')).toBe('1.5');
    expect(await run('probe.toFixed(1)')).toBe('1.5');
    await run('const probe = "text";');
    await expect(run('probe.toFixed(1)')).rejects.toThrow(/'toFixed' does not exist/);
    await run('import { answer as imported } from "./helper.mjs";');
    expect(await run('imported.toFixed(0)')).toBe('42');
    await run('import { default as imported } from "./helper.mjs";');
    await expect(run('imported.toFixed(0)')).rejects.toThrow(/'toFixed' does not exist/);
  });

  it('answers is_complete from the parser', () => {
    expect(converter.isComplete('1 + 1')).toEqual({ status: 'complete' });
    expect(converter.isComplete('function f() {')).toEqual({ status: 'incomplete', indent: '  ' });
    expect(converter.isComplete('const xs = [1,')).toMatchObject({ status: 'incomplete' });
    expect(converter.isComplete('1 + 1)')).toEqual({ status: 'invalid' });
    expect(converter.isComplete("'open")).toEqual({ status: 'invalid' });
  });

  it('completes members and earlier declarations from the language service', () => {
    const members = converter.complete('Math.ma', 7);
    expect(members.matches).toEqual(['max']);
    expect([members.cursor_start, members.cursor_end]).toEqual([5, 7]);
    expect(converter.complete('plu', 3).matches).toContain('plus');
  });

  it('inspects with the signature and documentation', () => {
    const info = converter.inspect('Math.max', 8, 0);
    expect(info.found).toBe(true);
    expect(info.data['text/plain']).toMatch(/max\(\.\.\.values: number\[\]\): number/);
    expect(converter.inspect('   ', 1, 0).found).toBe(false);
  });
});
