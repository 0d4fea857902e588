// User data quoted in messages and text tables never carries raw control characters to a terminal: an
// escape sequence in a CSV header is shown as `\x1b[31m`, not interpreted.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectFeatures } from '../../src/trained/trained_model.js';
import { BeeMindError } from '../../src/core/errors.js';
import { DISPLAY } from '../../src/core/html_table.js';
import { printable } from '../../src/core/text.js';
import { parseCSV, readCSV } from '../../src/data/csv.js';
import { toDataset } from '../../src/data/dataset.js';
import { createTransformer } from '../../src/preprocessing/registry.js';
import { runCLI } from '../helpers/cli.js';

// every C0 control but \t and \n, DEL, and the C1 controls
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const RED = '\u001b[31m';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BeeMindError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

/** The message of the BeeMindError `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BeeMindError);
  return (error as Error).message;
}

describe('printable', () => {
  it('escapes C0 (but tab and line feed), DEL and C1 controls, and nothing else', () => {
    expect(printable(`a${RED}b`)).toBe('a\\x1b[31mb');
    expect(printable('tab\tand\nline')).toBe('tab\tand\nline');
    expect(printable('\r\u0000\u0007\u007f\u0085\u009b')).toBe('\\r\\x00\\x07\\x7f\\x85\\x9b');
    expect(printable('naïve — ünïcødé 🐝 "quoted" \\')).toBe('naïve — ünïcødé 🐝 "quoted" \\');
    expect(printable('one\nline', { inline: true })).toBe('one\\nline');
  });
});

describe('messages and tables quote user data printably', () => {
  const csv = `price,${RED}evil\u0007,label\n1,2,a\n3,4,b\n5,6,a\n`;

  it('errors naming columns, values and files', async () => {
    const df = parseCSV(csv);
    const texts = [
      message(() => toDataset(df, { target: `no${RED}such` })),
      message(() => selectFeatures(df, [`${RED}missing`])),
      message(() => df.column(`${RED}x`)),
      message(() => parseCSV(`a,${RED}a\n1,2\n`).column('b')),
      message(() => parseCSV(`${RED}a,${RED}a\n1,2\n`)),
    ];
    texts.push(await rejection(readCSV(`/nonexistent/${RED}file.csv`)));
    const encoder = createTransformer('one_hot_encoder', { handleUnknown: 'error' });
    await encoder.fit(parseCSV(`${RED}c\na\nb\n`));
    texts.push(message(() => encoder.transform(parseCSV(`${RED}c\n${RED}z\nb\n`))));
    const scaler = createTransformer('standard_scaler');
    texts.push(await rejection(scaler.fit(parseCSV(`${RED}c,d\nx,1\ny,2\n`))));
    for (const text of texts) {
      expect(text).not.toMatch(CONTROL);
      expect(text).toContain('\\x1b[31m');
    }
  });

  it('text tables (a DataFrame, a leaderboard, a report) show escapes, HTML stays as it was', () => {
    const df = parseCSV(csv);
    const bundle = df[DISPLAY]();
    expect(bundle['text/plain']).not.toMatch(CONTROL);
    expect(bundle['text/plain']).toContain('\\x1b[31mevil\\x07');
    expect(df.toString()).not.toMatch(CONTROL);
  });

  it('the command line: an error and the leaderboard print no raw escape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beemind-printable-'));
    const file = join(dir, 'evil.csv');
    const iris = readFileSync(new URL('../../datasets/iris.csv', import.meta.url), 'utf8').split('\n');
    iris[0] = iris[0].replace('sepal_length', `sepal${RED}_length`);
    writeFileSync(file, iris.join('\n'));
    const failed = await runCLI(dir, ['evolve', file, '--target', `${RED}nope`, '--no-store', '-q']);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('\\x1b[31m');
    expect(failed.stderr).not.toMatch(CONTROL);
    const ran = await runCLI(dir, [
      'evolve',
      file,
      '--target',
      'species',
      '--no-store',
      '-q',
      '--evaluations',
      '4',
      '--workers',
      '0',
      '--families',
      'decision_tree',
      '--population',
      '4',
    ]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('\\x1b[31m');
    expect(ran.stdout).not.toMatch(CONTROL);
  }, 120_000);
});
