// Contract: LiveSession over the real @google/genai against the fake Live server (setup, media, tools).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../src/live/protocol.ts';
import type { LiveSession } from '../../src/live/session.ts';
import { DEFAULT_LIVE_MODEL } from '../../src/live/settings.ts';
import type { FunctionCallResult } from '../../src/live/tool-port.ts';
import type { ToolCallFinished } from '../../src/live/tool-runner.ts';
import { type FakeGemini, runScript, startFakeGemini, tone } from '../fakes/fake-gemini/index.ts';
import {
  API_KEY,
  GET_TIME,
  makeSession,
  nextEvent,
  ORIGIN,
  RecordingToolPort,
  ramp,
} from './live-harness.ts';

let gemini: FakeGemini;
let session: LiveSession | undefined;

beforeEach(async () => {
  gemini = await startFakeGemini({ apiKey: API_KEY });
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await gemini.stop();
});

/** A tool that runs until its call is aborted, and only then answers. */
const untilAborted = (_args: unknown, signal: AbortSignal): Promise<FunctionCallResult> =>
  new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve({ error: 'aborted', retryable: false })),
  );

describe('setup', () => {
  it('GIVEN settings and tools THEN the setup the server receives carries them', async () => {
    session = makeSession(gemini, {
      settings: {
        voiceName: 'Kore',
        languageCode: 'en-US',
        googleSearch: true,
        systemInstruction: 'Be brief.',
      },
      tools: new RecordingToolPort([{ ...GET_TIME, behavior: 'NON_BLOCKING' }]),
    });
    await session.connect();
    const connection = await gemini.nextSession();
    // biome-ignore lint/suspicious/noExplicitAny: wire JSON, walked by path in the assertions below.
    const setup = connection.setup as Record<string, any>;
    expect(connection.path.endsWith('GenerativeService.BidiGenerateContent')).toBe(true);
    expect(setup.model).toBe(`models/${DEFAULT_LIVE_MODEL}`);
    expect(setup.generationConfig.responseModalities).toEqual(['AUDIO']);
    expect(setup.generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName).toBe('Kore');
    expect(setup.generationConfig.speechConfig.languageCode).toBe('en-US');
    expect(setup.systemInstruction.parts[0].text).toBe('Be brief.');
    expect(setup.inputAudioTranscription).toEqual({});
    expect(setup.outputAudioTranscription).toEqual({});
    expect(setup.sessionResumption).toEqual({});
    expect(setup.contextWindowCompression).toEqual({
      triggerTokens: '100000',
      slidingWindow: { targetTokens: '50000' },
    });
    expect(setup.realtimeInputConfig.automaticActivityDetection.silenceDurationMs).toBe(800);
    const declaration = setup.tools[0].functionDeclarations[0];
    expect(declaration).toMatchObject({ name: 'get_time', behavior: 'NON_BLOCKING' });
    expect(declaration.parameters).toEqual({
      type: 'OBJECT',
      properties: { zone: { type: 'STRING' } },
      required: ['zone'],
    });
    expect(setup.tools[1]).toEqual({ googleSearch: {} });
  });
});

