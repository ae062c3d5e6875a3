// The fake behaves like the real Live endpoint on the wire (raw ws client, no SDK in between).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini/index.ts';
import { API_KEY } from './live-harness.ts';

const PATH = '//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';
let gemini: FakeGemini;

beforeEach(async () => {
  gemini = await startFakeGemini({ apiKey: API_KEY });
});

afterEach(async () => {
  await gemini.stop();
});

function open(path: string, key: string): WebSocket {
  return new WebSocket(`${gemini.baseUrl.replace('http', 'ws')}${path}?key=${key}`);
}

function firstFrame(socket: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) =>
    socket.once('message', (data: Buffer, isBinary) => resolve({ data, isBinary })),
  );
}

function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

it('GIVEN a setup THEN setupComplete arrives as a binary JSON frame', async () => {
  const socket = open(PATH, API_KEY);
  await new Promise((resolve) => socket.once('open', resolve));
  const frame = firstFrame(socket);
  socket.send(JSON.stringify({ setup: { model: 'models/m', sessionResumption: {} } }));
  const { data, isBinary } = await frame;
  expect(isBinary).toBe(true);
  expect(JSON.parse(data.toString())).toEqual({ setupComplete: {} });
  const wasClosed = closed(socket);
  socket.close();
  await wasClosed;
});

it('GIVEN a wrong key THEN the setup is answered with close 1007', async () => {
  const socket = open(PATH, 'nope');
  await new Promise((resolve) => socket.once('open', resolve));
  const code = closed(socket);
  socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
  expect(await code).toBe(1007);
});

it('GIVEN a path that is not the Live method THEN the upgrade is refused', async () => {
  const socket = open('/ws/other', API_KEY);
  const failure = await new Promise<Error>((resolve) => socket.once('error', resolve));
  expect(failure.message).toContain('404');
});
