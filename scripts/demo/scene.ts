// The scripted scene: two people in voice, /join, questions, a tool call, a barge-in and an @mention.
import { withTimeout } from '../../src/doctor/check.ts';
import type { FakeDiscord, FakeHuman } from '../../test/fakes/fake-discord/index.ts';
import type { FakeGemini, FakeLiveConnection } from '../../test/fakes/fake-gemini/index.ts';
import { type E2eeReport, e2eeReport } from './e2ee.ts';
import {
  botAudioMsSince,
  firstBotPacket,
  firstSpeechAtGemini,
  lastAudibleBotPacket,
  until,
} from './measure.ts';
import type { Narrator } from './narrator.ts';
import { type Synth, VOICES } from './voices.ts';

export const LINES = {
  aliceAsks: 'Hey Gemini, can you roll a twenty sided die for us?',
  geminiRolls: 'Sure! Rolling a twenty sided die.',
  bobAsks: 'Nice. Now tell us a long story about a dragon.',
  geminiStory:
    'Once upon a time, high in the misty mountains, there lived a small green dragon who was afraid of the dark. ' +
    'Every night she lit a tiny fire at the mouth of her cave, and every night the other dragons laughed.',
  aliceInterrupts: 'Wait, stop, stop!',
  mention: 'what is the capital of France?',
  geminiMention: 'The capital of France is Paris.',
} as const;

/** Words per transcription fragment (the real server sends a few words at a time). */
const WORDS_PER_FRAGMENT = 4;
/** Gemini generates audio faster than real time: this fraction of the audio's duration per part. */
const GENERATION_PACE = 0.5;

interface AnswerOptions {
  /** A later part of the same turn (after a tool call): its transcription continues the sentence. */
  continuesTurn?: boolean;
  /** Checked between fragments: true once the server would stop generating (interrupted). */
  stop?: () => boolean;
}

/** Barge-in counts as working when the bot is quiet this soon after `interrupted` (ms). */
const BARGE_IN_LIMIT_MS = 500;

export interface SceneResult {
  speechToGeminiMs: { who: string; ms: number }[];
  geminiToVoiceMs: { what: string; ms: number }[];
  bargeInMs: number;
  conn: FakeLiveConnection;
  /** The call's end-to-end encryption while the bot was still in it. */
  e2ee: E2eeReport;
}

export interface SceneContext {
  discord: FakeDiscord;
  gemini: FakeGemini;
  synth: Synth;
  narrator: Narrator;
  /** Rejects if the bot process dies, so every wait ends at once with that reason. */
  botDied: Promise<never>;
}

/** A scene step that did not happen; the demo exits non-zero with this reason. */
export class SceneError extends Error {
  override name = 'SceneError';
}

