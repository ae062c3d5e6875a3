import type { Session } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { LiveUplink } from '../../../src/live/uplink.ts';
import { Chunker, Outbox } from '../../../src/live/uplink-outbox.ts';

const ramp = (start: number, length: number) => Int16Array.from({ length }, (_, i) => start + i);

/** A LiveUplink with `chunkMs` chunks, and a session that records every realtime input it is given. */
function recordingUplink(chunkMs: number) {
  const sent: Record<string, unknown>[] = [];
  const session = {
    sendRealtimeInput: (input: Record<string, unknown>) => sent.push(input),
  } as unknown as Session;
  const uplink = new LiveUplink({
    inputChunkMs: chunkMs,
    handoverBufferMs: 5000,
    minImageIntervalMs: 0,
    now: () => 0,
  });
  return { sent, session, uplink };
}

describe('Chunker', () => {
  it('GIVEN uneven writes THEN chunks have exactly the configured length and keep every sample in order', () => {
    const chunker = new Chunker(20);
    const chunks = [...chunker.push(ramp(0, 500)), ...chunker.push(ramp(500, 200))];
    expect(chunks.map((chunk) => chunk.length)).toEqual([320, 320]);
    const rest = chunker.flush();
    expect(rest?.length).toBe(60);
    expect(Int16Array.from([...chunks.flatMap((chunk) => [...chunk]), ...(rest ?? [])])).toEqual(
      ramp(0, 700),
    );
    expect(chunker.flush()).toBeNull();
  });
});

describe('Outbox', () => {
  it('GIVEN more audio than the bound THEN the oldest audio is dropped and counted, other items stay in order', () => {
    const outbox = new Outbox(40);
    outbox.push({ kind: 'audio', samples: ramp(0, 320) });
    outbox.push({ kind: 'text', text: 'hi' });
    outbox.push({ kind: 'audio', samples: ramp(320, 320) });
    outbox.push({ kind: 'audio', samples: ramp(640, 320) });
    expect(outbox.droppedSamples).toBe(320);
    expect(outbox.largestSamples).toBe(640);
    const items = outbox.drain();
    expect(items.map((item) => item.kind)).toEqual(['text', 'audio', 'audio']);
    expect(items[1]).toEqual({ kind: 'audio', samples: ramp(320, 320) });
    expect(outbox.size).toBe(0);
    expect(outbox.audioSamples).toBe(0);
  });
});

describe('dropping audio someone opted out of', () => {
  it('GIVEN queued audio and other sends THEN dropAudio removes only the audio, counted', () => {
    const outbox = new Outbox(1000);
    outbox.push({ kind: 'activityStart' });
    outbox.push({ kind: 'audio', samples: ramp(0, 320) });
    outbox.push({ kind: 'text', text: 'hi' });
    outbox.push({ kind: 'audio', samples: ramp(320, 160) });
    outbox.dropAudio();
    expect(outbox.droppedSamples).toBe(480);
    expect(outbox.audioSamples).toBe(0);
    expect(outbox.drain().map((item) => item.kind)).toEqual(['activityStart', 'text']);
  });

  it('GIVEN audio waiting for a socket and a partial chunk THEN after discardPendingAudio none of it is ever sent, later audio is', () => {
    const { sent, session, uplink } = recordingUplink(40);
    uplink.activityStart();
    uplink.audio(ramp(1, 640)); // a whole chunk, queued while there is no socket
    uplink.audio(ramp(1, 320)); // half a chunk, held by the chunker
    uplink.discardPendingAudio();
    uplink.attach(session);
    expect(sent).toEqual([{ activityStart: {} }]);
    uplink.audio(ramp(1, 640));
    expect(sent.filter((input) => 'audio' in input)).toHaveLength(1);
    // Both are counted as dropped: 40 ms queued and 20 ms partial.
    expect(uplink.stats.droppedUplinkMs).toBe(60);
  });

  it('GIVEN 100 ms chunks THEN flushAudio and an opt-out send the next audio at once, then whole chunks again', () => {
    const { sent, session, uplink } = recordingUplink(100);
    uplink.attach(session);
    const audioBytes = () =>
      sent
        .filter((input) => 'audio' in input)
        .map((input) => Buffer.from((input.audio as { data: string }).data, 'base64').length);
    uplink.activityStart();
    uplink.audio(ramp(1, 960)); // the 60 ms a noise gate held
    expect(audioBytes()).toEqual([]);
    uplink.flushAudio();
    expect(audioBytes()).toEqual([1920]);
    uplink.audio(ramp(1, 320));
    uplink.discardPendingAudio(); // someone opted out: their 20 ms partial goes
    uplink.audio(ramp(1, 320)); // the first frame without them: sent now, not 80 ms later
    expect(audioBytes()).toEqual([1920, 640]);
    for (let frame = 0; frame < 5; frame++) uplink.audio(ramp(1, 320));
    expect(audioBytes()).toEqual([1920, 640, 3200]);
    uplink.flushAudio();
    uplink.flushAudio(); // nothing pending: nothing sent
    expect(audioBytes()).toEqual([1920, 640, 3200]);
  });
});
