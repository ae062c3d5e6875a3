// What the bot said in voice as one 48 kHz stereo clip, with the pauses between its answers kept.
import type { CapturedPacket } from '../../test/fakes/fake-discord/index.ts';
import { concatSamples } from '../../test/fakes/tones.ts';
import { isAudible } from './measure.ts';
import type { WavClip } from './wav.ts';

const FRAME_VALUES = 960 * 2;
const FRAME_MS = 20;
/** Pauses longer than this are shortened to it in the file (ms). */
const MAX_PAUSE_MS = 3_000;

/**
 * Packets in order; a pause is inserted only where the bot really paused: an arrival gap after a
 * quiet packet (the player ends every answer with silence frames and the RTP timestamp does not
 * advance while idle). A gap right after an audible packet is the demo process itself being late
 * to read the socket (a busy machine): the packets were sent on time, so no silence is invented.
 */
export function botVoiceRecording(packets: readonly CapturedPacket[]): WavClip {
  const parts: Int16Array[] = [];
  let previous: CapturedPacket | undefined;
  for (const packet of packets) {
    if (previous && !isAudible(previous)) {
      const gapFrames = Math.round((packet.arrivalMs - previous.arrivalMs) / FRAME_MS) - 1;
      const frames = Math.min(gapFrames, MAX_PAUSE_MS / FRAME_MS);
      if (frames > 0) parts.push(new Int16Array(frames * FRAME_VALUES));
    }
    parts.push(packet.pcm.length > 0 ? packet.pcm : new Int16Array(FRAME_VALUES));
    previous = packet;
  }
  return { samples: concatSamples(parts), sampleRate: 48_000, channels: 2 };
}
