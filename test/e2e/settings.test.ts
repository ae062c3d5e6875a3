// Settings, opt-outs, usage, budget and conversation memory end to end, through the real bot.
import { describe, expect, it } from 'vitest';
import { budgetSpentMessage } from '../../src/guild/usage-meter.ts';
import { DEFAULT_PERSONA, PERSONA_MAX_CHARS } from '../../src/store/index.ts';
import { levelAtDbfs, type PcmClip } from '../fakes/audio-analysis.ts';
import { type FakeHuman, type GuildSpec, Permission } from '../fakes/fake-discord/index.ts';
import type { FakeLiveConnection } from '../fakes/fake-gemini/index.ts';
import { tone } from '../fakes/tones.ts';
import { delay, eventually } from '../helpers/wait.ts';
import { type BotWorld, useBotWorld, type WorldOptions } from './harness.ts';
import { submitModal } from './settings-helpers.ts';

const worlds = useBotWorld();

const NOT_A_MANAGER = 'Only people with the Manage Server permission can do that.';

/** A world whose "managers" role has Manage Server; `manager(name)` gives a member that role. */
async function worldWithManagers(options: WorldOptions = {}, guild: Partial<GuildSpec> = {}) {
  const world = await worlds.start({
    ...options,
    discord: {
      guilds: [
        { name: 'test-guild', roles: [{ name: 'managers', permissions: Permission.ManageGuild }], ...guild },
      ],
    },
  });
  const w = world;
  const role = [...w.guild.record.roles.values()].find((r) => r.name === 'managers');
  if (!role) throw new Error('no managers role');
  return { w, manager: (name: string) => w.discord.human(name, { roles: [role.id] }) };
}

/** Runs /join as `human` (already in voice) and returns the accepted Live connection and reply text. */
async function join(w: BotWorld, human: FakeHuman, options: { fresh?: boolean } = {}) {
  const reply = await human.slash('join', options.fresh === undefined ? {} : { fresh: options.fresh });
  const conn = await w.gemini.nextSession(10_000);
  const text = await reply.text(10_000);
  return { conn, text };
}

interface SetupSeen {
  voiceName?: string;
  systemInstruction?: string;
  resumeHandle?: string;
  resumption?: unknown;
}

/** The parts of the setup message a user's settings shape. */
function setupOf(conn: FakeLiveConnection): SetupSeen {
  const setup = conn.setup as {
    generationConfig?: { speechConfig?: { voiceConfig?: { prebuiltVoiceConfig?: { voiceName?: string } } } };
    systemInstruction?: { parts?: { text?: string }[] };
    sessionResumption?: { handle?: string };
  };
  const seen: SetupSeen = { resumption: setup.sessionResumption };
  const voiceName = setup.generationConfig?.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName;
  const systemInstruction = setup.systemInstruction?.parts?.[0]?.text;
  const resumeHandle = setup.sessionResumption?.handle;
  if (voiceName !== undefined) seen.voiceName = voiceName;
  if (systemInstruction !== undefined) seen.systemInstruction = systemInstruction;
  if (resumeHandle !== undefined) seen.resumeHandle = resumeHandle;
  return seen;
}

/** The uplink audio Gemini received on `conn` from sample `from` on, as a 16 kHz mono clip. */
function heardSince(conn: FakeLiveConnection, from: number): PcmClip {
  return { samples: conn.audio.subarray(from), sampleRate: 16_000, channels: 1 };
}

