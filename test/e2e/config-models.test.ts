// /config per Live model (a setting the model decides itself is refused in one sentence) and turn-taking.
import { describe, expect, it } from 'vitest';
import { Permission } from '../fakes/fake-discord/index.ts';
import { type BotWorld, useBotWorld } from './harness.ts';

const worlds = useBotWorld();

/** The bot on `model`, with a member who has Manage Server. */
async function managerWith(model: string) {
  const world = await worlds.start({
    env: { GEMINI_LIVE_MODEL: model },
    discord: {
      guilds: [{ name: 'test-guild', roles: [{ name: 'managers', permissions: Permission.ManageGuild }] }],
    },
  });
  const w = world;
  const role = [...w.guild.record.roles.values()].find((r) => r.name === 'managers');
  if (!role) throw new Error('no managers role');
  return { w, manager: w.discord.human('mia', { roles: [role.id] }) };
}

async function config(human: ReturnType<BotWorld['discord']['human']>, line: string, enabled?: boolean) {
  return (await human.slash(`config ${line}`, enabled === undefined ? {} : { enabled })).text(10_000);
}

describe('/config turn-taking', () => {
  it('GIVEN turn-taking set to fast (Discord) with a 250 ms hold THEN /config show and /status say so and the next setup uses manual activity', async () => {
    const { w, manager } = await managerWith('gemini-3.8-live');
    const set = await (await manager.slash('config turn-taking', { mode: 'discord', 'hold-ms': 250 })).text(
      10_000,
    );
    expect(set).toContain('**Turn-taking** is now fast (Discord).');
    expect(set).toContain('**End-of-turn hold** is now 250 ms.');
    const shown = await config(manager, 'show');
    expect(shown).toContain('**Turn-taking:** fast (Discord)');
    expect(shown).toContain('**End-of-turn hold:** 250 ms');
    await manager.joinVoice(w.guild.voice());
    const joined = await manager.slash('join');
    const conn = await w.gemini.nextSession(10_000);
    expect(await joined.text(10_000)).toContain('Listening');
    expect(conn.activityMode).toBe('manual');
    expect(await (await manager.slash('status')).text(10_000)).toContain(
      'Turn-taking: fast (Discord), 250 ms hold',
    );
  });

  it('GIVEN the default THEN fast (Discord) everywhere', async () => {
    const { w, manager } = await managerWith('gemini-3.8-live');
    expect(await config(manager, 'show')).toContain('**Turn-taking:** fast (Discord)');
    await manager.joinVoice(w.guild.voice());
    const joined = await manager.slash('join');
    const conn = await w.gemini.nextSession(10_000);
    expect(await joined.text(10_000)).toContain('Listening');
    expect(conn.activityMode).toBe('manual');
    expect(await (await manager.slash('status')).text(10_000)).toContain('Turn-taking: fast (Discord)');
  });
});

describe('/config proactive per model', () => {
  it('GIVEN gemini-3.8-live THEN turning proactive audio off is refused with why, /config show says always on, and the setup omits it', async () => {
    const { w, manager } = await managerWith('gemini-3.8-live');
    const refused = await config(manager, 'proactive', false);
    expect(refused).toBe(
      'Proactive audio is always on with gemini-3.8-live (Google does not let it be turned off), so there is nothing to change.',
    );
    expect(await config(manager, 'show')).toContain('**Proactive audio:** always on (gemini-3.8-live)');
    await manager.joinVoice(w.guild.voice());
    await manager.slash('join');
    const conn = await w.gemini.nextSession(10_000);
    expect(conn.setup).not.toHaveProperty('proactivity');
  });

  it('GIVEN gemini-3.1-flash-live-preview THEN the setting is refused because the model has no proactive audio', async () => {
    const { manager } = await managerWith('gemini-3.1-flash-live-preview');
    expect(await config(manager, 'proactive', true)).toMatch(
      /^gemini-3\.1-flash-live-preview does not support proactive audio, so this setting would have no effect/,
    );
    expect(await config(manager, 'show')).toContain(
      '**Proactive audio:** not supported by gemini-3.1-flash-live-preview',
    );
  });

  it('GIVEN the 2.5 native-audio preview THEN proactive audio can be switched on and the next setup carries it', async () => {
    const { w, manager } = await managerWith('gemini-2.5-flash-native-audio-preview-12-2025');
    expect(await config(manager, 'proactive', true)).toContain('**Proactive audio** is now on.');
    await manager.joinVoice(w.guild.voice());
    await manager.slash('join');
    const conn = await w.gemini.nextSession(10_000);
    expect(conn.setup?.proactivity).toEqual({ proactiveAudio: true });
  });
});
