// Exported modules in Deno (the `deno` npm package, a dev dependency): a script imports each generated module
// from disk, predicts the test rows and prints the results; they must equal the library's in Node, bit for bit
// where the arithmetic is + − × ÷ √ only and within 1e-12 relative otherwise (see engines.ts).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PREDICT_ALL, engineCases, expectSameAsLibrary, type EngineResult } from './engines.js';
import { tempFolder } from './helpers.js';

const DENO = fileURLToPath(new URL('../../../node_modules/.bin/deno', import.meta.url));

/** Reads cases.json beside it, imports each module, prints the results as JSON. */
const SCRIPT = `${PREDICT_ALL}
const cases = JSON.parse(await Deno.readTextFile(new URL('./cases.json', import.meta.url)));
console.log(JSON.stringify(await predictAll(cases, (file) => import('./' + file))));
`;

const folder = tempFolder();
afterAll(() => folder.cleanup());

describe('exported modules in Deno', () => {
  it('predict exactly as the library for every family and ensemble', async () => {
    if (!existsSync(DENO)) throw new Error(`${DENO} is missing: npm ci installs the deno dev dependency`);
    const all = await engineCases();
    const dir = path.join(folder.dir, 'modules');
    mkdirSync(dir);
    for (const [file, text] of all.modules) writeFileSync(path.join(dir, file), text);
    writeFileSync(path.join(dir, 'cases.json'), JSON.stringify(all.inputs));
    writeFileSync(path.join(dir, 'predict.mjs'), SCRIPT);
    const { stdout } = await promisify(execFile)(
      DENO,
      ['run', '--no-config', '--no-npm', '--no-remote', `--allow-read=${dir}`, path.join(dir, 'predict.mjs')],
      {
        cwd: dir,
        env: {
          ...process.env,
          DENO_DIR: path.join(folder.dir, 'deno-cache'),
          DENO_NO_UPDATE_CHECK: '1',
          NO_COLOR: '1',
        },
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    expectSameAsLibrary(all, JSON.parse(stdout) as Record<string, EngineResult>);
  }, 300_000);
});
