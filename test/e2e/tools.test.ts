// Tools end to end: registered as slash commands, listed by /tools, run by people and by Gemini.
import { describe, expect, it } from 'vitest';
import { Permission } from '../fakes/fake-discord/index.ts';
import { tone } from '../fakes/tones.ts';
import { BUILTIN_TOOL_NAMES } from '../helpers/builtin-tool-names.ts';
import { until } from '../helpers/wait.ts';
import { type BotWorld, joinAndListen, TEST_DISCORD_TOKEN, TEST_GEMINI_KEY, useBotWorld } from './harness.ts';
import { EXPLODE_SECRET, HANG_TIMEOUT_MS, type ToolProbes, toolProbes } from './tools-probes.ts';

const worlds = useBotWorld();

/** The world with the probe tools registered, alice in voice, /join done; returns the Live socket. */
async function joinedWithProbes() {
  const probes: ToolProbes = toolProbes();
  const world = await worlds.start({ bot: { extraTools: probes.tools } });
  const w = world;
  const { alice, conn, text } = await joinAndListen(w);
  expect(text).toContain('Listening');
  return { w, alice, conn, probes };
}

function sessionActive(w: BotWorld): boolean {
  return w.bot.services.sessions.get(w.guild.id)?.state.status === 'active';
}

describe('tools as slash commands', () => {
  it('GIVEN the bot started THEN Discord has /tools and one command per built-in tool, with its options', async () => {
    const world = await worlds.start();
    const registered = world.discord.commands.global;
    const names = registered.map((c) => c.name);
    expect(names).toContain('tools');
    for (const tool of BUILTIN_TOOL_NAMES) expect(names).toContain(tool);
    const dice = registered.find((c) => c.name === 'roll_dice');
    expect(dice?.options).toEqual([
      expect.objectContaining({ name: 'notation', type: 3, required: true, description: expect.any(String) }),
    ]);
    for (const command of registered) {
      expect(String(command.name)).toMatch(/^[a-z0-9_-]{1,32}$/);
      expect(String(command.description).length).toBeLessThanOrEqual(100);
    }
  });

  it('GIVEN /tools THEN an ephemeral embed lists every tool with its description and parameters', async () => {
    const world = await worlds.start();
    const reply = await world.discord.human('alice').slash('tools');
    await reply.text(10_000);
    expect(reply.ephemeral).toBe(true);
    const embed = reply.original?.embeds[0] as { title: string; fields: { name: string; value: string }[] };
    expect(embed.title).toBe('Tools');
    const fieldNames = embed.fields.map((f) => f.name);
    for (const tool of BUILTIN_TOOL_NAMES) expect(fieldNames).toContain(`/${tool}`);
    const dice = embed.fields.find((f) => f.name === '/roll_dice')?.value ?? '';
    expect(dice).toContain('Roll dice');
    expect(dice).toContain('`notation` (text, required)');
  });

  it('GIVEN /roll_dice 2d6+1 THEN the reply shows two dice from 1 to 6 and their sum plus one', async () => {
    const world = await worlds.start();
    const reply = await world.discord.human('alice').slash('roll_dice', { notation: '2d6+1' });
    const text = await reply.text(10_000);
    const match = /^🎲 2d6\+1: \[(\d+), (\d+)\] \+ 1 = \*\*(\d+)\*\*$/.exec(text);
    expect(match, text).not.toBeNull();
    const [a, b, total] = (match ?? []).slice(1).map(Number) as [number, number, number];
    for (const die of [a, b]) expect(die >= 1 && die <= 6).toBe(true);
    expect(total).toBe(a + b + 1);
    expect(reply.ephemeral).toBe(false);
  });

  it('GIVEN /calculate THEN the exact result; GIVEN hostile input THEN only the caller sees a readable error', async () => {
    const world = await worlds.start();
    const alice = world.discord.human('alice');
    const good = await alice.slash('calculate', { expression: '(12.5 * 4) / 2 + 2^10' });
    expect(await good.text(10_000)).toBe('🧮 `(12.5 * 4) / 2 + 2^10` = **1049**');

    const hostile = await alice.slash('calculate', { expression: 'process.exit()' });
    const error = await hostile.text(10_000);
    expect(error.startsWith('⚠️ ')).toBe(true);
    expect(error.length).toBeLessThan(300);
    expect(hostile.ephemeral).toBe(true);
    // The bot is still here and answering.
    const after = await alice.slash('calculate', { expression: '6*7' });
    expect(await after.text(10_000)).toContain('**42**');
  });
});

