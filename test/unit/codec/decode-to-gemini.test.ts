import { Encoder } from '@evan/opus';
import { describe, expect, it } from 'vitest';
import { createOpusCodec } from '../../../src/codec/create-opus-codec.ts';
import { SpeakerDecoders } from '../../../src/guild/speaker-decoders.ts';
import { interleave, tone, toneDbfs } from '../../helpers/signal-tools.ts';

const codec = createOpusCodec();
const FRAMES = 50;
/** The last 0.2 s of the decoded second is measured (the codec has settled by then). */
const WINDOW = 3_200;

/**
 * One second of a -6 dBFS tone as a Discord client sends it (48 kHz stereo, `voip`), decoded the way
 * the bot decodes a speaker: SpeakerDecoders, 16 kHz mono.
 */
function throughTheUplink(freqHz: number, bitrate: number, channels: 'both' | 'left' = 'both'): Int16Array {
  const mono = tone(freqHz, 48_000, 960 * FRAMES, -6);
  const stereo = interleave(mono, channels === 'both' ? mono : new Int16Array(mono.length));
  const client = new Encoder({ channels: 2, sample_rate: 48_000, application: 'voip' });
  client.bitrate = bitrate;
  const decoders = new SpeakerDecoders(codec);
  const out = new Int16Array(320 * FRAMES);
  for (let f = 0; f < FRAMES; f++) {
    const packet = client.encode(stereo.subarray(f * 1920, (f + 1) * 1920));
    const { pcm, bad } = decoders.decode('alice', packet);
    expect(bad).toBe(false);
    expect(pcm.length).toBe(320);
    out.set(pcm, f * 320);
  }
  decoders.forgetAll();
  return out.subarray(out.length - WINDOW);
}

describe('Speaker decoding at 16 kHz mono (libopus band-limits and downmixes)', () => {
  for (const bitrate of [64_000, 32_000]) {
    it(`GIVEN client tones from 300 Hz to 7 kHz at ${bitrate / 1000} kb/s THEN each reaches Gemini within ±0.5 dB`, () => {
      for (const f of [300, 1000, 3000, 5000, 6000, 7000]) {
        expect(Math.abs(toneDbfs(throughTheUplink(f, bitrate), f, 16_000) - -6)).toBeLessThanOrEqual(0.5);
      }
    });

    it(`GIVEN client tones at 9, 10 and 12 kHz at ${bitrate / 1000} kb/s THEN nothing folds back into the speech band`, () => {
      // At 16 kHz, 9 kHz would fold to 7 kHz, 10 kHz to 6 kHz and 12 kHz to 4 kHz.
      for (const [f, alias] of [
        [9_000, 7_000],
        [10_000, 6_000],
        [12_000, 4_000],
      ] as const) {
        const out = throughTheUplink(f, bitrate);
        expect(toneDbfs(out, alias, 16_000)).toBeLessThanOrEqual(-90);
        // Nothing else either: the whole output stays below -50 dBFS (about 100 LSB).
        expect(Math.max(...out.map(Math.abs))).toBeLessThanOrEqual(100);
      }
    });
  }

  it('GIVEN a tone on the left channel only THEN the mono output carries it at half amplitude (L+R)/2', () => {
    const level = toneDbfs(throughTheUplink(1000, 64_000, 'left'), 1000, 16_000);
    expect(level).toBeGreaterThan(-6 - 6.02 - 0.5);
    expect(level).toBeLessThan(-6 - 6.02 + 0.5);
  });

  it('GIVEN a corrupt packet THEN 20 ms of concealment at 16 kHz comes back, flagged bad', () => {
    const decoders = new SpeakerDecoders(codec);
    const result = decoders.decode('bob', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff]));
    expect(result.bad).toBe(true);
    expect(result.pcm.length).toBe(320);
    decoders.forgetAll();
  });
});
