/**
 * The three panels in a DOM (jsdom): they render the model, share the selection, sort, request what is
 * unknown, and show every kernel string as text, never as markup.
 * @jest-environment jsdom
 */
import './jsdom_polyfills.js';
import { Signal } from '@lumino/signaling';
import type { Widget as WidgetType } from '@lumino/widgets';
import { NotebookModel, type RequestPort } from '../src/model/notebook.js';
import type { ComparisonPanel as ComparisonPanelType } from '../src/panels/comparison.js';
import type { ImportancePanel as ImportancePanelType } from '../src/panels/importance.js';
import type { LineagePanel as LineagePanelType } from '../src/panels/lineage.js';
import type { BeeMindPanel, PanelContext } from '../src/panels/panel.js';
import type { Request } from '../src/protocol.js';
import { DEFAULT_SETTINGS } from '../src/settings.js';
import { syntheticRun } from './synthetic.js';

// Lumino's widgets touch DOM classes at load time: load them after the polyfills (static imports load first).
let Widget: typeof WidgetType;
let LineagePanel: typeof LineagePanelType;
let ImportancePanel: typeof ImportancePanelType;
let ComparisonPanel: typeof ComparisonPanelType;
beforeAll(async () => {
  ({ Widget } = await import('@lumino/widgets'));
  ({ LineagePanel } = await import('../src/panels/lineage.js'));
  ({ ImportancePanel } = await import('../src/panels/importance.js'));
  ({ ComparisonPanel } = await import('../src/panels/comparison.js'));
});

// jsdom has no canvas; the panels must still render everything else.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;

const HTML_NAMES = ['<img src=x onerror="window.hacked=1">', '<b>bold</b> & "quoted"', 'plain'];

class Context implements PanelContext {
  current: NotebookModel | null;
  readonly changed = new Signal<this, NotebookModel | null>(this);
  settings = () => DEFAULT_SETTINGS;
  constructor(model: NotebookModel | null) {
    this.current = model;
  }
  get currentChanged() {
    return this.changed;
  }
  switchTo(model: NotebookModel | null) {
    this.current = model;
    this.changed.emit(model);
  }
}

class Port implements RequestPort {
  readonly requests: Request[] = [];
  request(request: Request): Promise<unknown> {
    this.requests.push(request);
    return new Promise(() => undefined);
  }
}

function setup(events = syntheticRun({ drones: 60, generations: 3, features: HTML_NAMES, runId: 'r' })) {
  const model = new NotebookModel();
  model.setStatus({ status: 'connected', message: 'Connected to the kernel.' });
  const port = new Port();
  model.setPort(port);
  model.applyEvents(events);
  const context = new Context(model);
  const panels = {
    lineage: new LineagePanel(context),
    importance: new ImportancePanel(context),
    comparison: new ComparisonPanel(context),
  };
  for (const panel of Object.values(panels)) Widget.attach(panel, document.body);
  const flush = () => Object.values(panels).forEach((p: BeeMindPanel) => p.flush());
  flush();
  return { model, port, context, panels, flush };
}

afterEach(() => {
  document.body.textContent = '';
});

