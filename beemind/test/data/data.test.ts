import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { parseCSV, readCSV } from '../../src/data/csv.js';
import { loadDataset } from '../../src/data/datasets.js';
import { DataFrame, fromTable } from '../../src/data/data_frame.js';
import { toDataset } from '../../src/data/dataset.js';
import { kFold, splitDataset, trainTestSplit } from '../../src/data/split.js';
import { DataError } from '../../src/core/errors.js';
import { DISPLAY } from '../../src/core/html_table.js';
import { cat, num } from '../helpers/frames.js';

const text = `age,city,member,score,label
34,Paris,yes,1.5,good
NA,Lyon,no,?,bad
51,,yes,2.5,good
28,Paris,no,NaN,bad
`;

describe('readCSV and type inference', () => {
  it('infers numeric, categorical and boolean columns with missing values', async () => {
    const df = await readCSV(text);
    expect(df.rows).toBe(4);
    expect(df.schema.map((c) => [c.name, c.kind, c.missing])).toEqual([
      ['age', 'numeric', 1],
      ['city', 'categorical', 1],
      ['member', 'boolean', 0],
      ['score', 'numeric', 2],
      ['label', 'categorical', 0],
    ]);
    const age = df.column('age');
    expect(Number.isNaN(age.values[1] as number)).toBe(true);
    expect(df.column('member').values).toEqual(Float64Array.from([1, 0, 1, 0]));
  });

  it('reads a file path and reports an unreadable path with the fix', async () => {
    const df = await readCSV(fileURLToPath(new URL('../../datasets/iris.csv', import.meta.url)));
    expect(df.rows).toBe(150);
    await expect(readCSV('no/such/file.csv')).rejects.toThrow(/cannot read CSV file "no\/such\/file.csv"/);
  });

  it('rejects ragged CSV and header-only CSV', () => {
    expect(() => parseCSV('a,b\n1,2\n3\n')).toThrow(DataError);
    expect(() => parseCSV('a,b\n')).toThrow(/no data rows|empty/);
  });

  it('keeps column names that look like HTML or code as plain text', () => {
    const df = parseCSV('<b>x</b>,${process.exit()},y\n1,2,a\n3,4,b\n');
    expect(df.columnNames).toEqual(['<b>x</b>', '${process.exit()}', 'y']);
  });
});

describe('datasets', () => {
  it('encodes a text target and infers classification', async () => {
    const ds = toDataset(await loadDataset('iris'), { target: 'species' });
    expect(ds.task).toBe('classification');
    expect(ds.target.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds.featureNames).toHaveLength(4);
    expect(ds.decode([0, 2])).toEqual(['setosa', 'virginica']);
  });

  it('infers regression for a continuous target and classification for few integers', async () => {
    const diabetes = toDataset(await loadDataset('diabetes'), { target: 'progression' });
    expect(diabetes.task).toBe('regression');
    const digits = await loadDataset('digits');
    const ds = toDataset(digits, { target: digits.columnNames.at(-1)! });
    expect(ds.task).toBe('classification');
    expect(ds.nClasses).toBe(10);
  });

  it('lets the user override the task', () => {
    const df = parseCSV('x,y\n1,1\n2,2\n3,3\n4,1\n');
    expect(toDataset(df, { target: 'y', task: 'regression' }).task).toBe('regression');
  });

  it('explains a missing target, an unknown target and a single-class target', () => {
    const df = parseCSV('x,y\n1,a\n2,\n3,b\n');
    expect(() => toDataset(df, { target: 'y' })).toThrow(
      /missing in 1 of 3 rows \(the first at row index \d+, counting from 0\).*dropMissingTarget: true/,
    );
    expect(toDataset(df, { target: 'y', dropMissingTarget: true }).rows).toBe(2);
    expect(() => toDataset(df, { target: 'z' })).toThrow(/no column named "z"; the columns are: x, y/);
    expect(() => toDataset(parseCSV('x,y\n1,a\n2,a\n'), { target: 'y' })).toThrow(/only one class/);
  });

  it('fingerprints by content', () => {
    const a = toDataset(parseCSV('x,y\n1,a\n2,b\n'), { target: 'y' });
    const b = toDataset(parseCSV('x,y\n1,a\n2,b\n'), { target: 'y' });
    const c = toDataset(parseCSV('x,y\n1,a\n3,b\n'), { target: 'y' });
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
  });

  it('wraps an arquero table', async () => {
    const aq = await import('arquero');
    const df = fromTable(aq.table({ a: [1, 2, null], b: ['x', 'y', 'z'], c: [true, false, true] }));
    expect(df.schema.map((s) => s.kind)).toEqual(['numeric', 'categorical', 'boolean']);
    expect(df.schema[0].missing).toBe(1);
    const back = await df.toTable();
    expect(back.numRows()).toBe(3);
    expect(back.columnNames()).toEqual(['a', 'b', 'c']);
  });
});

