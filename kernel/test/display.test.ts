// Rich display: MIME bundles (display protocol, arquero tables escaped, Vega-Lite v5), the output channel's
// stream coalescing, and the live progress bar of AutoML runs.
import { DISPLAY, Displayable, VEGALITE_MIME, toBundle } from '../src/display/mime.js';
import { RunProgress } from '../src/display/progress.js';
import type { FromWorker } from '../src/executor/worker-protocol.js';
import { OutputChannel } from '../src/worker/output.js';

/** A minimal stand-in with arquero's table methods. */
function table(columns: Record<string, unknown[]>) {
  const names = Object.keys(columns);
  return {
    numRows: () => columns[names[0]].length,
    columnNames: () => names,
    get: (c: string, i: number) => columns[c][i],
  };
}

describe('toBundle', () => {
  it('shows primitives and objects as inspected text', () => {
    expect(toBundle(42)!.data).toEqual({ 'text/plain': '42' });
    expect(toBundle('hi')!.data).toEqual({ 'text/plain': "'hi'" });
    expect(toBundle({ a: [1, 2] })!.data['text/plain']).toBe('{ a: [ 1, 2 ] }');
  });

  it('renders arquero tables as escaped HTML with a text twin and a row limit', () => {
    const t = table({ '<name>': ['<script>alert(1)</script>', 'b & c'], score: [0.5, 1] });
    const data = toBundle(t)!.data;
    expect(data['text/html']).toContain('<th>&lt;name&gt;</th>');
    expect(data['text/html']).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(data['text/html']).not.toContain('<script>');
    expect(data['text/plain']).toContain('b & c');
    const big = toBundle(table({ i: Array.from({ length: 120 }, (_, i) => i) }))!.data;
    expect((data['text/html'] as string).match(/<tr>/g)!.length).toBe(3);
    expect(big['text/html']).toContain('70 more rows (120 in total)');
  });

  it('sends Vega-Lite specs as the v5 MIME type, relabelling v6 specs, with a text fallback', () => {
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: 'Scores',
      mark: 'bar',
      data: { values: [] },
    };
    const data = toBundle(spec)!.data;
    expect(data[VEGALITE_MIME]).toEqual({
      ...spec,
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    });
    expect(data['text/plain']).toBe('<Vega-Lite Scores: bar chart>');
  });

  it('uses the beemind display protocol, and shows nothing when it returns null', () => {
    const shown = { [DISPLAY]: () => ({ 'text/html': '<b>x</b>' }) };
    expect(toBundle(shown)!.data['text/html']).toBe('<b>x</b>');
    expect(typeof toBundle(shown)!.data['text/plain']).toBe('string');
    expect(toBundle({ [DISPLAY]: () => null })).toBeUndefined();
    expect(toBundle(new Displayable({ 'text/markdown': '# t', 'text/plain': 't' }))!.data).toEqual({
      'text/markdown': '# t',
      'text/plain': 't',
    });
    const broken = {
      [DISPLAY]: () => {
        throw new Error('nope');
      },
    };
    expect(toBundle(broken)!.data['text/plain']).toContain('its display method failed: nope');
  });
});

