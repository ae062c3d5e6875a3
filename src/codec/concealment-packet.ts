// Builds the one-byte Opus packet that makes libopus run its packet-loss concealment for 20 ms.
//
// RFC 6716 §3.2.1: a frame of 0 or 1 bytes means "lost"; libopus (opus_decode_frame) then conceals
// `frame size from the TOC` samples using the previous packet's mode. Bindings that do not expose
// opus_decode(NULL, …) can still reach the real PLC this way.

/** TOC of a CELT-only fullband 20 ms stereo packet: what Discord clients send for music-like audio. */
const DEFAULT_TOC = (31 << 3) | 0b100;

/** TOC byte (code 0, one frame) asking for 20 ms of concealment in the mode of `lastToc`. */
export function concealmentToc(lastToc: number | null): number {
  if (lastToc === null) return DEFAULT_TOC;
  const config = lastToc >> 3;
  const stereo = lastToc & 0b100;
  let config20ms: number;
  if (config < 12) {
    // SILK-only: NB/MB/WB × 10/20/40/60 ms.
    config20ms = (config & ~3) | 1;
  } else if (config < 16) {
    // Hybrid: SWB/FB × 10/20 ms.
    config20ms = (config & ~1) | 1;
  } else {
    // CELT-only: NB/WB/SWB/FB × 2.5/5/10/20 ms.
    config20ms = (config & ~3) | 3;
  }
  return (config20ms << 3) | stereo;
}

export function concealmentPacket(lastToc: number | null): Uint8Array {
  return Uint8Array.of(concealmentToc(lastToc));
}