export async function playScene(ctx: SceneContext): Promise<SceneResult> {
  const { discord, gemini, synth, narrator } = ctx;
  const guild = discord.guild();
  const voice = guild.voice();
  const text = guild.text();
  const capture = discord.botAudioIn(guild);
  const wait = <T>(promise: Promise<T>, ms: number, what: string) =>
    Promise.race([withTimeout(promise, ms, what), ctx.botDied]).catch((error: unknown) => {
      throw new SceneError(error instanceof Error ? error.message : String(error));
    });
  const waitUntil = async (check: () => boolean, ms: number, what: string) => {
    if (!(await wait(until(check, ms), ms + 1_000, what))) throw new SceneError(`${what} did not happen`);
  };
  const result: SceneResult = {
    speechToGeminiMs: [],
    geminiToVoiceMs: [],
    bargeInMs: 0,
    conn: undefined as never,
    e2ee: undefined as never,
  };

  /** A person speaks (in real time); returns when the last packet was sent and Gemini got the silence tail. */
  const speak = async (who: FakeHuman, line: string, streamEnds: number, conn: FakeLiveConnection) => {
    const clip = await synth.say(VOICES[who.name as 'alice' | 'bob'], line, 48_000);
    narrator.line(`🎙️  ${who.name} (in voice): “${line}”`);
    const said = await who.say(clip);
    if (said.firstPacketAtMs === null) throw new SceneError(`${who.name}'s voice never reached the bot`);
    await wait(conn.waitForInputEnd(streamEnds, 10_000), 12_000, `Gemini hearing ${who.name} finish`);
    const heardAt = firstSpeechAtGemini(conn, said.firstPacketAtMs);
    if (heardAt === null) throw new SceneError(`Gemini received no speech from ${who.name}`);
    result.speechToGeminiMs.push({ who: who.name, ms: heardAt - said.firstPacketAtMs });
    narrator.line(
      `🤖 Gemini hears ${who.name} (${(heardAt - said.firstPacketAtMs).toFixed(0)} ms after the first packet)`,
    );
    transcribeInput(conn, line);
  };

  /**
   * Gemini speaks: a few words of output transcription, then their audio, generated at about twice
   * real time like the real server; generation stops when `stop()` says so (after an interruption).
   */
  const answer = async (
    conn: FakeLiveConnection,
    line: string,
    label: string,
    options: AnswerOptions = {},
  ) => {
    const clip = await synth.say(VOICES.gemini, line, 24_000);
    const startedAt = performance.now();
    const heard = wait(
      capture.until((c) => firstBotPacket(c, startedAt) !== null, 5_000),
      6_000,
      `the bot speaking Gemini's answer (${label})`,
    ).then(() => {
      const ms = (firstBotPacket(capture, startedAt) ?? startedAt) - startedAt;
      result.geminiToVoiceMs.push({ what: label, ms });
      narrator.line(`🔊 the bot speaks in #${voice.name} (${ms.toFixed(0)} ms after Gemini started sending)`);
    });
    const fragments = fragmentsOf(options.continuesTurn ? ` ${line}` : line, WORDS_PER_FRAGMENT);
    const totalChars = fragments.reduce((n, f) => n + f.length, 0);
    let chars = 0;
    for (const fragment of fragments) {
      if (options.stop?.()) break;
      const from = Math.round((chars / totalChars) * clip.samples.length);
      chars += fragment.length;
      const to = Math.round((chars / totalChars) * clip.samples.length);
      conn.transcribeOutput(fragment);
      await conn.sendAudio(clip.samples.subarray(from, to), { chunkMs: 40 });
      await delay(((to - from) / 24_000) * 1000 * GENERATION_PACE);
    }
    await heard;
    return { startedAt, clipMs: (clip.samples.length / 24_000) * 1000 };
  };

  /** Waits until the channel heard (nearly) all of an answer. */
  const heardAll = async (sent: { startedAt: number; clipMs: number }, label: string) => {
    const ok = await until(
      () => botAudioMsSince(capture, sent.startedAt) >= sent.clipMs * 0.8,
      sent.clipMs + 5_000,
    );
    if (!ok) throw new SceneError(`the channel did not hear all of ${label}`);
  };

  narrator.step('alice and bob join the voice channel');
  const alice = discord.human('alice');
  const bob = discord.human('bob');
  await alice.joinVoice(voice);
  await bob.joinVoice(voice);
  narrator.line(`🔈 alice and bob are in #${voice.name}`);

  narrator.step('alice runs /join');
  narrator.line('⌨️  alice: /join');
  const reply = await alice.slash('join');
  const conn = await wait(gemini.nextSession(15_000), 16_000, 'the bot opening a Gemini Live session');
  result.conn = conn;
  await wait(reply.text(15_000), 16_000, 'the reply to /join');
  if (discord.botVoiceState(guild)?.channelId !== voice.id)
    throw new SceneError(`the bot did not join #${voice.name}`);
  narrator.line(`🔈 the bot joined #${voice.name}; Gemini Live session #${conn.id} is open`);

  narrator.step('alice asks a question; Gemini answers and rolls a die with a tool');
  await speak(alice, LINES.aliceAsks, 1, conn);
  const rolling = await answer(conn, LINES.geminiRolls, 'first answer');
  const args = { notation: 'd20' };
  narrator.line(`🔧 Gemini calls roll_dice ${JSON.stringify(args)}`);
  const response = await wait(
    conn.callTool('roll_dice', args),
    10_000,
    'the bot answering the roll_dice call',
  );
  const total = (response.response?.output as { total?: unknown } | undefined)?.total;
  if (typeof total !== 'number')
    throw new SceneError(`roll_dice returned no total: ${JSON.stringify(response.response)}`);
  narrator.line(`🔧 the bot ran roll_dice and sent back total = ${total}`);
  const result2 = await answer(conn, `You rolled ${total}.`, 'answer after the tool call', {
    continuesTurn: true,
  });
  conn.generationComplete();
  conn.turnComplete();
  await heardAll(rolling, 'the first answer');
  await heardAll(result2, 'the dice result');

  narrator.step('bob asks for a story; alice talks over the bot');
  await speak(bob, LINES.bobAsks, 2, conn);
  let interrupted = false;
  const storyStart = performance.now();
  const telling = answer(conn, LINES.geminiStory, 'the story', { stop: () => interrupted });
  await until(() => botAudioMsSince(capture, storyStart) >= 1_500, 8_000);
  const aliceClip = await synth.say(VOICES.alice, LINES.aliceInterrupts, 48_000);
  narrator.line(`🎙️  alice (talking over the bot): “${LINES.aliceInterrupts}”`);
  const aliceStart = performance.now();
  const talking = alice.say(aliceClip);
  // The real server's voice activity detection interrupts as soon as it hears her.
  await wait(
    conn.waitFor(() => firstSpeechAtGemini(conn, aliceStart), 'speech over the answer', 5_000),
    6_000,
    'Gemini hearing alice talk over the answer',
  );
  const interruptedAt = performance.now();
  interrupted = true;
  conn.interrupt();
  narrator.line('✋ Gemini: interrupted');
  const story = await telling;
  await talking;
  await until(
    () => performance.now() - (lastAudibleBotPacket(capture, interruptedAt) ?? interruptedAt) > 300,
    3_000,
  );
  const last = lastAudibleBotPacket(capture, interruptedAt);
  result.bargeInMs = last === null ? 0 : last - interruptedAt;
  if (result.bargeInMs > BARGE_IN_LIMIT_MS) {
    throw new SceneError(`the bot kept talking ${result.bargeInMs.toFixed(0)} ms after being interrupted`);
  }
  const storyHeardMs = botAudioMsSince(capture, story.startedAt);
  narrator.line(
    `🔇 the bot stopped ${result.bargeInMs.toFixed(0)} ms after the interruption (${(storyHeardMs / 1000).toFixed(1)} s of the ${(story.clipMs / 1000).toFixed(1)} s story played)`,
  );
  await wait(conn.waitForInputEnd(3, 10_000), 12_000, 'the end of alice talking over the bot');
  transcribeInput(conn, LINES.aliceInterrupts);
  conn.turnComplete();

  narrator.step('alice @mentions the bot in the text channel');
  gemini.rest.defaultAnswer = { text: LINES.geminiMention };
  const restBefore = gemini.rest.requests.length;
  const textsBefore = conn.texts.length;
  narrator.line(`⌨️  alice in #${text.name}: @${discord.world.bot.username} ${LINES.mention}`);
  const question = await alice.mention(text, LINES.mention);
  const asked = () => conn.texts.length > textsBefore || gemini.rest.requests.length > restBefore;
  await waitUntil(asked, 10_000, 'the bot passing the @mention question to Gemini');
  const route = conn.texts.length > textsBefore ? 'live' : 'text';
  if (route === 'live') {
    narrator.line(`🤖 Gemini gets the question through the voice session: “${conn.texts.at(-1)}”`);
    const spoken = await answer(conn, LINES.geminiMention, 'the @mention answer');
    conn.generationComplete();
    conn.turnComplete();
    await heardAll(spoken, 'the @mention answer');
  } else {
    narrator.line('🤖 Gemini gets the question through generateContent (text answer)');
  }
  await wait(
    discord.waitForMessage(
      text,
      (m) =>
        m.authorId === discord.world.bot.id && (m.replyTo === question.id || m.content.includes('Paris')),
      10_000,
    ),
    11_000,
    'the bot answering the @mention in the text channel',
  );

  result.e2ee = e2eeReport(discord, voice.id, [alice.name, bob.name]);
  narrator.step('alice runs /leave');
  narrator.line('⌨️  alice: /leave');
  const leave = await alice.slash('leave');
  await wait(leave.text(10_000), 11_000, 'the reply to /leave');
  const left = await until(() => !discord.botVoiceState(guild)?.channelId, 5_000);
  if (!left) throw new SceneError(`the bot did not leave #${voice.name}`);
  narrator.line(`🔈 the bot left #${voice.name}`);
  return result;
}

/** A line cut into fragments of a few words, each but the first with its leading space. */
function fragmentsOf(line: string, words: number): string[] {
  const parts = line.split(' ');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += words) {
    const fragment = parts.slice(i, i + words).join(' ');
    out.push(i === 0 ? fragment : ` ${fragment}`);
  }
  return out.filter((f) => f.trim() !== '');
}

/** Sends what a person said as input transcription fragments, the last one marked finished. */
function transcribeInput(conn: FakeLiveConnection, line: string): void {
  const fragments = fragmentsOf(line, WORDS_PER_FRAGMENT);
  fragments.forEach((fragment, i) => {
    conn.transcribeInput(fragment, i === fragments.length - 1 ? true : undefined);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
