// The TypeScript format: the generated module type-checks under `strict` with the TypeScript compiler API
// (its Row interface rejects a wrongly typed value), has no import statements, and once transpiled predicts
// exactly as the library on every test row.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { exportModule } from '../../src/export/module.js';
import {
  ENSEMBLE_CASES,
  FAMILY_CASES,
  importLines,
  importModule,
  probabilityRows,
  rowObjects,
  tempFolder,
  type FamilyCase,
} from './helpers.js';
import { trainOn } from './helpers.js';

const folder = tempFolder();
afterAll(() => folder.cleanup());

const STRICT: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: [],
  noUnusedLocals: true,
};

/** The compiler's diagnostics for `files` (the first one's imports resolved from the folder), as text. */
function typeErrors(files: string[]): string[] {
  const program = ts.createProgram(files, STRICT);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where =
      d.file && d.start !== undefined
        ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} `
        : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

const byName = (name: string): FamilyCase =>
  [...FAMILY_CASES, ...ENSEMBLE_CASES].find((c) => c.name.startsWith(name))!;

const CASES: { label: string; case: FamilyCase; wrongRow: string }[] = [
  { label: 'penguins', case: ENSEMBLE_CASES[0], wrongRow: '{ island: 3 }' },
  { label: 'credit', case: byName('hist_gradient_boosting binary'), wrongRow: '{ student: "yes" }' },
  { label: 'diabetes', case: byName('lasso'), wrongRow: '{ age: "old" }' },
];

describe.each(CASES)('TypeScript module ($label)', ({ label, case: c, wrongRow }) => {
  it('type-checks strictly, types its rows and predictions, and predicts exactly as the library', async () => {
    const { model, test } = await trainOn(c.dataset, c.specs);
    const text = exportModule(model, { format: 'ts' });
    expect(importLines(text)).toEqual([]);
    expect(text).toMatch(/^export interface Row \{/m);
    const moduleFile = path.join(folder.dir, `${label}_model.ts`);
    writeFileSync(moduleFile, text);

    const classification = model.task === 'classification';
    const usage = path.join(folder.dir, `${label}_usage.ts`);
    writeFileSync(
      usage,
      [
        `import { predict, ${classification ? 'predictProba, ' : ''}classes, inputColumns, task, type Label, type Row } from './${label}_model.js';`,
        `const rows: Row[] = ${JSON.stringify(rowObjects(test).slice(0, 3))};`,
        'export const labels: Label[] = predict(rows);',
        classification
          ? 'export const proba: number[][] = predictProba(rows);'
          : 'export const values: number[] = predict(rows);',
        `export const first: ${classification ? 'string' : 'null'} = ${classification ? 'classes[0]' : 'classes'};`,
        'export const names: string[] = inputColumns.map((column) => column.name);',
        `export const kind: '${model.task}' = task;`,
      ].join('\n'),
    );
    expect(typeErrors([usage])).toEqual([]);

    // a value of the wrong type for a column is a compile error in the user's code
    const wrong = path.join(folder.dir, `${label}_wrong.ts`);
    writeFileSync(
      wrong,
      `import { predict } from './${label}_model.js';\nexport const out = predict([${wrongRow}]);\n`,
    );
    const errors = typeErrors([wrong]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\w+_wrong\.ts:2 .*is not assignable/s);

    const js = ts.transpileModule(text, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    }).outputText;
    const module = await importModule(folder.dir, `${label}_transpiled`, js);
    const rows = rowObjects(test);
    expect(module.predict(rows)).toEqual(model.predict(test));
    if (classification) expect(module.predictProba!(rows)).toEqual(probabilityRows(model, test));
  });
});