describe('tools called by Gemini during a voice session', () => {
  it('GIVEN Gemini calls calculate THEN it gets a toolResponse with the same id and the exact result', async () => {
    const { conn } = await joinedWithProbes();
    const response = await conn.callTool('calculate', { expression: '2^16 - 1' }, { id: 'fn-calc-1' });
    expect(response.id).toBe('fn-calc-1');
    expect(response.name).toBe('calculate');
    expect(response.response).toEqual({ status: 'ok', output: { expression: '2^16 - 1', result: '65535' } });
  });

  it('GIVEN Gemini calls voice_members and post_message THEN it hears who is there and the post appears', async () => {
    const { w, conn } = await joinedWithProbes();
    const members = await conn.callTool('voice_members');
    expect(members.response).toEqual({ status: 'ok', output: { count: 1, members: [{ name: 'alice' }] } });

    const text = 'Docs: https://example.com/guide @everyone';
    const posted = await conn.callTool('post_message', { text });
    expect(posted.response).toEqual({ status: 'ok', output: 'Posted the message in the text channel.' });
    // A side effect someone waits to hear about: told after the current sentence, never cutting it.
    expect(posted.scheduling).toBe('WHEN_IDLE');
    const message = await w.discord.waitForMessage(w.guild.text(), (m) => m.content === text);
    expect(message.authorId).toBe(w.discord.world.bot.id);
    expect(message.mentionEveryone).toBe(false);
  });

  it('GIVEN a tool that throws, one that hangs and invalid args THEN each answers a readable error and the session goes on', async () => {
    const { w, alice, conn, probes } = await joinedWithProbes();

    const thrown = await conn.callTool('explode', {}, { id: 'fn-explode' });
    expect(thrown.id).toBe('fn-explode');
    expect(thrown.response).toEqual({
      status: 'error',
      retryable: false,
      message: 'explode failed because of an internal error.',
    });
    // Neither the exception's text nor a stack trace reaches the model.
    const everythingSent = JSON.stringify(conn.messages);
    expect(everythingSent).not.toContain(EXPLODE_SECRET);
    expect(everythingSent).not.toContain('at execute');

    const startedAt = performance.now();
    const hung = await conn.callTool('hang', {}, { id: 'fn-hang' });
    const hungMs = performance.now() - startedAt;
    expect(hung.id).toBe('fn-hang');
    // A timeout is the one failure where calling again may help.
    expect(hung.response).toEqual({
      status: 'error',
      retryable: true,
      message: 'hang did not finish: It took longer than 0.3 s and was stopped.',
    });
    expect(hungMs).toBeGreaterThanOrEqual(HANG_TIMEOUT_MS - 20);
    expect(hungMs).toBeLessThan(HANG_TIMEOUT_MS + 2_000);
    expect(probes.aborted).toContain('hang');

    const invalid = await conn.callTool('roll_dice', { notation: 42 }, { id: 'fn-invalid' });
    expect(invalid.id).toBe('fn-invalid');
    expect(invalid.response).toMatchObject({ status: 'error', retryable: false });
    const invalidError = (invalid.response as { message?: string }).message ?? '';
    expect(invalidError).toMatch(/^Invalid arguments for roll_dice: "notation": /);

    const missing = await conn.callTool('calculate', {}, { id: 'fn-missing' });
    expect((missing.response as { message?: string }).message).toBe(
      'Invalid arguments for calculate: "expression" is missing (expected string).',
    );

    const unknown = await conn.callTool('format_disk', {}, { id: 'fn-unknown' });
    expect(unknown.response).toEqual({
      status: 'error',
      retryable: false,
      message: 'There is no tool named "format_disk".',
    });

    // The session goes on: still active, a later call works and speech still reaches Gemini.
    expect(sessionActive(w)).toBe(true);
    expect(conn.isOpen).toBe(true);
    const later = await conn.callTool('calculate', { expression: '1+1' }, { id: 'fn-later' });
    expect(later.response).toEqual({ status: 'ok', output: { expression: '1+1', result: '2' } });
    const before = conn.audioMs;
    await alice.say(tone(440, 400));
    await conn.waitForAudio(before + 300, 10_000);
    // No secret leaked into the bot's logs either.
    const logs = w.logLines.join('');
    expect(logs).not.toContain(TEST_DISCORD_TOKEN);
    expect(logs).not.toContain(TEST_GEMINI_KEY);
  });

  it('GIVEN a toolCallCancellation THEN the running tool is aborted and Gemini gets no response for it', async () => {
    const { w, conn, probes } = await joinedWithProbes();
    const started = probes.slowStarted();
    void conn.callTool('slow_task', {}, { id: 'fn-slow' });
    await started;
    expect(probes.aborted).not.toContain('slow_task');

    const abortedAt = performance.now();
    const aborted = probes.slowAborted();
    conn.cancelToolCalls(['fn-slow']);
    await aborted;
    expect(performance.now() - abortedAt).toBeLessThan(2_000);

    // Responses travel in order on the socket: one sent for the cancelled call would arrive first.
    const next = await conn.callTool('calculate', { expression: '3*3' }, { id: 'fn-after-cancel' });
    expect(next.response).toEqual({ status: 'ok', output: { expression: '3*3', result: '9' } });
    expect(conn.toolResponses.map((r) => r.id)).toEqual(['fn-after-cancel']);
    expect(sessionActive(w)).toBe(true);
  });

  it('GIVEN Gemini calls a tool THEN one compact line shows it in the transcript; tool lines off THEN none', async () => {
    const world = await worlds.start({
      discord: {
        guilds: [{ name: 'test-guild', roles: [{ name: 'managers', permissions: Permission.ManageGuild }] }],
      },
    });
    const w = world;
    const role = [...w.guild.record.roles.values()].find((r) => r.name === 'managers');
    const alice = w.discord.human('alice', { roles: role ? [role.id] : [] });
    await alice.joinVoice(w.guild.voice());
    await (await alice.slash('join')).text(10_000);
    const conn = await w.gemini.nextSession(10_000);
    const channel = w.guild.text();

    await conn.callTool('calculate', { expression: '6*7' });
    conn.transcribeOutput('It is 42.');
    conn.turnComplete();
    const shown = await w.discord.waitForMessage(
      channel,
      (m) => m.content.includes('It is 42.') && m.content.includes('🔧'),
      10_000,
    );
    const line = shown.content.split('\n').find((l) => l.startsWith('🔧')) ?? '';
    expect(line).toMatch(
      /^🔧 `calculate\(expression: "6\*7"\)` → `\{"expression":"6\*7","result":"42"\}` \(\d+ ms\)$/,
    );

    const off = await alice.slash('config tool-lines', { enabled: false });
    expect(await off.text(10_000)).toContain('It applies now.');
    await conn.callTool('calculate', { expression: '2+2' });
    conn.transcribeOutput('Four.');
    conn.turnComplete();
    await w.discord.waitForMessage(channel, (m) => m.content.includes('Four.'), 10_000);
    const botPosts = w.discord.messagesIn(channel).filter((m) => m.authorId === w.discord.world.bot.id);
    expect(botPosts.filter((m) => m.content.includes('🔧'))).toHaveLength(1);
    expect(botPosts.some((m) => m.content.includes('2+2'))).toBe(false);
  });

  it('GIVEN a tool still running at /leave THEN it is aborted and the bot leaves', async () => {
    const { w, alice, probes } = await joinedWithProbes();
    const conn = w.gemini.connections[0];
    const started = probes.slowStarted();
    void conn?.callTool('slow_task', {}, { id: 'fn-slow-leave' });
    await started;
    const aborted = probes.slowAborted();
    const leave = await alice.slash('leave');
    await leave.text(10_000);
    // Cancelled by the session ending (a timeout would say "took longer"), within /leave's reply.
    expect(((await aborted) as { message?: string }).message).toMatch(/^It was cancelled/);
    // The socket is closed, so nothing more can arrive: no response for the aborted call was sent.
    await conn?.waitForClose(5_000);
    expect(conn?.toolResponses.some((r) => r.id === 'fn-slow-leave')).toBe(false);
    await until(() => w.discord.botVoiceState(w.guild)?.channelId == null, 'the bot to leave voice');
  });
});