describe('OutputChannel', () => {
  function channel() {
    const posted: FromWorker[] = [];
    return { out: new OutputChannel((m) => posted.push(m)), posted };
  }
  const texts = (posted: FromWorker[]) =>
    posted.map((m) =>
      m.kind === 'output'
        ? `${m.output.msgType}:${String((m.output.content as { text?: string }).text ?? '')}`
        : m.kind,
    );

  it('coalesces writes and keeps stdout, stderr and other outputs in order', () => {
    const { out, posted } = channel();
    out.write('stdout', 'a\n');
    out.write('stdout', 'b\n');
    out.write('stderr', 'e\n');
    out.emit({ msgType: 'display_data', content: {} });
    out.write('stdout', 'c\n');
    out.flush();
    expect(texts(posted)).toEqual(['stream:a\nb\n', 'stream:e\n', 'display_data:', 'stream:c\n']);
  });

  it('cuts a flood into large chunks without losing or reordering lines', () => {
    const { out, posted } = channel();
    for (let i = 0; i < 20_000; i++) out.write('stdout', `${i}\n`);
    out.flush();
    const chunks = posted.map((m) =>
      m.kind === 'output' ? (m.output.content as { text: string }).text : '',
    );
    expect(chunks.length).toBeLessThan(10);
    expect(chunks.join('').split('\n').slice(0, -1)).toEqual(
      Array.from({ length: 20_000 }, (_, i) => String(i)),
    );
  });

  it('passes only comm messages while muted, and tags outputs with the token', () => {
    const { out, posted } = channel();
    out.muted = true;
    out.token = 7;
    out.write('stdout', 'hidden');
    out.emit({ msgType: 'display_data', content: {} });
    out.emit({ msgType: 'comm_msg', content: {} });
    expect(posted).toEqual([{ kind: 'output', token: 7, output: { msgType: 'comm_msg', content: {} } }]);
  });
});

describe('RunProgress', () => {
  it('shows a bar on run.started and updates it in place until run.finished', async () => {
    const shown: { id: string; bundles: Record<string, string>[] }[] = [];
    const active: number[] = [];
    const render = (v: unknown) =>
      (v as Record<symbol, () => Record<string, string>>)[Symbol.for('beemind.display')]();
    const progress = new RunProgress(
      {
        show: (value, id) => {
          const entry = { id, bundles: [render(value)] };
          shown.push(entry);
          return { update: (v) => entry.bundles.push(render(v)) };
        },
      },
      (n) => active.push(n),
    );
    const time = '2026-01-01T00:00:00.000Z';
    progress.onEvent({
      type: 'run.started',
      version: 1,
      runId: 'r1',
      time,
      name: 'iris <demo>',
      seed: 0,
      metric: 'accuracy',
      config: { budget: { evaluations: 4 } },
      objectives: [{ name: 'accuracy', direction: 'maximize' }],
      dataset: {
        name: 'iris',
        rows: 150,
        fingerprint: 'f',
        task: 'classification',
        target: 'species',
        classes: ['a', 'b'],
        features: [],
      },
    });
    // not a run event: ignored, as an event of a run that never started is
    progress.onEvent({ type: 'drone.evaluated', runId: 'r1', drone: { status: 'ok', score: 0.99 } });
    [0.8, 0.95, 0.9, null].forEach((score, i) => {
      const family = score !== null && score > 0.9 ? 'forest' : 'tree';
      progress.onEvent({
        type: 'drone.evaluated',
        runId: 'r1',
        time,
        drone: {
          id: `d${i + 1}`,
          generation: 1,
          parents: [],
          operator: 'random',
          genome: { steps: [], model: { family, params: {} } },
          family,
          status: score === null ? 'failed' : 'ok',
          foldScores: score === null ? [] : [score],
          score,
          objectives: [score],
          fitSeconds: 0.1,
          predictSeconds: 0.01,
          fraction: 1,
        },
      });
    });
    progress.onEvent({
      type: 'run.finished',
      runId: 'r1',
      time,
      status: 'completed',
      reason: 'evaluations',
      championId: 'd2',
      ensemble: null,
      leaderboard: [],
      evaluated: 4,
      elapsedSeconds: 2,
      testScore: 0.93,
    });
    expect(shown.map((s) => s.id)).toEqual(['beemind-run-r1']);
    const last = shown[0].bundles.at(-1)!;
    expect(last['text/plain']).toContain(
      'completed (evaluations) · 4/4 drones · generation 1 · best accuracy 0.9500 (forest)',
    );
    expect(last['text/plain']).toContain('test accuracy 0.9300');
    expect(last['text/plain']).toContain('1 failed');
    expect(last['text/html']).toContain('<b>iris &lt;demo&gt;</b>');
    expect(last['text/html']).toContain('<progress value="4" max="4"');
    expect(active).toEqual([1, 0]);
    expect(progress.active).toBe(0);
  });
});
