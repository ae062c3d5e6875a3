// The bot through a DAVE call's membership changes and faults: nobody's speech is lost, every fault heals within 3 s.
import { afterEach, describe, expect, it } from 'vitest';
import { levelAtDbfs, longestSilenceMs, offsetMs, onsetMs } from '../fakes/audio-analysis.ts';
import type { FakeHuman } from '../fakes/fake-discord/index.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import { botJoins, callOf, type DaveCallWorld, mono16k } from './dave-world.ts';

let current: DaveCallWorld | null = null;
afterEach(async () => {
  await current?.w.stop();
  current = null;
});

async function started(names: string[], options: Parameters<typeof callOf>[1] = {}) {
  current = await callOf(names, options);
  const alice = current.humans[0] as FakeHuman;
  const joined = await botJoins(current, alice);
  return { ...current, alice, ...joined };
}

/** The longest pause (ms) inside the tone Gemini heard, from its onset to its end. */
function longestGapMs(samples: Int16Array): number {
  const heard = mono16k(samples);
  const start = onsetMs(heard) ?? 0;
  const end = offsetMs(heard) ?? 0;
  return longestSilenceMs(heard, { startMs: start + 20, endMs: end - 20 });
}

describe('the bot in a DAVE call whose members change', () => {
  it('GIVEN alice talking WHEN a 4th person joins and another leaves THEN Gemini hears her with no gap over 60 ms', async () => {
    const c = await started(['alice', 'bob', 'carol']);
    const dave = c.w.discord.human('dave');
    const talking = c.alice.say(tone(440, 4000, { amplitudeDbfs: -12 }));
    await c.conn.waitForAudio(800, 5000);
    await dave.joinVoice(c.w.guild.voice());
    await c.call.waitForGroup([...c.humans.map((h) => h.id), dave.id, c.botId]);
    await (c.humans[1] as FakeHuman).leaveVoice();
    await c.call.waitForGroup([c.alice.id, (c.humans[2] as FakeHuman).id, dave.id, c.botId]);
    await talking;
    await c.conn.waitForInputEnd(1, 10_000);
    expect(c.call.executed.filter((t) => t.members.includes(c.botId)).length).toBeGreaterThanOrEqual(3);
    expect(c.conn.audioMs).toBeGreaterThanOrEqual(3900);
    expect(longestGapMs(c.conn.audio)).toBeLessThanOrEqual(60);
    c.w.discord.assertNoFailures();
  });

  it('GIVEN the bot and one human WHEN the human leaves and another joins THEN the bot starts a new group (sole-member reset) and hears the newcomer', async () => {
    const c = await started(['alice']);
    await c.alice.leaveVoice();
    await c.call.until((call) => !call.established, 'the sole-member reset');
    expect(c.call.executed.at(-1)?.id).toBe(0);
    const bob = c.w.discord.human('bob');
    await bob.joinVoice(c.w.guild.voice());
    await c.call.waitForGroup([bob.id, c.botId]);
    expect(c.call.epoch).toBe(1n);
    await bob.say(tone(500, 800));
    await c.conn.waitForInputEnd(1, 10_000);
    expect(levelAtDbfs(mono16k(c.conn.audio), 500, { startMs: 200, endMs: 600 })).toBeGreaterThan(-20);
    c.w.discord.assertNoFailures();
  });

  it('GIVEN alice still on the previous epoch’s key for 1.5 s after a join THEN the bot decrypts her stale-key frames: no gap over 60 ms', async () => {
    const c = await started(['alice', 'bob']);
    const dave = c.w.discord.human('dave');
    const talking = c.alice.say(tone(440, 3500, { amplitudeDbfs: -12 }));
    await c.conn.waitForAudio(600, 5000);
    if (!c.alice.dave) throw new Error('alice has no DAVE client');
    c.alice.dave.faults.applyCommitLateMs = 1500;
    const epoch = c.call.epoch;
    await dave.joinVoice(c.w.guild.voice());
    await c.call.waitForGroup([...c.humans.map((h) => h.id), dave.id, c.botId]);
    expect(c.call.epoch).toBe(epoch + 1n);
    // op 22 went out, yet alice has not applied the commit: her frames still use the old key.
    expect(c.alice.dave.awaitingTransition).toBe(true);
    await talking;
    await c.conn.waitForInputEnd(1, 10_000);
    expect(c.conn.audioMs).toBeGreaterThanOrEqual(3400);
    expect(longestGapMs(c.conn.audio)).toBeLessThanOrEqual(60);
    c.w.discord.assertNoFailures();
  });

  it('GIVEN a client without DAVE joins THEN the call downgrades to protocol 0 and both sides are heard; when it leaves, E2EE comes back', async () => {
    const c = await started(['alice', 'bob']);
    const carol = c.w.discord.human('carol');
    await carol.joinVoice(c.w.guild.voice(), { dave: false });
    await c.call.until((call) => call.protocolVersion === 0 && !call.transitionPending, 'the downgrade');
    expect(c.call.executed.at(-1)?.timedOut).toBe(false);
    await carol.say(tone(500, 800));
    await c.conn.waitForInputEnd(1, 10_000);
    expect(levelAtDbfs(mono16k(c.conn.audio), 500, { startMs: 200, endMs: 600 })).toBeGreaterThan(-20);
    const capture = c.w.discord.botAudioIn(c.w.guild);
    await c.conn.sendAudio(geminiAnswer(600, 400));
    c.conn.turnComplete();
    await capture.until(() => capture.audioMs() >= 400, 10_000);
    expect(capture.packets.filter((p) => p.frameKind === 'e2ee')).toEqual([]);

    await carol.leaveVoice();
    await c.call.waitForGroup([c.alice.id, (c.humans[1] as FakeHuman).id, c.botId]);
    expect(c.call.protocolVersion).toBe(1);
    // A new group: epoch 1 at creation, 2 if one key package came after the first commit.
    expect(c.call.epoch).toBeLessThanOrEqual(2n);
    capture.clear();
    await c.conn.sendAudio(geminiAnswer(600, 600));
    c.conn.turnComplete();
    await capture.until(() => capture.packets.filter((p) => p.frameKind === 'e2ee').length >= 25, 10_000);
    const said = await c.alice.say(tone(440, 600));
    expect(said.packets.filter((p) => p.opus.length > 3).every((p) => p.e2ee)).toBe(true);
    await c.conn.waitForInputEnd(2, 10_000);
    const status = await (await c.alice.slash('status')).text(10_000);
    expect(status).toContain(`🔒 End-to-end encrypted (DAVE protocol 1, epoch ${c.call.epoch})`);
    c.w.discord.assertNoFailures();
  });

  it('GIVEN a call of 10 (the bot and 9 people) THEN the group forms, three speakers are heard and all 9 decrypt the answer', async () => {
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'];
    const c = await started(names);
    expect(c.call.leaves.size).toBe(10);
    await Promise.all(
      [300, 500, 700].map((hz, i) => (c.humans[i] as FakeHuman).say(tone(hz, 1000, { amplitudeDbfs: -18 }))),
    );
    await c.conn.waitForInputEnd(1, 10_000);
    const heard = mono16k(c.conn.audio);
    for (const hz of [300, 500, 700])
      expect(levelAtDbfs(heard, hz, { startMs: 300, endMs: 800 })).toBeGreaterThan(-30);
    await c.conn.sendAudio(geminiAnswer(600, 600));
    c.conn.turnComplete();
    const capture = c.w.discord.botAudioIn(c.w.guild);
    await capture.until(() => capture.audioMs() >= 600, 10_000);
    const frames = capture.packets.filter((p) => p.frameKind !== 'silence');
    const everyone = frames.filter((p) => c.humans.every((h) => p.decryptedBy.includes(h.id)));
    expect(everyone.length / frames.length).toBeGreaterThanOrEqual(0.99);
    c.w.discord.assertNoFailures();
  });
});

