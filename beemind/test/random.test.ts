import { Random } from '../src/core/random.js';

describe('Random', () => {
  it('reproduces the same stream for the same seed, including seed 0', () => {
    for (const seed of [0, 1, 42]) {
      const a = new Random(seed);
      const b = new Random(seed);
      const xs = Array.from({ length: 20 }, () => a.float());
      expect(Array.from({ length: 20 }, () => b.float())).toEqual(xs);
      expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    }
  });

  it('gives different streams for different seeds', () => {
    expect(new Random(0).float()).not.toEqual(new Random(1).float());
  });

  it('draws normals with roughly zero mean and unit variance', () => {
    const r = new Random(7);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });

  it('permutes every index exactly once', () => {
    const p = new Random(3).permutation(100);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