describe('DataFrame display', () => {
  const bundle = (df: DataFrame) => df[DISPLAY]();
  const bodyRows = (html: string) =>
    html.split('<tbody>')[1].split('</tbody>')[0].match(/<tr>/g)?.length ?? 0;

  it('shows each column kind in the header, missing values as NaN and the size', async () => {
    const frame = await readCSV(text);
    const { 'text/html': html, 'text/plain': plain } = bundle(frame);
    const head = html.split('<thead>')[1].split('</thead>')[0];
    expect(head).toMatch(
      /<th[^>]*>age<\/th><th>city<\/th><th>member<\/th><th[^>]*>score<\/th><th>label<\/th>/,
    );
    expect(head).toMatch(
      /<th[^>]*>numeric<\/th><th>categorical<\/th><th>boolean<\/th><th[^>]*>numeric<\/th><th>categorical<\/th><\/tr>$/,
    );
    // missing numbers (age, score) and a missing category (city) show as NaN, styled apart from the values
    expect(html.match(/<td style="[^"]*font-style:italic">NaN<\/td>/g)).toHaveLength(4);
    // a boolean read from text shows in the file's words; toObjects() still gives true and false
    expect(html).toMatch(/<td>yes<\/td>/);
    expect(frame.toObjects().map((r) => r.member)).toEqual([true, false, true, false]);
    expect(html).toContain('4 rows × 5 columns');
    const lines = plain.split('\n');
    expect(lines[0].trim().split(/\s+/)).toEqual(['age', 'city', 'member', 'score', 'label']);
    expect(lines[1].trim().split(/\s+/)).toEqual([
      'numeric',
      'categorical',
      'boolean',
      'numeric',
      'categorical',
    ]);
    expect(lines[3].trim().split(/\s+/)).toEqual(['1', 'NaN', 'Lyon', 'no', 'NaN', 'bad']);
    expect(lines.at(-1)).toBe('4 rows × 5 columns');
  });

  it('names a column of dates or of free text as every pipeline reads it, in the display only', () => {
    const df = parseCSV(
      'day,note,city\n2021-06-14,the delivery came late again,Lyon\n2021-06-15,great service as always,Paris\n',
    );
    const kinds = df[DISPLAY]()['text/plain'].split('\n')[1].trim().split(/\s+/);
    expect(kinds).toEqual(['date', 'text', 'categorical']);
    expect(df.schema.map((c) => c.kind)).toEqual(['categorical', 'categorical', 'categorical']);
  });

  it('cuts a long frame to its first 10 and last 5 rows with a … row, and counts every row', () => {
    const rows = Array.from({ length: 100 }, (_, i) => i);
    const thirds = rows.map((i) => i / 3);
    const long = new DataFrame([
      num('x', thirds),
      cat(
        'c',
        thirds.map((_, i) => `c${i}`),
      ),
    ]);
    const { 'text/html': html, 'text/plain': text } = bundle(long);
    expect(bodyRows(html)).toBe(16);
    expect(html).toContain('100 rows × 2 columns');
    const lines = text.split('\n');
    expect(lines).toHaveLength(2 + 10 + 1 + 5 + 1);
    const labels = lines.slice(2).map((l) => l.trim().split(/\s+/)[0]);
    expect(labels).toEqual('0 1 2 3 4 5 6 7 8 9 … 95 96 97 98 99 100'.split(' '));
    expect(lines[3].trim().split(/\s+/)).toEqual(['1', '0.333333', 'c1']); // 6 significant digits
    expect(lines.at(-1)).toBe('100 rows × 2 columns');
    // 60 rows show whole, like pandas
    expect(bodyRows(bundle(long.head(60))['text/html'])).toBe(60);
    expect(bundle(long.head(1))['text/plain'].split('\n').at(-1)).toBe('1 row × 2 columns');
  });

  it('escapes column names and values', () => {
    const df = parseCSV('<script>alert(1)</script>,b\n<img src=x onerror=alert(1)>,1\n');
    const html = bundle(df)['text/html'];
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('<th>&lt;script&gt;alert(1)&lt;/script&gt;</th>');
    expect(html).toContain('<td>&lt;img src=x onerror=alert(1)&gt;</td>');
  });

  it('formats numbers without float noise and shows in the terminal as its text table', () => {
    const df = new DataFrame([num('v', [0.1 + 0.2, 123456.789, 1e-7, 42, -2.5e12])]);
    const text = bundle(df)['text/plain'];
    const shown = text.split('\n').map((l) => l.trim().split(/\s+/)[1]);
    expect(shown.slice(2, 7)).toEqual(['0.3', '123457', '1e-7', '42', '-2500000000000']);
    expect(String(df)).toBe(text);
    expect(inspect(df)).toBe(text);
    expect(String(df.head(2))).toMatch(/2 rows × 1 column$/);
  });
});

describe('splits', () => {
  const y = Float64Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));

  it('train/test split is seeded, disjoint, complete and stratified', () => {
    const s = trainTestSplit(100, 0.25, { seed: 0, stratify: y });
    expect(s.test.length).toBe(25);
    expect(new Set([...s.train, ...s.test]).size).toBe(100);
    expect([...s.test].filter((i) => y[i] === 1).length).toBe(5);
    expect(trainTestSplit(100, 0.25, { seed: 0, stratify: y })).toEqual(s);
    expect(trainTestSplit(100, 0.25, { seed: 1, stratify: y }).test).not.toEqual(s.test);
  });

  it('K-fold covers every row once with stratified folds', () => {
    const folds = kFold(100, 5, { seed: 0, stratify: y });
    const seen = new Int32Array(100);
    for (const f of folds) {
      f.test.forEach((i) => seen[i]++);
      expect(f.test.length).toBe(20);
      expect([...f.test].filter((i) => y[i] === 1).length).toBe(4);
      expect(f.train.length + f.test.length).toBe(100);
    }
    expect([...seen].every((c) => c === 1)).toBe(true);
  });

  it('splits a dataset keeping its classes', async () => {
    const ds = toDataset(await loadDataset('iris'), { target: 'species' });
    const { train, test } = splitDataset(ds, { seed: 0 });
    expect(train.rows + test.rows).toBe(150);
    expect(test.target.classes).toEqual(ds.target.classes);
  });

  it('rejects impossible splits', () => {
    expect(() => trainTestSplit(3, 0.01)).toThrow(/leaves no rows/);
    expect(() => kFold(3, 5)).toThrow(/cannot be split into 5 folds/);
  });
});
