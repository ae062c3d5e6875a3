// The Opus implementation the project ships; callers depend on the OpusCodec interface only.
import { createEvanOpusCodec } from './evan-opus-codec.ts';
import type { OpusCodec } from './opus-codec.ts';

/**
 * @evan/opus native, measured by `npm run bench` on this machine: decode 33 µs (CELT) / 47 µs (hybrid),
 * encode 99 µs per 20 ms frame, against 44 / 62 / 141 µs for a corrected binding over opusscript's wasm.
 * Only it keeps the uplink under 80 µs per hybrid speaker-frame (73 µs vs 95 µs). Build one per process
 * in main.ts and pass it down.
 */
export function createOpusCodec(): OpusCodec {
  return createEvanOpusCodec();
}
