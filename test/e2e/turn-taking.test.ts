// Turns from Discord's speech boundaries (manual activity mode) against Gemini's own VAD, end to end.
import { describe, expect, it } from 'vitest';
import { lastVoicePacketAt } from '../fakes/fake-discord/speaker.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import { joinAndListen, useBotWorld } from './harness.ts';

const worlds = useBotWorld();

const HOLD_MS = 300;

/** The world with this guild on Discord turn-taking (set as /config would store it), joined. */
async function joinedDiscordMode(holdMs = HOLD_MS) {
  const world = await worlds.start();
  const w = world;
  w.bot.services.store.settings.update(w.guild.id, { turnTaking: 'discord', endOfTurnHoldMs: holdMs });
  return { w, ...(await joinAndListen(w)) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('turn-taking: fast (Discord)', () => {
  it('GIVEN a sentence THEN one activityStart/activityEnd pair, the turn ends ≤ H + 40 ms after the last packet, no silence tail and no audioStreamEnd', async () => {
    const { alice, conn } = await joinedDiscordMode();
    const setup = conn.setup as {
      realtimeInputConfig?: { automaticActivityDetection?: { disabled?: boolean } };
    };
    expect(setup.realtimeInputConfig?.automaticActivityDetection?.disabled).toBe(true);
    const said = await alice.say(tone(440, 800));
    const ended = await conn.waitFor(() => conn.turnEnds[0], 'the turn to end', 10_000);
    expect(ended.cause).toBe('activityEnd');
    expect(conn.activityStarts).toHaveLength(1);
    expect(conn.activityEnds).toHaveLength(1);
    const sinceLastPacket = ended.atMs - (said.lastPacketAtMs ?? Number.NaN);
    console.info(`turn ended ${sinceLastPacket.toFixed(0)} ms after the last packet (H = ${HOLD_MS} ms)`);
    expect(sinceLastPacket).toBeLessThanOrEqual(HOLD_MS + 40);
    await pause(600);
    // The speech and the client's five silence frames, not a second of padding.
    expect(conn.audioMs).toBeGreaterThanOrEqual(780);
    expect(conn.audioMs).toBeLessThanOrEqual(960);
    expect(conn.audioStreamEnds).toBe(0);
  });

  it('GIVEN a 250 ms pause in the packets THEN one turn; GIVEN two people with a gap longer than H THEN two turns', async () => {
    const { w, alice, vc, conn } = await joinedDiscordMode();
    await alice.say(tone(440, 400));
    await pause(250);
    await alice.say(tone(440, 400));
    await conn.waitFor(() => conn.turnEnds[0], 'the first turn to end', 10_000);
    expect(conn.activityStarts).toHaveLength(1);

    const bob = w.discord.human('bob');
    await bob.joinVoice(vc);
    await alice.say(tone(440, 400));
    await pause(HOLD_MS + 200);
    await bob.say(tone(550, 400));
    await conn.waitFor(() => conn.turnEnds[2], 'the third turn to end', 10_000);
    expect(conn.activityStarts).toHaveLength(3);
    expect(conn.activityEnds).toHaveLength(3);
  });

  it('GIVEN someone talking over the answer THEN activityStart ≤ 100 ms after their first packet and the bot is silent ≤ 40 ms after interrupted; a 60 ms burst does not interrupt', async () => {
    const { w, alice, conn } = await joinedDiscordMode();
    const capture = w.discord.botAudioIn(w.guild);
    void conn.sendAudio(geminiAnswer(600, 6000), { chunkMs: 100, pauseEveryMs: 500, pauseMs: 450 });
    await capture.until((c) => c.audioMs() >= 500, 10_000);

    // Three loud packets (60 ms): a cough that passed the client's VAD.
    await alice.say(tone(440, 60));
    await pause(HOLD_MS + 200);
    expect(conn.activityStarts).toHaveLength(0);
    expect(w.bot.services.sessions.get(w.guild.id)?.uplink?.stats.suppressedBursts).toBe(1);

    const said = alice.say(tone(440, 700));
    const startedAt = await conn.waitFor(() => conn.activityStarts[0], 'activityStart', 10_000);
    const firstPacketAt = (await said).firstPacketAtMs ?? Number.NaN;
    console.info(
      `barge-in: activityStart ${(startedAt - firstPacketAt).toFixed(0)} ms after the first packet`,
    );
    expect(startedAt - firstPacketAt).toBeLessThanOrEqual(100);
    // The fake interrupted at activityStart (START_OF_ACTIVITY_INTERRUPTS).
    await pause(300);
    const audible = capture.packets.filter((p) => p.pcm.some((s) => Math.abs(s) > 300));
    const lastAudibleAfter = (audible.at(-1)?.arrivalMs ?? 0) - startedAt;
    console.info(`barge-in: last audible answer packet ${lastAudibleAfter.toFixed(0)} ms after interrupted`);
    expect(lastAudibleAfter).toBeLessThanOrEqual(40);
  });

  it('GIVEN a Live handover inside a turn THEN the new socket reopens the activity first and every sample arrives in order', async () => {
    const { w, alice, conn } = await joinedDiscordMode();
    conn.sendResumptionHandle();
    const speaking = alice.say(tone(440, 1200));
    await conn.waitForAudio(300, 10_000);
    conn.goAway(1_000);
    const next = await w.gemini.nextSession(10_000);
    await speaking;
    await next.waitFor(() => next.activityEnds[0], 'activityEnd on the new socket', 10_000);
    // The new socket's first realtime message opens the activity again; its audio follows.
    const firstInput = next.messages.find((m) => m.realtimeInput)?.realtimeInput;
    expect(firstInput).toHaveProperty('activityStart');
    expect(conn.activityStarts.length + next.activityStarts.length).toBe(2);
    const heardMs = next.session?.audioMs ?? 0;
    // Nothing is dropped by the handover itself; under CPU starvation the uplink's per-speaker
    // backlog cap may drop (and count) audio, a separate guard, so that count is added back.
    const guild = w.bot.services.sessions.get(w.guild.id);
    expect(guild?.live?.counters.droppedUplinkMs).toBe(0);
    const starvedMs = guild?.uplink?.stats.droppedMs ?? 0;
    if (starvedMs > 0)
      console.info(`uplink backlog cap dropped ${starvedMs.toFixed(0)} ms (machine under load)`);
    expect(heardMs + starvedMs).toBeGreaterThanOrEqual(1180);
    expect(heardMs).toBeLessThanOrEqual(1320);
  });
});

describe('turn-taking: gemini (server VAD)', () => {
  it('GIVEN a sentence THEN the fake ends the turn only after silenceDurationMs of silence, and activity signals are never sent', async () => {
    const world = await worlds.start();
    await world.bot.services.store.settings.update(world.guild.id, { turnTaking: 'gemini' });
    const { alice, conn } = await joinAndListen(world);
    const said = await alice.say(tone(440, 800));
    const ended = await conn.waitFor(() => conn.turnEnds[0], 'the turn to end', 10_000);
    expect(ended.cause).toBe('silence');
    expect(ended.atMs - lastVoicePacketAt(said)).toBeGreaterThanOrEqual(800);
    expect(conn.activityStarts).toHaveLength(0);
  });
});
