// Datagrams no real client sends, for tests of how the bot's voice socket copes with them.
import { randomBytes } from 'node:crypto';

/**
 * A garbage datagram. With `ssrc` (e.g. a human's) it carries a valid RTP v2 / Opus header so the
 * receiver tries, and fails, to decrypt it; without, random bytes that are not RTP at all.
 */
export function garbageDatagram(options: { ssrc?: number; bytes?: number } = {}): Buffer {
  const datagram = randomBytes(options.bytes ?? 60);
  if (options.ssrc === undefined) {
    datagram[0] = 0x00;
  } else {
    datagram[0] = 0x80;
    datagram[1] = 0x78;
    datagram.writeUInt32BE(options.ssrc >>> 0, 8);
  }
  return datagram;
}
