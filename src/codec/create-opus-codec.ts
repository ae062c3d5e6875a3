// The Opus implementation the project ships; callers depend on the OpusCodec interface only.
import { createEvanOpusCodec } from './evan-opus-codec.ts';
import type { OpusCodec } from './opus-codec.ts';

/**
 * @evan/opus: 29 µs decode / 101 µs encode per 20 ms frame, the only binding that fits the downlink
 * budget with room to spare (numbers in test/bench and the issue 3 note). Build one per process in
 * main.ts and pass it down.
 */
export function createOpusCodec(): OpusCodec {
  return createEvanOpusCodec();
}
