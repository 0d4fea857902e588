import { ConfigurationError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import {
  activeValues,
  canonicalKey,
  checkConfig,
  checkSpace,
  configDistance,
  configProblems,
  dimensions,
  fromUnit,
  hp,
  repairConfig,
  sampleConfig,
  SpaceGrid,
  gridValues,
  toUnit,
  type Config,
  type Space,
} from '../../src/search/space/index.js';

const space: Space = {
  n: hp.int(2, 9),
  lr: hp.float(1e-4, 1, { log: true }),
  depth: hp.int(1, 1000, { log: true }),
  act: hp.categorical(['relu', 'tanh']),
  layers: hp.categorical([[32], [64, 32]]),
  seed: hp.constant(7),
  penalty: hp.conditional({
    none: {},
    l2: { alpha: hp.float(0, 10) },
    elasticnet: {
      alpha: hp.float(0, 10),
      l1Ratio: hp.float(0, 1),
      solver: hp.conditional({ saga: { tol: hp.float(0.1, 1) }, cd: {} }),
    },
  }),
  inner: hp.group({ k: hp.int(1, 3), mode: hp.conditional({ a: { x: hp.float(0, 1) }, b: {} }) }),
};

function samples(n: number, seed = 1): Config[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => sampleConfig(space, rng));
}