describe('panels', () => {
  it('lineage exposes one node per drone and the default selection', () => {
    const { panels, model } = setup();
    const node = panels.lineage.node;
    expect(node.dataset.droneCount).toBe('60');
    expect(node.dataset.nodeCount).toBe('60');
    expect(node.dataset.selectedDrone).toBe(model.activeRun!.championId);
    expect(node.querySelector('.jp-BeeMind-legend')!.textContent).toContain('Pareto front');
    expect(node.querySelector('select')!.options).toHaveLength(1);
  });

  it('importance shows the champion by default with HTML feature names as text', () => {
    const { panels } = setup();
    const node = panels.importance.node;
    expect(node.dataset.state).toBe('ready');
    const names = [...node.querySelectorAll('.jp-BeeMind-feature')].map((e) => e.textContent);
    expect(names).toEqual(HTML_NAMES);
    expect(node.querySelector('img')).toBeNull();
    expect(node.querySelector('b')).toBeNull();
    expect((window as unknown as { hacked?: number }).hacked).toBeUndefined();
  });

  it('a selection updates the importance and comparison panels, and asks the kernel for what is unknown', () => {
    const { panels, model, port, flush } = setup();
    const other = model.activeRun!.drones.find(
      (d) => d.status === 'ok' && d.id !== model.activeRun!.championId,
    )!;
    model.select({ runId: 'r', droneId: other.id });
    flush();
    expect(panels.lineage.node.dataset.selectedDrone).toBe(other.id);
    expect(panels.importance.node.dataset.droneId).toBe(other.id);
    expect(port.requests).toContainEqual({ method: 'importance', params: { runId: 'r', droneId: other.id } });
    expect(port.requests).toContainEqual({ method: 'confusion', params: { runId: 'r', droneId: other.id } });
    flush();
    expect(panels.importance.node.dataset.state).toBe('pending');
    const row = panels.comparison.node.querySelector(`tr[data-drone-id="${other.id}"]`)!;
    expect(row.classList.contains('jp-mod-selected')).toBe(true);
  });

  it('clicking a leaderboard row selects its drone; clicking a header sorts', () => {
    const { panels, model, flush } = setup();
    const rows = () => [...panels.comparison.node.querySelectorAll('tbody tr')] as HTMLElement[];
    const scores = () => rows().map((r) => Number(r.children[2].textContent));
    expect(scores()).toEqual([...scores()].sort((a, b) => b - a));
    (panels.comparison.node.querySelector('th[data-key="score"]') as HTMLElement).click();
    flush();
    expect(scores()).toEqual([...scores()].sort((a, b) => a - b));
    (panels.comparison.node.querySelector('th[data-key="generation"]') as HTMLElement).click();
    flush();
    const gens = rows().map((r) => Number(r.children[5].textContent));
    expect(gens).toEqual([...gens].sort((a, b) => a - b));
    rows()[3].click();
    expect(model.selection!.droneId).toBe(rows()[3].dataset.droneId);
  });

  it('comparison draws a box per family and counts the scatter points and Pareto front', () => {
    const { panels, model } = setup();
    const families = new Set(model.activeRun!.drones.filter((d) => d.status === 'ok').map((d) => d.family));
    const boxes = panels.comparison.node.querySelectorAll('.jp-BeeMind-box');
    expect(boxes.length).toBe(families.size);
    const ok = model.activeRun!.drones.filter((d) => d.status === 'ok').length;
    expect(panels.comparison.node.dataset.pointCount).toBe(String(ok));
    expect(Number(panels.comparison.node.dataset.frontCount)).toBeGreaterThan(0);
  });

  it('compares several runs: a run column and a checkbox per run', () => {
    const events = [
      ...syntheticRun({ drones: 20, runId: 'a' }),
      ...syntheticRun({ drones: 20, runId: 'b', seed: 5 }),
    ];
    const { panels, model, flush } = setup(events);
    const node = panels.comparison.node;
    expect(node.dataset.comparedCount).toBe('2');
    expect(node.querySelector('th[data-key="run"]')).not.toBeNull();
    const box = node.querySelector('input[data-run-id="a"]') as HTMLInputElement;
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    flush();
    expect(model.comparedRuns.map((r) => r.runId)).toEqual(['b']);
    expect(node.dataset.comparedCount).toBe('1');
  });

  it('the run picker groups runs by project, shows each author, and lists runs without either under default', () => {
    const events = [
      ...syntheticRun({ drones: 5, runId: 'a', user: 'ada', project: 'churn' }),
      ...syntheticRun({ drones: 5, runId: 'old', seed: 1 }),
      ...syntheticRun({ drones: 5, runId: 'b', seed: 2, user: 'bob', project: 'fraud' }),
      ...syntheticRun({ drones: 5, runId: 'c', seed: 3, user: 'cy', project: 'churn' }),
    ];
    const { panels, flush } = setup(events);
    const select = panels.lineage.node.querySelector('select')!;
    const groups = [...select.querySelectorAll('optgroup')].map((g) => ({
      label: g.label,
      runs: [...g.querySelectorAll('option')].map((o) => o.value),
    }));
    // Projects in the order of their first run, runs in the order they started.
    expect(groups).toEqual([
      { label: 'churn', runs: ['a', 'c'] },
      { label: 'default', runs: ['old'] },
      { label: 'fraud', runs: ['b'] },
    ]);
    const text = (runId: string) => select.querySelector(`option[value="${runId}"]`)!.textContent;
    expect(text('a')).toBe('synthetic a · by ada · 5 drones · completed');
    expect(text('b')).toContain('synthetic b · by bob ·');
    expect(text('old')).toBe('synthetic old · 5 drones · completed');
    // The last run is the active one, and picking another switches the lineage to it.
    expect(select.value).toBe('c');
    select.value = 'old';
    select.dispatchEvent(new Event('change'));
    flush();
    expect(panels.lineage.node.dataset.runId).toBe('old');
  });

  it('shows hostile project and user names in the run picker as text', () => {
    const project = '<img src=x onerror="window.hacked=1">';
    const user = '<b>mallory</b> & "friends"';
    const { panels } = setup([
      ...syntheticRun({ drones: 5, runId: 'x', user, project }),
      ...syntheticRun({ drones: 5, runId: 'y', seed: 1, user: 'ada', project: '</optgroup><option>z' }),
    ]);
    const node = panels.lineage.node;
    const groups = [...node.querySelectorAll('optgroup')];
    expect(groups.map((g) => g.label)).toEqual([project, '</optgroup><option>z']);
    expect(node.querySelectorAll('option')).toHaveLength(2);
    expect(groups[0].querySelector('option')!.textContent).toBe(
      `synthetic x · by ${user} · 5 drones · completed`,
    );
    expect(node.querySelector('img')).toBeNull();
    expect(node.querySelector('b')).toBeNull();
    // The comparison panel's run chips (shown for two runs or more) use the same label.
    expect(panels.comparison.node.querySelector('.jp-BeeMind-runChip')!.textContent).toContain(`by ${user}`);
    expect(panels.comparison.node.querySelector('b')).toBeNull();
    expect((window as unknown as { hacked?: number }).hacked).toBeUndefined();
  });

  it('shows a failed drone’s error text literally', () => {
    const { panels, model, flush } = setup();
    const failed = model.activeRun!.drones.find((d) => d.status === 'failed')!;
    model.select({ runId: 'r', droneId: failed.id });
    flush();
    const node = panels.importance.node;
    expect(node.dataset.state).toBe('unavailable');
    expect(node.querySelector('.jp-BeeMind-errorText')!.textContent).toBe(failed.error);
    expect(node.querySelector('b')).toBeNull();
  });

  it('follows the active notebook and empties on a kernel restart', () => {
    const { panels, context, model, flush } = setup();
    const other = new NotebookModel();
    context.switchTo(other);
    flush();
    expect(panels.lineage.node.dataset.droneCount).toBe('0');
    context.switchTo(model);
    flush();
    expect(panels.lineage.node.dataset.droneCount).toBe('60');
    model.reset({ status: 'restarting', message: 'The kernel is restarting.' });
    flush();
    expect(panels.lineage.node.dataset.droneCount).toBe('0');
    expect(panels.lineage.node.dataset.status).toBe('restarting');
    expect(panels.lineage.node.querySelector('.jp-BeeMind-status')!.textContent).toBe(
      'The kernel is restarting.',
    );
  });

  it('waits for a live run to finish before asking for importance', () => {
    const { panels, port } = setup(syntheticRun({ drones: 20, runId: 'live', finished: false }));
    expect(panels.importance.node.dataset.state).toBe('unknown');
    expect(port.requests).toEqual([]);
  });
});
