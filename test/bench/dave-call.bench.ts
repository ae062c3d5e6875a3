// `npm run bench:dave`: the bot in a DAVE call — /join → first decrypted speech at Gemini, speech lost per membership change, decrypt failures in a clean call.
import { performance } from 'node:perf_hooks';
import { botJoins, callOf, type DaveCallWorld } from '../e2e/dave-world.ts';
import type { FakeHuman } from '../fakes/fake-discord/index.ts';
import type { FakeLiveConnection } from '../fakes/fake-gemini/index.ts';
import { tone } from '../fakes/tones.ts';

const JOINS = Number(process.env.DAVE_JOINS ?? 5);
const CHANGES = Number(process.env.DAVE_CHANGES ?? 10);
const CLEAN_CALL_S = Number(process.env.DAVE_CLEAN_S ?? 60);
/** Gemini gets 16 kHz mono; a 10 ms frame at or below this level counts as lost speech. */
const SILENT_DBFS = -50;
const SAMPLE_RATE = 16_000;
const TEN_MS = 160;

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]?.toFixed(0)} ms, worst ${s.at(-1)?.toFixed(0)} ms (n = ${s.length})`;
};

/** performance.now() of the first chunk Gemini got that carries sound. */
function firstSoundAt(conn: FakeLiveConnection): number | null {
  for (const chunk of conn.audioChunks)
    if (chunk.samples.some((v) => Math.abs(v) > 300)) return chunk.receivedAtMs;
  return null;
}

/** 10 ms frames of silence Gemini got between `fromMs` and `toMs` (arrival time), in ms. */
function silentMsBetween(conn: FakeLiveConnection, fromMs: number, toMs: number): number {
  const threshold = 32_768 * 10 ** (SILENT_DBFS / 20);
  let silent = 0;
  for (const chunk of conn.audioChunks) {
    if (chunk.receivedAtMs < fromMs || chunk.receivedAtMs > toMs) continue;
    for (let at = 0; at + TEN_MS <= chunk.samples.length; at += TEN_MS) {
      let power = 0;
      for (let i = at; i < at + TEN_MS; i++) power += (chunk.samples[i] ?? 0) ** 2;
      if (Math.sqrt(power / TEN_MS) <= threshold) silent += (TEN_MS / SAMPLE_RATE) * 1000;
    }
  }
  return silent;
}

async function withCall<T>(names: string[], body: (c: DaveCallWorld) => Promise<T>): Promise<T> {
  const c = await callOf(names);
  try {
    return await body(c);
  } finally {
    await c.w.stop();
  }
}

/** alice talks; bob runs /join; time until Gemini first hears her, decrypted. */
async function joinToFirstSpeech(): Promise<number> {
  return withCall(['alice', 'bob'], async (c) => {
    const [alice, bob] = c.humans as [FakeHuman, FakeHuman];
    const talking = alice.say(tone(440, 3000));
    const at = performance.now();
    const { conn } = await botJoins(c, bob);
    await talking;
    const heard = firstSoundAt(conn);
    if (heard === null) throw new Error('Gemini never heard alice');
    return heard - at;
  });
}

/** alice talks throughout while people join and leave one at a time; speech lost around each change. */
async function lostPerChange(): Promise<{ joins: number[]; leaves: number[] }> {
  return withCall(['alice', 'bob'], async (c) => {
    const [alice, bob] = c.humans as [FakeHuman, FakeHuman];
    const { conn } = await botJoins(c, bob);
    const changes: Array<{ kind: 'join' | 'leave'; atMs: number }> = [];
    const talking = alice.say(tone(440, CHANGES * 2 * 700 + 1500));
    await conn.waitForAudio(500, 5000);
    const members = [alice.id, bob.id, c.botId];
    for (let i = 0; i < CHANGES; i++) {
      const guest = c.w.discord.human(`guest${i}`);
      await guest.joinVoice(c.w.guild.voice());
      await c.call.waitForGroup([...members, guest.id]);
      changes.push({ kind: 'join', atMs: c.call.executed.at(-1)?.atMs ?? 0 });
      await new Promise((r) => setTimeout(r, 300));
      await guest.leaveVoice();
      await c.call.waitForGroup(members);
      changes.push({ kind: 'leave', atMs: c.call.executed.at(-1)?.atMs ?? 0 });
      await new Promise((r) => setTimeout(r, 300));
    }
    await talking;
    const lost = changes.map((ch) => ({ ...ch, ms: silentMsBetween(conn, ch.atMs - 300, ch.atMs + 300) }));
    return {
      joins: lost.filter((l) => l.kind === 'join').map((l) => l.ms),
      leaves: lost.filter((l) => l.kind === 'leave').map((l) => l.ms),
    };
  });
}

/** A clean call: alice talks for CLEAN_CALL_S; the bot's undecryptable packets per 1,000 she sent. */
async function cleanCallFailures(): Promise<{ sent: number; failures: number }> {
  return withCall(['alice', 'bob'], async (c) => {
    const [alice, bob] = c.humans as [FakeHuman, FakeHuman];
    await botJoins(c, bob);
    const said = await alice.say(tone(440, CLEAN_CALL_S * 1000));
    const status = await (await alice.slash('status')).text(10_000);
    const failures = Number(/; (\d+) voice packets could not be decrypted/.exec(status)?.[1] ?? Number.NaN);
    return { sent: said.delivered, failures };
  });
}

const joins: number[] = [];
for (let i = 0; i < JOINS; i++) joins.push(await joinToFirstSpeech());
console.log(`/join → first decrypted speech at Gemini (alice already talking): ${stat(joins)}`);
const lost = await lostPerChange();
console.log(`speech lost per join  (±300 ms around op 22): ${stat(lost.joins)}`);
console.log(`speech lost per leave (±300 ms around op 22): ${stat(lost.leaves)}`);
const clean = await cleanCallFailures();
console.log(
  `clean ${CLEAN_CALL_S} s call: ${clean.failures} undecryptable of ${clean.sent} packets = ${((1000 * clean.failures) / clean.sent).toFixed(2)} per 1,000`,
);
