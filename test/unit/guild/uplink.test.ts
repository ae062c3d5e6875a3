import { afterEach, describe, expect, it } from 'vitest';
import { createOpusCodec } from '../../../src/codec/create-opus-codec.ts';
import { inlineAudio } from '../../../src/guild/audio-offload.ts';
import { type DiscordTurns, Uplink, type UplinkSink } from '../../../src/guild/uplink.ts';
import { createLogger } from '../../../src/log.ts';
import { levelAtDbfs, type PcmClip } from '../../fakes/audio-analysis.ts';
import { tone } from '../../fakes/tones.ts';
import { type ManualClock, manualClock } from '../../helpers/manual-clock.ts';
import { opusPackets } from '../../helpers/opus-packets.ts';

const codec = createOpusCodec();
const log = createLogger({ level: 'silent', secrets: [] });

function recordingSink() {
  const sent: { at: number; samples: Int16Array }[] = [];
  const events: string[] = [];
  let clockRef: ManualClock | null = null;
  const sink: UplinkSink = {
    sendAudio: (pcm) => {
      sent.push({ at: clockRef?.clock.now() ?? 0, samples: pcm.slice() });
      events.push('audio');
    },
    sendAudioStreamEnd: () => events.push('end'),
    sendActivityStart: () => events.push(`start@${clockRef?.clock.now() ?? 0}`),
    flushAudio: () => events.push('flush'),
    sendActivityEnd: () => events.push(`stop@${clockRef?.clock.now() ?? 0}`),
    discardPendingAudio: () => events.push(`discard@${clockRef?.clock.now() ?? 0}`),
  };
  return {
    sink,
    sent,
    events,
    attach: (c: ManualClock) => {
      clockRef = c;
    },
    joined: (): PcmClip => {
      const total = sent.reduce((n, s) => n + s.samples.length, 0);
      const samples = new Int16Array(total);
      let o = 0;
      for (const s of sent) {
        samples.set(s.samples, o);
        o += s.samples.length;
      }
      return { samples, sampleRate: 16_000, channels: 1 };
    },
  };
}

let uplink: Uplink | null = null;
afterEach(() => uplink?.close());

function setup(discordTurns?: DiscordTurns) {
  const time = manualClock();
  const rec = recordingSink();
  rec.attach(time);
  uplink = new Uplink({
    audio: inlineAudio(codec),
    clock: time.clock,
    sink: rec.sink,
    log,
    silenceTailMs: 1000,
    ...(discordTurns ? { discordTurns } : {}),
  });
  return { time, rec, uplink };
}

/** What a Discord client sends when its voice activity closes: five Opus silence frames. */
const SILENCE_FRAMES = Array.from({ length: 5 }, () => Uint8Array.of(0xf8, 0xff, 0xfe));

/** Delivers packets every 20 ms starting at `startMs`, with the clock advancing between them. */
function speak(
  u: Uplink,
  time: ManualClock,
  userId: string,
  packets: Uint8Array[],
  startMs: number,
  jitterMs = 0,
) {
  packets.forEach((packet, i) => {
    time.advanceTo(startMs + i * 20 + (i % 2 === 0 ? 0 : jitterMs));
    u.pushOpus(userId, packet);
  });
}

