// Google retires a model: at start (npm start and in-process) and mid-run, one clear sentence each.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIVE_MODEL, DEFAULT_TEXT_MODEL } from '../../src/config.ts';
import { startFakeDiscord } from '../fakes/fake-discord/index.ts';
import { startFakeGemini } from '../fakes/fake-gemini/index.ts';
import { botEnv, type ChildBot, startChildBot } from './child-bot.ts';
import { type BotWorld, startWorld, TEST_DISCORD_TOKEN, TEST_GEMINI_KEY } from './harness.ts';

let world: BotWorld | null = null;
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await world?.stop();
  await cleanup?.();
  world = null;
  cleanup = null;
});

const RETIRED_LIVE = 'gemini-2.0-flash-live-001';
const RETIRED_TEXT = 'gemini-2.5-flash';

/** The fix names the default, unless the default itself is what Google retired. */
const fixFor = (variable: string, model: string, fallback: string, kind: string) =>
  model === fallback
    ? `set ${variable} in .env to a current ${kind} model from Google's deprecations page`
    : `set ${variable}=${fallback} in .env (or leave it empty for that default)`;
const LIVE_SENTENCE = (model: string) =>
  `Voice is unavailable because Google no longer offers the Gemini Live model ${model}: the bot's owner must ${fixFor('GEMINI_LIVE_MODEL', model, DEFAULT_LIVE_MODEL, 'Live')} and restart the bot.`;
const TEXT_SENTENCE = (model: string) =>
  `I cannot answer typed questions because Google no longer offers the Gemini text model ${model}: the bot's owner must ${fixFor('GEMINI_TEXT_MODEL', model, DEFAULT_TEXT_MODEL, 'text')} and restart the bot.`;

/** Log lines (parsed) whose message is `sentence`. */
function linesSaying(w: BotWorld, sentence: string): Record<string, unknown>[] {
  return w.logLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((l) => l.msg === sentence);
}

function replyTo(w: BotWorld, questionId: string) {
  return w.discord.waitForMessage(
    w.guild.text(),
    (m) => m.authorId === w.discord.appId && m.replyTo === questionId,
    10_000,
  );
}

const inVoice = new WeakSet<BotWorld>();

/** alice (in the first voice channel) runs /join; resolves with the bot's answer. */
async function slashJoin(w: BotWorld): Promise<string> {
  const alice = w.discord.human('alice');
  if (!inVoice.has(w)) await alice.joinVoice(w.guild.voice());
  inVoice.add(w);
  return (await alice.slash('join')).text(15_000);
}

