// A simple emulation of a Discord client's voice-activity gate: which 20 ms frames it sends.
//
// The client sends a frame while the level is above its threshold and keeps sending for a
// hangover after it falls below; when the gate closes it sends five Opus silence frames (F8 FF FE)
// and then nothing until the next voice. Discord does not publish its gate's numbers: the
// threshold and hangover are parameters, and the measurements say which values they assumed.

export interface ClientVadOptions {
  /** Frames at or above this level (dBFS, RMS of the 20 ms frame) open the gate. */
  thresholdDbfs: number;
  /** How long (ms) the gate stays open after the last loud frame. */
  hangoverMs: number;
}

export const FRAME_MS = 20;
/** Silence frames a client sends when its gate closes. */
export const CLOSING_SILENCE_FRAMES = 5;

/** true for each 20 ms frame the client would send as voice (the gate is open). */
export function gateFrames(frameDbfs: readonly number[], options: ClientVadOptions): boolean[] {
  const hangover = Math.round(options.hangoverMs / FRAME_MS);
  let sinceLoud = Number.POSITIVE_INFINITY;
  return frameDbfs.map((level) => {
    sinceLoud = level >= options.thresholdDbfs ? 0 : sinceLoud + 1;
    return sinceLoud <= hangover;
  });
}

/**
 * The gaps (ms) in the packet stream between the first and last voice frame: closed-gate runs
 * minus the closing silence frames, which are packets too. A closed run shorter than those five
 * frames leaves no gap.
 */
export function packetGapsMs(open: readonly boolean[]): number[] {
  const first = open.indexOf(true);
  const last = open.lastIndexOf(true);
  const gaps: number[] = [];
  let closed = 0;
  for (let i = first; i <= last && first !== -1; i++) {
    if (!open[i]) {
      closed += 1;
      continue;
    }
    if (closed > CLOSING_SILENCE_FRAMES) gaps.push((closed - CLOSING_SILENCE_FRAMES) * FRAME_MS);
    closed = 0;
  }
  return gaps;
}
