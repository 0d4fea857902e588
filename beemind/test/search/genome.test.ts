import { ConfigurationError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { defaultPipelineSpace } from '../../src/search/default_space.js';
import {
  checkGenome,
  checkPipelineSpace,
  compilePipelineSpace,
  configToGenome,
  diversity,
  evaluationKey,
  genomeDistance,
  genomeKey,
  genomeLabel,
  genomeProblems,
  genomeToConfig,
  isValidGenome,
  repairGenome,
  restrictFamilies,
  sampleGenome,
  type Genome,
  type PipelineSpace,
} from '../../src/search/genome.js';
import { LEARNED_PORTFOLIO } from '../../src/search/learned_portfolio.js';
import { defaultPortfolio, fitPortfolio } from '../../src/search/portfolio.js';
import { hp } from '../../src/search/space/types.js';
import { conditionalSpace } from './toys.js';

const TASKS = ['classification', 'regression'] as const;

describe('genomes', () => {
  it('have a canonical key independent of parameter order', () => {
    const a: Genome = {
      steps: [{ kind: 'standard_scaler', params: {} }],
      model: { family: 'ridge', params: { alpha: 0.1, fitIntercept: true } },
    };
    const b: Genome = {
      model: { params: { fitIntercept: true, alpha: 0.1 + 1e-12 }, family: 'ridge' },
      steps: [{ params: {}, kind: 'standard_scaler' }],
    };
    expect(genomeKey(a)).toBe(genomeKey(b));
    expect(genomeKey(a)).not.toBe(genomeKey({ ...a, steps: [] }));
    expect(genomeLabel(a)).toBe('standard_scaler → ridge');
  });

  it('are evaluated once for a forest with and without a trailing affine scaler, but not for boosting or a linear model', () => {
    const impute = { kind: 'simple_imputer', params: { strategy: 'median', addIndicator: false } };
    const forest = (steps: Genome['steps'], family = 'random_forest'): Genome => ({
      steps,
      model: { family, params: { nEstimators: 50 } },
    });
    const plain = forest([impute]);
    for (const scaler of ['standard_scaler', 'robust_scaler', 'min_max_scaler']) {
      expect(evaluationKey(forest([impute, { kind: scaler, params: {} }]))).toBe(evaluationKey(plain));
    }
    expect(evaluationKey(plain)).toBe(genomeKey(plain));
    // a scaler before another step may change what that step does; other families see the scale
    const scaledThenLog = forest([
      impute,
      { kind: 'standard_scaler', params: {} },
      { kind: 'log1p', params: {} },
    ]);
    expect(evaluationKey(scaledThenLog)).toBe(genomeKey(scaledThenLog));
    for (const family of ['hist_gradient_boosting', 'knn', 'logistic_regression']) {
      const scaled = forest([impute, { kind: 'standard_scaler', params: {} }], family);
      expect(evaluationKey(scaled)).not.toBe(evaluationKey(forest([impute], family)));
    }
  });

  it('convert to a configuration of the compiled space and back', () => {
    const rng = new Random(0);
    const { space } = compilePipelineSpace(conditionalSpace);
    expect(Object.keys(space)).toEqual(['pre', 'model']);
    for (let i = 0; i < 200; i++) {
      const g = sampleGenome(conditionalSpace, rng);
      const { config, unplaced } = genomeToConfig(conditionalSpace, g);
      expect(unplaced).toEqual([]);
      expect(configToGenome(conditionalSpace, config)).toEqual(g);
      expect(genomeProblems(conditionalSpace, g)).toEqual([]);
    }
  });

  it('sample optional slots empty or filled, with their own parameters', () => {
    const rng = new Random(1);
    const kinds = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const g = sampleGenome(conditionalSpace, rng);
      expect(g.steps.length).toBeLessThanOrEqual(1);
      kinds.add(g.steps[0]?.kind ?? 'none');
      if (g.steps[0]?.kind === 's1') expect(Number.isInteger(g.steps[0].params.k)).toBe(true);
      if (g.model.family === 'a') expect('y' in g.model.params).toBe(g.model.params.mode === 'peak');
    }
    expect(kinds).toEqual(new Set(['none', 's1', 's2']));
  });

  it('are checked and repaired against the space', () => {
    const bad: Genome = {
      steps: [{ kind: 'nope', params: {} }],
      model: { family: 'b', params: { z: 5000, extra: 1 } },
    };
    const problems = genomeProblems(conditionalSpace, bad);
    expect(problems).toEqual([
      'step nope fits no slot of the pipeline space (or is out of order)',
      'model.z must be an integer in [1, 1000], got 5000',
      'model.extra is not an active parameter of the space',
    ]);
    expect(() => checkGenome(conditionalSpace, bad)).toThrow(ConfigurationError);
    const fixed = repairGenome(conditionalSpace, bad, new Random(0));
    expect(fixed).toEqual({ steps: [], model: { family: 'b', params: { z: 1000 } } });
    expect(isValidGenome(conditionalSpace, fixed)).toBe(true);
  });

  it('place steps in slot order and reject steps out of order', () => {
    const ps: PipelineSpace = {
      slots: [
        { name: 'first', optional: true, choices: { x: {} } },
        { name: 'second', optional: true, choices: { y: {} } },
      ],
      models: { m: {} },
    };
    const ok: Genome = { steps: [{ kind: 'y', params: {} }], model: { family: 'm', params: {} } };
    expect(genomeToConfig(ps, ok).config).toEqual({
      first: { kind: 'none' },
      second: { kind: 'y' },
      model: { family: 'm' },
    });
    const swapped: Genome = {
      steps: [
        { kind: 'y', params: {} },
        { kind: 'x', params: {} },
      ],
      model: { family: 'm', params: {} },
    };
    expect(isValidGenome(ps, swapped)).toBe(false);
  });

  it('reject malformed pipeline spaces', () => {
    expect(() => checkPipelineSpace({ slots: [], models: {} })).toThrow(/at least one model family/);
    expect(() =>
      checkPipelineSpace({ slots: [{ name: 'model', choices: { a: {} } }], models: { m: {} } }),
    ).toThrow(/reserved/);
    expect(() => checkPipelineSpace({ slots: [], models: { m: { family: hp.int(1, 2) } } })).toThrow(
      /may not be named "family"/,
    );
    expect(() => checkPipelineSpace({ slots: [], models: { m: { a: hp.float(1, 0) } } })).toThrow(
      /space of model family m: a: low \(1\) must be below high \(0\)/,
    );
  });

  it('measure distances and the diversity of a population', () => {
    const rng = new Random(4);
    const gs = Array.from({ length: 6 }, () => sampleGenome(conditionalSpace, rng));
    expect(genomeDistance(conditionalSpace, gs[0], gs[0])).toBe(0);
    const d = genomeDistance(conditionalSpace, gs[0], gs[1]);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThanOrEqual(1);
    const tweaked: Genome = { ...gs[0], model: { family: 'b', params: { z: 10 } } };
    const near: Genome = { ...gs[0], model: { family: 'b', params: { z: 11 } } };
    expect(genomeDistance(conditionalSpace, tweaked, near)).toBeLessThan(
      genomeDistance(conditionalSpace, tweaked, gs[1]),
    );
    expect(diversity(conditionalSpace, [gs[0], gs[0], gs[0]])).toBe(0);
    expect(diversity(conditionalSpace, gs)).toBeGreaterThan(0.2);
    expect(diversity(conditionalSpace, gs.slice(0, 1))).toBe(0);
  });

  it('restrict families with a clear error for unknown names', () => {
    const ps = restrictFamilies(conditionalSpace, ['c', 'a']);
    expect(Object.keys(ps.models)).toEqual(['c', 'a']);
    expect(() => restrictFamilies(conditionalSpace, ['a', 'zzz'])).toThrow(
      /unknown model family zzz.*choose from a, b, c/,
    );
  });
});

