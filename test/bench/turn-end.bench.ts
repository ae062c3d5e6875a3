// When does a turn end? Last human voice packet → the fake Gemini's turn end → the first answer
// packet at the listener, in both turn-taking modes, through the real bot, 20 runs each.
import type { TurnTaking } from '../../src/store/index.ts';
import { startWorld } from '../e2e/harness.ts';
import { lastVoicePacketAt } from '../fakes/fake-discord/speaker.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import type { BenchSuite } from './measure.ts';

const RUNS = 20;
const AUDIBLE = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stats(values: number[]): { median: number; worst: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, worst: sorted.at(-1) ?? Number.NaN };
}

interface ModeResult {
  /** From the last packet of any kind (the client's last silence frame): what the hold counts from. */
  sinceLastPacket: number[];
  turnEnded: number[];
  firstAnswer: number[];
}

/** One guild in `mode`: alice says 600 ms, stops; the fake answers the moment it ends her turn. */
async function measure(mode: TurnTaking): Promise<ModeResult> {
  const world = await startWorld({ env: { LOG_LEVEL: 'warn' } });
  try {
    world.bot.services.store.settings.update(world.guild.id, { turnTaking: mode });
    const alice = world.discord.human('alice');
    await alice.joinVoice(world.guild.voice());
    await (await alice.slash('join')).text(10_000);
    const conn = await world.gemini.nextSession(10_000);
    const capture = world.discord.botAudioIn(world.guild);
    const result: ModeResult = { sinceLastPacket: [], turnEnded: [], firstAnswer: [] };
    for (let i = 0; i < RUNS; i++) {
      const said = await alice.say(tone(440, 600));
      const ended = await conn.waitFor(() => conn.turnEnds[i], `turn ${i + 1} to end`, 10_000);
      const before = capture.packets.length;
      void conn.sendAudio(geminiAnswer(600, 200), { chunkMs: 40 });
      conn.turnComplete();
      await capture.until(
        (c) => c.packets.slice(before).some((p) => p.pcm.some((v) => Math.abs(v) > AUDIBLE)),
        5_000,
      );
      const heard = capture.packets.slice(before).find((p) => p.pcm.some((v) => Math.abs(v) > AUDIBLE));
      const speechEnd = lastVoicePacketAt(said);
      result.turnEnded.push(ended.atMs - speechEnd);
      result.sinceLastPacket.push(ended.atMs - (said.lastPacketAtMs ?? Number.NaN));
      if (heard) result.firstAnswer.push(heard.arrivalMs - speechEnd);
      // Let the answer play out and the server-VAD tail finish before the next sentence.
      await sleep(1_500);
    }
    return result;
  } finally {
    await world.stop();
  }
}

async function run(): Promise<void> {
  const discord = await measure('discord');
  const gemini = await measure('gemini');
  console.log(
    `${RUNS} runs per mode; a 600 ms tone, then the client's five silence frames; defaults: Discord hold 300 ms, ` +
      'server VAD silenceDurationMs 800 ms with a 1000 ms silence tail. Times from the last voice packet.',
  );
  const line = (label: string, a: number[], b: number[]) => {
    const x = stats(a);
    const y = stats(b);
    return `${label.padEnd(40)} fast (Discord) median ${x.median.toFixed(0).padStart(5)} ms, worst ${x.worst.toFixed(0).padStart(5)} ms | gemini (server VAD) median ${y.median.toFixed(0).padStart(5)} ms, worst ${y.worst.toFixed(0).padStart(5)} ms | saved ${(y.median - x.median).toFixed(0)} ms`;
  };
  console.log(line('→ the fake Gemini ends the turn', discord.turnEnded, gemini.turnEnded));
  console.log(
    line('  (from the last silence frame instead)', discord.sinceLastPacket, gemini.sinceLastPacket),
  );
  console.log(line('→ first answer packet at the listener', discord.firstAnswer, gemini.firstAnswer));
}

export const turnEndBench: BenchSuite = {
  name: 'turn end: Discord boundaries vs server VAD (20 runs each)',
  run,
};
