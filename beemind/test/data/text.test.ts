// Free-text columns: recognised by their words, hashed into TF-IDF buckets by the text_tfidf step (the same
// buckets in every engine) or left out by drop_text, and searched by evolve, which then learns from the words and
// explains them as the text column.
import { evolve } from '../../src/automl/evolve.js';
import { ProtocolError } from '../../src/core/errors.js';
import { columnNames, getColumn } from '../../src/data/frame.js';
import { fnv1a, hashedTerms, isTextColumn, words } from '../../src/data/text.js';
import { transformerFromJSON } from '../../src/preprocessing/registry.js';
import { DropText } from '../../src/preprocessing/drop_text.js';
import { TextTfidf } from '../../src/preprocessing/text_tfidf.js';
import { cat, frame, num } from '../helpers/frames.js';
import { reviewTable } from '../helpers/synthetic.js';

describe('reading text', () => {
  it('finds the words in any script, lower-cased', () => {
    expect(words('Great VIEW, 2 nights — très calme; 静かな部屋')).toEqual([
      'great',
      'view',
      '2',
      'nights',
      'très',
      'calme',
      '静かな部屋',
    ]);
    expect(words('  ...  ')).toEqual([]);
  });

  it('hashes with 32-bit FNV-1a into buckets, words and pairs of neighbouring words', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
    expect(hashedTerms('Quiet room', 1000, 1)).toEqual([fnv1a('quiet') % 1000, fnv1a('room') % 1000]);
    expect(hashedTerms('Quiet room', 1000, 2)).toEqual([
      fnv1a('quiet') % 1000,
      fnv1a('quiet room') % 1000,
      fnv1a('room') % 1000,
    ]);
  });

  it('takes a column for text when half its values have three words or more, not categories or codes', () => {
    expect(isTextColumn(cat('r', ['a very nice stay', 'bad', null, 'not good at all']))).toBe(true);
    expect(isTextColumn(cat('island', ['Biscoe', 'Dream', 'Torgersen']))).toBe(false);
    expect(isTextColumn(cat('r', ['New York', 'San Francisco', 'Rio de Janeiro']))).toBe(false);
    expect(isTextColumn(num('x', [1, 2, 3]))).toBe(false);
  });
});

describe('text_tfidf', () => {
  const train = frame(
    cat('note', ['a quiet clean room', 'a noisy room', null, 'clean and quiet, quiet']),
    num('x', [1, 2, 3, 4]),
  );

  it('replaces a text column in place by unit-length TF-IDF buckets; a missing text is all zeros', async () => {
    const step = await new TextTfidf({ buckets: 8, ngrams: 1 }).fit(train);
    const out = step.transform(train);
    expect(columnNames(out)).toEqual([...Array.from({ length: 8 }, (_, b) => `note=tfidf_${b}`), 'x']);
    for (let i = 0; i < 4; i++) {
      const row = Array.from({ length: 8 }, (_, b) => out.columns[b].values[i] as number);
      const length = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
      if (i === 2) expect(length).toBe(0);
      else expect(length).toBeCloseTo(1, 12);
    }
    expect(getColumn(out, 'x').values).toEqual(Float64Array.of(1, 2, 3, 4));
  });

  it('weighs a word found in every text less than a rare one, and hashes words never seen at fit', async () => {
    const step = await new TextTfidf({ buckets: 4096, ngrams: 1 }).fit(train);
    const out = step.transform(frame(cat('note', ['noisy clean', 'zebra']), num('x', [0, 0])));
    const bucket = (w: string) => `note=tfidf_${fnv1a(w) % 4096}`;
    const value = (w: string, i: number) => getColumn(out, bucket(w)).values[i] as number;
    // 4 rows at fit: noisy in 1 text, clean in 2 → idf ln(5/2)+1 against ln(5/3)+1
    const [noisy, clean] = [Math.log(5 / 2) + 1, Math.log(5 / 3) + 1];
    expect(value('noisy', 0)).toBeCloseTo(noisy / Math.hypot(noisy, clean), 12);
    expect(value('clean', 0)).toBeLessThan(value('noisy', 0));
    expect(value('zebra', 1)).toBe(1);
  });

  it('round-trips through JSON; a model file with a wrong idf is refused', async () => {
    const step = await new TextTfidf({ buckets: 8 }).fit(train);
    const json = step.toJSON();
    expect(transformerFromJSON(JSON.parse(JSON.stringify(json))).transform(train)).toEqual(
      step.transform(train),
    );
    const short = structuredClone(json) as { state: { step: { idf: number[][] } } };
    short.state.step.idf[0] = short.state.step.idf[0].slice(1);
    expect(() => transformerFromJSON(short as never)).toThrow(ProtocolError);
    const negative = structuredClone(json) as { state: { step: { idf: number[][] } } };
    negative.state.step.idf[0][3] = -2;
    expect(() => transformerFromJSON(negative as never)).toThrow(ProtocolError);
  });
});

