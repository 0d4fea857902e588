/**
 * The "why" views in a DOM (jsdom): the importance panel asks the kernel for the chosen row's attributions and
 * draws them from the kernel's message (sorted, signed, the exact numbers kept), the row picker changes the
 * request, malformed or failed answers say so, the comparison panel sets two drones side by side, and the
 * lineage zooms and fits again.
 * @jest-environment jsdom
 */
import './jsdom_polyfills.js';
import { Signal } from '@lumino/signaling';
import type { Widget as WidgetType } from '@lumino/widgets';
import { NotebookModel, type RequestPort } from '../src/model/notebook.js';
import type { ComparisonPanel as ComparisonPanelType } from '../src/panels/comparison.js';
import type { ImportancePanel as ImportancePanelType } from '../src/panels/importance.js';
import type { LineagePanel as LineagePanelType } from '../src/panels/lineage.js';
import type { PanelContext } from '../src/panels/panel.js';
import { parseKernelMessage, type Request } from '../src/protocol.js';
import { DEFAULT_SETTINGS } from '../src/settings.js';
import { syntheticRun } from './synthetic.js';

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

HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;

const COLUMNS = ['<b>petal</b> length', 'sepal width', 'petal width', 'sepal length'];

class Context implements PanelContext {
  readonly changed = new Signal<this, NotebookModel | null>(this);
  settings = () => DEFAULT_SETTINGS;
  constructor(readonly current: NotebookModel) {}
  get currentChanged() {
    return this.changed;
  }
}

/** A kernel that answers each request with a raw comm message, read as the connection reads it. */
class KernelPort implements RequestPort {
  readonly requests: Request[] = [];
  private readonly waiting: {
    request: Request;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
  }[] = [];
  request(request: Request): Promise<unknown> {
    this.requests.push(request);
    return new Promise((resolve, reject) => this.waiting.push({ request, resolve, reject }));
  }
  /** Answers every pending explain request with `answer(params)` as the data of a comm message. */
  async answerExplain(
    answer: (p: Extract<Request, { method: 'explain' }>['params']) => Record<string, unknown>,
  ) {
    for (const w of this.waiting.splice(0)) {
      if (w.request.method !== 'explain') continue;
      const message = parseKernelMessage({ type: 'response', id: 'x', ...answer(w.request.params) });
      if (message.type === 'response') w.resolve(message.result);
      else if (message.type === 'error')
        w.reject(Object.assign(new Error(message.message), { code: message.code }));
    }
    await Promise.resolve();
  }
}

/** Attributions that differ per drone and row; exact doubles that formatting would round. */
function explanation(params: { runId: string; droneId: string; row: number; source: string }) {
  const shift = params.droneId.length * 0.001 + params.row * 0.01;
  const values = [
    [0.1234567890123 + shift, -0.3000000000000000444, 0.05, -0.0001],
    [-0.1234567890123 - shift, 0.3000000000000000444, -0.05, 0.0001],
  ];
  const base = [0.4, 0.6];
  return {
    runId: params.runId,
    droneId: params.droneId,
    source: params.source,
    row: params.row,
    rowCount: 30,
    columns: COLUMNS,
    outputs: ['benign', 'malignant'],
    scale: 'probability',
    base,
    values,
    output: values.map((v, o) => v.reduce((a, b) => a + b, base[o])),
    method: 'tree-shap (path-dependent)',
    maxError: 0,
    input: [4.5, 3.1, null, '<img src=x onerror="window.hacked=1">'],
  };
}

function setup() {
  const model = new NotebookModel();
  model.setStatus({ status: 'connected', message: 'Connected.' });
  const port = new KernelPort();
  model.setPort(port);
  model.applyEvents(syntheticRun({ drones: 24, generations: 2, runId: 'r' }));
  const context = new Context(model);
  const panels = {
    lineage: new LineagePanel(context),
    importance: new ImportancePanel(context),
    comparison: new ComparisonPanel(context),
  };
  for (const panel of Object.values(panels)) Widget.attach(panel, document.body);
  const flush = () => Object.values(panels).forEach((p) => p.flush());
  flush();
  const answer = async () => {
    await port.answerExplain((p) => ({ ok: true, result: explanation(p) }));
    flush();
  };
  return { model, port, panels, flush, answer };
}

const explainRequests = (port: KernelPort) =>
  port.requests.flatMap((r) => (r.method === 'explain' ? [r.params] : []));

afterEach(() => {
  document.body.textContent = '';
});

