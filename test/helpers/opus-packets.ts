// Test input as a Discord client would send it: a 48 kHz stereo clip cut into 20 ms Opus packets.
import { DISCORD_FRAME_SAMPLES } from '../../src/audio/pcm.ts';
import type { OpusCodec } from '../../src/codec/opus-codec.ts';
import type { PcmClip } from '../fakes/audio-analysis.ts';

/** One packet per whole 20 ms frame of `clip` (a trailing partial frame is dropped). */
export function opusPackets(codec: OpusCodec, clip: PcmClip): Uint8Array[] {
  const encoder = codec.createEncoder();
  const packets: Uint8Array[] = [];
  for (let i = 0; i + DISCORD_FRAME_SAMPLES <= clip.samples.length; i += DISCORD_FRAME_SAMPLES) {
    packets.push(encoder.encode(clip.samples.subarray(i, i + DISCORD_FRAME_SAMPLES)));
  }
  encoder.destroy();
  return packets;
}
