/**
 * This module contains message signing: HMAC over the four JSON frames of a Jupyter message (header, parent
 * header, metadata, content — never the binary buffers), compared in constant time, and the history of recent
 * signatures that refuses a replayed message (as jupyter_client's Session does with its digest history). An
 * empty key disables signing, as the protocol specifies.
 */
import { createHmac, getHashes, timingSafeEqual } from 'node:crypto';
import { KernelConfigurationError } from '../errors.js';
import { SIGNATURE_HISTORY } from '../limits.js';

export class Signer {
  private readonly algorithm: string;

  constructor(
    private readonly key: string,
    scheme = 'hmac-sha256',
  ) {
    const match = /^hmac-(.+)$/.exec(scheme);
    const algorithm = match?.[1] ?? '';
    if (!getHashes().includes(algorithm)) {
      throw new KernelConfigurationError(
        'connection.signature_scheme',
        `Unsupported signature_scheme "${scheme}" in the connection file: use "hmac-sha256".`,
      );
    }
    this.algorithm = algorithm;
  }

  /** True when messages are signed (the connection file has a non-empty key). */
  get enabled(): boolean {
    return this.key.length > 0;
  }

  /** The hex signature of the four frames, or '' when signing is disabled. */
  sign(frames: readonly Uint8Array[]): string {
    if (!this.enabled) return '';
    const hmac = createHmac(this.algorithm, this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest('hex');
  }

  /** Constant-time check of a received signature; always true when signing is disabled. */
  verify(signature: string, frames: readonly Uint8Array[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(frames), 'latin1');
    const actual = Buffer.from(signature, 'latin1');
    // timingSafeEqual needs equal lengths; a length mismatch leaks only the (public) digest length.
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}

/** The signatures of the last `capacity` accepted messages; the oldest is forgotten first. */
export class SignatureHistory {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = SIGNATURE_HISTORY) {}

  get size(): number {
    return this.seen.size;
  }

  /** Records a signature; false when it was already recorded (the message is a replay). */
  remember(signature: string): boolean {
    if (this.seen.has(signature)) return false;
    this.seen.add(signature);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }
}