describe('the why view of the importance panel', () => {
  it('asks for the first test row of the champion and draws its attributions from the message', async () => {
    const { model, port, panels, answer } = setup();
    const champion = model.activeRun!.championId!;
    expect(explainRequests(port)).toContainEqual({ runId: 'r', droneId: champion, row: 0, source: 'test' });
    const node = panels.importance.node;
    expect(node.dataset.whyState).toBe('pending');
    await answer();
    expect(node.dataset.whyState).toBe('ready');
    const sent = explanation({ runId: 'r', droneId: champion, row: 0, source: 'test' });
    // the predicted class: the larger output
    const predicted = sent.output[1] > sent.output[0] ? 1 : 0;
    expect(node.dataset.whyOutput).toBe(String(predicted));
    const bars = [...node.querySelectorAll<HTMLElement>('.jp-BeeMind-why .jp-BeeMind-attribution')];
    // sorted by size, each with the exact number the kernel sent
    const values = bars.map((b) => Number(b.dataset.value));
    expect(values.map(Math.abs)).toEqual([...values.map(Math.abs)].sort((a, b) => b - a));
    for (const bar of bars) {
      const j = COLUMNS.indexOf(bar.dataset.feature!);
      expect(bar.dataset.value).toBe(String(sent.values[predicted][j]));
      const positive = sent.values[predicted][j] >= 0;
      expect(
        bar
          .querySelector('.jp-BeeMind-bar')!
          .classList.contains(positive ? 'jp-mod-positive' : 'jp-mod-negative'),
      ).toBe(true);
      expect(bar.querySelector('.jp-BeeMind-value')!.textContent!.startsWith(positive ? '+' : '-')).toBe(
        true,
      );
    }
    const chart = node.querySelector<HTMLElement>('.jp-BeeMind-why .jp-BeeMind-attributions')!;
    expect(chart.dataset.base).toBe(String(sent.base[predicted]));
    expect(chart.dataset.prediction).toBe(String(sent.output[predicted]));
    expect(chart.textContent).toContain(`probability of ${sent.outputs[predicted]}: base`);
    // column names and input values from the data are text, never markup
    expect(bars.map((b) => b.querySelector('.jp-BeeMind-feature')!.textContent)).toContain(
      '<b>petal</b> length = 4.5',
    );
    expect(node.textContent).toContain('petal width = missing');
    expect(node.querySelector('.jp-BeeMind-why b, .jp-BeeMind-why img')).toBeNull();
    expect((window as unknown as { hacked?: number }).hacked).toBeUndefined();
  });

  it('explains another row, another class and the rows a cell sent, as the user picks them', async () => {
    const { model, port, panels, flush, answer } = setup();
    const champion = model.activeRun!.championId!;
    await answer();
    const node = panels.importance.node;
    expect(node.querySelector('.jp-BeeMind-whyPicker')!.textContent).toContain('of 30');
    (node.querySelector('button[aria-label="Next row"]') as HTMLButtonElement).click();
    flush();
    expect(explainRequests(port)).toContainEqual({ runId: 'r', droneId: champion, row: 1, source: 'test' });
    await answer();
    expect(node.dataset.whyRow).toBe('1');
    expect(node.querySelector<HTMLElement>('.jp-BeeMind-why .jp-BeeMind-attributions')!.dataset.row).toBe(
      '1',
    );

    const input = node.querySelector<HTMLInputElement>('.jp-BeeMind-whyRowInput')!;
    input.value = '7';
    input.dispatchEvent(new Event('change'));
    flush();
    expect(explainRequests(port)).toContainEqual({ runId: 'r', droneId: champion, row: 7, source: 'test' });
    await answer();

    // a redraw while a row number is being typed keeps what was typed and the focus
    const typed = node.querySelector<HTMLInputElement>('.jp-BeeMind-whyRowInput')!;
    typed.focus();
    typed.value = '12';
    model.setStatus({ status: 'connected', message: 'Connected again.' });
    flush();
    const redrawn = node.querySelector<HTMLInputElement>('.jp-BeeMind-whyRowInput')!;
    expect(redrawn).not.toBe(typed);
    expect(redrawn.value).toBe('12');
    expect(document.activeElement).toBe(redrawn);
    redrawn.value = '7';

    const output = node.querySelector<HTMLSelectElement>('.jp-BeeMind-whyOutput')!;
    expect([...output.options].map((o) => o.textContent)).toEqual(['predicted class', 'benign', 'malignant']);
    output.value = '0';
    output.dispatchEvent(new Event('change'));
    flush();
    expect(node.dataset.whyOutput).toBe('0');
    const first = node.querySelector<HTMLElement>('.jp-BeeMind-why .jp-BeeMind-attribution')!;
    const sent = explanation({ runId: 'r', droneId: champion, row: 7, source: 'test' });
    expect(first.dataset.value).toBe(String(sent.values[0][COLUMNS.indexOf(first.dataset.feature!)]));

    const source = node.querySelector<HTMLSelectElement>('.jp-BeeMind-whySource')!;
    source.value = 'sent';
    source.dispatchEvent(new Event('change'));
    flush();
    expect(model.whyRow).toMatchObject({ source: 'sent', row: 0 });
    expect(explainRequests(port)).toContainEqual({ runId: 'r', droneId: champion, row: 0, source: 'sent' });
  });

  it('explains the sent rows again after a cell ran (it may have sent others), and only those', async () => {
    const { model, port, flush, answer } = setup();
    const champion = model.activeRun!.championId!;
    await answer();
    model.setWhyRow({ source: 'sent' });
    flush();
    await answer();
    expect(model.explanation('r', champion, 'sent', 0).state).toBe('ready');
    const asked = () => explainRequests(port).filter((p) => p.source === 'sent').length;
    const before = asked();
    model.cellExecuted();
    expect(model.explanation('r', champion, 'sent', 0).state).toBe('unknown');
    expect(model.explanation('r', champion, 'test', 0).state).toBe('ready');
    flush();
    expect(asked()).toBe(before + 2); // the importance panel's drone and the comparison panel's second drone
  });

  it('says what went wrong when the kernel fails or answers with the wrong shape, and can try again', async () => {
    const { model, port, panels, flush } = setup();
    await port.answerExplain(() => ({
      ok: false,
      error: {
        code: 'run.no_rows',
        message: 'run r has no rows sent from a cell yet: call await run.explain(rows) first.',
      },
    }));
    flush();
    const node = panels.importance.node;
    expect(node.dataset.whyState).toBe('error');
    expect(node.querySelector('.jp-BeeMind-why')!.textContent).toContain(
      'call await run.explain(rows) first',
    );
    const before = explainRequests(port).length;
    const retry = [...node.querySelectorAll('.jp-BeeMind-why button')].find(
      (b) => b.textContent === 'Try again',
    )!;
    (retry as HTMLButtonElement).click();
    flush();
    expect(explainRequests(port).length).toBe(before + 1);
    await port.answerExplain((p) => ({ ok: true, result: { ...explanation(p), values: [[1, 2]] } }));
    flush();
    expect(node.dataset.whyState).toBe('error');
    expect(node.querySelector('.jp-BeeMind-why')!.textContent).toContain('unexpected shape');
    expect(model.explanation('r', model.activeRun!.championId!, 'test', 0).state).toBe('error');
  });
});