describe('the bot in a DAVE call with faults', () => {
  /** alice talks 3 s; `fault()` happens 500 ms in; Gemini must hear her again within 3 s of it. */
  async function heardThrough(fault: (c: Awaited<ReturnType<typeof started>>) => Promise<void>) {
    const c = await started(['alice', 'bob']);
    const talking = c.alice.say(tone(440, 3000, { amplitudeDbfs: -12 }));
    await c.conn.waitForAudio(500, 5000);
    const before = c.conn.audioMs;
    await fault(c);
    await talking;
    await c.conn.waitForInputEnd(1, 10_000);
    return { c, before };
  }

  it('GIVEN a burst of 60 unencrypted frames from alice THEN none is decoded, the bot recovers through op 31, and she is heard after', async () => {
    const c = await started(['alice', 'bob']);
    const burst = Array.from({ length: 60 }, (_, i) => 20 + i);
    const said = await c.alice.say(tone(440, 3000, { amplitudeDbfs: -12 }), {
      faults: { unencrypted: burst },
    });
    await c.conn.waitForInputEnd(1, 10_000);
    expect(said.packets.filter((p) => p.faults.includes('unencrypted')).every((p) => !p.e2ee)).toBe(true);
    // More than 36 failures in a row make @discordjs/voice reset its DAVE session (op 31, spec recovery).
    expect(c.call.invalidReports.map((r) => r.userId)).toEqual([c.botId]);
    const heard = mono16k(c.conn.audio);
    // 20 frames, a 1.2 s hole where the unencrypted frames were refused, then 1.4 s of alice again
    // (the bot is welcomed back within it).
    expect(levelAtDbfs(heard, 440, { startMs: 100, endMs: 350 })).toBeGreaterThan(-18);
    const end = offsetMs(heard) ?? 0;
    expect(levelAtDbfs(heard, 440, { startMs: end - 600, endMs: end - 100 })).toBeGreaterThan(-18);
    c.w.discord.assertNoFailures();
  });

  it('GIVEN a corrupt commit to the bot WHEN someone joins THEN the bot reports it (op 31), is re-added, and hears alice within 3 s', async () => {
    const c = await started(['alice', 'bob']);
    c.call.faults.corruptCommitFor = c.botId;
    const talking = c.alice.say(tone(440, 3000, { amplitudeDbfs: -12 }));
    await c.conn.waitForAudio(500, 5000);
    await c.w.discord.human('carol').joinVoice(c.w.guild.voice());
    await c.call.until((call) => call.invalidReports.some((r) => r.userId === c.botId), 'op 31 from the bot');
    const faultAt = performance.now();
    await c.call.waitForGroup([...c.humans.map((h) => h.id), c.w.discord.human('carol').id, c.botId], 3000);
    expect(performance.now() - faultAt).toBeLessThan(3000);
    await talking;
    await c.conn.waitForInputEnd(1, 10_000);
    const heard = mono16k(c.conn.audio);
    const end = offsetMs(heard) ?? 0;
    expect(levelAtDbfs(heard, 440, { startMs: end - 1000, endMs: end - 50 })).toBeGreaterThan(-18);
    expect(longestGapMs(c.conn.audio)).toBeLessThan(3000);
  });

  it('GIVEN a Welcome the bot cannot process THEN it asks again (op 31), is welcomed, and hears alice within 3 s of joining', async () => {
    current = await callOf(['alice', 'bob']);
    const c = current;
    c.call.faults.corruptWelcomeFor = c.botId;
    const alice = c.humans[0] as FakeHuman;
    const { conn } = await botJoins(c, alice);
    expect(c.call.invalidReports.map((r) => r.userId)).toEqual([c.botId]);
    const talking = alice.say(tone(440, 1000, { amplitudeDbfs: -12 }));
    await talking;
    await conn.waitForInputEnd(1, 10_000);
    expect(levelAtDbfs(mono16k(conn.audio), 440, { startMs: 200, endMs: 800 })).toBeGreaterThan(-18);
  });

  it('GIVEN a proposal the bot never got THEN the commit it cannot process is reported and the bot is back within 3 s', async () => {
    const { c } = await heardThrough(async (c) => {
      c.call.faults.dropProposalFor = c.botId;
      await c.w.discord.human('carol').joinVoice(c.w.guild.voice());
      await c.call.until(
        (call) => call.invalidReports.some((r) => r.userId === c.botId),
        'op 31 from the bot',
      );
      await c.call.waitForGroup([...c.humans.map((h) => h.id), c.w.discord.human('carol').id, c.botId], 3000);
    });
    const heard = mono16k(c.conn.audio);
    const end = offsetMs(heard) ?? 0;
    expect(levelAtDbfs(heard, 440, { startMs: end - 1000, endMs: end - 50 })).toBeGreaterThan(-18);
  });
});