describe('Uplink', () => {
  it('GIVEN a first packet after silence THEN a 16 kHz frame is sent at once, before any tick', () => {
    const { time, rec, uplink: u } = setup();
    time.advanceTo(1000);
    u.pushOpus('alice', opusPackets(codec, tone(440, 20))[0]!);
    expect(rec.sent).toHaveLength(1);
    expect(rec.sent[0]?.at).toBe(1000);
    expect(rec.sent[0]?.samples.length).toBe(320);
  });

  it('GIVEN 1 s of 440 Hz with ±8 ms jitter THEN Gemini gets it continuously, then a silence tail and one stream end', () => {
    const { time, rec, uplink: u } = setup();
    speak(u, time, 'alice', opusPackets(codec, tone(440, 1000)), 0, 8);
    time.advanceBy(3000);
    expect(rec.events.filter((e) => e === 'end')).toHaveLength(1);
    expect(rec.events.at(-1)).toBe('end');
    const heard = rec.joined();
    // ~1 s of tone plus ~1 s of silence tail.
    expect(heard.samples.length / 16).toBeGreaterThanOrEqual(1900);
    expect(heard.samples.length / 16).toBeLessThanOrEqual(2200);
    expect(levelAtDbfs(heard, 440, { startMs: 100, endMs: 900 })).toBeGreaterThan(-15);
    // no 20 ms holes inside the speech: every 20 ms frame between 20 and 960 ms carries the tone
    for (let ms = 20; ms < 960; ms += 20) {
      expect(levelAtDbfs(heard, 440, { startMs: ms, endMs: ms + 20 })).toBeGreaterThan(-20);
    }
    expect(levelAtDbfs(heard, 440, { startMs: 1200, endMs: 1900 })).toBeLessThan(-60);
    // nothing more while the room is quiet
    const before = rec.sent.length;
    time.advanceBy(5000);
    expect(rec.sent.length).toBe(before);
  });

  it('GIVEN three speakers at once THEN the mix carries all three tones at equal level', () => {
    const { time, rec, uplink: u } = setup();
    const a = opusPackets(codec, tone(300, 600));
    const b = opusPackets(codec, tone(500, 600));
    const c = opusPackets(codec, tone(700, 600));
    a.forEach((_, i) => {
      time.advanceTo(i * 20);
      u.pushOpus('a', a[i]!);
      time.advanceTo(i * 20 + 3);
      u.pushOpus('b', b[i]!);
      time.advanceTo(i * 20 + 6);
      u.pushOpus('c', c[i]!);
    });
    time.advanceBy(2000);
    const heard = rec.joined();
    // One 20 ms frame per tick; Live packs them into chunks of the configured size.
    expect(rec.sent.every((s) => s.samples.length === 320)).toBe(true);
    const levels = [300, 500, 700].map((f) => levelAtDbfs(heard, f, { startMs: 100, endMs: 500 }));
    expect(Math.max(...levels) - Math.min(...levels)).toBeLessThan(1);
    expect(Math.min(...levels)).toBeGreaterThan(-16);
  });

  it('GIVEN a corrupt packet mid-speech THEN it is counted and later audio still flows', () => {
    const { time, rec, uplink: u } = setup();
    const packets = opusPackets(codec, tone(440, 400));
    packets[5] = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x01);
    speak(u, time, 'alice', packets, 0);
    time.advanceBy(200);
    expect(u.stats.badPackets).toBe(1);
    expect(levelAtDbfs(rec.joined(), 440, { startMs: 200, endMs: 380 })).toBeGreaterThan(-15);
  });

  it('GIVEN a talk spurt that starts with a quiet frame THEN the stream is not ended at once', () => {
    const { time, rec, uplink: u } = setup();
    const quiet = opusPackets(codec, tone(440, 20, { amplitudeDbfs: -70 }));
    const loud = opusPackets(codec, tone(440, 400));
    time.advanceTo(5000);
    u.pushOpus('alice', quiet[0]!);
    speak(u, time, 'alice', loud, 5020);
    time.advanceBy(3000);
    expect(rec.events.filter((e) => e === 'end')).toHaveLength(1);
    expect(rec.events.at(-1)).toBe('end');
  });

  it('GIVEN a speaker far ahead of the clock THEN the backlog is capped and the dropped time counted', () => {
    const { time, uplink: u } = setup();
    const packets = opusPackets(codec, tone(440, 500));
    time.advanceTo(0);
    for (const p of packets) u.pushOpus('alice', p); // 500 ms arrive at one instant
    expect(u.stats.droppedMs).toBeGreaterThanOrEqual(380);
  });
});

