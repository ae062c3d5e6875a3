// Shared openings for the DAVE e2e tests: a call of humans with an established group, and the bot joining it.
import { goertzelAmplitude, type PcmClip, rms, toDbfs } from '../fakes/audio-analysis.ts';
import type { DaveCall } from '../fakes/fake-discord/dave/call.ts';
import type { FakeHuman } from '../fakes/fake-discord/index.ts';
import type { FakeLiveConnection } from '../fakes/fake-gemini/index.ts';
import { type BotWorld, startWorld, type WorldOptions } from './harness.ts';

export const mono16k = (samples: Int16Array): PcmClip => ({ samples, sampleRate: 16_000, channels: 1 });

export interface DaveCallWorld {
  w: BotWorld;
  call: DaveCall;
  humans: FakeHuman[];
  botId: string;
}

/** Starts the world with `names` in the first voice channel, sharing an established DAVE group. */
export async function callOf(names: string[], options: WorldOptions = {}): Promise<DaveCallWorld> {
  const w = await startWorld(options);
  const vc = w.guild.voice();
  const humans: FakeHuman[] = [];
  for (const name of names) {
    const human = w.discord.human(name);
    await human.joinVoice(vc);
    humans.push(human);
  }
  const call = w.discord.dave.call(vc.id);
  if (!call) throw new Error('DAVE is on by default');
  // One person alone has only a pending local group; two or more share an established one.
  if (humans.length > 1) await call.waitForGroup(humans.map((h) => h.id));
  return { w, call, humans, botId: w.discord.world.bot.id };
}

/** `by` runs /join; resolves with the Live connection and the join notice once the bot is in the group. */
export async function botJoins(
  c: DaveCallWorld,
  by: FakeHuman,
): Promise<{ conn: FakeLiveConnection; notice: string }> {
  const reply = await by.slash('join');
  const conn = await c.w.gemini.nextSession(10_000);
  const notice = await reply.text(10_000);
  await c.call.waitForGroup([...c.humans.map((h) => h.id), c.botId], 10_000);
  return { conn, notice };
}

export const WINDOW_MS = 40;

export interface Window {
  levelDbfs: number;
  /** Level of the tone's component (a full-scale sine reads 0). */
  toneDbfs: number;
  /** Level of everything else: the power left once the tone's (amplitude A carries A²/2) is taken out. */
  residualDbfs: number;
}

/** Consecutive 40 ms windows of the clip, each split into the tone at `hz` and the rest. */
export function noiseWindows(clip: PcmClip, hz: number): Window[] {
  const out: Window[] = [];
  const totalMs = (clip.samples.length / clip.channels / clip.sampleRate) * 1000;
  for (let t = 0; t + WINDOW_MS <= totalMs; t += WINDOW_MS) {
    const region = { startMs: t, endMs: t + WINDOW_MS };
    const all = rms(clip, region);
    const tone = goertzelAmplitude(clip, hz, region);
    out.push({
      levelDbfs: toDbfs(all),
      toneDbfs: toDbfs(tone),
      residualDbfs: toDbfs(Math.sqrt(Math.max(all ** 2 - tone ** 2 / 2, 1e-20))),
    });
  }
  return out;
}