describe('the bot stuck outside the DAVE group', () => {
  /** alice talks for `ms` while bob runs /join and the bot's Welcomes are lost (`times`). */
  async function lostWelcome(times: 'once' | 'always', ms: number) {
    current = await callOf(['alice', 'bob']);
    const c = current;
    c.call.faults.loseWelcomesFor = { userId: c.botId, times };
    const identifies = c.w.discord.voice.identifies.length;
    const talking = (c.humans[0] as FakeHuman).say(tone(440, ms, { amplitudeDbfs: -12 }));
    const reply = await (c.humans[1] as FakeHuman).slash('join');
    return { c, identifies, talking, reply };
  }

  it('GIVEN the Welcome for the bot is lost THEN after 2 s of undecryptable audio it reconnects voice once and hears alice', async () => {
    const { c, identifies, talking, reply } = await lostWelcome('once', 6000);
    const conn = await c.w.gemini.nextSession(10_000);
    await reply.text(10_000);
    await c.call.waitForGroup([...c.humans.map((h) => h.id), c.botId], 8000);
    await talking;
    await conn.waitForInputEnd(1, 10_000);
    expect(c.w.discord.voice.identifies.length - identifies).toBe(2);
    const heard = mono16k(conn.audio);
    const end = offsetMs(heard) ?? 0;
    expect(levelAtDbfs(heard, 440, { startMs: end - 1500, endMs: end - 50 })).toBeGreaterThan(-18);
    expect(c.w.discord.messagesIn(c.w.guild.text()).some((m) => m.content.includes("can't decrypt"))).toBe(
      false,
    );
  });

  it('GIVEN every Welcome for the bot is lost THEN it reconnects once, then says in one sentence that it cannot hear the call', async () => {
    const { c, identifies, talking } = await lostWelcome('always', 7000);
    const told = await c.w.discord.waitForMessage(
      c.w.guild.text(),
      (m) => m.content.includes("can't decrypt"),
      10_000,
    );
    expect(told.content).toBe(
      "I can't decrypt this call's end-to-end encrypted audio, so I can't hear anyone right now. Try /leave and then /join.",
    );
    await talking;
    expect(c.w.discord.voice.identifies.length - identifies).toBe(2);
    const notices = c.w.discord
      .messagesIn(c.w.guild.text())
      .filter((m) => m.content.includes("can't decrypt"));
    expect(notices).toHaveLength(1);
  });
});
