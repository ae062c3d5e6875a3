// Checks every UDP datagram before @discordjs/voice parses it, so no datagram can throw out of the socket.
import type { VoiceReceiver } from '@discordjs/voice';

/** Why a datagram was dropped before the library saw it. */
export type DatagramRejection =
  | 'short'
  | 'version'
  | 'csrc'
  | 'extension'
  | 'padding'
  | 'ciphertext'
  | 'mode'
  | 'library';

/**
 * `audio`: handed to the library. `ignored`: legitimately not audio (keep-alive echoes, IP-discovery
 * replies, RTCP, audio before the session has keys), dropped uncounted — the library would skip it
 * too. `rejected`: malformed or hostile, dropped and counted.
 */
export type DatagramVerdict =
  | { kind: 'audio' }
  | { kind: 'ignored' }
  | { kind: 'rejected'; reason: DatagramRejection };

const RTP_HEADER_BYTES = 12;
/** The one-byte header-extension header (profile 0xBEDE, u16 length in 32-bit words). */
const EXTENSION_HEADER_BYTES = 4;
const ONE_BYTE_EXTENSION_PROFILE = 0xbede;
const OPUS_PAYLOAD_TYPE = 120;
/** The library's keep-alive (u32 counter, 8 bytes) comes back from Discord as is. */
const KEEPALIVE_BYTES = 8;
/** IP discovery reply: u16 type 2, u16 length 70, then 70 bytes. */
const DISCOVERY_BYTES = 74;

/** Trailer sizes of the encryption modes @discordjs/voice supports (both rtpsize AEADs). */
const MODE_TRAILERS: Readonly<Record<string, { tagBytes: number; nonceBytes: number }>> = {
  aead_aes256_gcm_rtpsize: { tagBytes: 16, nonceBytes: 4 },
  aead_xchacha20_poly1305_rtpsize: { tagBytes: 16, nonceBytes: 4 },
};

const audio: DatagramVerdict = { kind: 'audio' };
const ignored: DatagramVerdict = { kind: 'ignored' };
const rejected = (reason: DatagramRejection): DatagramVerdict => ({ kind: 'rejected', reason });

/**
 * What the library's receiver needs to parse `msg` without throwing or misreading it, for the
 * session's encryption `mode` (undefined until the session description arrived). The library
 * reads a u32 SSRC at offset 8 of anything longer than 8 bytes, assumes no CSRCs, strips an
 * extension whenever bytes 12–13 are 0xBEDE (X bit or not), and slices by lengths it never checks.
 */
export function classifyDatagram(msg: Buffer, mode: string | undefined): DatagramVerdict {
  if (msg.length === KEEPALIVE_BYTES) return ignored;
  if (msg.length === DISCOVERY_BYTES && msg.readUInt16BE(0) === 2 && msg.readUInt16BE(2) === 70)
    return ignored;
  if (msg.length < RTP_HEADER_BYTES) return rejected('short');
  const first = msg[0] ?? 0;
  if (first >> 6 !== 2) return rejected('version');
  if (((msg[1] ?? 0) & 0x7f) !== OPUS_PAYLOAD_TYPE) return ignored;
  // CSRCs would shift the header the library authenticates; Discord never sends them.
  if ((first & 0x0f) !== 0) return rejected('csrc');
  if (mode === undefined) return ignored;
  const trailer = MODE_TRAILERS[mode];
  if (!trailer) return rejected('mode');
  const hasExtension = (first & 0x10) !== 0;
  const headerBytes = RTP_HEADER_BYTES + (hasExtension ? EXTENSION_HEADER_BYTES : 0);
  const ciphertextBytes = msg.length - headerBytes - trailer.tagBytes - trailer.nonceBytes;
  // At least one byte of Opus must remain after decryption.
  if (ciphertextBytes < 1) return rejected('ciphertext');
  const profileIsOneByte = msg.readUInt16BE(RTP_HEADER_BYTES) === ONE_BYTE_EXTENSION_PROFILE;
  // Without X the library would still strip an "extension" whose length is ciphertext (1 in 65,536).
  if (!hasExtension && profileIsOneByte) return rejected('extension');
  // The extension body (4 bytes per word) is encrypted with the payload and must fit inside it.
  const extensionBytes = hasExtension ? 4 * msg.readUInt16BE(RTP_HEADER_BYTES + 2) : 0;
  if (hasExtension && (!profileIsOneByte || ciphertextBytes < extensionBytes + 1))
    return rejected('extension');
  // With P the last payload byte (encrypted in rtpsize modes) is a padding count: it needs its own byte.
  if ((first & 0x20) !== 0 && ciphertextBytes < extensionBytes + 2) return rejected('padding');
  return audio;
}

export interface DatagramGuardOptions {
  /** Called for each rejected datagram (the guard itself never throws). */
  onReject(reason: DatagramRejection, bytes: number, error?: unknown): void;
}

const guarded = new WeakSet<VoiceReceiver>();

/**
 * Replaces the receiver's UDP handler with one that classifies first and never throws. Must run
 * before the connection has networking: @discordjs/voice binds `receiver.onUdpMessage` to each
 * new UDP socket (and unbinds it from the old one) by reading the property at that moment. IP
 * discovery listens on the raw socket, not through this handler, so its replies are unaffected.
 */
export function guardReceiver(receiver: VoiceReceiver, options: DatagramGuardOptions): void {
  if (guarded.has(receiver)) return;
  guarded.add(receiver);
  const parse = receiver.onUdpMessage.bind(receiver);
  receiver.onUdpMessage = (msg: Buffer) => {
    const verdict = classifyDatagram(msg, receiver.connectionData.encryptionMode);
    if (verdict.kind === 'rejected') {
      options.onReject(verdict.reason, msg.length);
      return;
    }
    if (verdict.kind === 'ignored') return;
    try {
      parse(msg);
    } catch (error) {
      // A shape this guard does not know yet: still one datagram lost, never the process.
      options.onReject('library', msg.length, error);
    }
  };
}
