// `beemind models export NAME --format esm|ts` after `beemind evolve --save-model NAME`: runs the commands and
// the usage snippet of the README's "Portable models" section verbatim, and checks that the module predicts
// exactly as the registered model (loaded by the library from `--format json`) on every row of the data.
// Needs the built CLI: run `npx tsc -b` first.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { readCSV } from '../../src/data/csv.js';
import { DataFrame } from '../../src/data/data_frame.js';
import { BIN, runNode } from '../store/helpers.js';
import { expectCleanFailure, ok, runCLI } from '../helpers/cli.js';
import { importLines, importModule, tempFolder } from './helpers.js';

/** The README's shell commands (without the leading `npx beemind`). */
const README_COMMANDS = [
  'datasets export penguins --out penguins.csv',
  'evolve penguins.csv --target species --evaluations 12 --seed 0 --save-model penguins',
  'models export penguins --format esm --out penguins.mjs',
];

/** The README's usage of the module, as a file next to it. */
const README_USAGE = `import { predict, predictProba, classes } from './penguins.mjs';
const rows = [
  { island: 'Biscoe', bill_length_mm: 48.6, bill_depth_mm: 16.0, flipper_length_mm: 230, body_mass_g: 5800, sex: 'male', year: 2009 },
  { island: 'Dream', bill_length_mm: 39.5, bill_depth_mm: 17.8, flipper_length_mm: 188, body_mass_g: null, sex: null, year: 2008 },
];
console.log(predict(rows));        // [ 'Gentoo', 'Adelie' ]
console.log(classes);              // [ 'Adelie', 'Chinstrap', 'Gentoo' ]
console.log(predictProba(rows));   // one probability per class and row
`;

const folder = tempFolder();
afterAll(() => folder.cleanup());

describe('beemind models export --format esm|ts', () => {
  const cwd = folder.dir;

  beforeAll(async () => {
    for (const command of README_COMMANDS) ok(await runCLI(cwd, command.split(' ')));
  }, 300_000);

  it('writes a module that the README snippet runs in a fresh Node process', async () => {
    writeFileSync(path.join(cwd, 'use.mjs'), README_USAGE);
    const out = ok(await runNode([path.join(cwd, 'use.mjs')], undefined, { cwd }));
    expect(out).toMatch(/^\[ 'Gentoo', 'Adelie' \]\n\[ 'Adelie', 'Chinstrap', 'Gentoo' \]\n\[\n {2}\[/);
  });

  it('predicts exactly as the registered model on every row', async () => {
    ok(await runCLI(cwd, ['models', 'export', 'penguins', '--out', 'penguins.json']));
    const model = TrainedModel.fromJSON(
      JSON.parse(readFileSync(path.join(cwd, 'penguins.json'), 'utf8')).model,
    );
    const text = readFileSync(path.join(cwd, 'penguins.mjs'), 'utf8');
    expect(importLines(text)).toEqual([]);
    const module = await importModule(cwd, 'penguins_copy', text);
    const data = await readCSV(path.join(cwd, 'penguins.csv'));
    const rows = DataFrame.fromFrame(data).toObjects();
    expect(module.predict(rows)).toEqual(model.predict(data));
    const p = model.predictProba(data);
    expect(module.predictProba!(rows)).toEqual(
      Array.from({ length: p.rows }, (_, i) => Array.from(p.data.subarray(i * p.cols, (i + 1) * p.cols))),
    );
  });

  it('writes TypeScript to stdout for NAME:VERSION, and refuses an unknown format or a missing model', async () => {
    const ts = ok(await runCLI(cwd, ['models', 'export', 'penguins:1', '--format', 'ts']));
    expect(ts).toMatch(
      /^export interface Row \{\n {2}"island"\?: string \| null;\n {2}"bill_length_mm"\?: number \| boolean \| null;/m,
    );
    expect(ts).toMatch(/^export type Label = "Adelie" \| "Chinstrap" \| "Gentoo";$/m);
    expect(importLines(ts)).toEqual([]);

    const bad = await runNode([BIN, 'models', 'export', 'penguins', '--format', 'xml'], undefined, { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/argument 'xml' is invalid\. Allowed choices are json, esm, ts/);

    expectCleanFailure(
      await runCLI(cwd, ['models', 'export', 'nosuchmodel', '--format', 'esm']),
      /nosuchmodel/,
    );
  });
});
