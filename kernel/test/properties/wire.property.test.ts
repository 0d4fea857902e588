// Properties of the wire format (transport/wire.ts), with random frames and mutations of signed messages:
// decoding never throws (the receive loop only ever sees a message or a reason), a message is accepted only
// when its four signed frames are exactly the ones signed, and a signature is accepted once.
import fc from 'fast-check';
import { SignatureHistory, Signer } from '../../src/transport/signer.js';
import { DELIMITER, MessageFactory, decode, encode } from '../../src/transport/wire.js';
import { SEED, hostileJsonText, protoKeyed } from './hostile.js';

const signer = new Signer('property-key');
const factory = new MessageFactory();
const delimiter = Buffer.from(DELIMITER);

/** A frame: random bytes, JSON text (hostile shapes included), the delimiter, or a hex signature. */
const frame = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 3, arbitrary: hostileJsonText.map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(delimiter)) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{64}$/).map((s) => Buffer.from(s)) },
);

/** A signed message of this kernel's shape, with random content, identities and buffers. */
const signedMessage = fc
  .record({
    type: fc.constantFrom('execute_request', 'comm_msg', 'kernel_info_request', '__proto__'),
    content: fc.oneof(
      protoKeyed,
      fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
    ),
    identities: fc.array(fc.uint8Array({ minLength: 1, maxLength: 8 }), { maxLength: 2 }),
    buffers: fc.array(fc.uint8Array({ maxLength: 16 }), { maxLength: 2 }),
  })
  .map(({ type, content, identities, buffers }) => {
    const message = factory.create(type, content, null, { buffers }, identities);
    return { message, frames: encode(message, signer) };
  });

type Edit =
  | { kind: 'flip'; frame: number; at: number; bit: number }
  | { kind: 'truncate'; frame: number; keep: number }
  | { kind: 'drop'; frame: number }
  | { kind: 'insert'; frame: number; bytes: Uint8Array }
  | { kind: 'swap'; frame: number; other: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), frame: fc.nat(), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), frame: fc.nat(), keep: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), frame: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), frame: fc.nat(), bytes: frame }),
  fc.record({ kind: fc.constant('swap' as const), frame: fc.nat(), other: fc.nat() }),
);

function applyEdits(frames: readonly Uint8Array[], edits: readonly Edit[]): Uint8Array[] {
  const out = frames.map((f) => new Uint8Array(f));
  for (const e of edits) {
    const i = out.length === 0 ? 0 : e.frame % out.length;
    if (e.kind === 'insert') out.splice(i, 0, e.bytes);
    else if (out.length === 0) continue;
    else if (e.kind === 'drop') out.splice(i, 1);
    else if (e.kind === 'swap') [out[i], out[e.other % out.length]] = [out[e.other % out.length], out[i]];
    else if (e.kind === 'truncate') out[i] = out[i].slice(0, e.keep % (out[i].length + 1));
    else if (out[i].length > 0) out[i][e.at % out[i].length] ^= 1 << e.bit;
  }
  return out;
}

/** The four signed frames of a list of frames, as decode finds them. */
function signedParts(frames: readonly Uint8Array[]): string[] | undefined {
  const at = frames.findIndex((f) => delimiter.equals(f));
  return at < 0 ? undefined : frames.slice(at + 1, at + 6).map((f) => Buffer.from(f).toString('hex'));
}

describe('wire frames, random and mutated', () => {
  it('random frames are rejected with a reason or parsed, never thrown on', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 10 }), (frames) => {
        for (const s of [signer, new Signer('')]) {
          const decoded = decode(frames, s, new SignatureHistory());
          if (decoded.ok) expect(typeof decoded.message.header.msg_type).toBe('string');
          else expect(decoded.reason.length).toBeGreaterThan(0);
        }
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('a mutated signed message is accepted only with its signed frames intact, and only once', () => {
    fc.assert(
      fc.property(signedMessage, fc.array(edit, { maxLength: 4 }), ({ message, frames }, edits) => {
        const mutated = applyEdits(frames, edits);
        const history = new SignatureHistory();
        const decoded = decode(mutated, signer, history);
        if (!decoded.ok) return;
        // the signature and the four frames it covers are exactly the originals
        expect(signedParts(mutated)).toEqual(signedParts(frames));
        expect(decoded.message.header).toEqual(message.header);
        expect(decoded.message.content).toEqual(JSON.parse(JSON.stringify(message.content)));
        expect(decode(mutated, signer, history)).toEqual({ ok: false, reason: 'replayed signature' });
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});
