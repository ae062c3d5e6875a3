// The voice bridge end to end: the real bot between the fake Discord and the fake Gemini.
import { describe, expect, it } from 'vitest';
import { levelAtDbfs, longestSilenceMs, type PcmClip } from '../fakes/audio-analysis.ts';
import { geminiAnswer, tone, toneSum } from '../fakes/tones.ts';
import { joinAndListen, useBotWorld, type WorldOptions } from './harness.ts';

const worlds = useBotWorld();

const mono16k = (samples: Int16Array): PcmClip => ({ samples, sampleRate: 16_000, channels: 1 });

/** Starts the world, puts alice in the voice channel, runs /join and returns the Live connection. */
async function joined(options: WorldOptions = {}) {
  const world = await worlds.start(options);
  return { w: world, ...(await joinAndListen(world)) };
}

describe('voice bridge', () => {
  it("GIVEN /join THEN the bot sits in the caller's channel undeafened, offered DAVE and says it is listening", async () => {
    const { w, vc, text } = await joined();
    const state = w.discord.botVoiceState(w.guild);
    expect(state?.channelId).toBe(vc.id);
    expect(state?.selfDeaf).toBe(false);
    expect(w.discord.voice.sessions.get(w.guild.id)?.maxDaveProtocolVersion).toBeGreaterThanOrEqual(1);
    expect(text).toContain('Listening');
    expect(text).toContain('Gemini');
    w.discord.assertNoFailures();
  });

  it('GIVEN 2 s of 440 Hz + 11 kHz THEN Gemini hears ≥ 1.8 s of 16 kHz mono 440 Hz and no 5 kHz alias', async () => {
    const { alice, conn } = await joined();
    await alice.say(toneSum([{ freqHz: 440 }, { freqHz: 11_000 }], 2000, { amplitudeDbfs: -12 }));
    await conn.waitForInputEnd(1, 10_000);
    expect(conn.audioChunks.every((c) => c.mimeType === 'audio/pcm;rate=16000')).toBe(true);
    const heard = mono16k(conn.audio);
    const voiced = { startMs: 100, endMs: 1900 };
    expect(conn.audioMs).toBeGreaterThanOrEqual(1800);
    const at440 = levelAtDbfs(heard, 440, voiced);
    expect(at440).toBeGreaterThan(-18);
    expect(at440).toBeLessThan(-9);
    // 11 kHz would fold to 16 − 11 = 5 kHz if the resampler aliased.
    const at5k = levelAtDbfs(heard, 5_000, voiced);
    console.info(`uplink: 440 Hz at ${at440.toFixed(1)} dBFS, 5 kHz alias at ${at5k.toFixed(1)} dBFS`);
    expect(at5k).toBeLessThan(at440 - 40);
  });

  it('GIVEN three people talking at once THEN all three tones reach Gemini within 3 dB of each other', async () => {
    const { w, alice, vc, conn } = await joined();
    const bob = w.discord.human('bob');
    const carol = w.discord.human('carol');
    await bob.joinVoice(vc);
    await carol.joinVoice(vc);
    await Promise.all([
      alice.say(tone(300, 1500, { amplitudeDbfs: -18 })),
      bob.say(tone(500, 1500, { amplitudeDbfs: -18 })),
      carol.say(tone(700, 1500, { amplitudeDbfs: -18 })),
    ]);
    await conn.waitForInputEnd(1, 10_000);
    const heard = mono16k(conn.audio);
    const levels = [300, 500, 700].map((f) => levelAtDbfs(heard, f, { startMs: 300, endMs: 1200 }));
    expect(Math.max(...levels) - Math.min(...levels)).toBeLessThan(3);
    expect(Math.min(...levels)).toBeGreaterThan(-30);
  });

  it('GIVEN an answer in bursts with 300 ms pauses THEN the channel hears ≥ 1.4 s of 600 Hz without gaps', async () => {
    const { w, conn } = await joined();
    await conn.sendAudio(geminiAnswer(600, 1500), { chunkMs: 40, pauseEveryMs: 400, pauseMs: 300 });
    conn.turnComplete();
    const capture = w.discord.botAudioIn(w.guild);
    await capture.until(() => capture.audioMs() >= 1500, 10_000);
    const heard = capture.pcm();
    const onset = heard.samples.findIndex((s) => Math.abs(s) > 300) / 2 / 48;
    const region = { startMs: onset + 20, endMs: onset + 1420 };
    expect(levelAtDbfs(heard, 600, region)).toBeGreaterThan(-20);
    expect(longestSilenceMs(heard, region)).toBeLessThanOrEqual(60);
  });

  it('GIVEN interrupted during a 5 s answer THEN the bot goes silent within 100 ms', async () => {
    const { w, conn } = await joined();
    const capture = w.discord.botAudioIn(w.guild);
    await conn.sendAudio(geminiAnswer(600, 5000), { chunkMs: 100 });
    await capture.until(() => capture.audioMs() >= 500, 10_000);
    const interruptedAt = performance.now();
    conn.interrupt();
    conn.turnComplete();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const audible = capture.packets.filter((p) => p.pcm.some((s) => Math.abs(s) > 300));
    const lastAudibleMs = (audible.at(-1)?.arrivalMs ?? 0) - interruptedAt;
    expect(lastAudibleMs).toBeLessThanOrEqual(100);
  });

  it('GIVEN server VAD turn-taking and silence after speech THEN a silence tail, one audioStreamEnd, and nothing while the room is quiet', async () => {
    const world = await worlds.start();
    await world.bot.services.store.settings.update(world.guild.id, { turnTaking: 'gemini' });
    const { alice, conn } = await joinAndListen(world);
    await alice.say(tone(440, 600));
    await conn.waitForInputEnd(1, 10_000);
    const sentAtEnd = conn.audioMs;
    // ~600 ms of speech, then about SILENCE_TAIL_MS (1 s) of silence.
    expect(sentAtEnd).toBeGreaterThan(1400);
    expect(sentAtEnd).toBeLessThan(2200);
    const tail = mono16k(conn.audio.subarray(16 * 800));
    expect(levelAtDbfs(tail, 440)).toBeLessThan(-60);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(conn.audioMs).toBe(sentAtEnd);
    expect(conn.audioStreamEnds).toBe(1);
  });

  it('GIVEN a corrupted packet and a garbage datagram mid-speech THEN later speech still reaches Gemini', async () => {
    const { w, alice, conn } = await joined();
    const speaking = alice.say(tone(440, 1500), { faults: { corruptEncryption: [20], corruptOpus: [30] } });
    await conn.waitForAudio(300, 5_000); // really mid-speech
    await w.discord.sendGarbage(w.guild, { ssrc: alice.ssrc });
    await w.discord.sendGarbage(w.guild);
    await speaking;
    await conn.waitForInputEnd(1, 10_000);
    const heard = mono16k(conn.audio);
    expect(levelAtDbfs(heard, 440, { startMs: 1100, endMs: 1400 })).toBeGreaterThan(-20);
    // The corrupt Opus packet and the undecryptable one were both seen, counted and survived.
    const stats = w.bot.services.sessions.get(w.guild.id)?.uplink?.stats;
    expect(stats?.badPackets).toBeGreaterThanOrEqual(2);
  });
});
