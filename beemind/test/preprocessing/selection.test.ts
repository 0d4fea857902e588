import '../../src/models/families.js';
import { ConfigurationError, DataError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { columnNames } from '../../src/data/frame.js';
import { ModelSelect } from '../../src/preprocessing/model_select.js';
import { mutualInformation, MutualInfoSelect } from '../../src/preprocessing/mutual_info_select.js';
import { VarianceThreshold } from '../../src/preprocessing/variance_threshold.js';
import { frame, num, values } from '../helpers/frames.js';

/** 200 rows: `signal` determines the class (plus a little noise), n1..n3 are pure noise. */
function classificationData(seed = 5) {
  const rng = new Random(seed);
  const rows = 200;
  const y = Float64Array.from({ length: rows }, (_, i) => i % 2);
  const noise = () => Array.from({ length: rows }, () => rng.normal());
  const f = frame(
    num('n1', noise()),
    num(
      'signal',
      Array.from(y, (v) => 3 * v + 0.3 * rng.normal()),
    ),
    num('n2', noise()),
    num('n3', noise()),
  );
  return { f, y };
}

describe('variance_threshold', () => {
  it('drops constant and all-missing columns at the default threshold 0', async () => {
    const f = frame(
      num('a', [1, 2, 3]),
      num('const', [4, 4, 4]),
      num('gone', [NaN, NaN, NaN]),
      num('b', [0, NaN, 1]),
    );
    const step = await new VarianceThreshold().fit(f);
    expect(columnNames(step.transform(f))).toEqual(['a', 'b']);
    expect(values(step.transform(f), 'b')).toEqual([0, NaN, 1]);
  });

  it('drops columns whose variance is not above the threshold', async () => {
    const f = frame(num('wide', [0, 10]), num('narrow', [0, 1]));
    const step = await new VarianceThreshold({ threshold: 1 }).fit(f);
    expect(columnNames(step.transform(f))).toEqual(['wide']);
    expect(step.scores().map((s) => [s.name, s.score, s.kept])).toEqual([
      ['wide', 25, true],
      ['narrow', 0.25, false],
    ]);
  });

  it('raises a DataError when every column would be dropped', async () => {
    await expect(new VarianceThreshold().fit(frame(num('c', [1, 1])))).rejects.toThrow(/lower the threshold/);
  });
});

describe('mutual_info_select', () => {
  it('computes mutual information of discrete codes (in nats)', () => {
    const a = Int32Array.from([0, 0, 1, 1]);
    expect(mutualInformation(a, 2, a, 2)).toBeCloseTo(Math.log(2), 12);
    expect(mutualInformation(a, 2, Int32Array.from([0, 1, 0, 1]), 2)).toBeCloseTo(0, 12);
  });

  it('keeps the informative feature for classification', async () => {
    const { f, y } = classificationData();
    const step = await new MutualInfoSelect({ k: 1 }).fit(f, y, { task: 'classification' });
    expect(columnNames(step.transform(f))).toEqual(['signal']);
    const scores = step.scores();
    expect(scores[1].score).toBeGreaterThan(0.5);
    expect(Math.max(scores[0].score, scores[2].score, scores[3].score)).toBeLessThan(0.1);
  });

  it('discretises the target for regression and finds a non-linear dependence', async () => {
    const rng = new Random(9);
    const x = Array.from({ length: 300 }, () => rng.uniform(-1, 1));
    const y = Float64Array.from(x, (v) => v * v); // uncorrelated with x, but fully dependent
    const f = frame(
      num(
        'n1',
        x.map(() => rng.normal()),
      ),
      num('x', x),
      num(
        'n2',
        x.map(() => rng.normal()),
      ),
    );
    const step = await new MutualInfoSelect({ fraction: 0.34 }).fit(f, y, { task: 'regression' });
    expect(columnNames(step.transform(f))).toEqual(['x']);
  });

  it('keeps half the columns by default, in their original order', async () => {
    const { f, y } = classificationData();
    const step = await new MutualInfoSelect().fit(f, y, { task: 'classification' });
    const kept = columnNames(step.transform(f));
    expect(kept).toHaveLength(2);
    expect(kept).toContain('signal');
    expect(kept).toEqual(['n1', 'signal', 'n2', 'n3'].filter((n) => kept.includes(n)));
  });

  it('needs the target and the task', async () => {
    const { f, y } = classificationData();
    await expect(new MutualInfoSelect().fit(f)).rejects.toThrow(DataError);
    await expect(new MutualInfoSelect().fit(f, y)).rejects.toThrow(ConfigurationError);
    expect(() => new MutualInfoSelect({ k: 2, fraction: 0.5 })).toThrow(/either k or fraction/);
  });
});

describe('model_select', () => {
  it('keeps the features whose importance is above the mean (extra_trees by default)', async () => {
    const { f, y } = classificationData();
    const step = await new ModelSelect().fit(f, y, { task: 'classification', seed: 1 });
    expect(step.getParams().family).toBe('extra_trees');
    expect(columnNames(step.transform(f))).toEqual(['signal']);
    const scores = step.scores().map((s) => s.score);
    expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('keeps the top k features, or those above a numeric threshold', async () => {
    const { f, y } = classificationData();
    const topTwo = await new ModelSelect({ k: 2 }).fit(f, y, { task: 'classification' });
    const kept = columnNames(topTwo.transform(f));
    expect(kept).toHaveLength(2);
    expect(kept).toContain('signal');
    const all = await new ModelSelect({ threshold: 0 }).fit(f, y, { task: 'classification' });
    expect(columnNames(all.transform(f))).toEqual(['n1', 'signal', 'n2', 'n3']);
  });

  it('works for regression with another registered family', async () => {
    const rng = new Random(2);
    const x = Array.from({ length: 150 }, () => rng.normal());
    const y = Float64Array.from(x, (v) => 2 * v + 0.05 * rng.normal());
    const f = frame(
      num('x', x),
      num(
        'n1',
        x.map(() => rng.normal()),
      ),
      num(
        'n2',
        x.map(() => rng.normal()),
      ),
    );
    const step = await new ModelSelect({ family: 'random_forest', modelParams: { nEstimators: 20 } }).fit(
      f,
      y,
      {
        task: 'regression',
      },
    );
    expect(columnNames(step.transform(f))).toEqual(['x']);
  });

  it('reports an unknown family and conflicting options as configuration errors', async () => {
    const { f, y } = classificationData();
    await expect(
      new ModelSelect({ family: 'no_such_model' }).fit(f, y, { task: 'classification' }),
    ).rejects.toThrow(/unknown model family "no_such_model"/);
    expect(() => new ModelSelect({ k: 1, threshold: 'mean' })).toThrow(/either k or threshold/);
  });
});
