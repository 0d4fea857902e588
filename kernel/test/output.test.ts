// The worker's output channel: outputs carry the token of the request they belong to, and the outputs of a comm
// handler keep the comm message's token for the handler's whole life, after awaits and in its timers too.
import { CommManager } from '../src/comm/comms.js';
import type { FromWorker } from '../src/executor/worker-protocol.js';
import { OutputChannel } from '../src/worker/output.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function channel() {
  const posted: FromWorker[] = [];
  const output = new OutputChannel((m) => posted.push(m));
  const tokens = () =>
    posted.flatMap((m) =>
      m.kind === 'output'
        ? [
            `${m.output.msgType}${m.output.msgType === 'stream' ? `:${String(m.output.content.text)}` : ''}@${m.token}`,
          ]
        : [],
    );
  return { output, tokens };
}

describe('OutputChannel', () => {
  it("attributes a comm handler's outputs to the comm message before and after its awaits", async () => {
    const { output, tokens } = channel();
    const comms = new CommManager({ emit: (o) => output.emit(o), reportError: () => undefined });
    comms.registerTarget('later', (comm) =>
      comm.onMsg(async () => {
        comm.send({ step: 'before' });
        await sleep(5);
        output.write('stdout', 'after the await');
        comm.send({ step: 'after' });
        setTimeout(() => comm.send({ step: 'timer' }), 5);
      }),
    );
    output.token = 1; // the last cell
    await output.within(2, () => comms.handleOpen('c', 'later', { data: {}, metadata: {}, buffers: [] }));
    const handled = output.within(3, () => comms.handleMsg('c', { data: {}, metadata: {}, buffers: [] }));
    output.token = 4; // a cell starts while the handler waits
    output.write('stdout', 'cell');
    await handled;
    await sleep(20);
    output.flush();
    expect(tokens()).toEqual([
      'comm_msg@3',
      'stream:cell@4',
      'stream:after the await@3',
      'comm_msg@3',
      'comm_msg@3',
    ]);
  });

  it("keeps a cell's token when the cell awaits what a comm handler resolves", async () => {
    const { output, tokens } = channel();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    output.token = 5; // the cell
    const cell = (async () => {
      await released;
      output.emit({ msgType: 'display_data', content: {} });
    })();
    await output.within(6, async () => release()); // a comm message resolves what the cell waits for
    await cell;
    expect(tokens()).toEqual(['display_data@5']);
  });

  it('outside a comm handler, outputs go to the current token', () => {
    const { output, tokens } = channel();
    output.token = 7;
    output.emit({ msgType: 'display_data', content: {} });
    output.write('stderr', 'x');
    output.flush();
    expect(tokens()).toEqual(['display_data@7', 'stream:x@7']);
  });
});
