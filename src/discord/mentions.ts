// Answers @mention questions: through the guild's voice session when it has one, else generateContent.
import type { GoogleGenAI } from '@google/genai';
import type { Client, Message } from 'discord.js';
import type { Clock } from '../clock.ts';
import { BotError, UserFacingError } from '../errors.ts';
import type { SessionRegistry } from '../guild/session-registry.ts';
import type { ModelAvailability } from '../live/model-availability.ts';
import { answerText, TEXT_MODEL_GONE_CODE } from '../live/text-answer.ts';
import type { ToolPort } from '../live/tool-port.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import { escapeSpoken, NO_MENTIONS, neutraliseMentions, splitMessage } from '../transcripts/format.ts';
import { replyChain, stripBotMention } from './mentions-history.ts';
import { DEFAULT_IMAGE_LIMITS, downloadImages, imageAttachments } from './mentions-images.ts';
import { MentionRateLimiter } from './mentions-rate-limit.ts';
import { askVoiceSession } from './mentions-voice.ts';

export interface MentionHandlerOptions {
  client: Client;
  ai: GoogleGenAI;
  textModel: string;
  /** Knows whether the text model is still offered; a 404 from it is recorded there. */
  models: ModelAvailability;
  tools: ToolPort;
  sessions: SessionRegistry;
  store: Store;
  clock: Clock;
  log: Logger;
}

/** Questions per person per minute: each one may cost a Gemini call. */
const RATE_LIMIT = { max: 5, windowMs: 60_000 };
/** Bound on a whole text answer, tool rounds included (ms). */
const TEXT_TIMEOUT_MS = 60_000;
/** How long a voice-session answer may take before we give up on its transcript (ms). */
const VOICE_TIMEOUT_MS = 30_000;
/** Messages of the reply chain given to the model as context. */
const HISTORY_MESSAGES = 6;

/** Discord shows "typing…" for about 10 s; renewed a little sooner so it never flickers off. */
const TYPING_RENEW_MS = 8_000;

export const EMPTY_QUESTION_HINT =
  'Ask me something after the mention, e.g. "@me what is 12 × 7?" You can attach up to 4 images, too.';

const TEXT_INSTRUCTION =
  'You are answering a text message in a Discord server. Answer concisely; Discord markdown is fine.';

export class MentionHandler {
  readonly #o: MentionHandlerOptions;
  readonly #limiter: MentionRateLimiter;

