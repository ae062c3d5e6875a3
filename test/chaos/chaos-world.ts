// The chaos suite's world: the real bot against the fakes, watching for faults nothing may leak.
import { expect } from 'vitest';
import { type BotWorld, joinAndListen, startWorld, type WorldOptions } from '../e2e/harness.ts';
import { levelAtDbfs } from '../fakes/audio-analysis.ts';
import type { GatewaySession } from '../fakes/fake-discord/gateway.ts';
import type { FakeHuman } from '../fakes/fake-discord/index.ts';
import type { FakeLiveConnection } from '../fakes/fake-gemini/live-connection.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import { perTest } from '../helpers/per-test.ts';

export interface ChaosWorld {
  w: BotWorld;
  alice: FakeHuman;
  /** The Live connection the bot is on now (tests replace it after a reconnect). */
  conn: FakeLiveConnection;
  /** Uncaught exceptions and unhandled rejections in this process since the world started. */
  readonly uncaught: unknown[];
  readonly unhandled: unknown[];
  stop(): Promise<void>;
}

/** One chaos world per test, stopped after it: call at the top of a file, `await chaos.start()` in a test. */
export function useChaosWorld(): { start(options?: WorldOptions): Promise<ChaosWorld> } {
  return perTest((options?: WorldOptions) => chaosWorld(options));
}

/** Starts a world, puts alice in voice with the bot listening, and starts watching for process faults. */
export async function chaosWorld(options: WorldOptions = {}): Promise<ChaosWorld> {
  const uncaught: unknown[] = [];
  const unhandled: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('uncaughtExceptionMonitor', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  const w = await startWorld(options);
  const { alice, conn } = await joinAndListen(w);
  return {
    w,
    alice,
    conn,
    uncaught,
    unhandled,
    async stop() {
      await w.stop();
      process.off('uncaughtExceptionMonitor', onUncaught);
      process.off('unhandledRejection', onUnhandled);
    },
  };
}

const mono16k = (samples: Int16Array) => ({ samples, sampleRate: 16_000, channels: 1 });

/**
 * The conversation works end to end: `human`'s tone reaches Gemini on `conn`, and Gemini's answer
 * (a 600 Hz tone) reaches the voice channel.
 */
export async function conversationWorks(c: ChaosWorld, freqHz = 440): Promise<void> {
  const { w, alice, conn } = c;
  const heardBefore = conn.audioSamples;
  const endsBefore = conn.inputEnds;
  await alice.say(tone(freqHz, 800));
  await conn.waitForInputEnd(endsBefore + 1, 10_000);
  const heard = mono16k(conn.audio.subarray(heardBefore));
  expect(levelAtDbfs(heard, freqHz, { startMs: 200, endMs: 700 })).toBeGreaterThan(-20);

  const capture = w.discord.botAudioIn(w.guild);
  capture.clear();
  await conn.sendAudio(geminiAnswer(600, 800), { chunkMs: 40 });
  conn.turnComplete();
  await capture.until((cap) => cap.audioMs() >= 700, 10_000);
  expect(levelAtDbfs(capture.pcm(), 600)).toBeGreaterThan(-30);
}

/** Runs `fault` while alice is 300 ms into a 1.2 s sentence (really mid-speech); resolves after it. */
export async function duringSpeech(c: ChaosWorld, fault: () => unknown): Promise<void> {
  const speaking = c.alice.say(tone(440, 1_200));
  await c.conn.waitForAudio(300, 5_000);
  await fault();
  await speaking;
}

/** The fake gateway's session that owns the world's guild. */
export function gatewaySession(c: ChaosWorld): GatewaySession {
  const session = c.w.discord.gateway.sessionFor(c.w.guild.id);
  if (!session) throw new Error('no gateway session owns the guild');
  return session;
}

/** The next Live connection after the current one closed (a reconnect), made current. */
export async function nextConnection(c: ChaosWorld, timeoutMs = 15_000): Promise<FakeLiveConnection> {
  c.conn = await c.w.gemini.nextSession(timeoutMs);
  return c.conn;
}

/**
 * Zero uncaught exceptions, zero unhandled rejections, and no error-level log line except one per
 * `expected` pattern (the line the injected fault deserves).
 */
export function assertClean(c: ChaosWorld, expected: readonly RegExp[] = []): void {
  expect(c.uncaught).toEqual([]);
  expect(c.unhandled).toEqual([]);
  const errors = c.w.logLines
    .map((line) => JSON.parse(line) as { level: number; msg?: string })
    .filter((line) => line.level >= 50)
    .map((line) => line.msg ?? '');
  for (const pattern of expected)
    expect(
      errors.filter((msg) => pattern.test(msg)),
      String(pattern),
    ).toHaveLength(1);
  expect(errors.filter((msg) => !expected.some((pattern) => pattern.test(msg)))).toEqual([]);
  c.w.discord.assertNoFailures();
}
