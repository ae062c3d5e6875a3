// Measures the packet gaps Discord clients leave inside spoken sentences (espeak-ng speech through
// the client-VAD emulation) to choose the Discord turn-taking hold. Needs espeak-ng and sox:
// `apt-get install -y espeak-ng sox`. `--write` refreshes test/fixtures/espeak-sentences.json,
// which tests and the bench read (so they need neither tool).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gateFrames, packetGapsMs } from '../test/fakes/fake-discord/client-vad.ts';

const FIXTURE = join(import.meta.dirname, '..', 'test', 'fixtures', 'espeak-sentences.json');
const RATE_HZ = 16_000;
const FRAME_SAMPLES = 320;

/** Sentences with the comma pauses people make while still holding their turn. */
const SENTENCES = [
  'Well, I think so, but let me check the calendar first, okay?',
  'So, the thing is, we could go on Friday, or maybe Saturday.',
  'Hmm, wait, what was the name of that restaurant, the Italian one?',
  'First, preheat the oven, then, while it heats, mix the flour and the sugar.',
  'Honestly, I do not know, but, if you ask me, it sounds right.',
  'Okay, so, can you remind me in ten minutes, please?',
  'The train leaves at six, no, sorry, at seven, from platform two.',
  'Yes, and also, could you tell me the time in Tokyo?',
  'I mean, it is fine, really, but next time, call me first.',
  'Right, so, what is twelve times seven, and then, plus three?',
];

export interface SentenceFrames {
  text: string;
  /** RMS level of each 20 ms frame at 16 kHz, dBFS rounded to whole dB (-120 for digital silence). */
  frameDbfs: number[];
}

function speak(text: string, wpm: number): SentenceFrames {
  const wav = execFileSync('espeak-ng', ['-v', 'en-us', '-s', String(wpm), '--stdout', text]);
  const raw = execFileSync(
    'sox',
    ['-t', 'wav', '-', '-r', String(RATE_HZ), '-c', '1', '-b', '16', '-e', 'signed', '-t', 'raw', '-'],
    {
      input: wav,
    },
  );
  const samples = new Int16Array(raw.buffer, raw.byteOffset, Math.floor(raw.length / 2));
  const frameDbfs: number[] = [];
  for (let start = 0; start + FRAME_SAMPLES <= samples.length; start += FRAME_SAMPLES) {
    let sum = 0;
    for (let i = start; i < start + FRAME_SAMPLES; i++) sum += (samples[i] ?? 0) ** 2;
    const rms = Math.sqrt(sum / FRAME_SAMPLES) / 32768;
    frameDbfs.push(rms > 0 ? Math.max(-120, Math.round(20 * Math.log10(rms))) : -120);
  }
  return { text, frameDbfs };
}

const sentences = process.argv.includes('--write')
  ? [150, 175].flatMap((wpm) => SENTENCES.map((text) => speak(text, wpm)))
  : (JSON.parse(readFileSync(FIXTURE, 'utf8')) as SentenceFrames[]);
if (process.argv.includes('--write')) writeFileSync(FIXTURE, `${JSON.stringify(sentences)}\n`);

console.log(`${sentences.length} sentences (espeak-ng en-us at 150 and 175 words/min)`);
console.log('client gate: threshold dBFS, hangover ms → packet gaps inside sentences (ms): median, p90, max');
for (const thresholdDbfs of [-50, -40]) {
  for (const hangoverMs of [0, 100, 200, 300]) {
    const gaps = sentences.flatMap((s) =>
      packetGapsMs(gateFrames(s.frameDbfs, { thresholdDbfs, hangoverMs })),
    );
    gaps.sort((a, b) => a - b);
    const at = (q: number) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] ?? 0;
    console.log(
      `  ${String(thresholdDbfs).padStart(4)} dBFS, ${String(hangoverMs).padStart(3)} ms: ${String(gaps.length).padStart(3)} gaps, median ${at(0.5)}, p90 ${at(0.9)}, max ${gaps.at(-1) ?? 0}`,
    );
  }
}
