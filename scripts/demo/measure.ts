// Latency measurements taken on the fakes' side (one performance.now() clock, the demo's process).
import type { BotAudioCapture, CapturedPacket } from '../../test/fakes/fake-discord/index.ts';
import type { FakeLiveConnection } from '../../test/fakes/fake-gemini/index.ts';

/** A 48 kHz sample above this (about -40 dBFS) counts as audible; Opus silence decodes to ~0. */
const AUDIBLE_PEAK = 300;
/** Uplink chunks whose peak is below this (about -50 dBFS) are the silence tail, not speech. */
const SPEECH_PEAK = 100;

export const isAudible = (p: CapturedPacket): boolean => p.pcm.some((s) => Math.abs(s) > AUDIBLE_PEAK);

/** Arrival time (ms) at the fake Gemini of the first uplink chunk with speech in it after `sinceMs`. */
export function firstSpeechAtGemini(conn: FakeLiveConnection, sinceMs: number): number | null {
  const chunk = conn.audioChunks.find(
    (c) => c.receivedAtMs >= sinceMs && c.samples.some((s) => Math.abs(s) > SPEECH_PEAK),
  );
  return chunk?.receivedAtMs ?? null;
}

/** Arrival time (ms) of the first bot voice packet after `sinceMs`. */
export function firstBotPacket(capture: BotAudioCapture, sinceMs: number): number | null {
  return capture.packets.find((p) => p.arrivalMs >= sinceMs)?.arrivalMs ?? null;
}

/** Arrival time (ms) of the last audible bot packet after `sinceMs`. */
export function lastAudibleBotPacket(capture: BotAudioCapture, sinceMs: number): number | null {
  return capture.packets.findLast((p) => p.arrivalMs >= sinceMs && isAudible(p))?.arrivalMs ?? null;
}

/** Milliseconds of bot audio (20 ms packets, quiet ones included) that arrived after `sinceMs`. */
export function botAudioMsSince(capture: BotAudioCapture, sinceMs: number): number {
  return capture.packets.filter((p) => p.arrivalMs >= sinceMs).length * 20;
}

/** Resolves true once `check()` holds, false after `timeoutMs`; re-checked every 20 ms. */
export async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