describe('drop_text', () => {
  const train = frame(
    cat('note', ['a quiet clean room', 'a noisy room', null, 'clean and quiet, quiet']),
    cat('city', ['Oslo', 'Rome', 'Oslo', 'Lima']),
    num('x', [1, 2, 3, 4]),
  );

  it('leaves out the columns that were text at fit and passes the others through unchanged', async () => {
    const step = await new DropText().fit(train);
    const out = step.transform(train);
    expect(columnNames(out)).toEqual(['city', 'x']);
    expect(getColumn(out, 'city')).toBe(getColumn(train, 'city'));
    // a column is judged at fit: short values to predict are still text left out
    expect(
      columnNames(
        step.transform(frame(cat('note', ['ok', 'fine']), cat('city', ['Oslo', 'Rome']), num('x', [0, 0]))),
      ),
    ).toEqual(['city', 'x']);
  });

  it('round-trips through JSON; a model file that drops a number column is refused', async () => {
    const step = await new DropText().fit(train);
    const json = step.toJSON();
    expect(transformerFromJSON(JSON.parse(JSON.stringify(json))).transform(train)).toEqual(
      step.transform(train),
    );
    const wrong = structuredClone(json) as { state: { step: { dropped: boolean[] } } };
    wrong.state.step.dropped[2] = true;
    expect(() => transformerFromJSON(wrong as never)).toThrow(
      /dropped\[2\] must be false: column 2 is numeric/,
    );
    const short = structuredClone(json) as { state: { step: { dropped: boolean[] } } };
    short.state.step.dropped.pop();
    expect(() => transformerFromJSON(short as never)).toThrow(ProtocolError);
  });
});

describe('a table with free text', () => {
  it('is searched with TF-IDF of its text and without it, learns from the words and explains them as the text column', async () => {
    const table = reviewTable(240);
    // the text column's attribution is what is tested: a single model of a family explained exactly (linear
    // weights, tree paths), as an ensemble, a stack or a neighbours model would be explained by sampling
    const families = ['logistic_regression', 'hist_gradient_boosting'];
    const run = await evolve(table, {
      target: 'stars',
      families,
      budget: { evaluations: 6 },
      seed: 0,
      store: false,
      workers: 0,
      ensemble: false,
    });
    const first = run.drones.filter((d) => d.status === 'ok').map((d) => d.genome.steps[0]?.kind);
    // the portfolio tries each configuration with the words and without them
    expect(new Set(first)).toEqual(new Set(['text_tfidf', 'drop_text']));
    expect(run.champion.id).toBe(run.leaderboard.rows[0].id);
    expect(run.drone(run.champion.id).genome.steps[0].kind).toBe('text_tfidf');
    expect(run.testScore).toBeGreaterThanOrEqual(0.9); // the words decide the stars; a coin would get 0.5
    const why = await run.champion.explain(table, { background: table });
    expect(why.columns).toEqual(['review', 'nights']);
    const importance = why.importance().sorted();
    expect(importance[0].feature).toBe('review');
  }, 120_000);

  it('keeps the text when it is the only feature: no drone leaves out every column', async () => {
    const table = reviewTable(120);
    const onlyText = { ...table, columns: table.columns.filter((c) => c.name !== 'nights') };
    const run = await evolve(onlyText, {
      target: 'stars',
      families: ['logistic_regression'],
      budget: { evaluations: 6 },
      seed: 0,
      store: false,
      workers: 0,
    });
    expect(run.drones).toHaveLength(6);
    for (const d of run.drones) {
      expect(d.status).toBe('ok');
      expect(d.genome.steps[0].kind).toBe('text_tfidf');
    }
  }, 60_000);
});
