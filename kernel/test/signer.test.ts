// Signing and the wire format: HMAC over the four JSON frames only, constant-time verification, empty key.
import { createHmac } from 'node:crypto';
import { SignatureHistory, Signer } from '../src/transport/signer.js';
import { DELIMITER, MessageFactory, decode, encode } from '../src/transport/wire.js';

const frames = ['{"msg_id":"1"}', '{}', '{}', '{"code":"1+1"}'].map((s) => Buffer.from(s));

describe('Signer', () => {
  it('signs the four frames with HMAC-SHA256 as hex', () => {
    const expected = createHmac('sha256', 'secret');
    for (const f of frames) expected.update(f);
    expect(new Signer('secret').sign(frames)).toBe(expected.digest('hex'));
  });

  it('verifies a correct signature and rejects a wrong or truncated one', () => {
    const signer = new Signer('secret');
    const signature = signer.sign(frames);
    expect(signer.verify(signature, frames)).toBe(true);
    expect(
      signer.verify(
        signature.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
        frames,
      ),
    ).toBe(false);
    expect(signer.verify(signature.slice(0, 10), frames)).toBe(false);
    expect(signer.verify('', frames)).toBe(false);
    expect(new Signer('other').verify(signature, frames)).toBe(false);
  });

  it('treats an empty key as no signing', () => {
    const signer = new Signer('');
    expect(signer.enabled).toBe(false);
    expect(signer.sign(frames)).toBe('');
    expect(signer.verify('anything', frames)).toBe(true);
  });

  it('rejects an unknown signature scheme with a message that names the fix', () => {
    expect(() => new Signer('k', 'hmac-nope')).toThrow(/hmac-sha256/);
  });
});

describe('wire format', () => {
  const signer = new Signer('key');
  const factory = new MessageFactory();

  it('round-trips a message with identities and binary buffers', () => {
    const parent = factory.create('execute_request', { code: '1' }, null);
    const message = factory.create(
      'comm_msg',
      { comm_id: 'c', data: { x: 1 } },
      parent,
      { metadata: { m: true }, buffers: [new Uint8Array([1, 2, 3])] },
      [Buffer.from('peer')],
    );
    const decoded = decode(encode(message, signer), signer);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.message.header.msg_type).toBe('comm_msg');
    expect(decoded.message.parent_header.msg_id).toBe(parent.header.msg_id);
    expect(decoded.message.metadata).toEqual({ m: true });
    expect(decoded.message.content).toEqual({ comm_id: 'c', data: { x: 1 } });
    expect(Buffer.from(decoded.message.identities[0]).toString()).toBe('peer');
    expect([...decoded.message.buffers[0]]).toEqual([1, 2, 3]);
  });

  it('does not sign binary buffers: changing one keeps the signature valid', () => {
    const message = factory.create('comm_msg', {}, null, { buffers: [new Uint8Array([1])] });
    const encoded = encode(message, signer);
    encoded[encoded.length - 1] = new Uint8Array([9, 9]);
    expect(decode(encoded, signer).ok).toBe(true);
  });

  it('rejects tampered content, a missing delimiter and invalid JSON', () => {
    const encoded = encode(factory.create('kernel_info_request', {}, null), signer);
    const tampered = [...encoded];
    tampered[tampered.length - 1] = Buffer.from('{"evil":true}');
    expect(decode(tampered, signer)).toEqual({ ok: false, reason: 'bad signature' });
    expect(
      decode(
        encoded.filter((f) => Buffer.from(f).toString() !== DELIMITER),
        signer,
      ).ok,
    ).toBe(false);
    const unsigned = new Signer('');
    const broken = encode(factory.create('x', {}, null), unsigned);
    broken[broken.length - 1] = Buffer.from('{not json');
    expect(decode(broken, unsigned).ok).toBe(false);
  });

  it('stamps protocol 5.3 headers with one session id', () => {
    const a = factory.create('status', {}, null);
    const b = factory.create('status', {}, null);
    expect(a.header.version).toBe('5.3');
    expect(a.header.session).toBe(b.header.session);
    expect(a.header.msg_id).not.toBe(b.header.msg_id);
    expect(Number.isNaN(Date.parse(a.header.date))).toBe(false);
  });

  it('drops a replayed message: a signature already seen is rejected, as jupyter_client does', () => {
    const history = new SignatureHistory();
    const encoded = encode(factory.create('execute_request', { code: '1' }, null), signer);
    expect(decode(encoded, signer, history).ok).toBe(true);
    expect(decode(encoded, signer, history)).toEqual({ ok: false, reason: 'replayed signature' });
    // a forged copy does not enter the history, so it cannot shadow a later genuine message
    const other = encode(factory.create('execute_request', { code: '2' }, null), signer);
    const forged = [...other];
    forged[forged.length - 1] = Buffer.from('{"code":"evil"}');
    expect(decode(forged, signer, history)).toEqual({ ok: false, reason: 'bad signature' });
    expect(decode(other, signer, history).ok).toBe(true);
  });

  it('remembers a bounded number of signatures, forgetting the oldest first', () => {
    const history = new SignatureHistory(3);
    const messages = [1, 2, 3, 4].map((i) => encode(factory.create('x', { i }, null), signer));
    for (const m of messages) expect(decode(m, signer, history).ok).toBe(true);
    expect(history.size).toBe(3);
    expect(decode(messages[3], signer, history).ok).toBe(false);
    expect(decode(messages[0], signer, history).ok).toBe(true); // forgotten, accepted again
  });

  it('keeps no history when signing is off (every signature is empty)', () => {
    const unsigned = new Signer('');
    const history = new SignatureHistory();
    const encoded = encode(factory.create('kernel_info_request', {}, null), unsigned);
    expect(decode(encoded, unsigned, history).ok).toBe(true);
    expect(decode(encoded, unsigned, history).ok).toBe(true);
    expect(history.size).toBe(0);
  });
});
