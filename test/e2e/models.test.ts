// Every supported Live model end to end: its setup is accepted by the fake's per-model rules, and a
// spoken turn, an async tool call and a typed question each get their own answer.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SUPPORTED_LIVE_MODELS } from '../../src/live/capabilities.ts';
import { defineTool } from '../../src/tools/define-tool.ts';
import { levelAtDbfs } from '../fakes/audio-analysis.ts';
import type { FakeLiveConnection, FakeLiveRules } from '../fakes/fake-gemini/index.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import { type BotWorld, joinAndListen, useBotWorld } from './harness.ts';

const worlds = useBotWorld();

/** An order lookup that runs until the test releases it: a slow tool someone waits for. */
function orderLookup() {
  let release: (status: string) => void = () => {};
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const tool = defineTool({
    name: 'check_order',
    description: 'Test probe: looks an order up (slow).',
    parameters: z.object({ order: z.string().describe('Order number') }),
    live: { behavior: 'NON_BLOCKING', scheduling: { ok: 'INTERRUPT', error: 'WHEN_IDLE' } },
    execute: (args) =>
      new Promise<{ order: string; status: string }>((resolve) => {
        release = (status) => resolve({ order: args.order, status });
        markStarted();
      }),
  });
  return { tool, started, release: (status: string) => release(status) };
}

function replyTo(w: BotWorld, questionId: string) {
  return w.discord.waitForMessage(
    w.guild.text(),
    (m) => m.authorId === w.discord.appId && m.replyTo === questionId,
    10_000,
  );
}

function declarationOf(conn: FakeLiveConnection, name: string): { behavior?: string } | undefined {
  const tools = (conn.setup?.tools ?? []) as {
    functionDeclarations?: { name: string; behavior?: string }[];
  }[];
  return tools.flatMap((tool) => tool.functionDeclarations ?? []).find((d) => d.name === name);
}

async function joinedWith(model: string) {
  const lookup = orderLookup();
  const world = await worlds.start({ env: { GEMINI_LIVE_MODEL: model }, bot: { extraTools: [lookup.tool] } });
  const w = world;
  const joined = await joinAndListen(w);
  expect(joined.text).toContain('Listening');
  const { conn } = joined;
  expect(conn.setup?.model).toBe(`models/${model}`);
  // The fake applied this model's own rules (a refused field would have closed the socket).
  expect(conn.rules, 'the fake catalog has rules for every supported model').toBeDefined();
  return { w, ...joined, lookup, rules: conn.rules as FakeLiveRules };
}

/** The model answers out loud; resolves with how loud the listener heard `freqHz`. */
async function answerAloud(w: BotWorld, conn: FakeLiveConnection, freqHz: number): Promise<number> {
  const capture = w.discord.botAudioIn(w.guild);
  const before = capture.audioMs();
  conn.transcribeOutput('Sure.');
  await conn.sendAudio(geminiAnswer(freqHz, 600));
  conn.turnComplete();
  await capture.until((c) => c.audioMs() >= before + 500, 10_000);
  const heard = capture.pcm();
  const startMs = heard.samples.length / 2 / 48 - (capture.audioMs() - before) + 60;
  return levelAtDbfs(heard, freqHz, { startMs, endMs: startMs + 400 });
}

describe.each(SUPPORTED_LIVE_MODELS)('%s', (model) => {
  it('GIVEN /join THEN the setup is accepted; a spoken turn, an async tool call and a typed question each get their answer', async () => {
    const { w, alice, conn, lookup, rules } = await joinedWith(model);
    const asyncCalls = rules.behaviors.includes('NON_BLOCKING');
    expect(declarationOf(conn, 'check_order')?.behavior).toBe(asyncCalls ? 'NON_BLOCKING' : undefined);

    // A spoken turn: Gemini hears alice, and the channel hears Gemini's answer.
    await alice.say(tone(440, 600));
    await conn.waitForAudio(500, 10_000);
    expect(await answerAloud(w, conn, 600)).toBeGreaterThan(-20);

    // A tool call: on async models the conversation goes on while the tool runs.
    const responded = conn.callTool('check_order', { order: 'A17' }, { id: 'fn-order' });
    await lookup.started;
    if (asyncCalls) {
      expect(await answerAloud(w, conn, 500)).toBeGreaterThan(-20);
      const heardBefore = conn.audioMs;
      await alice.say(tone(440, 300));
      await conn.waitForAudio(heardBefore + 200, 10_000);
      expect(conn.toolResponses).toEqual([]);
    }
    lookup.release('shipped');
    const response = await responded;
    expect(response.response).toEqual({ status: 'ok', output: { order: 'A17', status: 'shipped' } });
    // A result the person waits for interrupts, where the model takes scheduling at all.
    expect(response.scheduling).toBe(rules.scheduling ? 'INTERRUPT' : undefined);

    // A typed question: the way the model documents for text turns, and the reply is its answer.
    const question = await alice.mention(w.guild.text(), 'what is two plus two?');
    const turn = await conn.waitFor(
      () => conn.typedTurns.find((t) => t.text.includes('two plus two')),
      'the typed question',
      10_000,
    );
    expect(turn.via).toBe(rules.clientContentMidSession ? 'clientContent' : 'realtimeInput');
    conn.transcribeOutput('Four.');
    conn.turnComplete();
    expect((await replyTo(w, question.id)).content).toBe('Four.');
    expect(conn.isOpen).toBe(true);
  });

  it('GIVEN a spoken answer in progress WHEN someone types a question THEN the reply is the answer to that question', async () => {
    const { w, alice, conn } = await joinedWith(model);
    conn.transcribeOutput('The weather today');
    await conn.sendAudio(geminiAnswer(600, 200));
    // Let the bot see the turn in progress before the question arrives.
    await w.discord.botAudioIn(w.guild).until((c) => c.audioMs() >= 100, 10_000);
    const question = await alice.mention(w.guild.text(), 'what is six times seven?');
    await conn.waitFor(() => conn.texts.find((t) => t.includes('six times seven')), 'the question', 10_000);
    // 3.x cut the spoken answer short at the question; older models finish it first.
    if (conn.modelTurnOpen) {
      conn.transcribeOutput(' is sunny.');
      conn.turnComplete();
    }
    conn.transcribeOutput('Forty-two.');
    conn.turnComplete();
    expect((await replyTo(w, question.id)).content).toBe('Forty-two.');
  });
});
