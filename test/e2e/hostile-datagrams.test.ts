// Malformed and hostile UDP datagrams at the bot's voice port mid-speech, through the real clients.
import { afterEach, describe, expect, it } from 'vitest';
import { levelAtDbfs } from '../fakes/audio-analysis.ts';
import { tone } from '../fakes/tones.ts';
import { hostileDatagrams } from '../helpers/hostile-datagrams.ts';
import { type BotWorld, joinAndListen, startWorld } from './harness.ts';

let world: BotWorld | null = null;
const uncaught: unknown[] = [];
const recordUncaught = (error: unknown) => uncaught.push(error);
afterEach(async () => {
  process.off('uncaughtExceptionMonitor', recordUncaught);
  await world?.stop();
  world = null;
});

describe('hostile voice datagrams', () => {
  it('GIVEN every 0–40-byte datagram and every RTP header variant mid-speech THEN the bot survives, counts them and still hears alice', async () => {
    uncaught.length = 0;
    process.on('uncaughtExceptionMonitor', recordUncaught);
    world = await startWorld();
    const w = world;
    const { alice, conn } = await joinAndListen(w);
    const speaking = alice.say(tone(440, 2000));
    await conn.waitForAudio(300, 5_000); // really mid-speech
    const { all, rejected } = hostileDatagrams(alice.ssrc);
    for (const { datagram } of all) await w.discord.sendDatagram(w.guild, datagram);
    await speaking;
    await conn.waitForInputEnd(1, 10_000);

    // The 440 Hz tone after the burst still arrived (speech ends at ~2 s of Gemini's audio).
    const heard = { samples: conn.audio, sampleRate: 16_000, channels: 1 };
    expect(levelAtDbfs(heard, 440, { startMs: 1500, endMs: 1900 })).toBeGreaterThan(-20);
    const session = w.bot.services.sessions.get(w.guild.id);
    expect(session?.rejectedDatagrams).toBe(rejected);
    // Sound-looking ones carried alice's SSRC, failed authentication and were concealed.
    expect(session?.uplink?.stats.badPackets).toBeGreaterThanOrEqual(1);

    // A later turn is heard in full, and /status shows the count.
    const before = conn.audioMs;
    await alice.say(tone(660, 800));
    await conn.waitForInputEnd(2, 10_000);
    const second = { samples: conn.audio.subarray((before * 16) | 0), sampleRate: 16_000, channels: 1 };
    expect(levelAtDbfs(second, 660, { startMs: 200, endMs: 700 })).toBeGreaterThan(-20);
    const status = await (await alice.slash('status')).text(10_000);
    expect(status).toContain(`Malformed voice datagrams ignored: ${rejected}`);
    const metrics = await w.bot.services.metrics.render();
    expect(metrics).toContain(`voicebot_voice_rejected_datagrams_total ${rejected}`);

    expect(uncaught).toEqual([]);
    const warnings = w.logLines.filter((l) => l.includes('malformed voice datagram dropped'));
    // One line per kind of fault, not one per datagram.
    expect(warnings.length).toBeGreaterThanOrEqual(5);
    expect(warnings.length).toBeLessThanOrEqual(7);
    w.discord.assertNoFailures();
  });
});
