// Displays of explanations and partial dependence: every spec compiles with Vega-Lite 5 (the version
// JupyterLab renders) and carries the numbers it shows; [DISPLAY] bundles; importance beside permutation
// importance; partial dependence shapes, grids, ICE curves, and a monotone relation seen as monotone.
import { compile } from 'vega-lite';
import '../../src/models/families.js';
import { TrainedModel } from '../../src/trained/trained_model.js';
import { Random } from '../../src/core/random.js';
import { createFrame, takeFrameRows, type Frame } from '../../src/data/frame.js';
import { DISPLAY } from '../../src/display.js';
import type { VegaLiteSpec } from '../../src/charts/spec.js';
import { pipelineFromSpec } from '../../src/pipeline/pipeline.js';
import { ICE_CURVES_DRAWN } from '../../src/explain/charts.js';
import { caseData, fitCase, MODEL_CASES } from '../helpers/model_files.js';

/** Compiles a spec with Vega-Lite: it must compile without warnings (but `tolerated` ones). */
function compiles(spec: VegaLiteSpec, tolerated: RegExp | null = null): void {
  expect(spec.$schema).toMatch(/vega-lite\/v5/);
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...m: unknown[]) => (warnings.push(`error ${m.join(' ')}`), logger),
    warn: (...m: unknown[]) => (warnings.push(`warn ${m.join(' ')}`), logger),
    info: () => logger,
    debug: () => logger,
  };
  const result = compile(JSON.parse(JSON.stringify(spec)), { logger: logger as never });
  expect(result.spec).toBeDefined();
  expect(warnings.filter((w) => !tolerated?.test(w))).toEqual([]);
}

const caseByName = (name: string) => MODEL_CASES.find((c) => c.name === name)!;

describe('explanation displays', () => {
  let model: TrainedModel;
  let data: Awaited<ReturnType<typeof caseData>>;
  beforeAll(async () => {
    model = await fitCase(caseByName('random_forest'));
    data = await caseData('penguins');
  });

  test('waterfall: bars from the base to the output, largest first, with the row values', async () => {
    const explanation = await model.explain(takeFrameRows(data.features, [0, 60, 200]), { background: data });
    const spec = explanation.waterfall(1);
    compiles(spec);
    const layer = (spec.layer as { data?: unknown }[])[0];
    const values = (spec.data as { values: { start: number; end: number; value: number; label: string }[] })
      .values;
    expect(layer).toBeDefined();
    const k = explanation.topOutput(1);
    expect(values[0].start).toBe(explanation.base[k]);
    expect(values.at(-1)!.end).toBeCloseTo(explanation.output(1, k), 12);
    const sizes = values.map((v) => Math.abs(v.value));
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    expect(values.some((v) => v.label.startsWith('island = '))).toBe(true);
  });

  test('summary: a bar per class for several classes, a beeswarm for one output; [DISPLAY] bundles', async () => {
    const explanation = await model.explain(
      takeFrameRows(
        data.features,
        Array.from({ length: 40 }, (_, i) => i * 8),
      ),
      { background: data },
    );
    const bars = explanation.summary();
    compiles(bars);
    expect((bars.encoding as { color: { field: string } }).color.field).toBe('output');
    const swarm = explanation.summary(2);
    compiles(swarm);
    expect((swarm.data as { values: unknown[] }).values).toHaveLength(40 * explanation.columns.length);
    const bundle = explanation[DISPLAY]();
    expect(bundle['text/plain']).toMatch(/^Explanation of 40 rows by tree-shap/);
    compiles(bundle['application/vnd.vegalite.v5+json']!);
    const one = await model.explain(takeFrameRows(data.features, [5]), { background: data });
    expect(one[DISPLAY]()['application/vnd.vegalite.v5+json']!.title).toMatch(/^Why this row/);
  });

  test('importance: mean |attribution| in the shape of permutation importance, displayable', async () => {
    const explanation = await model.explain(takeFrameRows(data.features, [0, 1, 2, 100, 200, 300]), {
      background: data,
    });
    const importance = explanation.importance();
    expect(importance.features.map((f) => f.feature)).toEqual([...model.featureNames]);
    for (const f of importance.features) {
      expect(Object.keys(f).sort()).toEqual(['feature', 'importance', 'std']);
      expect(f.importance).toBeGreaterThanOrEqual(0);
    }
    const j = 2;
    const expected =
      explanation.values.reduce((s, row) => s + row.reduce((t, v) => t + Math.abs(v[j]), 0) / row.length, 0) /
      explanation.values.length;
    expect(importance.features[j].importance).toBeCloseTo(expected, 12);
    // the shared importance chart's error-bar layer draws this warning from Vega-Lite; it renders correctly
    compiles(importance.chart(), /conflicting sort properties/);
    expect(importance[DISPLAY]()['text/plain']).toContain('importance');
    expect(importance.sorted()[0].importance).toBe(Math.max(...importance.features.map((f) => f.importance)));
  });

  test('toJSON is plain JSON with the contract fields', async () => {
    const explanation = await model.explain(takeFrameRows(data.features, [0, 1]), { background: data });
    const json = JSON.parse(JSON.stringify(explanation.toJSON()));
    expect(json).toMatchObject({
      format: 'beemind.explanation',
      version: 1,
      scale: 'probability',
      outputs: data.target.classes,
      maxError: 0,
    });
    expect(json.values[1][2]).toEqual(Array.from(explanation.values[1][2]));
    expect(json.rows[0].island).toBe(data.features.columns.find((c) => c.name === 'island')!.values[0]);
  });
});

