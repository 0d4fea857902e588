// The ZeroMQ transport's bound on incoming messages: BEEMIND_KERNEL_MAX_MESSAGE_BYTES, and a frame over the
// limit never reaching the kernel (ZeroMQ disconnects the peer before the kernel buffers or hashes it).
import { Dealer } from 'zeromq';
import { DEFAULT_MAX_MESSAGE_BYTES, maxMessageBytes } from '../src/limits.js';
import type { ConnectionInfo } from '../src/transport/connection.js';
import { ZmqTransport } from '../src/transport/server.js';
import { Signer } from '../src/transport/signer.js';
import { MessageFactory, encode } from '../src/transport/wire.js';
import { captureLogs } from './log-capture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the maximum message size', () => {
  it('is 256 MiB unless BEEMIND_KERNEL_MAX_MESSAGE_BYTES sets another positive number of bytes', () => {
    const logs = captureLogs();
    try {
      expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(256 * 1024 * 1024);
      expect(maxMessageBytes({})).toBe(DEFAULT_MAX_MESSAGE_BYTES);
      expect(maxMessageBytes({ BEEMIND_KERNEL_MAX_MESSAGE_BYTES: '1048576' })).toBe(1_048_576);
      expect(maxMessageBytes({ BEEMIND_KERNEL_MAX_MESSAGE_BYTES: ' 4096 ' })).toBe(4096);
      expect(logs.calls).toEqual([]);
      for (const bad of ['', 'lots', '-5', '0', '1.5', '1e3', '99999999999999999999999']) {
        expect(maxMessageBytes({ BEEMIND_KERNEL_MAX_MESSAGE_BYTES: bad })).toBe(DEFAULT_MAX_MESSAGE_BYTES);
      }
      // an empty value means unset; every other bad value is named in a warning
      expect(logs.calls.filter((l) => l.level === 'warn')).toHaveLength(6);
    } finally {
      logs.restore();
    }
  });

  it('is set on the sockets: a larger frame is never read, and the kernel keeps serving other peers', async () => {
    const info: ConnectionInfo = {
      transport: 'tcp',
      ip: '127.0.0.1',
      key: '',
      signature_scheme: 'hmac-sha256',
      shell_port: 0,
      iopub_port: 0,
      stdin_port: 0,
      control_port: 0,
      hb_port: 0,
    };
    const transport = await ZmqTransport.bind(info, { maxMessageBytes: 4096 });
    const received: unknown[] = [];
    transport.listen((_channel, message) => received.push(message.content));
    const signer = new Signer('');
    const factory = new MessageFactory();
    const frames = (content: Record<string, unknown>) =>
      encode(factory.create('kernel_info_request', content, null), signer);
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 200 && !done(); i++) await sleep(10);
    };
    const peers = [new Dealer({ linger: 0 }), new Dealer({ linger: 0 })];
    try {
      for (const peer of peers) peer.connect(transport.endpoints().shell);
      await peers[0].send(frames({ n: 1 }));
      await until(() => received.length === 1);
      await peers[0].send(frames({ pad: 'x'.repeat(10_000) }));
      await sleep(200);
      await peers[1].send(frames({ n: 2 }));
      await until(() => received.length >= 2);
      await sleep(50);
      expect(received).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      for (const peer of peers) peer.close();
      await transport.close();
    }
  });
});