describe('the why view of the comparison panel', () => {
  it('sets the selected drone and a second one side by side on the same row, on one axis', async () => {
    const { model, port, panels, flush, answer } = setup();
    const champion = model.activeRun!.championId!;
    const node = panels.comparison.node;
    const [first, second] = node.dataset.whyDrones!.split(',');
    expect(first).toBe(champion);
    expect(second).not.toBe(champion);
    expect(explainRequests(port)).toContainEqual({ runId: 'r', droneId: second, row: 0, source: 'test' });
    await answer();
    const pair = node.querySelector('.jp-BeeMind-attributionPair')!;
    for (const id of [first, second]) {
      const cells = [...pair.querySelectorAll<HTMLElement>(`.jp-BeeMind-attribution[data-drone-id="${id}"]`)];
      expect(cells).toHaveLength(COLUMNS.length);
      const sent = explanation({ runId: 'r', droneId: id, row: 0, source: 'test' });
      const output = sent.output[1] > sent.output[0] ? 1 : 0;
      for (const cell of cells)
        expect(cell.dataset.value).toBe(String(sent.values[output][COLUMNS.indexOf(cell.dataset.feature!)]));
    }
    // another partner is explained on the same row
    const partner = node.querySelector<HTMLSelectElement>('.jp-BeeMind-whyPartner')!;
    const third = [...partner.options].map((o) => o.value).find((v) => v !== second)!;
    partner.value = third;
    partner.dispatchEvent(new Event('change'));
    flush();
    expect(node.dataset.whyDrones).toBe(`${first},${third}`);
    expect(explainRequests(port)).toContainEqual({ runId: 'r', droneId: third, row: 0, source: 'test' });
  });
});

describe('the lineage view', () => {
  it('zooms about a point, and the Fit button goes back to the fitted view', () => {
    const { panels } = setup();
    const node = panels.lineage.node;
    expect(node.dataset.zoom).toBe('1');
    expect(Number(node.dataset.nodeRadius)).toBeGreaterThan(2);
    panels.lineage.zoomBy(2, 100, 100);
    expect(node.dataset.zoom).toBe('2');
    const scroller = node.querySelector<HTMLElement>('.jp-BeeMind-lineageScroller')!;
    scroller.dispatchEvent(new WheelEvent('wheel', { deltaY: -200, cancelable: true }));
    expect(Number(node.dataset.zoom)).toBeGreaterThan(2);
    panels.lineage.zoomBy(1000, 0, 0);
    expect(Number(node.dataset.zoom)).toBe(8);
    node.querySelector<HTMLButtonElement>('.jp-BeeMind-zoomReset')!.click();
    expect(node.dataset.zoom).toBe('1');
  });

  it('describes the selected drone under the lineage, fit times readable', () => {
    const { model, panels } = setup();
    const details = panels.lineage.node.querySelector('.jp-BeeMind-droneDetails')!;
    expect(details.textContent).toContain(model.activeRun!.championId!);
    expect(details.textContent).toMatch(/fit \d+(\.\d+)? (µs|ms|s)/);
  });
});
