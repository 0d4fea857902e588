// Browser side of bench/panels-render.mjs: renders the BeeMind panels for synthetic runs of 1,000 and 10,000
// drones in Chromium, and the library's Vega-Lite lineage chart for the same drones as the peer, then posts
// the timings (milliseconds, median of the repetitions) back to the script.
import { Widget } from '@lumino/widgets';
import { Signal } from '@lumino/signaling';
import { lineageChart } from '../beemind/src/charts/run_charts.js';
import type { Drone, RunEvent } from 'beemind/events';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { NotebookModel } from '../extension/src/model/notebook.js';
import { parseKernelMessage } from '../extension/src/protocol.js';
import { ComparisonPanel } from '../extension/src/panels/comparison.js';
import { ImportancePanel } from '../extension/src/panels/importance.js';
import { LineagePanel } from '../extension/src/panels/lineage.js';
import type { BeeMindPanel, PanelContext } from '../extension/src/panels/panel.js';
import { nodeAt, layoutLineage } from '../extension/src/lineage/layout.js';
import { DEFAULT_SETTINGS } from '../extension/src/settings.js';
import { syntheticRun } from '../extension/test/synthetic.js';

const params = new URLSearchParams(location.search);
const SIZES = (params.get('sizes') ?? '1000,10000').split(',').map(Number);
const REPEATS = Number(params.get('repeats') ?? 5);
const PEER = params.get('peer') !== '0';

type Row = Record<string, number | string>;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Time until the browser has painted the frame after `fn` (style, layout and raster included). */
async function toPaint(fn: () => void): Promise<{ sync: number; paint: number }> {
  const t0 = performance.now();
  fn();
  const t1 = performance.now();
  await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return { sync: t1 - t0, paint: performance.now() - t0 };
}

class Context implements PanelContext {
  readonly changed = new Signal<this, NotebookModel | null>(this);
  constructor(public current: NotebookModel | null) {}
  get currentChanged() {
    return this.changed;
  }
  settings = () => DEFAULT_SETTINGS;
}

function mount(panel: BeeMindPanel): HTMLElement {
  const host = document.createElement('div');
  host.className = 'bench-host';
  document.body.appendChild(host);
  Widget.attach(panel, host);
  return host;
}

async function measureSize(n: number): Promise<Row> {
  const events = syntheticRun({
    drones: n,
    generations: Math.max(5, Math.round(n / 200)),
    seed: 7,
    runId: `bench-${n}`,
  });
  const message = JSON.parse(
    JSON.stringify({
      type: 'snapshot',
      version: 1,
      library: { available: true },
      runs: [{ runId: `bench-${n}`, events }],
    }),
  );
  const times: Record<string, number[]> = {};
  const record = (name: string, ms: number) => (times[name] ??= []).push(ms);
  let edges = 0;

  for (let r = 0; r < REPEATS; r++) {
    let t = performance.now();
    const parsed = parseKernelMessage(message);
    record('validate snapshot', performance.now() - t);
    if (parsed.type !== 'snapshot') throw new Error(`bad snapshot: ${JSON.stringify(parsed).slice(0, 200)}`);
    const model = new NotebookModel();
    model.setStatus({ status: 'connected', message: 'bench' });
    t = performance.now();
    model.applySnapshot(parsed.runs);
    record('fold events', performance.now() - t);
    const context = new Context(model);

    const lineage = new LineagePanel(context);
    const host = mount(lineage);
    const first = await toPaint(() => lineage.flush());
    record('lineage: first render', first.sync);
    record('lineage: first render to paint', first.paint);
    edges = layoutLineage(model.activeRun!, 400).edgeFrom.length;

    // Hover: hit test plus a redraw of the visible slice.
    const layout = layoutLineage(model.activeRun!, host.clientWidth || 400);
    t = performance.now();
    let found = 0;
    for (let k = 0; k < 1000; k++) if (nodeAt(layout, 20 + (k % 300), 40 + ((k * 7) % 600)) >= 0) found++;
    record('lineage: 1,000 hit tests', performance.now() - t);
    if (found === 0) throw new Error('hit tests found no node');

    // Scroll to the middle and redraw.
    const scroller = lineage.node.querySelector('.jp-BeeMind-lineageScroller') as HTMLElement;
    const scroll = await toPaint(() => {
      scroller.scrollTop = scroller.scrollHeight / 2;
      lineage.flush();
    });
    record('lineage: scroll redraw', scroll.sync);

    // A live batch of 50 drones arriving while the panel is shown.
    const live = syntheticRun({
      drones: 50,
      generations: 1,
      seed: 100 + r,
      runId: `bench-${n}`,
      finished: false,
    }).filter((e): e is Extract<RunEvent, { type: 'drone.evaluated' }> => e.type === 'drone.evaluated');
    const batch: RunEvent[] = live.map((e) => ({
      ...e,
      drone: { ...e.drone, id: `live${r}-${e.drone.id}`, generation: 9999, parents: [] } as Drone,
    }));
    const update = await toPaint(() => {
      model.applyEvents(batch);
      lineage.flush();
    });
    record('lineage: live batch of 50', update.sync);

    const importance = new ImportancePanel(context);
    mount(importance);
    record('importance: render', (await toPaint(() => importance.flush())).sync);

    const comparison = new ComparisonPanel(context);
    mount(comparison);
    const comp = await toPaint(() => comparison.flush());
    record('comparison: render', comp.sync);
    record('comparison: render to paint', comp.paint);

    // Selecting a drone redraws all three.
    const target = model.activeRun!.drones[Math.floor(n / 2)];
    const select = await toPaint(() => {
      model.select({ runId: `bench-${n}`, droneId: target.id });
      lineage.flush();
      importance.flush();
      comparison.flush();
    });
    record('select a drone (3 panels)', select.sync);

    for (const p of [lineage, importance, comparison]) p.dispose();
    document.querySelectorAll('.bench-host').forEach((e) => e.remove());
    model.dispose();
  }

  const row: Row = { drones: n, edges };
  for (const [name, values] of Object.entries(times)) row[name] = Number(median(values).toFixed(1));

  if (PEER) {
    // The peer: the library's own Vega-Lite lineage chart (what a cell shows), compiled and rendered by Vega.
    const drones = events.flatMap((e) => (e.type === 'drone.evaluated' ? [e.drone] : []));
    for (const renderer of ['canvas', 'svg'] as const) {
      const peer: number[] = [];
      for (let r = 0; r < Math.min(REPEATS, 3); r++) {
        const host = document.createElement('div');
        document.body.appendChild(host);
        const t = performance.now();
        const spec = vegaLite.compile(lineageChart(drones) as vegaLite.TopLevelSpec).spec;
        const view = new vega.View(vega.parse(spec), { renderer, container: host, hover: true });
        await view.runAsync();
        await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        peer.push(performance.now() - t);
        view.finalize();
        host.remove();
      }
      row[`peer: vega-lite lineage (${renderer}) to paint`] = Number(median(peer).toFixed(1));
    }
  }
  return row;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  try {
    for (const n of SIZES) rows.push(await measureSize(n));
    await fetch('/results', {
      method: 'POST',
      body: JSON.stringify({ ok: true, rows, userAgent: navigator.userAgent }),
    });
  } catch (error) {
    await fetch('/results', {
      method: 'POST',
      body: JSON.stringify({ ok: false, error: String((error as Error).stack ?? error) }),
    });
  }
}

void main();
