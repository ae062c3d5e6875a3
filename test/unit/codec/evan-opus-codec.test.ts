import { describe, expect, it } from 'vitest';
import { DISCORD_FRAME_SAMPLES } from '../../../src/audio/pcm.ts';
import { createOpusCodec } from '../../../src/codec/create-opus-codec.ts';
import { GEMINI_OUTPUT_PCM, type OpusCodec } from '../../../src/codec/opus-codec.ts';
import { interleave, prng, speechLike, tone, toneDbfs } from '../../helpers/signal-tools.ts';

const FRAMES = 50;

/** One second of distinct speech-like stereo per seed, cut into 20 ms frames. */
function stereoFrames(seed: number, frames = FRAMES): Int16Array[] {
  const samples = 960 * frames;
  const stereo = interleave(speechLike(48_000, samples, seed), speechLike(48_000, samples, seed + 100));
  return Array.from({ length: frames }, (_, f) =>
    stereo.slice(f * DISCORD_FRAME_SAMPLES, (f + 1) * DISCORD_FRAME_SAMPLES),
  );
}

/** Encodes with one encoder that is the only one in use, then destroys it. */
function encodeAlone(codec: OpusCodec, frames: Int16Array[]): Uint8Array[] {
  const encoder = codec.createEncoder();
  const packets = frames.map((frame) => encoder.encode(frame));
  encoder.destroy();
  return packets;
}

function decodeAlone(codec: OpusCodec, packets: Uint8Array[]): Int16Array[] {
  const decoder = codec.createDecoder();
  const pcm = packets.map((packet) => decoder.decode(packet));
  decoder.destroy();
  return pcm;
}

function rms(frames: Int16Array[]): number {
  let sum = 0;
  let n = 0;
  for (const frame of frames) {
    for (const v of frame) sum += v * v;
    n += frame.length;
  }
  return Math.sqrt(sum / n);
}

