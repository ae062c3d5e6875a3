// /status and the Prometheus endpoint after a real conversation through the fakes.
import { describe, expect, it } from 'vitest';
import type { FakeLiveConnection } from '../fakes/fake-gemini/index.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import { freePort, until } from '../helpers/wait.ts';
import { type BotWorld, useBotWorld } from './harness.ts';

const worlds = useBotWorld();

const answer = (ms: number) => geminiAnswer(600, ms);

/**
 * Two turns: alice speaks 600 ms (the first with one corrupt Opus packet), Gemini answers once the
 * bot ended the turn (activityEnd at the default Discord turn-taking) in bursts with pauses. Returns the voice-to-voice latencies
 * the test itself measured: end of alice's clip → first bot packet captured by the fake.
 */
async function converse(w: BotWorld, conn: FakeLiveConnection, turns: number): Promise<number[]> {
  const alice = w.discord.human('alice');
  const capture = w.discord.botAudioIn(w.guild);
  const measured: number[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    const said = await alice.say(tone(440, 600), turn === 1 ? { faults: { corruptOpus: [10] } } : {});
    const speechEndMs = (said.firstPacketAtMs ?? 0) + 600;
    // Gemini answers once the bot's uplink has closed the turn.
    await until(() => w.bot.services.sessions.get(w.guild.id)?.uplink?.streaming === false, 'end of turn');
    const before = capture.packets.length;
    // Bursts of 100 ms with 300 ms pauses: the bot must fill the gaps with silence (underruns).
    await conn.sendAudio(answer(600), { chunkMs: 20, pauseEveryMs: 100, pauseMs: 300 });
    conn.turnComplete();
    await capture.until((c) => c.packets.length > before, 5_000);
    measured.push((capture.packets[before]?.arrivalMs ?? 0) - speechEndMs);
    await until(() => w.bot.services.sessions.get(w.guild.id)?.downlink?.speaking === false, 'answer played');
  }
  return measured;
}

async function joined(env: Record<string, string> = {}) {
  const world = await worlds.start({ env });
  const w = world;
  const alice = w.discord.human('alice');
  await alice.joinVoice(w.guild.voice());
  await (await alice.slash('join')).text(10_000);
  const conn = await w.gemini.nextSession(10_000);
  return { w, alice, conn };
}

describe('/status', () => {
  it('GIVEN no session THEN /status says the bot is not in voice', async () => {
    const world = await worlds.start();
    const text = await (await world.discord.human('alice').slash('status')).text(10_000);
    expect(text).toContain('not in a voice channel');
  });

  it('GIVEN two answered turns, a corrupt packet, gappy answers and a reconnect THEN /status shows those numbers', async () => {
    const { w, alice, conn } = await joined();
    const measured = await converse(w, conn, 2);
    conn.close(1011, 'internal error');
    await w.gemini.nextSession(10_000);
    const text = await (await alice.slash('status')).text(10_000);
    console.info(`/status:\n${text}\ntest-measured latencies: ${measured.map(Math.round).join(', ')} ms`);

    expect(text).toContain('active');
    expect(text).toMatch(/Uptime: \d+ s/);
    expect(text).toContain('Reconnects to Gemini: 1');
    const dropped = /Dropped: (\d+) bad voice packets, \d+ ms of speech; (\d+) silent frames/.exec(text);
    expect(Number(dropped?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(dropped?.[2])).toBeGreaterThan(0);
    const latency = /p50 (\d+) ms, p95 (\d+) ms \((\d+) answers\)/.exec(text);
    expect(Number(latency?.[3])).toBe(2);
    // With two answers p50 is the faster and p95 the slower one; the bot's measures agree with
    // the ones taken from outside (clip end → first captured packet) within a few frames.
    expect(Math.abs(Number(latency?.[1]) - Math.min(...measured))).toBeLessThan(100);
    expect(Math.abs(Number(latency?.[2]) - Math.max(...measured))).toBeLessThan(100);
  });
});

describe('metrics', () => {
  it('GIVEN METRICS_PORT and an answered turn THEN /metrics counts it and /healthz is ok; both stop with the bot', async () => {
    const port = await freePort();
    const { w, conn } = await joined({ METRICS_PORT: String(port) });
    await converse(w, conn, 1);
    const base = `http://127.0.0.1:${port}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const body = await response.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1]);
    expect(value('voicebot_sessions_active')).toBe(1);
    expect(value('voicebot_sessions_started_total')).toBe(1);
    // Discord turn-taking (the default): 600 ms of speech and the client's five closing silence
    // frames, in 20 ms frames, and no silence tail.
    expect(value('voicebot_uplink_frames_total')).toBeGreaterThanOrEqual(30);
    expect(value('voicebot_uplink_frames_total')).toBeLessThanOrEqual(40);
    expect(value('voicebot_uplink_bad_packets_total')).toBeGreaterThanOrEqual(1);
    expect(value('voicebot_downlink_packets_total')).toBeGreaterThanOrEqual(30);
    expect(value('voicebot_downlink_underrun_frames_total')).toBeGreaterThan(0);
    expect(value('voicebot_voice_latency_seconds_count')).toBe(1);
    // At least the default 300 ms end-of-turn hold (less a frame of timing), which the answer waits for.
    expect(value('voicebot_voice_latency_seconds_sum')).toBeGreaterThan(0.28);
    const lag = (q: string) =>
      Number(
        new RegExp(`^voicebot_event_loop_lag_seconds\\{quantile="${q}"\\} (\\S+)$`, 'm').exec(body)?.[1],
      );
    expect(lag('0.99')).toBeGreaterThanOrEqual(0);
    expect(lag('0.99')).toBeLessThan(1);
    expect(lag('1')).toBeGreaterThanOrEqual(lag('0.99'));

    await w.stop();
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('GIVEN a tool used by a text answer and by a slash command THEN /metrics counts each with its origin', async () => {
    const port = await freePort();
    const world = await worlds.start({ env: { METRICS_PORT: String(port) } });
    const w = world;
    const alice = w.discord.human('alice');
    w.gemini.rest.reply(
      { functionCalls: [{ name: 'calculate', args: { expression: '12*7' }, id: 'call-1' }] },
      { text: 'It is 84.' },
    );
    const question = await alice.mention(w.guild.text(), 'what is 12 times 7?');
    await w.discord.waitForMessage(w.guild.text(), (m) => m.replyTo === question.id, 10_000);
    await (await alice.slash('calculate', { expression: '1/0' })).text(10_000);

    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const calls = body.split('\n').filter((line) => line.startsWith('voicebot_tool_calls_total{'));
    expect(calls.sort()).toEqual([
      'voicebot_tool_calls_total{tool="calculate",outcome="error",via="slash"} 1',
      'voicebot_tool_calls_total{tool="calculate",outcome="ok",via="text"} 1',
    ]);
  });
});
