// Voice latencies through the real bot between the fake Discord and fake Gemini, 20 runs each.
import { startWorld } from '../e2e/harness.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import type { BenchSuite } from './measure.ts';

const RUNS = 20;
const AUDIBLE = 300;

const isSilenceFrame = (opus: Uint8Array) =>
  opus.length === 3 && opus[0] === 0xf8 && opus[1] === 0xff && opus[2] === 0xfe;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function summary(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const worst = sorted.at(-1) ?? Number.NaN;
  const best = sorted[0] ?? Number.NaN;
  return `${label.padEnd(52)} median ${median.toFixed(1).padStart(6)} ms   worst ${worst.toFixed(1).padStart(6)} ms   best ${best.toFixed(1).padStart(6)} ms`;
}

async function run(): Promise<void> {
  const world = await startWorld({ env: { SILENCE_TAIL_MS: '300', LOG_LEVEL: 'warn' } });
  try {
    const alice = world.discord.human('alice');
    await alice.joinVoice(world.guild.voice());
    await (await alice.slash('join')).text(10_000);
    const conn = await world.gemini.nextSession(10_000);
    const capture = world.discord.botAudioIn(world.guild);
    const uplink: number[] = [];
    const downlink: number[] = [];
    const bargeIn: number[] = [];
    const soundEnds: number[] = [];

    for (let i = 0; i < RUNS; i++) {
      // 1. a human's first packet → the first chunk Gemini receives
      const firstChunk = conn.audioChunks.length;
      const said = await alice.say(tone(440, 200));
      await conn.waitForInputEnd(i + 1, 10_000);
      const arrived = conn.audioChunks[firstChunk]?.receivedAtMs;
      if (said.firstPacketAtMs !== null && arrived !== undefined) uplink.push(arrived - said.firstPacketAtMs);

      // 2. Gemini's first answer audio → the bot's first RTP packet
      const before = capture.packets.length;
      const sentAt = performance.now();
      await conn.sendAudio(geminiAnswer(600, 200), { chunkMs: 40 });
      conn.turnComplete();
      await capture.until((c) => c.packets.length > before, 5_000);
      const first = capture.packets[before];
      if (first) downlink.push(first.arrivalMs - sentAt);
      await sleep(400);

      // 3. interrupted → the last audible packet
      const answerStart = capture.packets.length;
      await conn.sendAudio(geminiAnswer(600, 3000), { chunkMs: 100 });
      await capture.until((c) => c.packets.length - answerStart >= 15, 5_000);
      const interruptedAt = performance.now();
      conn.interrupt();
      conn.turnComplete();
      await sleep(300);
      const after = capture.packets.slice(answerStart);
      // A packet of answer audio (not the Opus silence frame F8 FF FE that ends a stream).
      const answerPackets = after.filter(
        (p) => !isSilenceFrame(p.opus) && p.pcm.some((v) => Math.abs(v) > AUDIBLE),
      );
      const lastAnswer = answerPackets.at(-1);
      if (lastAnswer) bargeIn.push(lastAnswer.arrivalMs - interruptedAt);
      // The silence frame after it decodes with the previous frame's overlap tail (a few ms fade).
      const lastSound = after.filter((p) => p.pcm.some((v) => Math.abs(v) > AUDIBLE)).at(-1);
      if (lastSound) {
        const lastSample = lastSound.pcm.findLastIndex((v) => Math.abs(v) > AUDIBLE);
        soundEnds.push(lastSound.arrivalMs + lastSample / 2 / 48 - interruptedAt);
      }
      await sleep(200);
    }
    console.log(
      `${RUNS} runs each, one guild, fake Discord + fake Gemini on 127.0.0.1, default settings (fast turn-taking: the first chunk waits for the 80 ms noise gate and is flushed behind activityStart; 100 ms chunks after it)`,
    );
    console.log(summary("human's first packet → first chunk at Gemini", uplink));
    console.log(summary("Gemini's first audio → bot's first RTP packet", downlink));
    console.log(summary('interrupted → last packet of answer audio', bargeIn));
    console.log(summary('interrupted → end of sound (incl. Opus fade-out)', soundEnds));
  } finally {
    await world.stop();
  }
}

export const voiceLatencyBench: BenchSuite = { name: 'voice latency (end to end, 20 runs)', run };
