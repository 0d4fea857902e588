// Column screening before the search: constant, duplicate and identifier columns are set aside and listed in
// the run; the champion still predicts from tables that have them.
import { evolve } from '../../src/automl/evolve.js';
import { createFrame, type Column } from '../../src/data/frame.js';
import { loadDataset } from '../../src/data/datasets.js';
import { describeDropped, uselessColumns } from '../../src/data/screen.js';

const n = 30;
const range = <T>(f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
/** A frame from plain arrays: numbers make numeric columns, strings categorical ones. */
const frameOf = (columns: Record<string, (number | string)[]>) =>
  createFrame(
    Object.entries(columns).map(([name, values]): Column =>
      typeof values[0] === 'string'
        ? { name, kind: 'categorical', values: values as string[] }
        : { name, kind: 'numeric', values: Float64Array.from(values as number[]) },
    ),
  );

describe('column screening', () => {
  it('finds constant, duplicate and identifier columns, in column order', () => {
    const frame = frameOf({
      row: range((i) => n - 1 - i), // a shuffled-or-not row number
      x: range((i) => (i * 7) % 11),
      same: range(() => 4),
      x_again: range((i) => (i * 7) % 11),
      code: range((i) => `C-${1000 + i * 3}`),
      company: range((i) => (i % 2 ? `Bank ${i}` : `Motors${i}`)), // a name per row, spaces and all
      text: range((i) => `a review number ${i}`), // all different, but free text (three words or more)
      city: range((i) => ['New York', 'Paris', 'Oslo'][i % 3]), // names, but repeated: a category
      price: range((i) => i * 2.5), // all different, but not consecutive integers
      sometimes: range((i) => (i % 3 === 0 ? NaN : 1)), // one value, but whether it is missing may tell
      never: range(() => NaN),
    });
    expect(uselessColumns(frame)).toEqual([
      { column: 'row', reason: 'identifier' },
      { column: 'same', reason: 'constant' },
      { column: 'x_again', reason: 'duplicate', of: 'x' },
      { column: 'code', reason: 'identifier' },
      { column: 'company', reason: 'identifier' },
      { column: 'never', reason: 'constant' },
    ]);
  });

  it('keeps everything on tiny tables and when every column would go', () => {
    const tiny = frameOf({ id: [0, 1, 2, 3, 4], y: [1, 0, 1, 0, 1] });
    expect(uselessColumns(tiny)).toEqual([]);
    const hopeless = frameOf({ a: range(() => 1), b: range(() => 2) });
    expect(uselessColumns(hopeless)).toEqual([]);
  });

  it('describes dropped columns with control characters escaped (names are file contents)', () => {
    expect(
      describeDropped([
        { column: 'a\u001b[2J', reason: 'duplicate', of: 'b' },
        { column: 'id', reason: 'identifier' },
      ]),
    ).toBe('a\\x1b[2J (duplicate of b), id (identifier)');
  });

  it('lets evolve set them aside, list them in the run, and predict from the whole table', async () => {
    const digits = await loadDataset('digits');
    // screening is what is tested: the champion is the best drone alone (no ensemble or stack to fit)
    const options = {
      target: 'digit',
      families: ['gaussian_nb'],
      budget: { evaluations: 2 },
      workers: 0,
      store: false as const,
      importance: false,
      ensemble: false,
      stacking: false,
    };
    const run = await evolve(digits, options);
    expect(run.droppedColumns).toEqual([
      { column: 'pixel_0_0', reason: 'constant' },
      { column: 'pixel_4_0', reason: 'constant' },
      { column: 'pixel_4_7', reason: 'constant' },
    ]);
    expect(run.started.dataset.features.map((f) => f.name)).not.toContain('pixel_0_0');
    expect(run.champion.predict(digits.head(5))).toHaveLength(5);

    const unscreened = await evolve(digits, { ...options, screenColumns: false });
    expect(unscreened.droppedColumns).toEqual([]);
    expect(unscreened.started.dataset.features).toHaveLength(64);
    expect(unscreened.started.dataset.fingerprint).toBe(run.started.dataset.fingerprint); // of the data as given
  });
});