describe('search space DSL', () => {
  it('round-trips through JSON unchanged', () => {
    expect(JSON.parse(JSON.stringify(space))).toEqual(space);
    expect(checkSpace(JSON.parse(JSON.stringify(space)))).toEqual(space);
  });

  it('samples numbers inside their bounds, integers as integers', () => {
    const cs = samples(2000);
    const n = cs.map((c) => c.n as number);
    const lr = cs.map((c) => c.lr as number);
    expect(n.every(Number.isInteger)).toBe(true);
    expect(Math.min(...n)).toBe(2);
    expect(Math.max(...n)).toBe(9);
    expect(Math.min(...lr)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...lr)).toBeLessThanOrEqual(1);
    expect(cs.every((c) => Number.isInteger(c.depth) && c.seed === 7)).toBe(true);
    expect(cs.flatMap((c) => configProblems(space, c))).toEqual([]);
  });

  it('samples every integer of a linear range about equally, both ends included', () => {
    const counts = new Map<number, number>();
    for (const c of samples(8000)) counts.set(c.n as number, (counts.get(c.n as number) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('samples log parameters uniformly on the log scale', () => {
    const cs = samples(4000);
    const lr = cs.map((c) => Math.log10(c.lr as number));
    const mean = lr.reduce((a, b) => a + b, 0) / lr.length;
    expect(mean).toBeGreaterThan(-2.15); // log-uniform on [1e-4, 1] has mean -2
    expect(mean).toBeLessThan(-1.85);
    // a quarter of the draws in each decade pair: [1e-4, 1e-3) holds ~25%
    const low = lr.filter((v) => v < -3).length / lr.length;
    expect(low).toBeGreaterThan(0.22);
    expect(low).toBeLessThan(0.28);
    const depthSmall = cs.filter((c) => (c.depth as number) <= 31).length / cs.length;
    expect(depthSmall).toBeGreaterThan(0.4); // half of a log range [0.5, 1000.5] lies below ~22
  });

  it('holds exactly the parameters of the chosen branches', () => {
    const seen = new Set<string>();
    for (const c of samples(500)) {
      seen.add(c.penalty as string);
      if (c.penalty === 'none') expect('alpha' in c || 'l1Ratio' in c || 'solver' in c).toBe(false);
      if (c.penalty === 'l2') {
        expect(typeof c.alpha).toBe('number');
        expect('l1Ratio' in c).toBe(false);
      }
      if (c.penalty === 'elasticnet') {
        expect(typeof c.l1Ratio).toBe('number');
        expect(['saga', 'cd']).toContain(c.solver);
        expect('tol' in c).toBe(c.solver === 'saga');
      }
      const inner = c.inner as Config;
      expect('x' in inner).toBe(inner.mode === 'a');
    }
    expect(seen).toEqual(new Set(['none', 'l2', 'elasticnet']));
  });

  it('honours categorical and branch weights', () => {
    const weighted: Space = {
      c: hp.categorical(['a', 'b'], [3, 1]),
      d: hp.conditional({ x: {}, y: {} }, { x: 0 }),
    };
    const rng = new Random(3);
    const cs = Array.from({ length: 4000 }, () => sampleConfig(weighted, rng));
    const a = cs.filter((c) => c.c === 'a').length;
    expect(cs.every((c) => c.d === 'y')).toBe(true);
    expect(a / 4000).toBeGreaterThan(0.72);
    expect(a / 4000).toBeLessThan(0.78);
  });

  it('is reproducible from a seed, seed 0 included', () => {
    for (const seed of [0, 5]) expect(samples(20, seed)).toEqual(samples(20, seed));
    expect(samples(5, 0)).not.toEqual(samples(5, 1));
  });

  it('rejects malformed spaces with every problem named', () => {
    const bad = {
      a: hp.int(5, 1),
      b: hp.float(0, 1, { log: true }),
      c: hp.categorical([]),
      d: { type: 'bogus' },
      e: hp.conditional({ x: { a: hp.int(1, 2) } }),
      f: hp.int(1.5, 3),
    } as unknown as Space;
    let message = '';
    try {
      checkSpace(bad);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigurationError);
      message = (e as Error).message;
    }
    for (const part of [
      'a: low (5)',
      'b: a log-scale float needs low > 0',
      'c: a categorical',
      'd must be a parameter',
      'e: branch parameter "a" clashes',
      'f: an int parameter needs integer bounds',
    ]) {
      expect(message).toContain(part);
    }
  });

  it('allows the same name in different branches of one conditional', () => {
    expect(() => checkSpace(space)).not.toThrow();
    expect(() =>
      checkSpace({
        p: hp.conditional({ x: { v: hp.int(1, 2) } }),
        q: hp.conditional({ y: { v: hp.int(1, 2) } }),
      }),
    ).toThrow(/clashes/);
  });
});

describe('checking and repairing configurations', () => {
  const valid = samples(1, 9)[0];

  it('lists each problem with its path', () => {
    const problems = configProblems(space, {
      ...valid,
      n: 3.5,
      lr: 2,
      act: 'sigmoid',
      seed: 8,
      penalty: 'l2',
      alpha: 1,
      bogus: 1,
      inner: { k: 1, mode: 'b', x: 0.5 },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'n must be an integer in [2, 9], got 3.5',
        'lr must be a number in [0.0001, 1], got 2',
        'act must be one of ["relu","tanh"], got "sigmoid"',
        'seed is fixed to 7, got 8',
        'bogus is not an active parameter of the space',
        'inner.x is not an active parameter of the space',
      ]),
    );
    expect(() => checkConfig(space, { n: 3 })).toThrow(ConfigurationError);
  });

  it('repairs to the nearest valid configuration and leaves valid ones alone', () => {
    const rng = new Random(0);
    expect(repairConfig(space, valid, rng)).toEqual(valid);
    // a valid configuration consumes no randomness
    expect(rng.float()).toBe(new Random(0).float());
    const fixed = repairConfig(
      space,
      { ...valid, n: 12.4, lr: -1, act: 'x', penalty: 'l2', alpha: 99, l1Ratio: 0.5 },
      rng,
    );
    expect(configProblems(space, fixed)).toEqual([]);
    expect(fixed.n).toBe(9);
    expect(fixed.lr).toBe(1e-4);
    expect(fixed.alpha).toBe(10);
    expect('l1Ratio' in fixed).toBe(false);
    expect(['relu', 'tanh']).toContain(fixed.act);
    const filled = repairConfig(space, {}, new Random(2));
    expect(configProblems(space, filled)).toEqual([]);
  });
});

describe('canonical keys', () => {
  it('ignore key order and tiny float noise, but not real differences', () => {
    expect(canonicalKey({ b: 1, a: [1, { y: 2, x: 0.1 + 0.2 }] })).toBe(
      canonicalKey({ a: [1, { x: 0.3, y: 2 }], b: 1 }),
    );
    expect(canonicalKey({ a: 0.1 })).not.toBe(canonicalKey({ a: 0.1001 }));
    expect(canonicalKey({ a: [1, 2] })).not.toBe(canonicalKey({ a: [2, 1] }));
    expect(canonicalKey({ a: -0, b: undefined })).toBe('{"a":0}');
    expect(canonicalKey('1')).not.toBe(canonicalKey(1));
  });

  it('deduplicate sampled configurations that are equal', () => {
    const cs = samples(50);
    const copies = cs.map((c) => JSON.parse(JSON.stringify(c)) as Config);
    const keys = new Set([...cs, ...copies].map(canonicalKey));
    expect(keys.size).toBe(new Set(cs.map(canonicalKey)).size);
  });
});

describe('dimensions and distances', () => {
  it('flatten the tree with ids, locations and conditions', () => {
    const dims = dimensions(space);
    const byId = new Map(dims.map((d) => [d.id, d]));
    expect(byId.has('seed')).toBe(false);
    expect(byId.get('penalty=elasticnet/solver=saga/tol')?.conditions).toEqual([
      { id: 'penalty', branch: 'elasticnet' },
      { id: 'penalty=elasticnet/solver', branch: 'saga' },
    ]);
    expect(byId.get('inner/mode=a/x')?.location).toEqual(['inner', 'x']);
    expect(dims.findIndex((d) => d.id === 'penalty')).toBeLessThan(
      dims.findIndex((d) => d.id === 'penalty=l2/alpha'),
    );
  });

  it('report only the active values of a configuration', () => {
    const c = { ...samples(1)[0], penalty: 'l2', alpha: 2 };
    delete c.l1Ratio;
    delete c.solver;
    delete c.tol;
    const values = activeValues(space, c);
    expect(values.get('penalty=l2/alpha')).toBe(2);
    expect(values.has('penalty=elasticnet/alpha')).toBe(false);
  });

  it('map numbers to the unit interval and back (log and int aware)', () => {
    const lr = hp.float(1e-4, 1, { log: true });
    expect(toUnit(lr, 1e-2)).toBeCloseTo(0.5, 12);
    expect(fromUnit(lr, 0.5)).toBeCloseTo(1e-2, 12);
    const n = hp.int(0, 9);
    for (let v = 0; v <= 9; v++) expect(fromUnit(n, toUnit(n, v))).toBe(v);
    expect(toUnit(n, 0)).toBeCloseTo(0.05, 12);
  });

  it('measure distance 0 for equal and up to 1 for different configurations', () => {
    const [a, b] = samples(2, 4);
    expect(configDistance(space, a, a)).toBe(0);
    const d = configDistance(space, a, b);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThanOrEqual(1);
    expect(configDistance(space, a, b)).toBe(configDistance(space, b, a));
  });
});

describe('grids', () => {
  it('discretise numbers evenly, on the log scale for log parameters', () => {
    expect(gridValues(hp.float(0, 1), 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(gridValues(hp.float(1e-3, 10, { log: true }), 5)).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(gridValues(hp.int(1, 4), 5)).toEqual([1, 2, 3, 4]);
    expect(gridValues(hp.int(1, 1000, { log: true }), 4)).toEqual([1, 10, 100, 1000]);
    expect(gridValues(hp.float(2, 8), 1)).toEqual([5]);
  });

  it('enumerate every point of a conditional space exactly once', () => {
    const small: Space = {
      a: hp.categorical(['x', 'y']),
      c: hp.conditional({
        p: { u: hp.int(1, 2) },
        q: {},
        r: { v: hp.float(0, 1), w: hp.categorical([true, false]) },
      }),
      k: hp.constant('fixed'),
    };
    const grid = new SpaceGrid(small, 2);
    // a: 2 × (p: 2 + q: 1 + r: 2·2) = 14
    expect(grid.size).toBe(14);
    const points = Array.from({ length: grid.size }, (_, i) => grid.at(i));
    expect(new Set(points.map(canonicalKey)).size).toBe(14);
    for (const p of points) expect(configProblems(small, p)).toEqual([]);
    expect(points[0]).toEqual({ a: 'x', c: 'p', u: 1, k: 'fixed' });
    expect(points[13]).toEqual({ a: 'y', c: 'r', v: 1, w: false, k: 'fixed' });
    expect(() => grid.at(14)).toThrow(RangeError);
    expect(() => new SpaceGrid(small, 0)).toThrow(ConfigurationError);
  });
});