describe('/config', () => {
  it('GIVEN a manager sets a voice and a persona (modal) THEN the next /join setup carries both', async () => {
    const { w, manager } = await worldWithManagers();
    const alice = manager('alice');

    const personaCommand = await alice.slash('config persona');
    const modal = await personaCommand.modal();
    expect(modal.custom_id).toBe('config:persona');
    const input = (modal.components as { components: Record<string, unknown>[] }[])[0]?.components[0];
    expect(input).toMatchObject({
      custom_id: 'persona',
      max_length: PERSONA_MAX_CHARS,
      value: DEFAULT_PERSONA,
    });

    const persona = 'You are Captain Byte, a cheerful pirate. Answer in one short sentence.';
    const submitted = await submitModal(w.discord, alice, 'config:persona', { persona });
    const personaReply = await submitted.text(10_000);
    expect(personaReply).toContain(persona);
    expect(personaReply).toContain('It applies the next time I join.');

    const voice = await alice.slash('config voice', { name: 'Kore' });
    expect(await voice.text(10_000)).toContain('is now Kore.');
    expect(voice.ephemeral).toBe(true);

    const show = await alice.slash('config show');
    const shown = await show.text(10_000);
    expect(shown).toContain('Kore');
    expect(shown).toContain('Captain Byte');

    await alice.joinVoice(w.guild.voice());
    const { conn } = await join(w, alice);
    expect(setupOf(conn)).toMatchObject({ voiceName: 'Kore', systemInstruction: persona });
  });

  it('GIVEN a member without Manage Server THEN /config and the persona modal are refused and nothing changes', async () => {
    const { w } = await worldWithManagers();
    const config = w.discord.commands.global.find((c) => c.name === 'config');
    // Discord hides the command from members without Manage Server (bit 5).
    expect(config?.default_member_permissions).toBe(String(Permission.ManageGuild));

    const bob = w.discord.human('bob');
    const voice = await bob.slash('config voice', { name: 'Kore' });
    expect(await voice.text(10_000)).toBe(NOT_A_MANAGER);
    expect(voice.ephemeral).toBe(true);
    const persona = await submitModal(w.discord, bob, 'config:persona', { persona: 'Say only rude things.' });
    expect(await persona.text(10_000)).toBe(NOT_A_MANAGER);

    await bob.joinVoice(w.guild.voice());
    const { conn } = await join(w, bob);
    expect(setupOf(conn)).toMatchObject({ voiceName: 'Puck', systemInstruction: DEFAULT_PERSONA });
  });

  it('GIVEN an unknown voice or an over-long persona THEN the manager reads why and nothing is stored', async () => {
    const { w, manager } = await worldWithManagers();
    const alice = manager('alice');
    const voice = await alice.slash('config voice', { name: 'Bogus' });
    const voiceError = await voice.text(10_000);
    expect(voiceError).toMatch(/^Voice must be /);
    expect(voiceError).toContain('Kore');
    expect(voice.ephemeral).toBe(true);
    const persona = await submitModal(w.discord, alice, 'config:persona', {
      persona: 'x'.repeat(PERSONA_MAX_CHARS + 1),
    });
    expect(await persona.text(10_000)).toMatch(/^Persona must be /);

    await alice.joinVoice(w.guild.voice());
    const { conn } = await join(w, alice);
    expect(setupOf(conn)).toMatchObject({ voiceName: 'Puck', systemInstruction: DEFAULT_PERSONA });
  });

  it('GIVEN a transcript channel THEN turning transcripts off keeps it, and each reply says when it applies', async () => {
    const { w, manager } = await worldWithManagers({}, { textChannels: ['general', 'log'] });
    const alice = manager('alice');
    const log = w.guild.text('log');
    const pick = await alice.slash('config transcripts', { enabled: true, channel: log });
    expect(await pick.text(10_000)).toContain('It applies the next time I join.');
    const off = await alice.slash('config transcripts', { enabled: false });
    expect(await off.text(10_000)).toContain('It applies now.');
    expect(await w.bot.services.store.settings.get(w.guild.id)).toMatchObject({
      transcriptsEnabled: false,
      transcriptChannelId: log.id,
    });
  });
});

/** Alice and bob in voice, bob opted out, then alice's /join. */
async function bobOptedOut() {
  const world = await worlds.start();
  const w = world;
  const alice = w.discord.human('alice');
  const bob = w.discord.human('bob');
  await alice.joinVoice(w.guild.voice());
  await bob.joinVoice(w.guild.voice());
  const optOut = await bob.slash('optout');
  expect(await optOut.text(10_000)).toContain('will not be sent to Gemini');
  const joined = await join(w, alice);
  return { w, alice, bob, ...joined };
}

