// The main thread's side of the executor worker, with a stand-in worker: a call whose message cannot be posted
// (data too deep for the structured clone) is rejected and forgotten, and the executor keeps serving calls.
import os from 'node:os';
import { WorkerExecutor } from '../src/executor/worker-executor.js';
import { nest } from './properties/hostile.js';

/** A worker that answers every call with `{ answered: <call kind> }`. */
const ANSWERING_WORKER = new URL(
  `data:text/javascript,${encodeURIComponent(
    "import { parentPort } from 'node:worker_threads';\n" +
      "parentPort.on('message', (m) => m.kind === 'call' && parentPort.postMessage({ kind: 'reply', id: m.id, ok: true, value: { answered: m.call.kind } }));",
  )}`,
);

describe('WorkerExecutor', () => {
  it('rejects and forgets a call whose message cannot be posted, then serves the next call', async () => {
    const executor = new WorkerExecutor({ directory: os.tmpdir(), entry: ANSWERING_WORKER });
    const pending = () => (executor as unknown as { pending: Map<number, unknown> }).pending.size;
    try {
      const data = nest(100_000) as Record<string, unknown>;
      await expect(
        executor.commMsg({ commId: 'c', data, metadata: {}, buffers: [] }, () => undefined),
      ).rejects.toThrow(/could not be sent to the executor/);
      expect(pending()).toBe(0);
      await expect(executor.commInfo()).resolves.toEqual({ answered: 'commInfo' });
      expect(pending()).toBe(0);
    } finally {
      await executor.shutdown();
    }
  });
});
