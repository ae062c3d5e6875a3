// Bench of the audio path per 20 ms frame: Opus, mixer, base64, full uplink/downlink, guilds per core.
import { Encoder } from '@evan/opus';
import { Rechunker } from '../../src/audio/chunker.ts';
import { Mixer } from '../../src/audio/mixer.ts';
import {
  DISCORD_FRAME_SAMPLES,
  GEMINI_INPUT_FRAME_SAMPLES,
  GEMINI_OUTPUT_FRAME_SAMPLES,
} from '../../src/audio/pcm.ts';
import { createOpusCodec } from '../../src/codec/create-opus-codec.ts';
import { GEMINI_INPUT_PCM, GEMINI_OUTPUT_PCM, type OpusCodec } from '../../src/codec/opus-codec.ts';
import { interleave, speechLike } from '../helpers/signal-tools.ts';
import {
  type BenchSuite,
  consume,
  FRAME_US,
  formatTable,
  garbageCollector,
  type Measurement,
  measure,
} from './measure.ts';
import { createFixedOpusscriptCodec } from './opusscript-fixed.ts';

/** 5 s of distinct material per speaker, cycled. */
const CLIP_FRAMES = 250;
const SPEAKERS = 3;
/** What a fast-turn-taking guild sends (UPLINK_CHUNK_MS=auto): 100 ms chunks, 1600 samples at 16 kHz. */
const GEMINI_CHUNK_SAMPLES = 1_600;

function frames(stereoOrMono: Int16Array, size: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let at = 0; at + size <= stereoOrMono.length; at += size) out.push(stereoOrMono.slice(at, at + size));
  return out;
}

function speakerFrames(seed: number): Int16Array[] {
  const samples = 960 * CLIP_FRAMES;
  return frames(
    interleave(speechLike(48_000, samples, seed), speechLike(48_000, samples, seed + 50)),
    DISCORD_FRAME_SAMPLES,
  );
}

/**
 * Packets the way a Discord client may send them: libopus `voip`. On this signal 64 kb/s gives CELT-only
 * packets and 32 kb/s hybrid SILK+CELT ones, which cost more to decode; capacity is planned on hybrid.
 */
function clientPackets(pcm: Int16Array[], bitrateBps: 32_000 | 64_000): Uint8Array[] {
  const encoder = new Encoder({ channels: 2, sample_rate: 48_000, application: 'voip' });
  encoder.bitrate = bitrateBps;
  return pcm.map((frame) => encoder.encode(frame));
}

function audioPackets(codec: OpusCodec, pcm: Int16Array[]): Uint8Array[] {
  const encoder = codec.createEncoder();
  const packets = pcm.map((frame) => encoder.encode(frame));
  encoder.destroy();
  return packets;
}

interface Guild {
  uplink(frame: number): void;
  downlink(frame: number): void;
}