describe('/optout and /optin', () => {
  it("GIVEN bob opted out THEN alice's tone reaches Gemini and bob's never does nor is he named in the transcript, until he opts in; opting out mid-session stops both again", async () => {
    const { w, alice, bob, conn, text } = await bobOptedOut();
    expect(text).toContain('/optout');

    /**
     * Both speak at once and Gemini transcribes the turn; returns the levels (dBFS) of alice's
     * 440 Hz and bob's 880 Hz at Gemini, and the transcript message of that exchange.
     */
    const bothSpeak = async (turn: number) => {
      const from = conn.audioSamples;
      await Promise.all([
        alice.say(tone(440, 1000, { amplitudeDbfs: -18 })),
        bob.say(tone(880, 1000, { amplitudeDbfs: -18 })),
      ]);
      // Input transcription arrives right after the speech, as the real server sends it.
      conn.transcribeInput(`question ${turn}`, true);
      conn.transcribeOutput(`Answer ${turn}.`);
      conn.turnComplete();
      await conn.waitForInputEnd(turn, 10_000);
      const transcript = await w.discord.waitForMessage(
        w.guild.text(),
        (m) => m.content.includes(`Answer ${turn}.`) && m.content.includes(`question ${turn}`),
        10_000,
      );
      const heard = heardSince(conn, from);
      const region = { startMs: 200, endMs: 900 };
      return {
        alice: levelAtDbfs(heard, 440, region),
        bob: levelAtDbfs(heard, 880, region),
        transcript: transcript.content,
      };
    };

    const optedOut = await bothSpeak(1);
    expect(optedOut.alice).toBeGreaterThan(-30);
    expect(optedOut.bob).toBeLessThan(-70);
    expect(optedOut.transcript).toContain('**alice:** question 1');
    expect(optedOut.transcript).not.toContain('bob');

    const optIn = await bob.slash('optin');
    expect(await optIn.text(10_000)).toContain('Welcome back');
    const optedIn = await bothSpeak(2);
    expect(optedIn.alice).toBeGreaterThan(-30);
    expect(optedIn.bob).toBeGreaterThan(-30);
    // The control: once heard, bob is named like anyone else.
    expect(optedIn.transcript).toMatch(/\*\*(alice & bob|bob & alice):\*\* question 2/);

    const again = await bob.slash('optout');
    await again.text(10_000);
    const optedOutAgain = await bothSpeak(3);
    console.info(
      `opt-out: bob's 880 Hz at Gemini ${optedOut.bob.toFixed(1)} / ${optedIn.bob.toFixed(1)} / ${optedOutAgain.bob.toFixed(1)} dBFS (out / in / out mid-session)`,
    );
    expect(optedOutAgain.alice).toBeGreaterThan(-30);
    expect(optedOutAgain.bob).toBeLessThan(-70);
    expect(optedOutAgain.transcript).toContain('**alice:** question 3');
    expect(optedOutAgain.transcript).not.toContain('bob');
  });
});

describe('an opted-out person speaking up costs the others nothing', () => {
  it("GIVEN bob opted out and starting to talk twice while alice speaks THEN every frame of alice's reaches Gemini", async () => {
    const { w, alice, bob, conn } = await bobOptedOut();
    const from = conn.audioSamples;
    // Each of bob's bursts is a new speaking start, and each start asks whether he may be heard.
    const bobTalksOver = async () => {
      await delay(300);
      await bob.say(tone(880, 200, { amplitudeDbfs: -18 }));
      await delay(400);
      await bob.say(tone(880, 200, { amplitudeDbfs: -18 }));
    };
    // 1.5 s of voice and the client's five closing silence frames: 80 frames of 20 ms.
    await Promise.all([alice.say(tone(440, 1500, { amplitudeDbfs: -18 })), bobTalksOver()]);
    await conn.waitForInputEnd(1, 10_000);
    const heard = heardSince(conn, from);
    const heardMs = (heard.samples.length * 1000) / heard.sampleRate;
    console.info(`opt-out: alice sent 1600 ms while opted-out bob spoke up twice; Gemini got ${heardMs} ms`);
    // Before the fix each of bob's starts dropped alice's partial chunk and held onset: 1480 ms.
    // One frame of slack: one run in 17 here got 1580 ms, never reproduced with or without bob.
    expect(heardMs).toBeGreaterThanOrEqual(1580);
    expect(levelAtDbfs(heard, 880)).toBeLessThan(-70);
    expect(w.bot.services.sessions.get(w.guild.id)?.live?.counters.droppedUplinkMs).toBe(0);
  });
});

describe('/optin takes effect at once', () => {
  it('GIVEN bob was just refused while opted out THEN after /optin his very next words reach Gemini', async () => {
    const { bob, conn } = await bobOptedOut();

    // Bob speaks while opted out (the bot refuses him), then opts in and speaks again at once:
    // all of it well inside the 2 s an opt-out answer used to be cached for.
    const refusedAt = performance.now();
    await bob.say(tone(880, 200, { amplitudeDbfs: -18 }));
    await (await bob.slash('optin')).text(10_000);
    const from = conn.audioSamples;
    const spokeAfterMs = performance.now() - refusedAt;
    await bob.say(tone(880, 800, { amplitudeDbfs: -18 }));
    await conn.waitForInputEnd(1, 10_000);
    const level = levelAtDbfs(heardSince(conn, from), 880, { startMs: 200, endMs: 700 });
    console.info(
      `optin: bob spoke ${spokeAfterMs.toFixed(0)} ms after being refused; heard at ${level.toFixed(1)} dBFS`,
    );
    expect(spokeAfterMs).toBeLessThan(2_000);
    expect(level).toBeGreaterThan(-30);
  });
});