describe('partial dependence', () => {
  /** y = 3·x + sin(z) (noise-free): monotone increasing in x. */
  function monotone(): { frame: Frame; y: Float64Array } {
    const rng = new Random(3);
    const n = 300;
    const x = Float64Array.from({ length: n }, () => rng.uniform(-2, 2));
    const z = Float64Array.from({ length: n }, () => rng.uniform(-2, 2));
    const kind = Array.from({ length: n }, () => rng.choice(['p', 'q', 'r']));
    const frame = createFrame([
      { name: 'x', kind: 'numeric', values: x },
      { name: 'z', kind: 'numeric', values: z },
      { name: 'kind', kind: 'categorical', values: kind },
    ]);
    return { frame, y: Float64Array.from(x, (v, i) => 3 * v + Math.sin(z[i]) + (kind[i] === 'p' ? 1 : 0)) };
  }

  async function regressor(family: string, params: Record<string, unknown> = {}) {
    const { frame, y } = monotone();
    const pipeline = await pipelineFromSpec(
      { steps: [{ kind: 'one_hot_encoder', params: {} }], model: { family, params } },
      'regression',
    ).fit(frame, y);
    return {
      frame,
      model: new TrainedModel(
        'regression',
        'm',
        [{ droneId: 'm', weight: 1, pipeline }],
        ['x', 'z', 'kind'],
        null,
        () => Promise.reject(new Error('unused')),
      ),
    };
  }

  test('one feature: grid over quantiles, average = mean of the ICE curves, monotone for a monotone relation', async () => {
    for (const family of ['linear_regression', 'hist_gradient_boosting']) {
      const { frame, model } = await regressor(family, family === 'linear_regression' ? {} : { maxIter: 60 });
      const pd = await model.partialDependence(frame, 'x', { gridResolution: 12 });
      expect(pd.features).toEqual(['x']);
      expect(pd.grid[0]).toHaveLength(12);
      expect(pd.average).toHaveLength(1);
      expect(pd.individual![0]).toHaveLength(frame.rows);
      const grid = pd.grid[0] as number[];
      for (let g = 1; g < grid.length; g++) {
        expect(grid[g]).toBeGreaterThan(grid[g - 1]);
        expect(pd.average[0][g]).toBeGreaterThan(pd.average[0][g - 1]);
        const mean = pd.individual![0].reduce((s, curve) => s + curve[g], 0) / frame.rows;
        expect(pd.average[0][g]).toBeCloseTo(mean, 9);
      }
      // the least-squares fit is linear in x: its curves rise by 3 per unit of x
      if (family === 'linear_regression')
        expect((pd.average[0][11] - pd.average[0][0]) / (grid[11] - grid[0])).toBeCloseTo(3, 1);
      compiles(pd.chart());
      expect(pd[DISPLAY]()['text/plain']).toContain('x');
    }
  });

  test('the chart draws at most 200 ICE curves, rows evenly spaced, values at four significant digits', async () => {
    const { frame, model } = await regressor('linear_regression');
    const pd = await model.partialDependence(frame, 'x', { gridResolution: 10 });
    const chart = pd.chart() as {
      title: { subtitle: string };
      layer: { data: { values: { x: number; y: number; row: number }[] } }[];
    };
    const ice = chart.layer[0].data.values;
    const rows = [...new Set(ice.map((p) => p.row))];
    expect(rows).toHaveLength(ICE_CURVES_DRAWN);
    expect(rows.slice(0, 3)).toEqual([0, 1, 3]); // 300 rows: every 1.5th
    expect(ice).toHaveLength(ICE_CURVES_DRAWN * 10);
    // the grid at six significant digits, the curves' values at four
    const placed = (pd.grid[0] as number[]).map((x) => Number(x.toPrecision(6)));
    expect(new Set(placed).size).toBe(10);
    for (const p of ice) {
      expect(placed).toContain(p.x);
      expect(p.y).toBe(Number(pd.individual![0][p.row][placed.indexOf(p.x)].toPrecision(4)));
    }
    expect(chart.title.subtitle).toBe('thin lines for 200 of the 300 rows, evenly spaced');
    // the average and the PartialDependence itself keep every curve at full precision
    expect(pd.individual![0]).toHaveLength(300);
    expect(chart.layer[1].data.values.map((p) => p.y)).toEqual(Array.from(pd.average[0]));
    const few = await model.partialDependence(frame, 'x', { gridResolution: 10, maxRows: 50 });
    expect((few.chart() as typeof chart).title.subtitle).toBe('a thin line for each of the 50 rows');
  });

  test('two features: a grid × grid heat map; categorical features take their categories', async () => {
    const { frame, model } = await regressor('random_forest', { nEstimators: 5 });
    const pd = await model.partialDependence(frame, ['x', 'kind'], { gridResolution: 5 });
    expect(pd.grid[0]).toHaveLength(5);
    expect([...pd.grid[1]].sort()).toEqual(['p', 'q', 'r']);
    expect(pd.average[0]).toHaveLength(15);
    expect(pd.individual).toBeNull();
    compiles(pd.chart());
    const byKind = await model.partialDependence(frame, 'kind');
    compiles(byKind.chart());
    const p = byKind.grid[0].indexOf('p');
    // category p adds 1 to the target: its average is the highest
    expect(byKind.average[0][p]).toBe(Math.max(...byKind.average[0]));
  });

  test('a classifier gives one curve per class (probabilities summing to 1); bad requests are refused', async () => {
    const model = await fitCase(caseByName('gaussian_nb'));
    const data = await caseData('penguins');
    const pd = await model.partialDependence(data, 'flipper_length_mm', { gridResolution: 6, maxRows: 50 });
    expect(pd.outputs).toEqual(data.target.classes);
    expect(pd.scale).toBe('probability');
    for (let g = 0; g < 6; g++) expect(pd.average.reduce((s, a) => s + a[g], 0)).toBeCloseTo(1, 12);
    compiles(pd.chart(0));
    await expect(model.partialDependence(data, 'wingspan')).rejects.toThrow(/no feature named "wingspan"/);
    await expect(model.partialDependence(data, ['a', 'b', 'c'])).rejects.toThrow(/one or two features/);
    await expect(model.partialDependence(data, 'sex', { gridResolution: 1 })).rejects.toThrow(
      /gridResolution/,
    );
    expect(() => pd.chart(9)).toThrow(/output 9 does not exist/);
  });
});
