// The protocol handler against a stub executor and a recording port: no ZeroMQ, no compiler.
import type { ExecuteOutcome, ExecuteRequest, Executor } from '../src/executor/executor.js';
import { JupyterHandler, type KernelPort } from '../src/protocol/handler.js';
import type { JsonObject, JupyterMessage, OutputSink } from '../src/protocol/messages.js';
import { request } from './fakes.js';
import { captureLogs } from './log-capture.js';
import { nest } from './properties/hostile.js';

interface Sent {
  kind: 'reply' | 'publish';
  channel?: string;
  msgType: string;
  content: JsonObject;
  parent: string | undefined;
}

class RecordingPort implements KernelPort {
  readonly sent: Sent[] = [];
  reply(channel: string, request: JupyterMessage, msgType: string, content: JsonObject): void {
    this.sent.push({ kind: 'reply', channel, msgType, content, parent: request.header.msg_id });
  }
  publish(parent: JupyterMessage | null, msgType: string, content: JsonObject): void {
    this.sent.push({ kind: 'publish', msgType, content, parent: parent?.header.msg_id });
  }
  of(msgId: string): string[] {
    return this.sent
      .filter((s) => s.parent === msgId)
      .map((s) => (s.msgType === 'status' ? `status:${s.content.execution_state}` : s.msgType));
  }
}

/** Runs `code` as a tiny script language: "print X", "fail", "wait" (until released), else the value is the code. */
class StubExecutor implements Executor {
  readonly executed: ExecuteRequest[] = [];
  interrupts = 0;
  shutdowns = 0;
  private release: (() => void) | undefined;