describe('the default space and portfolio', () => {
  it.each(TASKS)('is a valid pipeline space for %s whose samples are valid genomes', (task) => {
    const ps = defaultPipelineSpace(task);
    expect(() => checkPipelineSpace(ps)).not.toThrow();
    const rng = new Random(3);
    const families = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const g = sampleGenome(ps, rng);
      families.add(g.model.family);
      expect(genomeProblems(ps, g)).toEqual([]);
      expect(g.steps[0].kind).toBe('simple_imputer');
      expect(['one_hot_encoder', 'ordinal_encoder']).toContain(g.steps[1].kind);
    }
    expect(families).toEqual(new Set(Object.keys(ps.models)));
  });

  it('has the families of each task', () => {
    expect(Object.keys(defaultPipelineSpace('classification').models).sort()).toEqual([
      'decision_tree',
      'extra_trees',
      'gaussian_nb',
      'hist_gradient_boosting',
      'knn',
      'logistic_regression',
      'mlp',
      'random_forest',
    ]);
    expect(Object.keys(defaultPipelineSpace('regression').models).sort()).toEqual([
      'decision_tree',
      'extra_trees',
      'hist_gradient_boosting',
      'knn',
      'lasso',
      'linear_regression',
      'mlp',
      'random_forest',
      'ridge',
    ]);
    expect(Object.keys(defaultPipelineSpace('regression', { families: ['ridge'] }).models)).toEqual([
      'ridge',
    ]);
  });

  it('offers the kernel machine only when asked for', () => {
    for (const task of ['classification', 'regression'] as const) {
      expect(Object.keys(defaultPipelineSpace(task).models)).not.toContain('svm');
      expect(Object.keys(defaultPipelineSpace(task, { families: ['svm', 'knn'] }).models).sort()).toEqual([
        'knn',
        'svm',
      ]);
      expect(Object.keys(defaultPipelineSpace(task, { families: ['knn'] }).models)).toEqual(['knn']);
      // a misspelt family: the list to choose from names the kernel machine too
      expect(() => defaultPipelineSpace(task, { families: ['svn'] })).toThrow(
        /unknown model family svn.*svm/,
      );
      // a family in capitals or with a hyphen: the name it means
      expect(() => defaultPipelineSpace(task, { families: ['SVM', 'Random-Forest'] })).toThrow(
        /Did you mean svm, random_forest\?$/,
      );
    }
  });

  it.each(TASKS)('has a %s portfolio of distinct genomes, all valid in the default space', (task) => {
    const ps = defaultPipelineSpace(task);
    const portfolio = defaultPortfolio(task);
    expect(portfolio.length).toBeGreaterThanOrEqual(8);
    for (const g of portfolio) expect(genomeProblems(ps, g)).toEqual([]);
    expect(new Set(portfolio.map(genomeKey)).size).toBe(portfolio.length);
    // the search opens with the portfolio learned offline (bench/portfolio.mjs), then boosting's defaults
    const learned = LEARNED_PORTFOLIO[task];
    expect(learned.length).toBeGreaterThanOrEqual(3);
    expect(portfolio.slice(0, learned.length)).toEqual(learned);
    expect(portfolio[learned.length].model.family).toBe('hist_gradient_boosting');
    // fitting to its own space changes nothing
    expect(fitPortfolio(ps, portfolio, new Random(0))).toEqual(portfolio);
  });

  it.each(TASKS)(
    'opens every %s portfolio genome with the date step, and each one twice on text: narrow TF-IDF, then the text left out',
    (task) => {
      const traits = { dates: true, text: true };
      const ps = defaultPipelineSpace(task, traits);
      const plain = defaultPortfolio(task, { dates: true });
      const portfolio = defaultPortfolio(task, traits);
      expect(portfolio).toHaveLength(2 * plain.length);
      for (const [i, g] of portfolio.entries()) {
        const text =
          i % 2 === 0
            ? { kind: 'text_tfidf', params: { buckets: 64, ngrams: 1 } }
            : { kind: 'drop_text', params: {} };
        expect(g.steps.slice(0, 2)).toEqual([{ kind: 'date_features', params: {} }, text]);
        // the same entry as without text, the text step aside
        expect({ ...g, steps: g.steps.filter((s) => s !== g.steps[1]) }).toEqual(plain[i >> 1]);
        expect(genomeProblems(ps, g)).toEqual([]);
      }
    },
  );

  it.each(TASKS)(
    'keeps the text on %s data that has nothing but text: leaving it out would leave no feature',
    (task) => {
      const ps = defaultPipelineSpace(task, { text: 'only' });
      expect(Object.keys(ps.slots.find((slot) => slot.name === 'text')!.choices)).toEqual(['text_tfidf']);
      const portfolio = defaultPortfolio(task, { text: 'only' });
      expect(portfolio).toHaveLength(defaultPortfolio(task).length);
      for (const g of portfolio) {
        expect(g.steps[0]).toEqual({ kind: 'text_tfidf', params: { buckets: 64, ngrams: 1 } });
        expect(genomeProblems(ps, g)).toEqual([]);
      }
    },
  );

  it.each(TASKS)('fills gaps by regression and marks them, on %s data with missing values', (task) => {
    const ps = defaultPipelineSpace(task, { missing: true });
    const imputers = (traits: { missing?: boolean }) =>
      defaultPortfolio(task, traits).map((g) => g.steps.find((s) => s.kind === 'simple_imputer')!.params);
    for (const params of imputers({ missing: true }))
      expect(params).toEqual({ strategy: 'iterative', addIndicator: true });
    for (const g of defaultPortfolio(task, { missing: true })) expect(genomeProblems(ps, g)).toEqual([]);
    // without gaps the imputer only guards rows to predict: no regressions to fit
    for (const params of imputers({ missing: false })) expect(params.strategy).not.toBe('iterative');
  });

  it('fits a portfolio to a restricted space', () => {
    const ps = defaultPipelineSpace('classification', { families: ['random_forest', 'knn'] });
    const fitted = fitPortfolio(ps, defaultPortfolio('classification'), new Random(0));
    expect(new Set(fitted.map((g) => g.model.family))).toEqual(new Set(['random_forest', 'knn']));
    // a space without a scaler slot drops the portfolio's scaler steps
    const noScaler: PipelineSpace = { ...ps, slots: ps.slots.filter((s) => s.name !== 'scaler') };
    for (const g of fitPortfolio(noScaler, defaultPortfolio('classification'), new Random(0))) {
      expect(g.steps.map((s) => s.kind)).not.toContain('standard_scaler');
      expect(isValidGenome(noScaler, g)).toBe(true);
    }
  });
});
