// Number formats of the panels: durations in the unit that reads best, scores with sensible digits, signed
// attributions, data values without float noise.
import {
  foldStd,
  combinationText,
  droneSummary,
  formatScore,
  formatSeconds,
  formatSecondsTick,
  formatSigned,
  formatValue,
} from '../src/format.js';
import { syntheticRun } from './synthetic.js';

describe('formatSeconds', () => {
  it.each([
    [3.357e-4, '0.34 ms'],
    [0.0012345, '1.23 ms'],
    [0.0345, '34.5 ms'],
    [0.345, '345 ms'],
    [2.345, '2.35 s'],
    [12.34, '12.3 s'],
    [125.4, '2 min 5 s'],
    [3.4e-6, '3.4 µs'],
    [0, '0 ms'],
  ])('writes %p s as %p', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });

  it('writes a dash for what is not a duration', () => {
    for (const v of [null, undefined, NaN, Infinity, -1]) expect(formatSeconds(v)).toBe('—');
  });

  it('writes axis ticks without trailing zeros', () => {
    expect([1e-4, 1e-3, 1e-2, 0.1, 1, 2.5].map(formatSecondsTick)).toEqual([
      '0.1 ms',
      '1 ms',
      '10 ms',
      '100 ms',
      '1 s',
      '2.5 s',
    ]);
  });
});

describe('formatScore and formatSigned', () => {
  it.each([
    [0.956666666, '0.9567'],
    [0.05, '0.0500'],
    [1.23456, '1.235'],
    [53.7123, '53.71'],
    [123.456, '123.5'],
    [12345.67, '12,346'],
    [4.2e-5, '4.20e-5'],
    [12345678.9, '1.23e7'],
    [-0.25, '-0.2500'],
    [3, '3'],
    [1000000, '1,000,000'],
  ])('writes %p as %p', (v, text) => {
    expect(formatScore(v)).toBe(text);
  });

  it('never writes float noise or a bare exponent for a fit time', () => {
    expect(formatScore(3.357e-4)).toBe('3.36e-4');
    expect(formatScore(null)).toBe('—');
    expect(formatScore(-Infinity)).toBe('-∞');
  });

  it('writes the sign of a contribution', () => {
    expect(formatSigned(0.12345)).toBe('+0.1235');
    expect(formatSigned(-0.045)).toBe('-0.0450');
    expect(formatSigned(0)).toBe('0');
  });
});

describe('formatValue', () => {
  it('writes data values as they were given', () => {
    expect(formatValue(5.1)).toBe('5.1');
    expect(formatValue(0.1 + 0.2)).toBe('0.3');
    expect(formatValue(1e-7)).toBe('1.00e-7');
    expect(formatValue(null)).toBe('missing');
    expect(formatValue(NaN)).toBe('missing');
    expect(formatValue('a'.repeat(50))).toHaveLength(40);
    expect(formatValue([1, 'x'])).toBe('[1, x]');
  });
});

describe('droneSummary', () => {
  it('gives the pipeline, the score with its spread and readable times', () => {
    const events = syntheticRun({ drones: 6, generations: 1, runId: 'r' });
    const drone = events.flatMap((e) =>
      e.type === 'drone.evaluated' && e.drone.status === 'ok' ? [e.drone] : [],
    )[0];
    const lines = droneSummary({ ...drone, fitSeconds: 3.357e-4, predictSeconds: 0.0123 }, 'accuracy', {
      champion: 'champion',
      pareto: false,
    });
    expect(lines).toContain('fit 0.34 ms, predict 12.3 ms');
    expect(lines.some((l) => l.startsWith(`accuracy ${formatScore(drone.score)}`))).toBe(true);
    expect(lines).toContain(
      [...drone.genome.steps.map((s) => s.kind), drone.genome.model.family].join(' → '),
    );
  });
});

describe('combinationText', () => {
  const members = [
    { id: 'd3', weight: 0.75 },
    { id: 'd9', weight: 0.25 },
  ];
  it("names a greedy ensemble by its weights, and a stack by its members' shares of the level-2 model", () => {
    expect(combinationText({ members, score: 0.9 })).toBe('weighted ensemble of d3 (0.7500), d9 (0.2500)');
    expect(combinationText({ members, score: 0.9, kind: 'greedy' })).toBe(
      'weighted ensemble of d3 (0.7500), d9 (0.2500)',
    );
    expect(combinationText({ members, score: 0.9, kind: 'stack' })).toBe(
      'stack of d3 (0.7500), d9 (0.2500), combined by a level-2 model',
    );
  });
});

describe('foldStd', () => {
  it("is the library leaderboard's standard deviation over the folds (divided by their number)", () => {
    // the library: Math.sqrt(Σ(v − mean)² / n), as scikit-learn's std_test_score
    expect(foldStd([0.9, 1, 0.95, 0.85, 1])).toBeCloseTo(Math.sqrt(0.017 / 5), 12);
    expect(foldStd([0.5])).toBe(0);
  });
});