describe('Uplink with Discord turn-taking', () => {
  const TURNS: DiscordTurns = { holdMs: 300, minBurstMs: 80 };
  const turnEvents = (events: string[]) => events.filter((e) => e !== 'audio' && e !== 'flush');

  it('GIVEN 1 s of speech and the client closing its stream THEN one activity ends H after the last packet, with no silence sent', () => {
    const { time, rec, uplink: u } = setup(TURNS);
    speak(u, time, 'alice', [...opusPackets(codec, tone(440, 1000)), ...SILENCE_FRAMES], 0, 8);
    const lastPacketAt = time.clock.now();
    time.advanceBy(2000);
    const events = turnEvents(rec.events);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatch(/^start@/);
    const endedAt = Number(events[1]?.replace('stop@', ''));
    expect(endedAt - lastPacketAt).toBeGreaterThanOrEqual(TURNS.holdMs);
    expect(endedAt - lastPacketAt).toBeLessThanOrEqual(TURNS.holdMs + 20);
    // The speech and the client's own silence frames, not a second of padding.
    const heardMs = rec.joined().samples.length / 16;
    expect(heardMs).toBeGreaterThanOrEqual(1000);
    expect(heardMs).toBeLessThanOrEqual(1140);
    expect(rec.events).not.toContain('end');
  });

  it('GIVEN a 250 ms gap in the packets inside a sentence THEN it stays one activity', () => {
    const { time, rec, uplink: u } = setup(TURNS);
    speak(u, time, 'alice', [...opusPackets(codec, tone(440, 400)), ...SILENCE_FRAMES], 0);
    speak(u, time, 'alice', opusPackets(codec, tone(440, 400)), time.clock.now() + 250);
    time.advanceBy(2000);
    expect(turnEvents(rec.events).map((e) => e.split('@')[0])).toEqual(['start', 'stop']);
  });

  it('GIVEN two people answering each other with a gap longer than H THEN two activities', () => {
    const { time, rec, uplink: u } = setup(TURNS);
    speak(u, time, 'alice', [...opusPackets(codec, tone(440, 400)), ...SILENCE_FRAMES], 0);
    speak(u, time, 'bob', opusPackets(codec, tone(550, 400)), time.clock.now() + TURNS.holdMs + 60);
    time.advanceBy(2000);
    expect(turnEvents(rec.events).map((e) => e.split('@')[0])).toEqual(['start', 'stop', 'start', 'stop']);
  });

  it('GIVEN two overlapping speakers THEN one activity until both are quiet', () => {
    const { time, rec, uplink: u } = setup(TURNS);
    const a = opusPackets(codec, tone(300, 600));
    const b = opusPackets(codec, tone(500, 600));
    a.forEach((_, i) => {
      time.advanceTo(i * 20);
      u.pushOpus('a', a[i]!);
      if (i >= 10) u.pushOpus('b', b[i - 10]!);
    });
    speak(u, time, 'b', b.slice(a.length - 10), time.clock.now() + 20);
    time.advanceBy(2000);
    expect(turnEvents(rec.events).map((e) => e.split('@')[0])).toEqual(['start', 'stop']);
  });

  it('GIVEN a 60 ms noise burst THEN no activity starts and nothing is sent; GIVEN speech THEN activityStart within 100 ms', () => {
    const { time, rec, uplink: u } = setup(TURNS);
    speak(u, time, 'alice', [...opusPackets(codec, tone(440, 60)), ...SILENCE_FRAMES], 0);
    time.advanceBy(1000);
    expect(rec.events).toEqual([]);
    expect(u.stats.suppressedBursts).toBe(1);

    const firstPacketAt = 2000;
    speak(u, time, 'alice', opusPackets(codec, tone(440, 600)), firstPacketAt);
    const start = rec.events.find((e) => e.startsWith('start@'));
    expect(Number(start?.replace('start@', '')) - firstPacketAt).toBeLessThanOrEqual(100);
    // The held onset follows activityStart at once, and is flushed: it does not wait for a full chunk.
    const afterStart = rec.events.slice(rec.events.indexOf(start ?? ''));
    const flushed = afterStart.indexOf('flush');
    expect(flushed).toBeGreaterThan(1);
    expect(afterStart.slice(1, flushed).every((e) => e === 'audio')).toBe(true);
    // Nothing of the held onset is lost.
    time.advanceBy(2000);
    expect(rec.joined().samples.length / 16).toBeGreaterThanOrEqual(600);
  });

  it('GIVEN someone opts out while their burst is still gated THEN none of its held frames is ever sent, and the sink drops its partial chunk', () => {
    const { time, rec, uplink: u } = setup(TURNS);
    // 60 ms of voice: held, below the 80 ms gate.
    speak(u, time, 'bob', opusPackets(codec, tone(880, 60)), 0);
    u.forgetHeard('bob');
    expect(rec.events).toEqual(['discard@40']);
    // Alice then talks: her turn carries only her voice, not bob's held onset.
    speak(u, time, 'alice', opusPackets(codec, tone(440, 400)), 200);
    time.advanceBy(1000);
    expect(levelAtDbfs(rec.joined(), 880)).toBeLessThan(-60);
    expect(levelAtDbfs(rec.joined(), 440)).toBeGreaterThan(-30);
  });

  it('GIVEN someone opted out is refused again (each time they start speaking) THEN the others lose nothing', () => {
    const { time, rec, uplink: u } = setup(TURNS);
    const alice = opusPackets(codec, tone(440, 1000));
    alice.forEach((packet, i) => {
      time.advanceTo(i * 20);
      u.pushOpus('alice', packet);
      // Bob was never heard here (he opted out before), so there is nothing of his to drop.
      if (i === 10 || i === 30) u.forgetHeard('bob');
      // Carol was heard once: her opt-out drops the pending audio once, not again when refused later.
      if (i === 20) u.pushOpus('carol', opusPackets(codec, tone(880, 20))[0]!);
      if (i === 22 || i === 40) u.forgetHeard('carol');
    });
    time.advanceBy(2000);
    expect(rec.events.filter((e) => e.startsWith('discard'))).toEqual(['discard@440']);
  });
});
