// KernelBridge against a fake kernel: snapshot on open, streamed batches, requests, restarts, kernel changes.
import { KernelBridge, type KernelSource } from '../src/connection.js';
import { NotebookModel } from '../src/model/notebook.js';
import { FakeKernel, FakeSessionContext } from './fake_kernel.js';
import { syntheticRun } from './synthetic.js';

const flush = () => new Promise((r) => setTimeout(r, 0));

function connect(kernel: FakeKernel | null, timeoutMs = 1000) {
  const session = new FakeSessionContext(kernel);
  const model = new NotebookModel();
  const bridge = new KernelBridge(model, session as unknown as KernelSource, () => ({
    requestTimeoutMs: timeoutMs,
    throttleMs: 100,
  }));
  return { session, model, bridge };
}

describe('KernelBridge', () => {
  it('opens the beemind comm and folds the snapshot of every run in the kernel', () => {
    const kernel = new FakeKernel();
    kernel.runs = [{ runId: 'a', events: syntheticRun({ drones: 12, runId: 'a' }) }];
    const { model } = connect(kernel);
    expect(kernel.comms).toHaveLength(1);
    expect(kernel.targets.has('beemind')).toBe(true);
    expect(model.status.status).toBe('connected');
    expect(model.run('a')!.drones).toHaveLength(12);
  });

  it('folds streamed batches as they come', () => {
    const kernel = new FakeKernel();
    const { model } = connect(kernel);
    const events = syntheticRun({ drones: 30, runId: 'live', finished: false });
    kernel.stream(events.slice(0, 5));
    expect(model.run('live')!.drones).toHaveLength(4);
    kernel.stream(events.slice(5));
    expect(model.run('live')!.drones).toHaveLength(30);
    expect(model.run('live')!.isLive).toBe(true);
  });

  it('sends requests the kernel accepts and resolves them with the response', async () => {
    const kernel = new FakeKernel();
    kernel.runs = [{ runId: 'a', events: syntheticRun({ drones: 5, runId: 'a' }) }];
    const { model } = connect(kernel);
    model.requestImportance('a', 'd2');
    await flush();
    expect(kernel.comms[0].sent[0]).toEqual({
      type: 'request',
      id: 'r1',
      method: 'importance',
      params: { runId: 'a', droneId: 'd2' },
    });
    const got = model.importance('a', 'd2');
    expect(got.state).toBe('ready');
  });

  it('turns an error response into a readable request failure', async () => {
    const kernel = new FakeKernel();
    kernel.runs = [{ runId: 'a', events: syntheticRun({ drones: 5, runId: 'a' }) }];
    const { model } = connect(kernel);
    model.requestConfusion('a', 'd2');
    await flush();
    expect(model.confusion('a', 'd2')).toEqual({
      state: 'error',
      message: 'comm message rejected: method confusion',
      code: 'invalid_message',
    });
  });

  it('times out a request the kernel never answers', async () => {
    const kernel = new FakeKernel();
    kernel.holdResponses = true;
    kernel.runs = [{ runId: 'a', events: syntheticRun({ drones: 5, runId: 'a' }) }];
    const { model } = connect(kernel, 20);
    model.requestImportance('a', 'd1');
    await new Promise((r) => setTimeout(r, 60));
    const got = model.importance('a', 'd1');
    expect(got.state).toBe('error');
    if (got.state === 'error') expect(got.message).toMatch(/did not answer the importance request/);
  });

  it('empties the panels on restart and refills them from the new kernel process', () => {
    const kernel = new FakeKernel();
    kernel.runs = [{ runId: 'old', events: syntheticRun({ drones: 5, runId: 'old' }) }];
    const { model } = connect(kernel);
    expect(model.runs).toHaveLength(1);
    kernel.restart();
    expect(model.runs).toHaveLength(0);
    expect(kernel.comms).toHaveLength(1); // reopened once, after the reconnection, not on the old process's statuses
    expect(model.status.status).toBe('connected');
    kernel.stream(syntheticRun({ drones: 7, runId: 'new' }));
    expect(model.runs.map((r) => r.runId)).toEqual(['new']);
  });

  it('rejects requests in flight when the kernel restarts', async () => {
    const kernel = new FakeKernel();
    kernel.holdResponses = true;
    kernel.runs = [{ runId: 'a', events: syntheticRun({ drones: 5, runId: 'a' }) }];
    const { model, bridge } = connect(kernel);
    const answer = bridge.request({ method: 'snapshot' });
    kernel.restart();
    await expect(answer).rejects.toThrow(/restarting/);
    expect(model.status.status).toBe('connected');
  });

  it('follows a kernel change and waits for a kernel that is still starting', () => {
    const first = new FakeKernel();
    first.runs = [{ runId: 'a', events: syntheticRun({ drones: 5, runId: 'a' }) }];
    const { model, session } = connect(first);
    const second = new FakeKernel();
    second.status = 'starting';
    second.runs = [{ runId: 'b', events: syntheticRun({ drones: 3, runId: 'b' }) }];
    session.changeKernel(second);
    expect(model.runs).toHaveLength(0);
    expect(first.targets.has('beemind')).toBe(false);
    expect(model.status.status).toBe('connecting');
    second.setStatus('idle');
    expect(model.runs.map((r) => r.runId)).toEqual(['b']);
  });

  it('says so, and stops asking, when the kernel is not a BeeMind kernel', () => {
    const kernel = new FakeKernel();
    kernel.speaksBeeMind = false;
    const { model } = connect(kernel);
    expect(model.status.status).toBe('disconnected');
    expect(model.status.message).toMatch(/BeeMind \(TypeScript\) kernel/);
    kernel.setStatus('busy');
    kernel.setStatus('idle');
    expect(kernel.comms).toHaveLength(1);
  });

  it('shows a malformed kernel message in the status line without losing the runs', () => {
    const kernel = new FakeKernel();
    kernel.runs = [{ runId: 'a', events: syntheticRun({ drones: 5, runId: 'a' }) }];
    const { model } = connect(kernel);
    kernel.comms[0].deliver({ type: 'events', events: 'not a list' });
    expect(model.status.message).toMatch(/Ignored a message from the kernel: malformed events message/);
    expect(model.runs).toHaveLength(1);
  });

  it('never lets a kernel message throw out of the comm callback: it is logged and shown', () => {
    const kernel = new FakeKernel();
    const { model } = connect(kernel);
    const warn = console.warn;
    const warnings: unknown[][] = [];
    console.warn = (...args: unknown[]) => void warnings.push(args);
    const applyEvents = model.applyEvents.bind(model);
    try {
      model.applyEvents = () => {
        throw new Error('model bug');
      };
      const events = syntheticRun({ drones: 2, runId: 'b', finished: false });
      expect(() => kernel.comms[0].deliver({ type: 'events', version: 1, events })).not.toThrow();
      expect(model.status.message).toMatch(/Ignored a message from the kernel: .*model bug/);
      expect(warnings).toHaveLength(1);
      model.applyEvents = applyEvents;
      kernel.stream(events);
      expect(model.run('b')!.drones).toHaveLength(2);
    } finally {
      console.warn = warn;
    }
  });

  it('disposes cleanly: comm closed, target removed', () => {
    const kernel = new FakeKernel();
    const { bridge } = connect(kernel);
    bridge.dispose();
    expect(kernel.comms[0].isDisposed).toBe(true);
    expect(kernel.targets.has('beemind')).toBe(false);
  });
});
