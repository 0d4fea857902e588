// Date columns: ISO dates and date-times are read into calendar parts with integer arithmetic (equal to the
// JavaScript Date's UTC calendar on every day), expanded by the date_features step, kept by column screening,
// and used by evolve: a run on a table with a date learns from its parts and explains them as the date column.
import fc from 'fast-check';
import { evolve } from '../../src/automl/evolve.js';
import { ProtocolError } from '../../src/core/errors.js';
import { dateColumnInfo, daysFromCivil, parseDateTime } from '../../src/data/dates.js';
import { columnNames } from '../../src/data/frame.js';
import { loadDataset } from '../../src/data/datasets.js';
import { uselessColumns } from '../../src/data/screen.js';
import { DateFeatures } from '../../src/preprocessing/date_features.js';
import { transformerFromJSON } from '../../src/preprocessing/registry.js';
import { cat, frame, num, values } from '../helpers/frames.js';

describe('reading dates', () => {
  it('gives the calendar parts of dates and date-times as written', () => {
    expect(parseDateTime('2012-01-01')).toEqual({
      year: 2012,
      month: 1,
      day: 1,
      weekday: 6,
      dayOfYear: 1,
      elapsedDays: 15340,
      hour: 0,
      hasTime: false,
    });
    expect(parseDateTime('2024-12-31')).toMatchObject({ weekday: 1, dayOfYear: 366 });
    expect(parseDateTime('1969-12-31')).toMatchObject({ elapsedDays: -1, weekday: 2 });
    expect(parseDateTime('2000-02-29')).toMatchObject({ month: 2, day: 29 });
    expect(parseDateTime('2021-06-15T13:30')).toMatchObject({
      hour: 13.5,
      elapsedDays: 18793 + 13.5 / 24,
      hasTime: true,
    });
    expect(parseDateTime('2021-06-15 06:00:36.5+02:00')).toMatchObject({
      hour: 6 + 36.5 / 3600,
      hasTime: true,
    });
    expect(parseDateTime('2021/06/15Z')).toMatchObject({ year: 2021, month: 6, day: 15 });
  });

  it('refuses what is not a real day or not ISO', () => {
    for (const text of [
      '1900-02-29',
      '2021-13-01',
      '2021-04-31',
      '2021-00-10',
      '2021-06-15T24:00',
      '15/06/2021',
      '2021-06',
      'soon',
      '2021-06/15',
      '',
    ]) {
      expect({ text, parsed: parseDateTime(text) }).toEqual({ text, parsed: null });
    }
  });

  it('counts days as the JavaScript Date does, on any day of years 1 to 9999', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date(Date.UTC(1, 0, 1)),
          max: new Date(Date.UTC(9999, 11, 31)),
          noInvalidDate: true,
        }),
        (d) => {
          const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
          const utc = new Date(0); // setUTCFullYear, because Date.UTC reads years 0–99 as 1900–1999
          utc.setUTCFullYear(y, m - 1, day);
          expect(daysFromCivil(y, m, day)).toBe(utc.getTime() / 86_400_000);
          const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          expect(parseDateTime(text)?.weekday).toBe((utc.getUTCDay() + 6) % 7);
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });

  it('recognises a date column only when every present value is a date', () => {
    expect(
      dateColumnInfo({ name: 'd', kind: 'categorical', values: ['2020-01-01', null, '2020-01-02'] }),
    ).toEqual({ hasTime: false });
    expect(
      dateColumnInfo({ name: 'd', kind: 'categorical', values: ['2020-01-01', '2020-01-02 10:00'] }),
    ).toEqual({ hasTime: true });
    expect(dateColumnInfo({ name: 'd', kind: 'categorical', values: ['2020-01-01', 'unknown'] })).toBeNull();
    expect(dateColumnInfo({ name: 'd', kind: 'categorical', values: [null, null] })).toBeNull();
    expect(dateColumnInfo({ name: 'd', kind: 'numeric', values: Float64Array.of(20200101) })).toBeNull();
  });
});