describe('createOpusCodec (@evan/opus)', () => {
  const codec = createOpusCodec();

  it('GIVEN the shipped codec THEN it is the native libopus binding', () => {
    expect(codec.name).toBe('@evan/opus native');
  });

  it('GIVEN 16 decoders and 2 encoders alive and interleaved THEN each stream is bit-identical to a single instance alone', () => {
    const speakers = Array.from({ length: 16 }, (_, s) => encodeAlone(codec, stereoFrames(s + 1)));
    const expectedPcm = speakers.map((packets) => decodeAlone(codec, packets));
    const replies = [stereoFrames(40), stereoFrames(41)];
    const expectedPackets = replies.map((frames) => encodeAlone(codec, frames));

    const decoders = speakers.map(() => codec.createDecoder());
    const encoders = replies.map(() => codec.createEncoder());
    const gotPcm: Int16Array[][] = speakers.map(() => []);
    const gotPackets: Uint8Array[][] = replies.map(() => []);
    for (let f = 0; f < FRAMES; f++) {
      // Alternate the order every frame so each instance runs between different neighbours.
      const order = f % 2 === 0 ? [0, 1] : [1, 0];
      gotPackets[order[0]!]!.push(encoders[order[0]!]!.encode(replies[order[0]!]![f]!));
      for (let s = 0; s < decoders.length; s++) {
        const d = f % 2 === 0 ? s : decoders.length - 1 - s;
        gotPcm[d]!.push(decoders[d]!.decode(speakers[d]![f]!));
        if (s === 7) gotPackets[order[1]!]!.push(encoders[order[1]!]!.encode(replies[order[1]!]![f]!));
      }
    }
    for (const d of decoders) d.destroy();
    for (const e of encoders) e.destroy();

    for (let s = 0; s < speakers.length; s++) expect(gotPcm[s]).toEqual(expectedPcm[s]);
    for (let r = 0; r < replies.length; r++) expect(gotPackets[r]).toEqual(expectedPackets[r]);
    // The streams really differ, so a decoder reading another's state could not pass by accident.
    expect(expectedPcm[0]![25]).not.toEqual(expectedPcm[1]![25]);
    expect(rms(expectedPcm[0]!)).toBeGreaterThan(500);
  });

  it('GIVEN corrupt and truncated packets THEN each throws OPUS_BAD_PACKET and later packets decode exactly as if they never came', () => {
    const packets = encodeAlone(codec, stereoFrames(7));
    const expected = decodeAlone(codec, packets);
    const good = packets[10]!;
    const corrupt = [
      new Uint8Array(0),
      Uint8Array.of(0xff), // code 3 without its frame-count byte
      Uint8Array.of(0xfb, 0xff, 0x01), // code 3, 63 frames: longer than 120 ms
      Uint8Array.of(0xfe, 200, 1, 2), // code 2 whose first frame claims 200 of 2 bytes
      new Uint8Array(2_000).fill(0xab), // longer than any legal Opus packet
      Uint8Array.of((good[0]! & 0xfc) | 3, 0x82, 0x05, 1, 2, 3), // code 3 CBR, padding past the end
    ];
    const decoder = codec.createDecoder();
    const got: Int16Array[] = [];
    for (let f = 0; f < FRAMES; f++) {
      if (f === 10) {
        for (const packet of corrupt) {
          expect(() => decoder.decode(packet)).toThrow(expect.objectContaining({ code: 'OPUS_BAD_PACKET' }));
        }
      }
      got.push(decoder.decode(packets[f]!));
    }
    expect(got).toEqual(expected);
  });

  it('GIVEN 2000 random packets THEN none crashes and the decoder recovers its level on good packets', () => {
    const random = prng(99);
    const packets = encodeAlone(codec, stereoFrames(8));
    const expected = decodeAlone(codec, packets);
    const decoder = codec.createDecoder();
    let rejected = 0;
    for (let i = 0; i < 2_000; i++) {
      const packet = new Uint8Array(1 + Math.floor(random() * 400)).map(() => Math.floor(random() * 256));
      try {
        const pcm = decoder.decode(packet);
        expect(pcm.length % 2).toBe(0);
        expect(pcm.length).toBeLessThanOrEqual(5_760 * 2);
      } catch (error) {
        expect(error).toMatchObject({ code: 'OPUS_BAD_PACKET' });
        rejected++;
      }
    }
    const after = packets.map((packet) => decoder.decode(packet));
    // Opus state converges within a few frames; compare the level of the second half-second.
    const measured = 20 * Math.log10(rms(after.slice(25)) / rms(expected.slice(25)));
    expect(Math.abs(measured)).toBeLessThan(1);
    expect(rejected).toBeGreaterThan(0);
  });

  it('GIVEN a lost packet in a steady tone THEN conceal() continues it for 20 ms and decoding resumes', () => {
    const sine = tone(440, 48_000, 960 * FRAMES, -12);
    const frames = stereoFramesOf(interleave(sine, sine));
    const packets = encodeAlone(codec, frames);
    const decoder = codec.createDecoder();
    expect(decoder.conceal()).toEqual(new Int16Array(DISCORD_FRAME_SAMPLES));
    for (let f = 0; f < 20; f++) decoder.decode(packets[f]!);
    const concealed = decoder.conceal();
    expect(concealed.length).toBe(DISCORD_FRAME_SAMPLES);
    const left = concealed.filter((_, i) => i % 2 === 0);
    // Measured ≈ -12 dBFS: the lost frame is filled with the tone, not silence or noise.
    expect(toneDbfs(left, 440, 48_000)).toBeGreaterThan(-18);
    for (let f = 21; f < FRAMES; f++) {
      const pcm = decoder.decode(packets[f]!);
      if (f === FRAMES - 1)
        expect(
          toneDbfs(
            pcm.filter((_, i) => i % 2 === 0),
            440,
            48_000,
          ),
        ).toBeCloseTo(-12, 0);
    }
  });

  it('GIVEN a 1 kHz tone THEN encode then decode keeps its level within 1 dB', () => {
    const sine = tone(1000, 48_000, 960 * FRAMES, -12);
    const pcm = decodeAlone(codec, encodeAlone(codec, stereoFramesOf(interleave(sine, sine))));
    const last = pcm[FRAMES - 1]!.filter((_, i) => i % 2 === 0);
    expect(Math.abs(toneDbfs(last, 1000, 48_000) + 12)).toBeLessThan(1);
  });

  it('GIVEN 24 kHz mono input THEN packets are mono-coded, and 48 kHz stereo frames are refused', () => {
    const encoder = codec.createEncoder({ input: GEMINI_OUTPUT_PCM });
    expect(encoder.input).toEqual(GEMINI_OUTPUT_PCM);
    const sine = tone(600, 24_000, 480 * FRAMES, -12);
    const packets = Array.from({ length: FRAMES }, (_, f) =>
      encoder.encode(sine.subarray(f * 480, (f + 1) * 480)),
    );
    expect(() => encoder.encode(new Int16Array(DISCORD_FRAME_SAMPLES))).toThrow(
      expect.objectContaining({ code: 'OPUS_BAD_FRAME', message: expect.stringContaining('needs 480') }),
    );
    encoder.destroy();
    // TOC byte bit 2 is the stereo flag (RFC 6716 §3.1).
    expect(packets.every((p) => ((p[0]! >> 2) & 1) === 0)).toBe(true);
    const last = decodeAlone(codec, packets)[FRAMES - 1]!;
    const left = last.filter((_, i) => i % 2 === 0);
    expect(last.filter((_, i) => i % 2 === 1)).toEqual(left);
    expect(Math.abs(toneDbfs(left, 600, 48_000) + 12)).toBeLessThan(1);
  });

  it.each([64_000, 128_000])(
    'GIVEN %i b/s THEN speech packets average that bitrate within 25 %%',
    (bitrateBps) => {
      const encoder = codec.createEncoder({ bitrateBps });
      expect(encoder.bitrateBps).toBe(bitrateBps);
      const packets = stereoFrames(5).map((frame) => encoder.encode(frame));
      encoder.destroy();
      const bytes = packets.slice(5).reduce((sum, p) => sum + p.length, 0) / (packets.length - 5);
      const measuredBps = (bytes * 8) / 0.02;
      expect(measuredBps).toBeGreaterThan(bitrateBps * 0.75);
      expect(measuredBps).toBeLessThan(bitrateBps * 1.25);
    },
  );

  it('GIVEN bad encoder input or use after destroy THEN coded errors are thrown', () => {
    expect(() => codec.createEncoder({ bitrateBps: 32_000 })).toThrow(
      expect.objectContaining({ code: 'OPUS_BAD_BITRATE' }),
    );
    const encoder = codec.createEncoder();
    expect(() => encoder.encode(new Int16Array(960))).toThrow(
      expect.objectContaining({ code: 'OPUS_BAD_FRAME' }),
    );
    encoder.destroy();
    expect(() => encoder.encode(new Int16Array(DISCORD_FRAME_SAMPLES))).toThrow(
      expect.objectContaining({ code: 'OPUS_DESTROYED' }),
    );
    const decoder = codec.createDecoder();
    decoder.destroy();
    expect(() => decoder.conceal()).toThrow(expect.objectContaining({ code: 'OPUS_DESTROYED' }));
  });
});

function stereoFramesOf(stereo: Int16Array): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let at = 0; at < stereo.length; at += DISCORD_FRAME_SAMPLES)
    frames.push(stereo.slice(at, at + DISCORD_FRAME_SAMPLES));
  return frames;
}