describe('a retired Live model', () => {
  it('GIVEN GEMINI_LIVE_MODEL retired at start THEN one error line, /join answers the sentence without a Live attempt, text answers still work', async () => {
    world = await startWorld({ env: { GEMINI_LIVE_MODEL: RETIRED_LIVE } });
    const w = world;
    const logged = linesSaying(w, LIVE_SENTENCE(RETIRED_LIVE));
    expect(logged).toHaveLength(1);
    expect(logged[0]?.level).toBe(50);

    expect(await slashJoin(w)).toBe(LIVE_SENTENCE(RETIRED_LIVE));
    expect(w.gemini.connections).toHaveLength(0);
    expect(w.discord.botVoiceState(w.guild)?.channelId ?? null).toBeNull();

    // Only voice is affected: an @mention is answered with generateContent.
    w.gemini.rest.reply({ text: 'Text still works.' });
    const question = await w.discord.human('bob').mention(w.guild.text(), 'are you there?');
    expect((await replyTo(w, question.id)).content).toBe('Text still works.');
  });

  it('GIVEN the Live model retired while the bot runs THEN /join gets the sentence from the 1008 close, and the next /join is refused at once', async () => {
    world = await startWorld();
    const w = world;
    w.gemini.retireModel(DEFAULT_LIVE_MODEL);
    expect(await slashJoin(w)).toBe(LIVE_SENTENCE(DEFAULT_LIVE_MODEL));
    const first = await w.gemini.nextConnection();
    expect((await first.waitForClose()).code).toBe(1008);
    expect(linesSaying(w, LIVE_SENTENCE(DEFAULT_LIVE_MODEL))).toHaveLength(1);

    expect(await slashJoin(w)).toBe(LIVE_SENTENCE(DEFAULT_LIVE_MODEL));
    expect(w.gemini.connections).toHaveLength(1);
  });

  it('GIVEN the Live model retired during a session THEN the reconnect is refused and the channel gets the same sentence', async () => {
    world = await startWorld();
    const w = world;
    expect(await slashJoin(w)).toContain('Listening');
    const conn = await w.gemini.nextSession(10_000);
    conn.sendResumptionHandle();
    w.gemini.retireModel(DEFAULT_LIVE_MODEL);
    conn.close(1011, 'Internal error encountered.');
    const notice = await w.discord.waitForMessage(
      w.guild.text(),
      (m) => m.authorId === w.discord.appId && m.content === LIVE_SENTENCE(DEFAULT_LIVE_MODEL),
      15_000,
    );
    expect(notice.content).toBe(LIVE_SENTENCE(DEFAULT_LIVE_MODEL));
    // The refusal is remembered: the next /join answers at once without a Live attempt.
    const attempts = w.gemini.connections.length;
    expect(await slashJoin(w)).toBe(LIVE_SENTENCE(DEFAULT_LIVE_MODEL));
    expect(w.gemini.connections).toHaveLength(attempts);
  });

  it('GIVEN npm start with a retired GEMINI_LIVE_MODEL THEN it logs one clear line and still logs in', async () => {
    const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN });
    const gemini = await startFakeGemini({ apiKey: TEST_GEMINI_KEY });
    const dataDir = await mkdtemp(join(tmpdir(), 'bot-retired-'));
    let bot: ChildBot | undefined;
    cleanup = async () => {
      await bot?.kill();
      await gemini.stop();
      await discord.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
    bot = startChildBot(
      'src/main.ts',
      { ...botEnv(discord, gemini, dataDir), GEMINI_LIVE_MODEL: RETIRED_LIVE },
      dataDir,
    );
    await bot.waitForLog((l) => l.msg === 'logged in to Discord', 'login', 30_000);
    const lines = bot.logs.filter((l) => String(l.msg).includes(RETIRED_LIVE));
    expect(lines.map((l) => l.msg)).toEqual([LIVE_SENTENCE(RETIRED_LIVE)]);
  });
});

describe('a retired text model', () => {
  it('GIVEN GEMINI_TEXT_MODEL retired at start THEN @mention answers get its own sentence and no request, voice still works', async () => {
    world = await startWorld({ env: { GEMINI_TEXT_MODEL: RETIRED_TEXT } });
    const w = world;
    expect(linesSaying(w, TEXT_SENTENCE(RETIRED_TEXT))).toHaveLength(1);
    const question = await w.discord.human('bob').mention(w.guild.text(), 'what is 2+2?');
    expect((await replyTo(w, question.id)).content).toBe(TEXT_SENTENCE(RETIRED_TEXT));
    expect(w.gemini.rest.requests).toHaveLength(0);

    expect(await slashJoin(w)).toContain('Listening');
  });

  it('GIVEN the text model retired while the bot runs THEN the 404 becomes the same sentence, logged once', async () => {
    world = await startWorld();
    const w = world;
    w.gemini.retireModel(DEFAULT_TEXT_MODEL);
    const bob = w.discord.human('bob');
    const first = await bob.mention(w.guild.text(), 'first question?');
    expect((await replyTo(w, first.id)).content).toBe(TEXT_SENTENCE(DEFAULT_TEXT_MODEL));
    const second = await bob.mention(w.guild.text(), 'second question?');
    expect((await replyTo(w, second.id)).content).toBe(TEXT_SENTENCE(DEFAULT_TEXT_MODEL));
    expect(linesSaying(w, TEXT_SENTENCE(DEFAULT_TEXT_MODEL))).toHaveLength(1);
    expect(w.gemini.rest.requests).toHaveLength(0);
  });
});