  async execute(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome> {
    this.executed.push(request);
    if (request.code === 'wait') await new Promise<void>((r) => (this.release = r));
    if (request.code.startsWith('print '))
      sink({ msgType: 'stream', content: { name: 'stdout', text: request.code.slice(6) } });
    if (request.code === 'fail')
      return {
        status: 'error',
        interrupted: false,
        ename: 'Error',
        evalue: 'boom',
        traceback: ['Error: boom'],
      };
    if (request.code === 'comm') sink({ msgType: 'comm_msg', content: { comm_id: 'c', data: {} } });
    sink({ msgType: 'execute_result', content: { data: { 'text/plain': request.code } } });
    return { status: 'ok', payload: [], userExpressions: {}, resultText: request.code };
  }
  finishWaiting(): void {
    this.release?.();
  }
  async complete(code: string, cursorPos: number) {
    if (code.startsWith('explode')) throw new Error(`cannot complete ${code}`);
    return { matches: ['max'], cursor_start: cursorPos - 2, cursor_end: cursorPos, metadata: {} };
  }
  async inspect() {
    return { found: true, data: { 'text/plain': 'doc' }, metadata: {} };
  }
  async isComplete(code: string) {
    return { status: code.endsWith('{') ? ('incomplete' as const) : ('complete' as const), indent: '  ' };
  }
  readonly commCalls: string[] = [];
  async commOpen(request: { commId: string; targetName: string }, sink: OutputSink) {
    this.commCalls.push(`open ${request.commId}`);
    if (request.targetName !== 'known')
      sink({ msgType: 'comm_close', content: { comm_id: request.commId, data: {} } });
  }
  async commMsg(message: { commId: string }) {
    this.commCalls.push(`msg ${message.commId}`);
  }
  async commClose(message: { commId: string }) {
    this.commCalls.push(`close ${message.commId}`);
  }
  async commInfo(target?: string) {
    return target === 'none' ? {} : { c1: { target_name: 'known' } };
  }
  failInterrupt = false;
  async interrupt() {
    if (this.failInterrupt) throw new RangeError('no inspector');
    this.interrupts++;
  }
  async shutdown() {
    this.shutdowns++;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const port = new RecordingPort();
  const executor = new StubExecutor();
  let shutdown: boolean | undefined;
  const handler = new JupyterHandler(port, executor, { onShutdown: (restart) => (shutdown = restart) });
  return { port, executor, handler, shutdown: () => shutdown };
}

describe('JupyterHandler', () => {
  it('orders busy → execute_input → outputs → reply → idle and counts executions', async () => {
    const { port, handler } = setup();
    const first = request('execute_request', { code: 'print hi' });
    handler.handle('shell', first);
    await tick();
    expect(port.of(first.header.msg_id)).toEqual([
      'status:busy',
      'execute_input',
      'stream',
      'execute_result',
      'execute_reply',
      'status:idle',
    ]);
    const reply = port.sent.find((s) => s.msgType === 'execute_reply')!;
    expect(reply.content).toMatchObject({
      status: 'ok',
      execution_count: 1,
      payload: [],
      user_expressions: {},
    });
    const second = request('execute_request', { code: '2' });
    handler.handle('shell', second);
    await tick();
    expect(
      port.sent.filter((s) => s.msgType === 'execute_input').map((s) => s.content.execution_count),
    ).toEqual([1, 2]);
  });

  it('runs execute requests one at a time in arrival order', async () => {
    const { port, executor, handler } = setup();
    const a = request('execute_request', { code: 'wait' });
    const b = request('execute_request', { code: 'b' });
    handler.handle('shell', a);
    handler.handle('shell', b);
    await tick();
    expect(executor.executed.map((e) => e.code)).toEqual(['wait']);
    executor.finishWaiting();
    await tick();
    await tick();
    expect(executor.executed.map((e) => e.code)).toEqual(['wait', 'b']);
    const replies = port.sent.filter((s) => s.msgType === 'execute_reply').map((s) => s.parent);
    expect(replies).toEqual([a.header.msg_id, b.header.msg_id]);
  });

  it('publishes the error, replies with status error and aborts the queued cells', async () => {
    const { port, executor, handler } = setup();
    const failing = request('execute_request', { code: 'fail' });
    const queued = request('execute_request', { code: 'never' });
    handler.handle('shell', failing);
    handler.handle('shell', queued);
    await tick();
    await tick();
    expect(port.of(failing.header.msg_id)).toEqual([
      'status:busy',
      'execute_input',
      'error',
      'execute_reply',
      'status:idle',
    ]);
    expect(port.sent.find((s) => s.msgType === 'error')!.content).toEqual({
      ename: 'Error',
      evalue: 'boom',
      traceback: ['Error: boom'],
    });
    expect(
      port.sent.find((s) => s.parent === queued.header.msg_id && s.kind === 'reply')!.content.status,
    ).toBe('aborted');
    expect(executor.executed.map((e) => e.code)).toEqual(['fail']);
  });

  it('keeps running queued cells after an error when stop_on_error is false', async () => {
    const { executor, handler } = setup();
    handler.handle('shell', request('execute_request', { code: 'fail', stop_on_error: false }));
    handler.handle('shell', request('execute_request', { code: 'next' }));
    await tick();
    await tick();
    expect(executor.executed.map((e) => e.code)).toEqual(['fail', 'next']);
  });

  it('shows nothing for silent executions except comm traffic, and does not count them', async () => {
    const { port, executor, handler } = setup();
    const silent = request('execute_request', { code: 'comm', silent: true });
    handler.handle('shell', silent);
    await tick();
    expect(port.of(silent.header.msg_id)).toEqual([
      'status:busy',
      'comm_msg',
      'execute_reply',
      'status:idle',
    ]);
    expect(executor.executed[0]).toMatchObject({ silent: true, storeHistory: false });
    const counted = request('execute_request', { code: 'x', store_history: false });
    handler.handle('shell', counted);
    await tick();
    expect(
      port.sent.filter((s) => s.msgType === 'execute_reply').map((s) => s.content.execution_count),
    ).toEqual([0, 0]);
  });

  it('records stored cells in the history with their result text', async () => {
    const { port, handler } = setup();
    handler.handle('shell', request('execute_request', { code: '6 * 7' }));
    await tick();
    const query = request('history_request', { hist_access_type: 'tail', n: 5, output: true, raw: true });
    handler.handle('shell', query);
    await tick();
    expect(port.sent.find((s) => s.msgType === 'history_reply')!.content).toEqual({
      status: 'ok',
      history: [[1, 1, ['6 * 7', '6 * 7']]],
    });
  });

  it('answers kernel_info with every field of the spec, on shell and control', async () => {
    const { port, handler } = setup();
    handler.handle('shell', request('kernel_info_request'));
    handler.handle('control', request('kernel_info_request'));
    await tick();
    const replies = port.sent.filter((s) => s.msgType === 'kernel_info_reply');
    expect(replies.map((r) => r.channel)).toEqual(['shell', 'control']);
    const info = replies[0].content;
    expect(info).toMatchObject({
      status: 'ok',
      protocol_version: '5.3',
      implementation: 'beemind',
      debugger: false,
    });
    expect(Object.keys(info).sort()).toEqual([
      'banner',
      'debugger',
      'help_links',
      'implementation',
      'implementation_version',
      'language_info',
      'protocol_version',
      'status',
    ]);
    expect(info.language_info).toMatchObject({
      name: 'typescript',
      file_extension: '.ts',
      mimetype: 'text/typescript',
      pygments_lexer: 'typescript',
      codemirror_mode: 'typescript',
      nbconvert_exporter: 'script',
    });
  });

  it('converts completion cursors between code points and UTF-16 offsets', async () => {
    const { port, handler } = setup();
    handler.handle('shell', request('complete_request', { code: '🐝 Math.ma', cursor_pos: 9 }));
    await tick();
    const reply = port.sent.find((s) => s.msgType === 'complete_reply')!.content;
    expect(reply).toMatchObject({ status: 'ok', matches: ['max'], cursor_start: 7, cursor_end: 9 });
  });

  it('serves is_complete, inspect and comm_info', async () => {
    const { port, handler } = setup();
    handler.handle('shell', request('is_complete_request', { code: 'function f() {' }));
    handler.handle('shell', request('inspect_request', { code: 'x', cursor_pos: 1 }));
    handler.handle('shell', request('comm_info_request', { target_name: 'none' }));
    await tick();
    expect(port.sent.find((s) => s.msgType === 'is_complete_reply')!.content).toEqual({
      status: 'incomplete',
      indent: '  ',
    });
    expect(port.sent.find((s) => s.msgType === 'inspect_reply')!.content).toMatchObject({
      status: 'ok',
      found: true,
    });
    expect(port.sent.find((s) => s.msgType === 'comm_info_reply')!.content).toEqual({
      status: 'ok',
      comms: {},
    });
  });

  it('answers a comm_open to an unknown target with a comm_close', async () => {
    const { port, handler } = setup();
    const open = request('comm_open', { comm_id: 'abc', target_name: 'nobody', data: {} });
    handler.handle('shell', open);
    await tick();
    expect(port.of(open.header.msg_id)).toEqual(['status:busy', 'comm_close', 'status:idle']);
  });

  it('serves requests during a running cell without flipping the status to idle', async () => {
    const { port, executor, handler } = setup();
    const cell = request('execute_request', { code: 'wait' });
    handler.handle('shell', cell);
    await tick();
    const info = request('comm_info_request');
    handler.handle('shell', info);
    await tick();
    expect(port.of(info.header.msg_id)).toEqual(['comm_info_reply']);
    executor.finishWaiting();
    await tick();
  });

  it('interrupts through the executor and replies on control', async () => {
    const { port, executor, handler } = setup();
    handler.handle('control', request('interrupt_request'));
    await tick();
    expect(executor.interrupts).toBe(1);
    expect(port.sent.find((s) => s.msgType === 'interrupt_reply')).toMatchObject({
      channel: 'control',
      content: { status: 'ok' },
    });
  });

  it('replies to shutdown, stops the executor, reports restart and ignores later requests', async () => {
    const { port, executor, handler, shutdown } = setup();
    handler.handle('control', request('shutdown_request', { restart: true }));
    await tick();
    expect(port.sent.find((s) => s.msgType === 'shutdown_reply')!.content).toEqual({
      status: 'ok',
      restart: true,
    });
    expect(executor.shutdowns).toBe(1);
    expect(shutdown()).toBe(true);
    handler.handle('shell', request('execute_request', { code: '1' }));
    await tick();
    expect(executor.executed).toEqual([]);
  });

  describe('hostile and failing requests', () => {
    let logs: ReturnType<typeof captureLogs>;
    beforeEach(() => (logs = captureLogs()));
    afterEach(() => logs.restore());

    describe('every request gets a reply', () => {
      it('answers a history search with a malformed pattern such as [z-a]', async () => {
        const { port, handler } = setup();
        const query = request('history_request', { hist_access_type: 'search', pattern: '[z-a]' });
        handler.handle('shell', query);
        await tick();
        expect(port.of(query.header.msg_id)).toEqual(['status:busy', 'history_reply', 'status:idle']);
      });

      it('answers with an error reply (ename, evalue) when serving a request throws, then stays idle', async () => {
        const { port, handler } = setup();
        const complete = request('complete_request', { code: 'explode', cursor_pos: 7 });
        handler.handle('shell', complete);
        await tick();
        expect(port.of(complete.header.msg_id)).toEqual(['status:busy', 'complete_reply', 'status:idle']);
        const reply = port.sent.find((s) => s.msgType === 'complete_reply')!.content;
        expect(reply).toMatchObject({ status: 'error', ename: 'Error', evalue: 'cannot complete explode' });
        expect(logs.some((l) => l.level === 'error')).toBe(true);
      });

      it('answers a failing control request and an unsupported request type with an error reply', async () => {
        const { port, executor, handler } = setup();
        executor.failInterrupt = true;
        handler.handle('control', request('interrupt_request'));
        handler.handle('shell', request('frobnicate_request'));
        handler.handle('control', request('debug_request'));
        await tick();
        const replies = port.sent.filter((s) => s.kind === 'reply');
        expect(replies.map((s) => [s.channel, s.msgType, s.content.status]).sort()).toEqual([
          ['control', 'debug_reply', 'error'],
          ['control', 'interrupt_reply', 'error'],
          ['shell', 'frobnicate_reply', 'error'],
        ]);
        expect(port.sent.find((s) => s.msgType === 'interrupt_reply')!.content).toMatchObject({
          ename: 'RangeError',
          evalue: 'no inspector',
        });
      });
    });

    it('caps the inputs an error reply echoes (a 20 MB input comes back as 200 characters and an ellipsis)', async () => {
      const { port, handler } = setup();
      const huge = 'explode' + 'x'.repeat(20_000_000);
      handler.handle('shell', request('complete_request', { code: huge, cursor_pos: 0 }));
      handler.handle('shell', request(`${'y'.repeat(1_000_000)}_request`));
      await tick();
      const reply = port.sent.find((s) => s.msgType === 'complete_reply')!.content;
      expect(reply.status).toBe('error');
      // lengths only: a failing comparison must not print 20 MB
      expect(String(reply.evalue).length).toBe(201);
      expect(/^cannot complete explodex+…$/.test(String(reply.evalue))).toBe(true);
      expect(JSON.stringify(port.sent).length < 10_000).toBe(true);
      expect(JSON.stringify(logs.calls).length < 10_000).toBe(true);
    });

    describe('comm data is bounded before it reaches the executor', () => {
      it('drops a comm_msg nested 100,000 deep with a log line, and serves the next one', async () => {
        const { port, executor, handler } = setup();
        const bad = request('comm_msg', { comm_id: 'c1', data: nest(100_000) });
        handler.handle('shell', bad);
        await tick();
        expect(executor.commCalls).toEqual([]);
        expect(port.of(bad.header.msg_id)).toEqual(['status:busy', 'status:idle']);
        expect(logs.calls.some((l) => l.level === 'warn' && /dropped/.test(l.message))).toBe(true);
        handler.handle('shell', request('comm_msg', { comm_id: 'c1', data: nest(10) }));
        await tick();
        expect(executor.commCalls).toEqual(['msg c1']);
      });

      it('answers a comm_open with too deep data or metadata with a comm_close, without opening it', async () => {
        const { port, executor, handler } = setup();
        const open = request('comm_open', { comm_id: 'c2', target_name: 'known', data: nest(100_000) });
        handler.handle('shell', open);
        const withMetadata = request('comm_open', { comm_id: 'c3', target_name: 'known', data: {} });
        withMetadata.metadata = nest(5_000) as JsonObject;
        handler.handle('shell', withMetadata);
        await tick();
        expect(executor.commCalls).toEqual([]);
        expect(port.of(open.header.msg_id)).toEqual(['status:busy', 'comm_close', 'status:idle']);
        expect(port.sent.filter((s) => s.msgType === 'comm_close').map((s) => s.content)).toEqual([
          { comm_id: 'c2', data: {} },
          { comm_id: 'c3', data: {} },
        ]);
      });

      it('still closes a comm whose comm_close carries too deep data, and drops comm ids over 200 characters', async () => {
        const { port, executor, handler } = setup();
        handler.handle('shell', request('comm_close', { comm_id: 'c4', data: nest(100_000) }));
        handler.handle('shell', request('comm_msg', { comm_id: 'i'.repeat(20_000_000), data: {} }));
        handler.handle(
          'shell',
          request('comm_open', { comm_id: 'j'.repeat(1000), target_name: 'x', data: {} }),
        );
        await tick();
        expect(executor.commCalls).toEqual(['close c4']);
        expect(JSON.stringify(port.sent).length < 10_000).toBe(true);
      });
    });
  });
});
