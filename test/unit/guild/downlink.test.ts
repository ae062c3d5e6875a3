import { afterEach, describe, expect, it } from 'vitest';
import { createOpusCodec } from '../../../src/codec/create-opus-codec.ts';
import { type AudioOffload, inlineAudio } from '../../../src/guild/audio-offload.ts';
import { Downlink, type OpusSink } from '../../../src/guild/downlink.ts';
import { createLogger } from '../../../src/log.ts';
import {
  dominantFrequency,
  levelAtDbfs,
  longestSilenceMs,
  type PcmClip,
} from '../../fakes/audio-analysis.ts';
import { geminiAnswer } from '../../fakes/tones.ts';
import { type ManualClock, manualClock } from '../../helpers/manual-clock.ts';

const codec = createOpusCodec();
const log = createLogger({ level: 'silent', secrets: [] });
const SILENCE = '248,255,254';

/** Records every packet with its send time and decodes them like a listener would. */
function listeningSink(time: ManualClock) {
  const packets: { at: number; bytes: Uint8Array }[] = [];
  const speaking: boolean[] = [];
  const sink: OpusSink = {
    playOpus: (bytes) => {
      packets.push({ at: time.clock.now(), bytes: bytes.slice() });
      return true;
    },
    setSpeaking: (s) => speaking.push(s),
  };
  function heard(): PcmClip {
    const decoder = codec.createDecoder();
    const samples = new Int16Array(packets.length * 1920);
    packets.forEach((p, i) => {
      samples.set(decoder.decode(p.bytes), i * 1920);
    });
    decoder.destroy();
    return { samples, sampleRate: 48_000, channels: 2 };
  }
  const isSilenceFrame = (p: { bytes: Uint8Array }) => p.bytes.join(',') === SILENCE;
  return { sink, packets, speaking, heard, isSilenceFrame };
}

let downlink: Downlink | null = null;
afterEach(() => downlink?.close());

function setup() {
  const time = manualClock();
  const rec = listeningSink(time);
  downlink = new Downlink({ audio: inlineAudio(codec), clock: time.clock, sink: rec.sink, log });
  return { time, rec, downlink };
}

describe('Downlink', () => {
  it("GIVEN Gemini's first audio THEN the first packet leaves at once, not on the next tick", () => {
    const { time, rec, downlink: d } = setup();
    time.advanceTo(500);
    d.pushAudio(geminiAnswer(600, 100));
    expect(rec.packets).toHaveLength(1);
    expect(rec.packets[0]?.at).toBe(500);
  });

  it('GIVEN bursts with 300 ms pauses that stay ahead of real time THEN playback is continuous 600 Hz', () => {
    const { time, rec, downlink: d } = setup();
    const audio = geminiAnswer(600, 1500);
    // 5 bursts of 300 ms audio, each sent instantly, 250 ms apart (ahead of real time overall).
    for (let b = 0; b < 5; b++) {
      time.advanceTo(b * 250);
      d.pushAudio(audio.subarray(b * 7200, (b + 1) * 7200));
    }
    d.endOfTurn();
    time.advanceBy(3000);
    const heard = rec.heard();
    const tonePackets = rec.packets.filter((p) => !rec.isSilenceFrame(p));
    expect(tonePackets.length).toBeGreaterThanOrEqual(75);
    expect(dominantFrequency(heard, { startMs: 100, endMs: 1400 })).toBeCloseTo(600, -1);
    expect(longestSilenceMs(heard, { startMs: 40, endMs: 1460 })).toBeLessThanOrEqual(20);
    // packets are paced at 20 ms
    const gaps = tonePackets.slice(1).map((p, i) => p.at - (tonePackets[i]?.at ?? 0));
    expect(Math.max(...gaps)).toBe(20);
    // and it ends with five silence frames and speaking off
    expect(rec.packets.slice(-5).every(rec.isSilenceFrame)).toBe(true);
    expect(rec.speaking.at(-1)).toBe(false);
    expect(d.speaking).toBe(false);
  });

  it('GIVEN a pause mid-answer THEN silence fills the gap instead of ending playback', () => {
    const { time, rec, downlink: d } = setup();
    d.pushAudio(geminiAnswer(600, 100));
    time.advanceBy(500); // Gemini silent for 500 ms, no turn end
    d.pushAudio(geminiAnswer(600, 100));
    expect(d.speaking).toBe(true);
    expect(d.stats.underrunFrames).toBeGreaterThan(15);
    expect(rec.speaking).not.toContain(false);
  });

  it('GIVEN interrupted during a 5 s answer THEN no more answer audio is sent after the next tick', () => {
    const { time, rec, downlink: d } = setup();
    d.pushAudio(geminiAnswer(600, 5000));
    time.advanceTo(1000);
    const interruptAt = time.clock.now();
    d.interrupt();
    time.advanceBy(1000);
    const lastAudible = rec.packets.filter((p) => !rec.isSilenceFrame(p)).at(-1);
    expect(lastAudible?.at).toBeLessThanOrEqual(interruptAt);
    expect(d.stats.flushedMs).toBeGreaterThan(3900);
    expect(rec.speaking.at(-1)).toBe(false);
    const heard = rec.heard();
    expect(levelAtDbfs(heard, 600, { startMs: 200, endMs: 900 })).toBeGreaterThan(-20);
  });

  it('GIVEN Gemini goes quiet without a turn end THEN the bot stops speaking after the stall timeout', () => {
    const { time, rec, downlink: d } = setup();
    d.pushAudio(geminiAnswer(600, 200));
    // Still holding the stream just before the 2 s stall timeout…
    time.advanceTo(1_900);
    expect(d.speaking).toBe(true);
    // …then five silence frames and speaking off, shortly after it.
    time.advanceTo(2_200);
    expect(d.speaking).toBe(false);
    expect(rec.speaking).toEqual([false]);
    time.advanceBy(3_000);
    expect(rec.speaking).toEqual([false]);
  });
});

/** The inline offload, but results wait until the test releases them (like a busy worker). */
function deferredAudio() {
  const inline = inlineAudio(codec);
  const pending: (() => void)[] = [];
  const audio: AudioOffload = {
    kind: 'deferred',
    uplink: (onDecoded) => inline.uplink((user, decoded) => pending.push(() => onDecoded(user, decoded))),
    downlink: (onPackets, bitrate) =>
      inline.downlink((packets, flushed) => pending.push(() => onPackets(packets, flushed)), bitrate),
    close: async () => {},
  };
  /** Delivers the first `count` waiting results (all by default), in order. */
  const release = (count = pending.length) => {
    for (const deliver of pending.splice(0, count)) deliver();
  };
  return { audio, release };
}

describe('Downlink with audio encoded elsewhere', () => {
  it('GIVEN the next answer starts before the last one finished encoding its end THEN the bot keeps talking', () => {
    const time = manualClock();
    const rec = listeningSink(time);
    const { audio, release } = deferredAudio();
    const d = new Downlink({ audio, clock: time.clock, sink: rec.sink, log });
    d.pushAudio(geminiAnswer(600, 100));
    d.endOfTurn();
    d.pushAudio(geminiAnswer(600, 400)); // Gemini already began the next answer
    release(2); // the first answer and its flush are encoded…
    time.advanceBy(200); // …and played, while the second is still being encoded
    release();
    time.advanceBy(2000);
    const audible = rec.packets.filter((p) => !rec.isSilenceFrame(p));
    expect(audible.length).toBeGreaterThanOrEqual(25);
    // The old flush must not end the stream in between: speaking goes off once, at the very end.
    expect(rec.speaking.filter((s) => s === false)).toHaveLength(1);
    d.close();
  });
});
