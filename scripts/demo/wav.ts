// A minimal PCM16 WAV writer and reader (RIFF, format 1), so anyone can listen to the demo's audio.
import { readFile, writeFile } from 'node:fs/promises';

/** Interleaved signed 16-bit PCM with its format (the shape the fakes' audio helpers use). */
export interface WavClip {
  samples: Int16Array;
  sampleRate: number;
  channels: number;
}

const HEADER_BYTES = 44;

/** The clip as a complete WAV file (little-endian PCM16). */
export function encodeWav(clip: WavClip): Buffer {
  const dataBytes = clip.samples.length * 2;
  const out = Buffer.alloc(HEADER_BYTES + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(clip.channels, 22);
  out.writeUInt32LE(clip.sampleRate, 24);
  out.writeUInt32LE(clip.sampleRate * clip.channels * 2, 28);
  out.writeUInt16LE(clip.channels * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < clip.samples.length; i++) out.writeInt16LE(clip.samples[i] ?? 0, HEADER_BYTES + i * 2);
  return out;
}

export async function writeWav(path: string, clip: WavClip): Promise<void> {
  await writeFile(path, encodeWav(clip));
}

/**
 * Parses a PCM16 WAV, walking the chunk list (espeak-ng and sox may add chunks before `data`, and
 * espeak-ng writing to a file leaves the size fields at 0x7fffffff: the data then runs to the end).
 */
export function decodeWav(bytes: Buffer): WavClip {
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let offset = 12;
  let format: { channels: number; sampleRate: number; bits: number; tag: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        tag: bytes.readUInt16LE(body),
        channels: bytes.readUInt16LE(body + 2),
        sampleRate: bytes.readUInt32LE(body + 4),
        bits: bytes.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (format?.tag !== 1 || format.bits !== 16) throw new Error('only PCM16 WAV is supported');
      const end = Math.min(bytes.length, body + size);
      const count = Math.floor((end - body) / 2);
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = bytes.readInt16LE(body + i * 2);
      return { samples, sampleRate: format.sampleRate, channels: format.channels };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file has no data chunk');
}

export async function readWav(path: string): Promise<WavClip> {
  return decodeWav(await readFile(path));
}
