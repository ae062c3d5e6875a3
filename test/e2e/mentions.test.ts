// @mention questions end to end: through the voice session, through generateContent, images, limits.
import { describe, expect, it } from 'vitest';
import { FakeGenerateContent } from '../fakes/fake-gemini/index.ts';
import { type BotWorld, useBotWorld } from './harness.ts';

const worlds = useBotWorld();

/** A valid 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** The bot's reply to `questionId`, once it exists. */
function replyTo(w: BotWorld, questionId: string, timeoutMs = 10_000) {
  return w.discord.waitForMessage(
    w.guild.text(),
    (m) => m.authorId === w.discord.appId && m.replyTo === questionId,
    timeoutMs,
  );
}

describe('@mention questions outside voice', () => {
  it('GIVEN a question needing a tool THEN generateContent runs a tool round and the answer is a mention-safe reply', async () => {
    const world = await worlds.start();
    const w = world;
    w.gemini.rest.reply(
      { functionCalls: [{ name: 'calculate', args: { expression: '12*7' }, id: 'call-1' }] },
      { text: 'It is 84, @everyone!' },
    );
    const alice = w.discord.human('alice');
    const question = await alice.mention(w.guild.text(), 'what is 12 times 7?');
    const answer = await replyTo(w, question.id);
    expect(answer.content).toBe('It is 84, @\u200beveryone!');
    expect(answer.raw[0]?.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(answer.mentionEveryone).toBe(false);

    const [first, second] = w.gemini.rest.requests;
    expect(w.gemini.rest.requests).toHaveLength(2);
    expect(first?.model).toBe(w.config.GEMINI_TEXT_MODEL);
    expect(FakeGenerateContent.parts(first as never).map((p) => p.text)).toContain('what is 12 times 7?');
    const response = FakeGenerateContent.parts(second as never).find((p) => p.functionResponse);
    expect(response?.functionResponse).toMatchObject({ id: 'call-1', name: 'calculate' });
    expect(JSON.stringify(response?.functionResponse?.response)).toContain('84');
    expect(w.discord.rest.callsTo('POST /channels/:channel/typing').length).toBeGreaterThanOrEqual(1);
  });

  it('GIVEN a reply to the bot’s answer THEN the earlier question and answer are sent as history', async () => {
    const world = await worlds.start();
    const w = world;
    w.gemini.rest.reply({ text: 'Paris.' }, { text: 'About 2.1 million.' });
    const alice = w.discord.human('alice');
    const question = await alice.mention(w.guild.text(), 'capital of France?');
    const answer = await replyTo(w, question.id);
    const followUp = await alice.send(w.guild.text(), 'and its population?', { replyTo: answer });
    const second = await replyTo(w, followUp.id);
    expect(second.content).toBe('About 2.1 million.');
    const contents = w.gemini.rest.requests[1]?.body.contents ?? [];
    expect(contents.map((c) => [c.role, c.parts?.[0]?.text])).toEqual([
      ['user', 'capital of France?'],
      ['model', 'Paris.'],
      ['user', 'and its population?'],
    ]);
  });

  it('GIVEN an image attachment THEN it reaches Gemini as inline data', async () => {
    const world = await worlds.start();
    const w = world;
    w.gemini.rest.reply({ text: 'A single pixel.' });
    const question = await w.discord.human('alice').mention(w.guild.text(), 'what is this?', {
      attachments: [{ filename: 'pixel.png', contentType: 'image/png', data: PNG }],
    });
    expect((await replyTo(w, question.id)).content).toBe('A single pixel.');
    const image = FakeGenerateContent.parts(w.gemini.rest.requests[0] as never).find((p) => p.inlineData);
    expect(image?.inlineData?.mimeType).toBe('image/png');
    expect(Buffer.from(image?.inlineData?.data ?? '', 'base64').equals(PNG)).toBe(true);
  });

  it('GIVEN five images THEN a clear sentence and no Gemini call', async () => {
    const world = await worlds.start();
    const w = world;
    const attachments = Array.from({ length: 5 }, (_, i) => ({
      filename: `p${i}.png`,
      contentType: 'image/png',
      data: PNG,
    }));
    const question = await w.discord.human('alice').mention(w.guild.text(), 'compare', { attachments });
    expect((await replyTo(w, question.id)).content).toBe(
      'I can look at up to 4 images at a time; please send fewer.',
    );
    expect(w.gemini.rest.requests).toHaveLength(0);
  });

  it('GIVEN an empty mention, @everyone, or a bot THEN a hint, nothing and nothing', async () => {
    const world = await worlds.start();
    const w = world;
    const alice = w.discord.human('alice');
    const otherBot = w.discord.human('helper-bot', { bot: true });
    await otherBot.mention(w.guild.text(), 'what is 2+2?');
    await alice.send(w.guild.text(), '@everyone look at this');
    const empty = await alice.mention(w.guild.text(), '   ');
    expect((await replyTo(w, empty.id)).content).toContain('Ask me something');
    expect(w.gemini.rest.requests).toHaveLength(0);
    const botReplies = w.discord.messagesIn(w.guild.text()).filter((m) => m.authorId === w.discord.appId);
    expect(botReplies).toHaveLength(1);
  });

  it('GIVEN a sixth question within a minute THEN a friendly rate-limit message instead of a Gemini call', async () => {
    const world = await worlds.start();
    const w = world;
    const alice = w.discord.human('alice');
    for (let i = 1; i <= 5; i++) {
      const q = await alice.mention(w.guild.text(), `question ${i}`);
      await replyTo(w, q.id);
    }
    const sixth = await alice.mention(w.guild.text(), 'question 6');
    expect((await replyTo(w, sixth.id)).content).toMatch(/faster than I can answer.*try again in \d+ s/);
    expect(w.gemini.rest.requests).toHaveLength(5);
  });

  it('GIVEN Gemini failing THEN one clear sentence, no stack trace, no secret', async () => {
    const world = await worlds.start();
    const w = world;
    w.gemini.rest.reply({ status: 400, message: `bad request for key ${w.config.GEMINI_API_KEY}` });
    const question = await w.discord.human('alice').mention(w.guild.text(), 'hello?');
    const answer = await replyTo(w, question.id);
    expect(answer.content).toBe(
      "Sorry, Gemini couldn't answer that right now. Please try again in a moment.",
    );
    expect(w.logLines.join('\n')).not.toContain(w.config.GEMINI_API_KEY);
  });

  it('GIVEN an answer over 2,000 characters THEN it arrives split into whole-word messages', async () => {
    const world = await worlds.start();
    const w = world;
    const long = Array.from({ length: 600 }, (_, i) => `w${i}`).join(' ');
    w.gemini.rest.reply({ text: long });
    const question = await w.discord.human('alice').mention(w.guild.text(), 'talk a lot');
    await replyTo(w, question.id);
    const parts = await w.discord.waitForMessage(w.guild.text(), (m) => m.content.endsWith('w599'));
    const bot = w.discord.messagesIn(w.guild.text()).filter((m) => m.authorId === w.discord.appId);
    expect(bot.length).toBeGreaterThanOrEqual(2);
    for (const m of bot) expect(m.content.length).toBeLessThanOrEqual(2_000);
    expect(bot.map((m) => m.content).join(' ')).toBe(long);
    expect(parts.raw[0]?.allowed_mentions).toMatchObject({ parse: [] });
  });
});

describe('@mention questions in voice', () => {
  it('GIVEN a live session THEN the question and its image go to Live and the reply carries the transcribed answer', async () => {
    const world = await worlds.start();
    const w = world;
    const alice = w.discord.human('alice');
    await alice.joinVoice(w.guild.voice());
    const join = await alice.slash('join');
    const conn = await w.gemini.nextSession(10_000);
    expect(await join.text(10_000)).toContain('Listening');

    const question = await alice.mention(w.guild.text(), 'what colour is this?', {
      attachments: [{ filename: 'pixel.png', contentType: 'image/png', data: PNG }],
    });
    const image = await conn.waitForImage(1, 10_000);
    expect(image.data.equals(PNG)).toBe(true);
    expect(await conn.waitForText(1, 10_000)).toContain('what colour is this?');
    conn.transcribeOutput('It looks ');
    conn.transcribeOutput('green @everyone.');
    conn.turnComplete();
    const answer = await replyTo(w, question.id);
    expect(answer.content).toBe('It looks green @\u200beveryone.');
    expect(answer.raw[0]?.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(w.gemini.rest.requests).toHaveLength(0);
    // The transcript shows the typed question, attributed, with the spoken answer under it.
    const transcript = await w.discord.waitForMessage(
      w.guild.text(),
      (m) => m.content.includes('(typed)') && m.content.includes('green'),
      5_000,
    );
    expect(transcript.content).toContain('**alice (typed):** what colour is this?');
  });
});