describe('media', () => {
  it('GIVEN odd-sized 16 kHz writes THEN they leave as audio/pcm;rate=16000 chunks of the configured size, in order', async () => {
    session = makeSession(gemini, { settings: { inputChunkMs: 40 } });
    await session.connect();
    const connection = await gemini.nextSession();
    const sent = ramp(0, 7 * 230);
    for (let i = 0; i < 7; i++) session.sendAudio(sent.subarray(i * 230, (i + 1) * 230));
    session.sendAudioStreamEnd();
    await connection.waitForAudioStreamEnd();
    const sizes = connection.audioChunks.map((chunk) => chunk.samples.length);
    expect(sizes).toEqual([640, 640, 330]);
    expect(new Set(connection.audioChunks.map((chunk) => chunk.mimeType))).toEqual(
      new Set(['audio/pcm;rate=16000']),
    );
    expect(connection.audio).toEqual(sent);
  });

  it('GIVEN 24 kHz audio parts from the server THEN audio events carry exactly those samples', async () => {
    session = makeSession(gemini);
    await session.connect();
    const connection = await gemini.nextSession();
    const received: Int16Array[] = [];
    session.on('audio', (event) => received.push(event.samples));
    const played = tone(200, 440);
    await connection.sendAudio(played, { chunkMs: 40 });
    connection.turnComplete();
    await nextEvent(session, 'turnComplete');
    expect(received).toHaveLength(5);
    expect(Int16Array.from(received.flatMap((chunk) => [...chunk]))).toEqual(played);
  });

  it('GIVEN content and turnComplete in one message THEN content events come first', async () => {
    session = makeSession(gemini);
    await session.connect();
    const connection = await gemini.nextSession();
    const order: string[] = [];
    for (const type of [
      'outputTranscript',
      'inputTranscript',
      'usage',
      'turnComplete',
      'interrupted',
    ] as const) {
      session.on(type, (event: LiveEvent) => order.push(event.type));
    }
    connection.send({
      serverContent: {
        turnComplete: true,
        outputTranscription: { text: 'Hi' },
        inputTranscription: { text: 'Yo' },
      },
      usageMetadata: { promptTokenCount: 3, responseTokenCount: 4, totalTokenCount: 7 },
    });
    await nextEvent(session, 'turnComplete');
    expect(order).toEqual(['inputTranscript', 'outputTranscript', 'usage', 'turnComplete']);
  });

  it('GIVEN a text turn and two images within a second THEN the text and only the first image arrive', async () => {
    session = makeSession(gemini);
    await session.connect();
    const connection = await gemini.nextSession();
    session.sendText('What is on screen?');
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    expect(session.sendImage(jpeg)).toBe(true);
    expect(session.sendImage(jpeg)).toBe(false);
    expect(await connection.waitForText()).toBe('What is on screen?');
    const image = await connection.waitForImage();
    expect(image.mimeType).toBe('image/jpeg');
    expect([...image.data]).toEqual([...jpeg]);
    expect(session.counters.droppedImages).toBe(1);
    // Messages arrive in order: once a later text is in, the second image would have been too.
    session.sendText('sync');
    await connection.waitForText(2);
    expect(connection.images).toHaveLength(1);
  });

  it('GIVEN a readable script THEN transcripts, audio and turn events reach the session', async () => {
    session = makeSession(gemini);
    await session.connect();
    const connection = await gemini.nextSession();
    const transcript: string[] = [];
    session.on('inputTranscript', (event) => transcript.push(`user: ${event.text}`));
    session.on('outputTranscript', (event) => transcript.push(`bot: ${event.text}`));
    const done = nextEvent(session, 'turnComplete');
    session.sendAudio(ramp(0, 16_000 / 5));
    await runScript(
      connection,
      `
      > audio 200ms
      < inputTranscript! What time is it?
      < audio 120ms
      < outputTranscript It is noon.
      < generationComplete
      < turnComplete
      `,
    );
    await done;
    expect(transcript).toEqual(['user: What time is it?', 'bot: It is noon.']);
  });
});

describe('tools', () => {
  it('GIVEN a tool call THEN the registry runs it and the response carries the same id and name', async () => {
    const tools = new RecordingToolPort([GET_TIME], {
      get_time: async (args) => ({ output: { time: '12:00', zone: args.zone } }),
    });
    session = makeSession(gemini, { tools });
    await session.connect();
    const connection = await gemini.nextSession();
    const finished = nextEvent<ToolCallFinished>(session, 'toolCallFinished');
    const response = await connection.callTool('get_time', { zone: 'UTC' }, { id: 'call-42' });
    expect(response).toEqual({
      id: 'call-42',
      name: 'get_time',
      response: { status: 'ok', output: { time: '12:00', zone: 'UTC' } },
    });
    expect(tools.calls[0]?.origin).toEqual(ORIGIN);
    expect(await finished).toMatchObject({ id: 'call-42', name: 'get_time', cancelled: false });
  });

  it('GIVEN a running tool WHEN the server cancels it THEN its signal aborts and no response is sent', async () => {
    const tools = new RecordingToolPort([GET_TIME], { get_time: untilAborted });
    session = makeSession(gemini, { tools });
    await session.connect();
    const connection = await gemini.nextSession();
    const finished = nextEvent<ToolCallFinished>(session, 'toolCallFinished');
    const started = nextEvent(session, 'toolCallStarted');
    void connection.callTool('get_time', { zone: 'UTC' }, { id: 'slow-1' });
    await started;
    connection.cancelToolCalls(['slow-1']);
    expect(await finished).toMatchObject({ id: 'slow-1', cancelled: true });
    expect(tools.calls[0]?.signal.aborted).toBe(true);
    // A later message arriving proves no response for the cancelled call was on the wire before it.
    session.sendText('sync');
    await connection.waitForText();
    expect(connection.toolResponses).toEqual([]);
  });

  it('GIVEN a running tool WHEN the session closes THEN the tool is aborted and the socket closed', async () => {
    const tools = new RecordingToolPort([GET_TIME], { get_time: untilAborted });
    session = makeSession(gemini, { tools });
    await session.connect();
    const connection = await gemini.nextSession();
    const started = nextEvent(session, 'toolCallStarted');
    void connection.callTool('get_time', { zone: 'UTC' });
    await started;
    await session.close();
    await session.close();
    expect(tools.calls[0]?.signal.aborted).toBe(true);
    // The SDK's Session.close() sends a close frame without a status code (1005).
    expect([1000, 1005]).toContain((await connection.waitForClose()).code);
    expect(session.state.status).toBe('closed');
  });
});