describe('date_features', () => {
  const train = frame(
    cat('when', ['2021-06-14', '2021-06-15', null, '2021-12-25']),
    num('x', [1, 2, 3, 4]),
    cat('city', ['Oslo', 'Rome', 'Oslo', 'Rome']),
  );

  it('replaces each date column in place by its parts; other columns pass through', async () => {
    const out = (await new DateFeatures().fit(train)).transform(train);
    expect(columnNames(out)).toEqual([
      'when.year',
      'when.month',
      'when.day',
      'when.weekday',
      'when.dayofyear',
      'when.elapsed_days',
      'x',
      'city',
    ]);
    expect(values(out, 'when.month')).toEqual([6, 6, NaN, 12]);
    expect(values(out, 'when.weekday')).toEqual([0, 1, NaN, 5]);
    expect(values(out, 'x')).toEqual([1, 2, 3, 4]);
  });

  it("gives the elapsed days alone with parts: 'elapsed', and refuses another choice by name", async () => {
    const step = await new DateFeatures({ parts: 'elapsed' }).fit(train);
    const out = step.transform(train);
    expect(columnNames(out)).toEqual(['when.elapsed_days', 'x', 'city']);
    expect(values(out, 'when.elapsed_days')).toEqual([18792, 18793, NaN, 18986]);
    const withTimes = await new DateFeatures({ parts: 'elapsed' }).fit(
      frame(cat('at', ['2021-06-14T06:00'])),
    );
    expect(columnNames(withTimes.transform(frame(cat('at', ['2021-06-14T18:00']))))).toEqual([
      'at.elapsed_days',
    ]);
    const back = transformerFromJSON(JSON.parse(JSON.stringify(step.toJSON())));
    expect(back.transform(train)).toEqual(out);
    expect(() => new DateFeatures({ parts: 'calendar' })).toThrow(/date_features: parts/);
  });

  it('adds the hour for date-times, and gives NaN parts for a value that is not a date (a validation fold may hold one)', async () => {
    const step = await new DateFeatures().fit(frame(cat('at', ['2021-06-14T08:15', '2021-06-14'])));
    const out = step.transform(frame(cat('at', ['2021-06-14T18:45', 'not a date', '2021-02-30'])));
    expect(columnNames(out)).toContain('at.hour');
    expect(values(out, 'at.hour')).toEqual([18.75, NaN, NaN]);
    expect(values(out, 'at.year')).toEqual([2021, NaN, NaN]);
  });

  it('round-trips through JSON, and a model file that marks a number column as a date is refused', async () => {
    const step = await new DateFeatures().fit(train);
    const json = step.toJSON();
    const back = transformerFromJSON(JSON.parse(JSON.stringify(json)));
    expect(back.transform(train)).toEqual(step.transform(train));
    const bad = structuredClone(json) as { state: { step: { dates: unknown[] } } };
    bad.state.step.dates[1] = { hasTime: false };
    expect(() => transformerFromJSON(bad as never)).toThrow(ProtocolError);
    expect(() => transformerFromJSON(bad as never)).toThrow(/dates\[1\] must be null/);
  });
});

describe('a table with dates', () => {
  it('keeps a date column through screening, even with one date per row', () => {
    const days = Array.from({ length: 40 }, (_, i) => `2020-01-${String((i % 28) + 1).padStart(2, '0')}`);
    const unique = Array.from(
      { length: 40 },
      (_, i) => `20${10 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
    );
    expect(
      uselessColumns(
        frame(
          cat('day', days),
          cat('month', unique),
          num(
            'x',
            days.map((_, i) => i % 5),
          ),
        ),
      ),
    ).toEqual([]);
  });

  it('is searched with its date parts, and the date is explained as one column', async () => {
    const data = await loadDataset('seattle_weather');
    // a stack would be explained by sampling; the date column's attribution is what is tested
    const run = await evolve(data, {
      target: 'weather',
      budget: { evaluations: 4 },
      seed: 0,
      store: false,
      workers: 0,
      stacking: false,
    });
    expect(run.droppedColumns).toEqual([]);
    const first = run.drones.filter((d) => d.status === 'ok').map((d) => d.genome.steps[0]?.kind);
    expect(first.length).toBeGreaterThan(0);
    expect(new Set(first)).toEqual(new Set(['date_features']));
    // new rows: a date written another way is refused by name, a missing one predicts
    const rows = data.head(2).toObjects();
    expect(() => run.champion.predict([{ ...rows[0], date: '01/02/2016' }])).toThrow(
      /^column date held dates when the model was trained, but row index 0 \(counting from 0\) has "01\/02\/2016", which is not one/,
    );
    expect(run.champion.predict([{ ...rows[0], date: null }])).toHaveLength(1);
    const why = await run.champion.explain(data.head(3));
    expect(why.columns).toEqual(['date', 'precipitation', 'temp_max', 'temp_min', 'wind']);
    const importance = await run.champion.importance();
    expect(importance.features.map((f) => f.feature)).toContain('date');
  }, 120_000);
});
