import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataError } from '../../src/core/errors.js';
import { inferTask } from '../../src/data/dataset.js';
import { datasetInfo, datasetNames, loadDataset, loadDatasetAsDataset } from '../../src/data/datasets.js';

const DATASETS_DIR = fileURLToPath(new URL('../../datasets/', import.meta.url));

describe('shipped datasets', () => {
  it('lists the classics and the penguins, weather and credit default tables', () => {
    expect(datasetNames()).toEqual(
      expect.arrayContaining([
        'iris',
        'wine',
        'breast_cancer',
        'digits',
        'diabetes',
        'penguins',
        'seattle_weather',
        'credit_default',
      ]),
    );
  });

  it.each(datasetNames())('%s loads with its target, declared task, rows and columns', async (name) => {
    const info = datasetInfo(name);
    expect(info.name).toBe(name);
    expect(info.file).toBe(`${DATASETS_DIR}${name}.csv`);
    expect(existsSync(info.file)).toBe(true);
    expect(info.description).not.toMatch(/\n/);
    expect(info.source).not.toBe('');
    expect(info.licence).not.toBe('');

    const df = await loadDataset(name);
    expect(df.rows).toBe(info.rows);
    expect(df.columns).toHaveLength(info.columns);
    expect(df.columnNames).toContain(info.target);
    expect(inferTask(df.column(info.target))).toBe(info.task);

    const ds = await loadDatasetAsDataset(name);
    expect(ds.target.name).toBe(info.target);
    expect(ds.task).toBe(info.task);
    expect(ds.rows).toBe(info.rows);
    expect(ds.featureNames).not.toContain(info.target);
    expect(ds.name).toBe(name);
  });

  it('penguins has missing values', async () => {
    const df = await loadDataset('penguins');
    const missing = Object.fromEntries(df.schema.map((c) => [c.name, c.missing]));
    expect(missing.sex).toBeGreaterThan(0);
    expect(missing.bill_length_mm).toBeGreaterThan(0);
    expect(missing.species).toBe(0);
    expect((await loadDatasetAsDataset('penguins')).target.classes).toEqual([
      'Adelie',
      'Chinstrap',
      'Gentoo',
    ]);
  });

  it('seattle_weather has its date column', async () => {
    const df = await loadDataset('seattle_weather');
    expect(df.columnNames[0]).toBe('date');
    const dates = df.column('date').values as (string | null)[];
    expect(dates.every((d) => d !== null && /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
    expect([dates[0], dates.at(-1)]).toEqual(['2012-01-01', '2015-12-31']);
  });

  it('credit_default is an imbalanced yes/no problem (minority class under 20%)', async () => {
    const ds = await loadDatasetAsDataset('credit_default');
    expect(ds.nClasses).toBe(2);
    const counts = [0, 0];
    for (const v of ds.target.values) counts[v]++;
    expect(Math.min(...counts) / ds.rows).toBeLessThan(0.2);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  it('passes type-inference options through to readCSV', async () => {
    const df = await loadDataset('iris', { kinds: { sepal_length: 'categorical' } });
    expect(df.column('sepal_length').kind).toBe('categorical');
  });

  it('rejects an unknown name with a DataError that lists the choices', async () => {
    for (const name of ['nope', 'toString', '__proto__', 'constructor']) {
      expect(() => datasetInfo(name)).toThrow(DataError);
      await expect(loadDataset(name)).rejects.toThrow(DataError);
    }
    expect(() => datasetInfo('iris.csv')).toThrow(
      /no dataset named "iris\.csv"; choose one of: iris, wine, breast_cancer, digits, diabetes, penguins, seattle_weather, credit_default/,
    );
    await expect(loadDatasetAsDataset('../iris')).rejects.toMatchObject({ code: 'data.unknown_dataset' });
  });
});