  constructor(options: MentionHandlerOptions) {
    this.#o = options;
    this.#limiter = new MentionRateLimiter({
      ...RATE_LIMIT,
      now: () => options.clock.now(),
    });
  }

  /** MessageCreate entry point. Never throws: failures become one sentence in a reply. */
  async handle(message: Message): Promise<void> {
    const botId = this.#o.client.user?.id;
    if (!botId || message.author.bot || !message.inGuild()) return;
    // Only a direct mention (or a reply to the bot) is a question; @everyone, @here and roles are not.
    if (!message.mentions.users.has(botId)) return;
    const log = this.#o.log.child({ part: 'mentions', guildId: message.guildId, messageId: message.id });
    try {
      await this.#answer(message, botId, log);
    } catch (error) {
      await this.#replyFailure(message, error, log);
    }
  }

  async #answer(message: Message<true>, botId: string, log: Logger): Promise<void> {
    const question = this.#questionText(message, botId);
    const attachments = imageAttachments(message.attachments, DEFAULT_IMAGE_LIMITS);
    if (question === '' && attachments.length === 0) {
      await this.#reply(message, EMPTY_QUESTION_HINT);
      return;
    }
    const slot = this.#limiter.take(message.author.id);
    if (!slot.allowed) {
      const seconds = Math.max(1, Math.ceil(slot.retryInMs / 1000));
      await this.#reply(
        message,
        `You're asking faster than I can answer — please try again in ${seconds} s.`,
      );
      return;
    }
    const images = await downloadImages(attachments, DEFAULT_IMAGE_LIMITS, fetch);
    const text = question === '' ? 'What is in this image?' : question;
    const session = this.#o.sessions.get(message.guildId);
    const live = session?.live;
    if (session && live) {
      log.debug({ images: images.length }, 'mention answered through the voice session');
      session.noteTypedQuestion(message.author.id, text);
      const answer = await askVoiceSession(
        live,
        `${message.member?.displayName ?? 'Someone'} asks: ${text}`,
        images,
        {
          clock: this.#o.clock,
          timeoutMs: VOICE_TIMEOUT_MS,
          imageRetryMs: 1_050,
        },
      );
      const reply = answer
        ? `${escapeSpoken(answer.text)}${answer.cutOff ? ' — *interrupted*' : ''}`
        : 'I answered in the voice channel, but no transcript of it reached me in time.';
      await this.#replyLong(message, reply);
      return;
    }
    log.debug({ images: images.length }, 'mention answered with generateContent');
    await this.#answerWithText(message, botId, text, images);
  }

  async #answerWithText(
    message: Message<true>,
    botId: string,
    question: string,
    images: { data: Uint8Array; mimeType: string }[],
  ): Promise<void> {
    const gone = this.#o.models.problem('text');
    if (gone) {
      await this.#reply(message, gone);
      return;
    }
    const stopTyping = this.#keepTyping(message);
    try {
      const history = await replyChain(message, botId, HISTORY_MESSAGES);
      // Without the database, the persona this process last knew still answers the question.
      const { settings } = this.#o.store;
      const persona = (await settings.get(message.guildId).catch(() => settings.current(message.guildId)))
        .persona;
      const answer = await answerText({
        ai: this.#o.ai,
        model: this.#o.textModel,
        question,
        images,
        history,
        systemInstruction: `${persona}\n\n${TEXT_INSTRUCTION}`,
        tools: this.#o.tools,
        origin: {
          guildId: message.guildId,
          channelId: message.channelId,
          userId: message.author.id,
          via: 'text',
        },
        signal: AbortSignal.timeout(TEXT_TIMEOUT_MS),
        modelGoneMessage: this.#o.models.sentence('text'),
      });
      const text = answer.text === '' ? "I don't have an answer to that." : neutraliseMentions(answer.text);
      await this.#replyLong(message, text);
    } finally {
      stopTyping();
    }
  }

  /** The question without the bot's mention; other users' mentions become their names. */
  #questionText(message: Message<true>, botId: string): string {
    let text = stripBotMention(message.content, botId);
    for (const [id, user] of message.mentions.users) {
      const name = message.mentions.members?.get(id)?.displayName ?? user.displayName;
      text = text.replace(new RegExp(`<@!?${id}>`, 'g'), `@${name}`);
    }
    return text.trim();
  }

  /** Starts the typing indicator and renews it until the returned function is called. */
  #keepTyping(message: Message<true>): () => void {
    const { clock, log } = this.#o;
    let timer: unknown = null;
    let stopped = false;
    const type = () => {
      if (stopped) return;
      message.channel
        .sendTyping()
        .catch((error: unknown) => log.debug({ err: error }, 'typing indicator failed'));
      timer = clock.setTimeout(type, TYPING_RENEW_MS);
    };
    type();
    return () => {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
    };
  }

  /** The first part answers the message as a reply; the rest follow in the channel. */
  async #replyLong(message: Message<true>, text: string): Promise<void> {
    const [first, ...rest] = splitMessage(text);
    await this.#reply(message, first ?? '…');
    for (const part of rest) await message.channel.send({ content: part, allowedMentions: NO_MENTIONS });
  }

  async #reply(message: Message, content: string): Promise<void> {
    await message.reply({ content, allowedMentions: NO_MENTIONS });
  }

  async #replyFailure(message: Message, error: unknown, log: Logger): Promise<void> {
    let sentence: string;
    if (error instanceof UserFacingError) {
      sentence = error.message;
      if (error.code === TEXT_MODEL_GONE_CODE) this.#o.models.markGone('text');
    } else {
      sentence = 'Sorry, something went wrong while answering. Please try again.';
    }
    log.warn(
      { err: error, code: error instanceof BotError ? error.code : undefined },
      'mention answer failed',
    );
    await this.#reply(message, sentence).catch((replyError: unknown) =>
      log.warn({ err: replyError }, 'could not reply to a mention'),
    );
  }
}