/** One guild: 3 speakers decoded to 16 kHz mono, mixed, chunked and base64'd; 1 reply encoded from 24 kHz mono. */
function buildGuild(codec: OpusCodec, speakerPackets: Uint8Array[][], reply24k: Int16Array[]): Guild {
  const decoders = speakerPackets.map(() => codec.createDecoder(GEMINI_INPUT_PCM));
  const mixer = new Mixer();
  const mixed = new Int16Array(mixer.frameSamples);
  const rechunker = new Rechunker(GEMINI_CHUNK_SAMPLES);
  // As the bot's ReplyEncoder does: Gemini's 24 kHz mono goes to libopus as it is.
  const encoder = codec.createEncoder({ input: GEMINI_OUTPUT_PCM });
  const mono: Int16Array[] = [];
  return {
    uplink(frame) {
      for (let s = 0; s < decoders.length; s++) {
        mono[s] = decoders[s]!.decode(speakerPackets[s]![frame % CLIP_FRAMES]!);
      }
      mixer.mix(mono, undefined, mixed);
      for (const chunk of rechunker.push(mixed)) {
        consume(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64'));
      }
    },
    downlink(frame) {
      consume(encoder.encode(reply24k[frame % CLIP_FRAMES]!));
    },
  };
}

function perSpeaker(m: Measurement, label: string): Measurement {
  return { label, us: m.us / SPEAKERS, min: m.min / SPEAKERS, max: m.max / SPEAKERS };
}

function heapGrowth(guild: Guild): string {
  const gc = garbageCollector();
  const simulatedFrames = (60 * 1_000) / 20;
  let frame = 0;
  const run = () => {
    for (let i = 0; i < simulatedFrames; i++, frame++) {
      guild.uplink(frame);
      guild.downlink(frame);
    }
  };
  run();
  // Twice: array buffers of collected typed arrays are released on the collection after.
  gc();
  gc();
  const before = process.memoryUsage();
  const lines: string[] = [];
  for (let minute = 1; minute <= 3; minute++) {
    run();
    gc();
    gc();
    const now = process.memoryUsage();
    const kb = (a: number, b: number) => `${((a - b) / 1024).toFixed(0)} KB`;
    lines.push(
      `after ${minute * 60} s more: heapUsed ${kb(now.heapUsed, before.heapUsed)}, arrayBuffers ${kb(now.arrayBuffers, before.arrayBuffers)}, rss ${kb(now.rss, before.rss)}`,
    );
  }
  return lines.join('\n');
}

function benchCodec(codec: OpusCodec, speakers: Int16Array[][], reply24k: Int16Array[]): Measurement[] {
  const celtPackets = clientPackets(speakers[0]!, 64_000);
  const hybridPackets = clientPackets(speakers[0]!, 32_000);
  const audioMode = audioPackets(codec, speakers[0]!);
  const stereoReply = frames(
    interleave(speechLike(48_000, 960 * CLIP_FRAMES, 77), speechLike(48_000, 960 * CLIP_FRAMES, 77)),
    DISCORD_FRAME_SAMPLES,
  );

  const decoder = codec.createDecoder(GEMINI_INPUT_PCM);
  const decodeCelt = measure(`[${codec.name}] decode to 16k mono, client voip 64 kb/s (CELT) packets`, (f) =>
    consume(decoder.decode(celtPackets[f % CLIP_FRAMES]!)),
  );
  const decoderHybrid = codec.createDecoder(GEMINI_INPUT_PCM);
  const decodeHybrid = measure(
    `[${codec.name}] decode to 16k mono, client voip 32 kb/s (hybrid) packets`,
    (f) => consume(decoderHybrid.decode(hybridPackets[f % CLIP_FRAMES]!)),
  );
  // What the fakes' humans do, and what the bot did before it decoded straight to 16 kHz mono.
  const decoder48 = codec.createDecoder();
  const decode48 = measure(`[${codec.name}] decode to 48k stereo, client voip 64 kb/s (CELT) packets`, (f) =>
    consume(decoder48.decode(celtPackets[f % CLIP_FRAMES]!)),
  );
  const decoderAudio = codec.createDecoder();
  const decodeAudio = measure(`[${codec.name}] decode, audio-mode 64 kb/s packets`, (f) =>
    consume(decoderAudio.decode(audioMode[f % CLIP_FRAMES]!)),
  );
  const encoder = codec.createEncoder();
  const encode = measure(`[${codec.name}] encode 48k stereo, audio 64 kb/s`, (f) =>
    consume(encoder.encode(stereoReply[f % CLIP_FRAMES]!)),
  );
  const geminiEncoder = codec.createEncoder({ input: GEMINI_OUTPUT_PCM });
  const encodeGemini = measure(`[${codec.name}] encode 24k mono as it is (Gemini's voice), 64 kb/s`, (f) =>
    consume(geminiEncoder.encode(reply24k[f % CLIP_FRAMES]!)),
  );
  const celtGuild = buildGuild(
    codec,
    speakers.map((pcm) => clientPackets(pcm, 64_000)),
    reply24k,
  );
  const uplinkCelt = perSpeaker(
    measure('uplink', (f) => celtGuild.uplink(f)),
    `[${codec.name}] UPLINK per speaker, CELT packets (decode+mix/3+base64)`,
  );
  const guild = buildGuild(
    codec,
    speakers.map((pcm) => clientPackets(pcm, 32_000)),
    reply24k,
  );
  const uplink = perSpeaker(
    measure('uplink', (f) => guild.uplink(f)),
    `[${codec.name}] UPLINK per speaker, hybrid packets (decode+mix/3+base64)`,
  );
  const downlink = measure(`[${codec.name}] DOWNLINK per reply (encode)`, (f) => guild.downlink(f));
  const wholeGuild = measure(`[${codec.name}] GUILD (3 hybrid speakers + 1 reply)`, (f) => {
    guild.uplink(f);
    guild.downlink(f);
  });
  for (const d of [decoder, decoderHybrid, decoder48, decoderAudio]) d.destroy();
  encoder.destroy();
  geminiEncoder.destroy();
  return [
    decodeCelt,
    decodeHybrid,
    decode48,
    decodeAudio,
    encode,
    encodeGemini,
    uplinkCelt,
    uplink,
    downlink,
    wholeGuild,
  ];
}

export const audioPathBench: BenchSuite = {
  name: 'audio path (CPU time per 20 ms frame, one core, median of 7 runs after warm-up)',
  run() {
    const speakers = Array.from({ length: SPEAKERS }, (_, s) => speakerFrames(s + 1));
    const reply24k = frames(
      speechLike(24_000, GEMINI_OUTPUT_FRAME_SAMPLES * CLIP_FRAMES, 77),
      GEMINI_OUTPUT_FRAME_SAMPLES,
    );

    const monoFrames = speakers.map((_, s) =>
      frames(speechLike(16_000, GEMINI_INPUT_FRAME_SAMPLES * CLIP_FRAMES, s + 1), GEMINI_INPUT_FRAME_SAMPLES),
    );
    const mixer = new Mixer();
    const mixed = new Int16Array(mixer.frameSamples);
    const mixInputs: Int16Array[] = [];
    const mix = measure('mix 3 speakers at 16k (whole mix)', (f) => {
      for (let s = 0; s < SPEAKERS; s++) mixInputs[s] = monoFrames[s]![f % CLIP_FRAMES]!;
      consume(mixer.mix(mixInputs, undefined, mixed));
    });
    const base64 = measure('base64 of one 20 ms 16k chunk', (f) => {
      const chunk = monoFrames[0]![f % CLIP_FRAMES]!;
      consume(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64'));
    });

    const shipped = createOpusCodec();
    const rows = [mix, base64, ...benchCodec(shipped, speakers, reply24k)];
    rows.push(...benchCodec(createFixedOpusscriptCodec(), speakers, reply24k));
    console.log(formatTable(rows));

    const guildRow = rows.find((r) => r.label === `[${shipped.name}] GUILD (3 hybrid speakers + 1 reply)`)!;
    console.log(
      `\nguilds per core with ${shipped.name} (3 hybrid speakers + 1 reply): ${(FRAME_US / guildRow.us).toFixed(0)} ` +
        `(${((guildRow.us / FRAME_US) * 100).toFixed(2)} % of a core per guild)`,
    );
    console.log(
      '\nheap over simulated audio (one guild, after a 60 s warm-up, full GC before each reading):',
    );
    const guild = buildGuild(
      shipped,
      speakers.map((pcm) => clientPackets(pcm, 32_000)),
      reply24k,
    );
    console.log(heapGrowth(guild));
  },
};
