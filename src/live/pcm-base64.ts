// PCM16 little-endian <-> base64, the encoding Gemini Live uses for audio on the wire.

/** Base64 of exactly the bytes a view covers (not its whole underlying buffer), without copying. */
export function bytesToBase64(view: ArrayBufferView): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
}

/** Base64 of the samples as 16-bit little-endian bytes (no copy on little-endian hosts). */
export function pcm16ToBase64(samples: Int16Array): string {
  return bytesToBase64(samples);
}

/**
 * Decodes base64 PCM16 LE into a fresh, aligned Int16Array (an odd trailing byte is ignored).
 * One byte copy, no per-sample work: like the encoder above, this assumes a little-endian host.
 */
export function base64ToPcm16(data: string): Int16Array {
  const bytes = Buffer.from(data, 'base64');
  const out = new Int16Array(bytes.length >> 1);
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 2));
  return out;
}
