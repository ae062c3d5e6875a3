import { Decoder } from '@evan/opus';
import { describe, expect, it } from 'vitest';
import { createOpusCodec } from '../../../src/codec/create-opus-codec.ts';
import { ReplyEncoder } from '../../../src/guild/reply-encoder.ts';
import { channel, speechLike, tone, toneDbfs } from '../../helpers/signal-tools.ts';

const codec = createOpusCodec();
const FRAMES = 50;
/** The last 0.2 s of the decoded second (48 kHz) is measured: the codec has settled by then. */
const WINDOW = 9_600;

/** Packets as the bot makes them from Gemini's 24 kHz mono (ReplyEncoder, one push per 20 ms chunk). */
function reply(pcm24k: Int16Array): Uint8Array[] {
  const encoder = new ReplyEncoder(codec);
  const packets: Uint8Array[] = [];
  for (let at = 0; at < pcm24k.length; at += 480)
    packets.push(...encoder.push(pcm24k.subarray(at, at + 480)));
  encoder.destroy();
  return packets;
}

/** What a Discord client hears: every packet decoded at 48 kHz stereo. */
function listen(packets: Uint8Array[]): { left: Int16Array; right: Int16Array } {
  const decoder = new Decoder({ channels: 2, sample_rate: 48_000 });
  const out = new Int16Array(packets.length * 1920);
  packets.forEach((packet, i) => {
    const bytes = decoder.decode(packet);
    out.set(new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1), i * 1920);
  });
  return { left: channel(out, 0, 2), right: channel(out, 1, 2) };
}

function heard(freqHz: number): { left: Int16Array; right: Int16Array } {
  const { left, right } = listen(reply(tone(freqHz, 24_000, 480 * FRAMES, -6)));
  return { left: left.subarray(left.length - WINDOW), right: right.subarray(right.length - WINDOW) };
}

describe("Gemini's 24 kHz mono answer encoded as it is (no resampler of ours)", () => {
  it('GIVEN tones from 100 Hz to 11.5 kHz at -6 dBFS THEN a listener hears each within ±0.5 dB on identical channels', () => {
    for (const f of [100, 300, 1000, 3000, 5000, 7000, 9000, 10_000, 11_000, 11_500]) {
      const { left, right } = heard(f);
      expect(right).toEqual(left);
      // Measured: -6.12 to -5.80 dB. The 48 kHz path this replaced lost 2.2 dB at 11.5 kHz.
      expect(Math.abs(toneDbfs(left, f, 48_000) - -6)).toBeLessThanOrEqual(0.5);
    }
  });

  it('GIVEN tones up to 11.5 kHz THEN no image (48 kHz - f mirrored at 24 kHz) is audible above -75 dBFS', () => {
    // Measured -82 dBFS at 11.5 kHz and below -110 up to 10 kHz; the old FIR let 11.5 kHz image at -19.
    for (const f of [1000, 5000, 9000, 11_000, 11_500]) {
      expect(toneDbfs(heard(f).left, 24_000 - f, 48_000)).toBeLessThanOrEqual(-75);
    }
  });

  it('GIVEN speech-like audio THEN 20 ms mono-coded CELT packets come out at 64 kb/s within 25 %', () => {
    const packets = reply(speechLike(24_000, 480 * FRAMES, 3));
    expect(packets).toHaveLength(FRAMES);
    for (const p of packets) {
      // TOC (RFC 6716 §3.1): config 16–31 is CELT-only, 27 is super-wideband 20 ms; bit 2 clear is mono.
      expect(p[0]! >> 3).toBe(27);
      expect((p[0]! >> 2) & 1).toBe(0);
    }
    const bps = (packets.slice(5).reduce((sum, p) => sum + p.length, 0) * 8) / ((FRAMES - 5) * 0.02);
    expect(bps).toBeGreaterThan(64_000 * 0.75);
    expect(bps).toBeLessThan(64_000 * 1.25);
  });

  it('GIVEN a partial frame THEN flush zero-pads it into one packet, and a reset drops it instead', () => {
    const encoder = new ReplyEncoder(codec);
    expect(encoder.push(tone(440, 24_000, 700, -6))).toHaveLength(1);
    expect(encoder.flush()).toHaveLength(1);
    expect(encoder.flush()).toHaveLength(0);
    expect(encoder.push(tone(440, 24_000, 300, -6))).toHaveLength(0);
    encoder.reset();
    expect(encoder.flush()).toHaveLength(0);
    encoder.destroy();
  });
});