describe('usage and budget', () => {
  it("GIVEN Gemini reports usageMetadata THEN today's token counts grow and /usage shows them with voice time", async () => {
    const world = await worlds.start({ bot: { usageMeterIntervalMs: 100 } });
    const w = world;
    const alice = w.discord.human('alice');
    await alice.joinVoice(w.guild.voice());
    const joinedAt = performance.now();
    const { conn } = await join(w, alice);
    const today = async () => (await w.bot.services.store.usage.lastDays(w.guild.id, 1))[0];

    conn.sendUsage({ promptTokens: 1200, responseTokens: 300 });
    await eventually(async () => (await today())?.totalTokens === 1500, '1500 tokens in the store');
    conn.sendUsage({ promptTokens: 2000, responseTokens: 500 });
    await eventually(async () => (await today())?.totalTokens === 4000, '4000 tokens in the store');
    expect(await today()).toMatchObject({ promptTokens: 3200, responseTokens: 800, totalTokens: 4000 });

    await eventually(async () => ((await today())?.voiceSeconds ?? 0) >= 0.5, 'voice time to accrue');
    const voiceSeconds = (await today())?.voiceSeconds ?? 0;
    expect(voiceSeconds).toBeLessThanOrEqual((performance.now() - joinedAt) / 1000 + 0.2);

    const usage = await alice.slash('usage');
    const text = await usage.text(10_000);
    expect(text).toMatch(/^Today: \d+\.\d voice min, 4,000 tokens — no daily budget\.$/m);
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2} +\d+\.\d +4,000$/m);
  });

  it('GIVEN the daily budget runs out during a session THEN the bot says so, leaves, and refuses a new /join', async () => {
    const { w, manager } = await worldWithManagers({ bot: { usageMeterIntervalMs: 100 } });
    const alice = manager('alice');
    const budget = await alice.slash('config budget', { minutes: 1 });
    expect(await budget.text(10_000)).toContain('1 min per day');
    // Earlier use today (seeded): 58 of the 60 budget seconds, so ~2 s of voice remain.
    await w.bot.services.store.usage.add(w.guild.id, { voiceSeconds: 58 });

    await alice.joinVoice(w.guild.voice());
    const joinedAt = performance.now();
    const { conn } = await join(w, alice);
    const notice = await w.discord.waitForMessage(
      w.guild.text(),
      (m) => m.content === budgetSpentMessage(1),
      10_000,
    );
    const leftAfterMs = notice.createdAtMs - joinedAt;
    console.info(`budget: left ${leftAfterMs.toFixed(0)} ms after /join with 2 s of budget left`);
    expect(leftAfterMs).toBeGreaterThan(1_500);
    expect(leftAfterMs).toBeLessThan(6_000);
    await eventually(() => !w.discord.botVoiceState(w.guild)?.channelId, 'the bot to leave voice');
    await conn.waitForClose(5_000);
    expect(
      (await w.bot.services.store.usage.lastDays(w.guild.id, 1))[0]?.voiceSeconds,
    ).toBeGreaterThanOrEqual(60);

    const again = await alice.slash('join');
    expect(await again.text(10_000)).toContain("This server's daily voice budget (1 min) is used up");
    expect(w.gemini.connections).toHaveLength(1);
  });
});

describe('conversation memory', () => {
  it('GIVEN a restart between two /joins THEN the second setup resumes the stored handle; /join fresh:true does not', async () => {
    const world = await worlds.start();
    const w = world;
    const alice = w.discord.human('alice');
    await alice.joinVoice(w.guild.voice());
    const first = await join(w, alice);
    const firstSession = first.conn.session;
    expect(setupOf(first.conn).resumeHandle).toBeUndefined();
    // The fake sends a handle right after setup; the bot stores it.
    const handle = await eventually(
      async () => (await w.bot.services.store.handles.latest(w.guild.id))?.handle,
      'the handle to be stored',
    );
    expect(firstSession?.handles).toContain(handle);

    await w.restartBot();
    await first.conn.waitForClose(5_000);
    const second = await join(w, alice);
    expect(setupOf(second.conn).resumeHandle).toBe(handle);
    // The fake Gemini continued the same conversation.
    expect(second.conn.session).toBe(firstSession);

    const leave = await alice.slash('leave');
    await leave.text(10_000);
    await second.conn.waitForClose(5_000);
    const fresh = await join(w, alice, { fresh: true });
    expect(setupOf(fresh.conn).resumeHandle).toBeUndefined();
    expect(setupOf(fresh.conn).resumption).toEqual({});
    expect(fresh.conn.session).not.toBe(firstSession);
  });
});
