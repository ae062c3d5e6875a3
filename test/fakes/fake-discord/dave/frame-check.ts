// DAVE's protocol frame check (the E2EE footer) and how the fake labels each frame the bot sends.

/** The marker closing every DAVE protocol frame. */
const MAGIC = 0xfafa;
/** Truncated AES-GCM tag bytes of protocol version 1. */
const TAG_BYTES = 8;
const SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

export type FrameKind = 'e2ee' | 'passthrough' | 'silence';

/** Skips one ULEB128 number in frame[start, end); returns the index after it, null if it runs over. */
function skipUleb128(frame: Buffer, start: number, end: number): number | null {
  let shift = 0;
  for (let i = start; i < end && shift < 35; i++) {
    if (((frame[i] ?? 0) & 0x80) === 0) return i + 1;
    shift += 7;
  }
  return null;
}

/**
 * The spec's protocol frame check: the magic marker, a supplemental size that fits the frame, and a
 * footer that parses exactly (8-byte tag, ULEB128 nonce, ULEB128 unencrypted-range pairs).
 */
export function isProtocolFrame(frame: Buffer): boolean {
  if (frame.length < TAG_BYTES + 4 || frame.readUInt16BE(frame.length - 2) !== MAGIC) return false;
  const size = frame[frame.length - 3] ?? 0;
  if (size < TAG_BYTES + 4 || size > frame.length) return false;
  const end = frame.length - 3;
  let pos = skipUleb128(frame, frame.length - size + TAG_BYTES, end);
  while (pos !== null && pos < end) {
    pos = skipUleb128(frame, pos, end);
    if (pos !== null) pos = skipUleb128(frame, pos, end);
  }
  return pos === end;
}

export function frameKind(frame: Buffer): FrameKind {
  if (frame.equals(SILENCE)) return 'silence';
  return isProtocolFrame(frame) ? 'e2ee' : 'passthrough';
}
