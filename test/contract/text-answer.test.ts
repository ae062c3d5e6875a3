// Contract: answerText over the real @google/genai against the fake generateContent route.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT_MODEL } from '../../src/config.ts';
import { answerText, type TextAnswerRequest } from '../../src/live/text-answer.ts';
import { type FakeGemini, FakeGenerateContent, startFakeGemini } from '../fakes/fake-gemini/index.ts';
import { API_KEY, GET_TIME, makeAi, RecordingToolPort } from './live-harness.ts';

const ORIGIN = { guildId: 'g1', channelId: 'c1', userId: 'u1', via: 'text' as const };
const MODEL = DEFAULT_TEXT_MODEL;

let gemini: FakeGemini;

beforeEach(async () => {
  gemini = await startFakeGemini({ apiKey: API_KEY });
});

afterEach(async () => {
  await gemini.stop();
});

/** answerText against the fake with the test's question; every call is bounded by 5 s. */
function ask(question: string, options: Partial<TextAnswerRequest> = {}) {
  return answerText({
    ai: makeAi(gemini),
    model: MODEL,
    question,
    tools: new RecordingToolPort(),
    origin: ORIGIN,
    signal: AbortSignal.timeout(5_000),
    ...options,
  });
}

describe('answerText', () => {
  it('GIVEN a question with an image and history THEN all of it reaches generateContent and the text comes back', async () => {
    gemini.rest.reply({ text: 'A cat.' });
    const answer = await ask('What is this?', {
      images: [{ data: new Uint8Array([0xff, 0xd8, 9]), mimeType: 'image/jpeg' }],
      history: [
        { role: 'user', text: 'Hi' },
        { role: 'model', text: 'Hello!' },
      ],
    });
    expect(answer).toEqual({ text: 'A cat.' });
    const request = gemini.rest.requests[0]!;
    expect(request.model).toBe(MODEL);
    expect(request.body.contents?.map((content) => content.role)).toEqual(['user', 'model', 'user']);
    const parts = FakeGenerateContent.parts(request);
    expect(parts.map((part) => part.text).filter(Boolean)).toEqual(['Hi', 'Hello!', 'What is this?']);
    expect(parts.find((part) => part.inlineData)?.inlineData).toEqual({
      mimeType: 'image/jpeg',
      data: Buffer.from([0xff, 0xd8, 9]).toString('base64'),
    });
  });

  it('GIVEN a function call THEN the tool runs and its response goes back before the final text', async () => {
    gemini.rest.reply(
      { functionCalls: [{ name: 'get_time', args: { zone: 'UTC' }, id: 'fc-1' }] },
      { text: 'Noon.' },
    );
    const tools = new RecordingToolPort([GET_TIME], {
      get_time: async () => ({ output: { time: '12:00' } }),
    });
    const answer = await ask('Time?', { tools });
    expect(answer.text).toBe('Noon.');
    expect(tools.calls).toMatchObject([{ request: { name: 'get_time', args: { zone: 'UTC' } } }]);
    expect(tools.calls[0]?.origin).toEqual(ORIGIN);
    const sentTools = gemini.rest.requests[0]?.body.tools as { functionDeclarations: { name: string }[] }[];
    const declarations = sentTools[0];
    expect(declarations?.functionDeclarations.map((d) => d.name)).toEqual(['get_time']);
    const followUp = FakeGenerateContent.parts(gemini.rest.requests[1]!);
    expect(followUp.find((part) => part.functionResponse)?.functionResponse).toEqual({
      id: 'fc-1',
      name: 'get_time',
      response: { status: 'ok', output: { time: '12:00' } },
    });
  });

  it('GIVEN a model that keeps calling tools THEN the loop stops after maxToolRounds and forbids more calls', async () => {
    gemini.rest.defaultAnswer = { functionCalls: [{ name: 'get_time', args: { zone: 'UTC' } }] };
    const tools = new RecordingToolPort([GET_TIME], { get_time: async () => ({ output: 'noon' }) });
    const answer = await ask('Time?', { tools, maxToolRounds: 2 });
    expect(tools.calls).toHaveLength(2);
    expect(gemini.rest.requests).toHaveLength(3);
    expect(gemini.rest.requests[2]?.body.toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(answer.text).toBe('');
  });

  it('GIVEN a server error THEN it fails with TEXT_ANSWER_FAILED', async () => {
    gemini.rest.reply({ status: 500, message: 'Internal error' });
    await expect(ask('Time?')).rejects.toMatchObject({ code: 'TEXT_ANSWER_FAILED' });
  });
});
