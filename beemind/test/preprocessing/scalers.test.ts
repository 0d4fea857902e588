import { DataError } from '../../src/core/errors.js';
import { MinMaxScaler, RobustScaler, StandardScaler } from '../../src/preprocessing/scalers.js';
import { cat, frame, num, values } from '../helpers/frames.js';

const close = (actual: (number | string | null)[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) =>
    Number.isNaN(expected[i]) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(expected[i], 12),
  );
};

describe('standard_scaler', () => {
  it('centres on the training mean and divides by the population standard deviation, ignoring NaN', async () => {
    const scaler = await new StandardScaler().fit(frame(num('a', [1, 3, NaN, 5, 7])));
    // mean 4, variance (9+1+1+9)/4 = 5
    close(values(scaler.transform(frame(num('a', [4, 9, NaN]))), 'a'), [0, 5 / Math.sqrt(5), NaN]);
  });

  it('uses training statistics only, whatever the transformed rows', async () => {
    const scaler = await new StandardScaler().fit(frame(num('a', [0, 2])));
    close(values(scaler.transform(frame(num('a', [100, 102]))), 'a'), [99, 101]);
  });

  it('honours withMean and withStd', async () => {
    const train = frame(num('a', [2, 4]));
    close(values((await new StandardScaler({ withMean: false }).fit(train)).transform(train), 'a'), [2, 4]);
    close(values((await new StandardScaler({ withStd: false }).fit(train)).transform(train), 'a'), [-1, 1]);
  });

  it('leaves a constant column centred without dividing by zero', async () => {
    const f = frame(num('c', [3, 3, 3]));
    close(values((await new StandardScaler().fit(f)).transform(f), 'c'), [0, 0, 0]);
  });

  it('rejects a categorical column, naming the encoder to add', async () => {
    const f = frame(num('a', [1, 2]), cat('x', ['u', 'v']));
    await expect(new StandardScaler().fit(f)).rejects.toThrow(
      'column "x" is categorical; add a one-hot or ordinal encoder before standard_scaler',
    );
  });
});

describe('robust_scaler', () => {
  it('centres on the median and divides by the interquartile range', async () => {
    const scaler = await new RobustScaler().fit(frame(num('a', [1, 2, 3, 4, 100, NaN])));
    // median 3, q25 2, q75 4 (linear interpolation): IQR 2
    close(values(scaler.transform(frame(num('a', [3, 5, 1]))), 'a'), [0, 1, -1]);
  });

  it('uses a custom quantile range and rejects an inverted one', async () => {
    const scaler = await new RobustScaler({ quantileRange: [0, 100] }).fit(frame(num('a', [0, 5, 10])));
    close(values(scaler.transform(frame(num('a', [10]))), 'a'), [0.5]);
    expect(() => new RobustScaler({ quantileRange: [75, 25] })).toThrow(/quantileRange/);
  });

  it('does not divide by a zero interquartile range', async () => {
    const f = frame(num('a', [1, 1, 1, 1, 9]));
    close(values((await new RobustScaler().fit(f)).transform(f), 'a'), [0, 0, 0, 0, 8]);
  });
});

describe('min_max_scaler', () => {
  it('maps the training range onto featureRange and extrapolates beyond it', async () => {
    const scaler = await new MinMaxScaler().fit(frame(num('a', [2, 4, NaN, 6])));
    close(values(scaler.transform(frame(num('a', [2, 5, 10, NaN]))), 'a'), [0, 0.75, 2, NaN]);
  });

  it('clips to featureRange when asked', async () => {
    const scaler = await new MinMaxScaler({ featureRange: [-1, 1], clip: true }).fit(
      frame(num('a', [0, 10])),
    );
    close(values(scaler.transform(frame(num('a', [-5, 5, 15]))), 'a'), [-1, 0, 1]);
  });

  it('maps a constant column to the low end of the range', async () => {
    const f = frame(num('c', [7, 7]));
    close(values((await new MinMaxScaler({ featureRange: [2, 3] }).fit(f)).transform(f), 'c'), [2, 2]);
  });

  it('passes an all-missing column through', async () => {
    const f = frame(num('a', [1, 2]), num('gone', [NaN, NaN]));
    close(values((await new MinMaxScaler().fit(f)).transform(f), 'gone'), [NaN, NaN]);
  });

  it('rejects infinite values at fit and at transform', async () => {
    await expect(new MinMaxScaler().fit(frame(num('a', [1, -Infinity])))).rejects.toThrow(DataError);
    const scaler = await new MinMaxScaler().fit(frame(num('a', [1, 2])));
    expect(() => scaler.transform(frame(num('a', [Infinity])))).toThrow(
      /infinite value \(Infinity\) in column "a"/,
    );
  });
});
