// Transcripts end to end: one message per exchange, edited as it grows, mention-safe, surviving 429s.
import { describe, expect, it, vi } from 'vitest';
import type { StoredMessage } from '../fakes/fake-discord/index.ts';
import { tone } from '../fakes/tones.ts';
import { type BotWorld, joinAndListen, useBotWorld } from './harness.ts';

const worlds = useBotWorld();

const PATCH = 'PATCH /channels/:channel/messages/:message';

async function joined() {
  const world = await worlds.start();
  const w = world;
  const { alice, conn, text } = await joinAndListen(w);
  expect(text).toContain('Listening');
  const botName = w.discord.world.bot.username;
  return { w, alice, conn, botName };
}

/** The bot's own channel messages (not interaction replies). */
function transcriptMessages(w: BotWorld): StoredMessage[] {
  return w.discord
    .messagesIn(w.guild.text())
    .filter((m) => m.authorId === w.discord.appId && m.interactionId === undefined);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('transcripts', () => {
  it('GIVEN a spoken exchange THEN one message is posted, edited as it grows (≤ ~1/s) and ends with both full lines', async () => {
    const { w, alice, conn, botName } = await joined();
    await alice.say(tone(440, 600));
    conn.transcribeInput('What is ');
    conn.transcribeInput('the weather?');
    const first = await w.discord.waitForMessage(
      w.guild.text(),
      (m) => m.content.includes('weather'),
      10_000,
    );
    expect(first.content).toBe('**alice:** What is the weather?');
    const words = ['It is', ' sunny', ' and', ' warm', ' today,', ' with', ' a light', ' breeze.'];
    for (const word of words) {
      conn.transcribeOutput(word);
      await pause(300);
    }
    conn.turnComplete();
    const final = `**alice:** What is the weather?\n**${botName}:** It is sunny and warm today, with a light breeze.`;
    await w.discord.waitForMessage(w.guild.text(), (m) => m.content === final, 10_000);

    const messages = transcriptMessages(w);
    expect(messages.map((m) => m.content)).toEqual([final]);
    const message = messages[0] as StoredMessage;
    const contents = message.raw.map((body) => String(body.content));
    // Post + at least one intermediate edit + the final one; the text only ever grows.
    expect(contents.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < contents.length; i++) {
      expect(contents[i]?.startsWith(contents[i - 1]?.split('\n')[0] ?? '')).toBe(true);
      expect((contents[i] ?? '').length).toBeGreaterThanOrEqual((contents[i - 1] ?? '').length);
    }
    // 8 fragments over ~2.4 s were coalesced into far fewer edits, spaced ~1 s apart (the final flush may be sooner).
    const edits = w.discord.rest.callsTo(PATCH).map((c) => c.timeMs);
    expect(edits.length).toBeLessThan(words.length);
    // At least two throttled edits before the final flush, so the spacing below is really checked.
    expect(edits.length).toBeGreaterThanOrEqual(3);
    const gaps = edits.slice(1, -1).map((t, i) => t - (edits[i] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThan(800);
    console.info(
      `transcript: ${edits.length} edits for ${words.length} fragments, gaps ${gaps.map(Math.round)} ms`,
    );
    for (const body of message.raw) expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('GIVEN a 429 on an edit THEN discord.js waits it out and the final text is complete', async () => {
    const { w, alice, conn, botName } = await joined();
    await alice.say(tone(440, 400));
    conn.transcribeInput('Count to three.');
    await w.discord.waitForMessage(w.guild.text(), (m) => m.content.includes('Count'), 10_000);
    w.discord.rest.inject429({ route: PATCH, count: 2, retryAfterMs: 700 });
    conn.transcribeOutput('One,');
    await pause(200);
    conn.transcribeOutput(' two,');
    await pause(200);
    conn.transcribeOutput(' three.');
    conn.turnComplete();
    const final = `**alice:** Count to three.\n**${botName}:** One, two, three.`;
    await w.discord.waitForMessage(w.guild.text(), (m) => m.content === final, 15_000);
    // The fake records a call just after applying it, so give the recording a moment to catch up.
    await vi.waitFor(() => expect(w.discord.rest.callsTo(PATCH).at(-1)?.status).toBe(200), {
      timeout: 2_000,
    });
    const patches = w.discord.rest.callsTo(PATCH);
    expect(patches.filter((c) => c.status === 429)).toHaveLength(2);
    // Each 429 was waited out: the next attempt came at least retry_after (700 ms, minus timer slack) later.
    patches.forEach((call, i) => {
      const next = patches[i + 1];
      if (call.status === 429 && next) expect(next.timeMs - call.timeMs).toBeGreaterThanOrEqual(680);
    });
    expect(transcriptMessages(w).map((m) => m.content)).toEqual([final]);
  });

  it('GIVEN "@everyone" said aloud and mentions in the answer THEN the posts carry parse [] and ping nobody', async () => {
    const { w, alice, conn } = await joined();
    await alice.say(tone(440, 400));
    conn.transcribeInput('Say hi to @everyone and *bold* people');
    await w.discord.waitForMessage(w.guild.text(), (m) => m.content.includes('Say hi'), 10_000);
    conn.transcribeOutput(`Hi @everyone and @here, <@${alice.id}> and <@&${w.guild.everyoneRoleId}>!`);
    conn.turnComplete();
    const message = await w.discord.waitForMessage(w.guild.text(), (m) => m.content.includes('Hi @'), 10_000);
    expect(message.raw.length).toBeGreaterThanOrEqual(2);
    for (const body of message.raw) expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(message.mentionEveryone).toBe(false);
    expect(message.mentionIds).toEqual([]);
    expect(message.mentionRoleIds).toEqual([]);
    // Even the text itself carries no working mention syntax, and the spoken markdown is escaped.
    expect(message.content).not.toMatch(/@everyone|@here|<@/);
    expect(message.content).toContain('\\*bold\\*');
  });

  it('GIVEN /leave inside the throttle window THEN the last words are still written', async () => {
    const { w, alice, conn, botName } = await joined();
    await alice.say(tone(440, 400));
    conn.transcribeInput('Tell me a long story.');
    conn.transcribeOutput('Once upon a time');
    await w.discord.waitForMessage(w.guild.text(), (m) => m.content.includes('Once upon'), 10_000);
    const live = w.bot.services.sessions.get(w.guild.id)?.live;
    const received = new Promise<void>((resolve) => live?.once('outputTranscript', () => resolve()));
    conn.transcribeOutput(' there was a bot.');
    await received;
    await (await alice.slash('leave')).text(10_000);
    const final = `**alice:** Tell me a long story.\n**${botName}:** Once upon a time there was a bot.`;
    await w.discord.waitForMessage(w.guild.text(), (m) => m.content === final, 10_000);
  });

  it('GIVEN Gemini calls a tool THEN its line joins the exchange; with tool lines off it does not', async () => {
    const { w, alice, conn, botName } = await joined();
    await alice.say(tone(440, 400));
    conn.transcribeInput('Work out six times seven.');
    const response = await conn.callTool('calculate', { expression: '6*7' });
    expect(JSON.stringify(response.response)).toContain('42');
    conn.transcribeOutput('It is 42.');
    conn.turnComplete();
    const withTool = await w.discord.waitForMessage(
      w.guild.text(),
      (m) => m.content.includes('It is 42.'),
      10_000,
    );
    expect(withTool.content).toMatch(
      /^\*\*alice:\*\* Work out six times seven\.\n🔧 `calculate\(.*42.*\n\*\*/s,
    );

    await w.bot.services.store.settings.update(w.guild.id, { toolLinesEnabled: false });
    // A new question comes after the answer was heard, not within the late-transcript grace (1 s).
    await pause(1_100);
    await alice.say(tone(440, 400));
    conn.transcribeInput('And eight times nine?');
    await conn.callTool('calculate', { expression: '8*9' });
    conn.transcribeOutput('72.');
    conn.turnComplete();
    const without = await w.discord.waitForMessage(w.guild.text(), (m) => m.content.includes('72.'), 10_000);
    expect(without.content).toBe(`**alice:** And eight times nine?\n**${botName}:** 72.`);
  });
});
