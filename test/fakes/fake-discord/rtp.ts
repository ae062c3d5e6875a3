// RTP packets in Discord's aead_aes256_gcm_rtpsize mode: header, AES-256-GCM payload, tag, 4-byte nonce.
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const RTP_HEADER_BYTES = 12;
const TAG_BYTES = 16;
const NONCE_BYTES = 4;
/** Payload type 120 (Opus) with the marker bit clear. */
export const RTP_OPUS_PAYLOAD_TYPE = 0x78;

export interface RtpFields {
  seq: number;
  timestamp: number;
  ssrc: number;
}

export interface DecryptedRtp extends RtpFields {
  payload: Buffer;
}

/** The 12-byte IV: the 4-byte counter followed by 8 zero bytes. */
function iv(counter: Buffer): Buffer {
  const out = Buffer.alloc(12);
  counter.copy(out, 0, 0, NONCE_BYTES);
  return out;
}

/** Builds an encrypted RTP packet; `counter` is the per-sender nonce (u32). */
export function encryptRtp(fields: RtpFields, payload: Uint8Array, key: Buffer, counter: number): Buffer {
  const header = Buffer.alloc(RTP_HEADER_BYTES);
  header[0] = 0x80;
  header[1] = RTP_OPUS_PAYLOAD_TYPE;
  header.writeUInt16BE(fields.seq & 0xffff, 2);
  header.writeUInt32BE(fields.timestamp >>> 0, 4);
  header.writeUInt32BE(fields.ssrc >>> 0, 8);
  const nonce = Buffer.alloc(NONCE_BYTES);
  nonce.writeUInt32BE(counter >>> 0, 0);
  const cipher = createCipheriv('aes-256-gcm', key, iv(nonce));
  cipher.setAAD(header);
  return Buffer.concat([header, cipher.update(payload), cipher.final(), cipher.getAuthTag(), nonce]);
}

/** True when the datagram looks like RTP version 2 carrying Opus. */
export function isRtp(packet: Buffer): boolean {
  return packet.length > RTP_HEADER_BYTES + TAG_BYTES + NONCE_BYTES && packet[0]! >> 6 === 2;
}

/** Decrypts an rtpsize AES-GCM packet; throws if authentication fails. Strips a header extension. */
export function decryptRtp(packet: Buffer, key: Buffer): DecryptedRtp {
  const hasExtension = (packet[0]! & 0x10) !== 0;
  const headerBytes = RTP_HEADER_BYTES + (hasExtension ? 4 : 0);
  const header = packet.subarray(0, headerBytes);
  const nonce = packet.subarray(packet.length - NONCE_BYTES);
  const tag = packet.subarray(packet.length - NONCE_BYTES - TAG_BYTES, packet.length - NONCE_BYTES);
  const body = packet.subarray(headerBytes, packet.length - NONCE_BYTES - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv(nonce));
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  let payload = Buffer.concat([decipher.update(body), decipher.final()]);
  // The extension body (4 bytes per word) is encrypted with the payload.
  if (hasExtension) payload = payload.subarray(4 * packet.readUInt16BE(14));
  return {
    seq: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload,
  };
}
