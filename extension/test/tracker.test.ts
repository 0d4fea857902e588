// ModelTracker: one model per notebook, following the active notebook, disposed with its notebook.
import { Signal } from '@lumino/signaling';
import type { KernelSource } from '../src/connection.js';
import { ModelTracker, type NotebookLike, type NotebookTrackerLike } from '../src/tracker.js';
import { FakeKernel, FakeSessionContext } from './fake_kernel.js';
import { syntheticRun } from './synthetic.js';

class FakeNotebook implements NotebookLike {
  readonly disposed = new Signal<this, void>(this);
  readonly sessionContext: KernelSource;
  constructor(
    readonly id: string,
    readonly kernel: FakeKernel,
  ) {
    this.sessionContext = new FakeSessionContext(kernel) as unknown as KernelSource;
  }
  close() {
    this.disposed.emit();
  }
}

class FakeTracker implements NotebookTrackerLike<FakeNotebook> {
  currentWidget: FakeNotebook | null = null;
  readonly currentChanged = new Signal<this, FakeNotebook | null>(this);
  readonly widgetAdded = new Signal<this, FakeNotebook>(this);
  readonly widgets: FakeNotebook[] = [];
  forEach(fn: (w: FakeNotebook) => void) {
    this.widgets.forEach(fn);
  }
  open(nb: FakeNotebook) {
    this.widgets.push(nb);
    this.widgetAdded.emit(nb);
    this.focus(nb);
  }
  focus(nb: FakeNotebook | null) {
    this.currentWidget = nb;
    this.currentChanged.emit(nb);
  }
}

function kernelWith(runId: string, drones: number): FakeKernel {
  const kernel = new FakeKernel();
  kernel.runs = [{ runId, events: syntheticRun({ drones, runId }) }];
  return kernel;
}

describe('ModelTracker', () => {
  it('keeps one model per notebook and follows the active one', () => {
    const notebooks = new FakeTracker();
    const tracker = new ModelTracker(notebooks, () => ({ requestTimeoutMs: 1000, throttleMs: 100 }));
    const seen: (string | undefined)[] = [];
    tracker.currentChanged.connect((_, model) => seen.push(model?.activeRun?.runId));
    expect(tracker.current).toBeNull();

    const a = new FakeNotebook('a', kernelWith('run-a', 4));
    const b = new FakeNotebook('b', kernelWith('run-b', 6));
    notebooks.open(a);
    notebooks.open(b);
    expect(seen).toEqual(['run-a', 'run-b']);
    const modelB = tracker.current;
    notebooks.focus(a);
    expect(tracker.current!.activeRun!.runId).toBe('run-a');
    notebooks.focus(b);
    expect(tracker.current).toBe(modelB);
    expect(tracker.modelFor(a)).not.toBe(tracker.modelFor(b));
  });

  it('disposes a closed notebook’s model and bridge', () => {
    const notebooks = new FakeTracker();
    const tracker = new ModelTracker(notebooks, () => ({ requestTimeoutMs: 1000, throttleMs: 100 }));
    const a = new FakeNotebook('a', kernelWith('run-a', 4));
    notebooks.open(a);
    const model = tracker.current!;
    notebooks.focus(null);
    a.close();
    expect(model.isDisposed).toBe(true);
    expect(a.kernel.targets.has('beemind')).toBe(false);
    expect(tracker.modelFor(a)).toBeNull();
    expect(tracker.current).toBeNull();
  });

  it('tracks notebooks that were open before it started', () => {
    const notebooks = new FakeTracker();
    const a = new FakeNotebook('a', kernelWith('run-a', 3));
    notebooks.widgets.push(a);
    notebooks.currentWidget = a;
    const tracker = new ModelTracker(notebooks, () => ({ requestTimeoutMs: 1000, throttleMs: 100 }));
    expect(tracker.current!.activeRun!.drones).toHaveLength(3);
    tracker.dispose();
    expect(a.kernel.targets.has('beemind')).toBe(false);
  });
});
