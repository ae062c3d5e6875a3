// Contract: malformed Gemini frames and events through the real SDK: skipped, counted, neighbours kept.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InvalidServerEvent } from '../../src/live/server-events.ts';
import type { LiveSession } from '../../src/live/session.ts';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini/index.ts';
import { recordingLogger } from '../helpers/recording-logger.ts';
import { API_KEY, makeSession, nextEvent } from './live-harness.ts';

let gemini: FakeGemini;
let session: LiveSession | undefined;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeEach(async () => {
  rejections.length = 0;
  process.on('unhandledRejection', onRejection);
  gemini = await startFakeGemini({ apiKey: API_KEY });
});

afterEach(async () => {
  process.off('unhandledRejection', onRejection);
  await session?.close();
  session = undefined;
  await gemini.stop();
});

describe('malformed server messages', () => {
  it('GIVEN bad events beside good ones in one frame, and frames that are not JSON THEN the good events act, the bad are logged once per kind and counted', async () => {
    const rec = recordingLogger();
    session = makeSession(gemini, { logger: rec.logger });
    const invalid: InvalidServerEvent[] = [];
    const seen: string[] = [];
    session.on('invalidEvent', (report) => invalid.push(report));
    for (const type of ['audio', 'usage', 'turnComplete', 'toolCall'] as const)
      session.on(type, () => seen.push(type));
    await session.connect();
    const conn = await gemini.nextSession();

    conn.sendRawFrame('<html>502 Bad Gateway</html>');
    conn.sendRawFrame(Buffer.from('[1,2,3]'));
    conn.send({
      toolCall: { functionCalls: [null] },
      serverContent: {
        modelTurn: {
          parts: [
            null,
            { inlineData: { mimeType: 7, data: 'AAAA' } },
            { inlineData: { mimeType: 'audio/pcm;rate=24000', data: 5 } },
          ],
        },
        turnComplete: true,
      },
      usageMetadata: { promptTokenCount: 'NaN', totalTokenCount: -1 },
    });
    const handover = nextEvent(session, 'reconnected', 10_000);
    conn.send({ serverContent: { modelTurn: { parts: [null] } }, goAway: { timeLeft: '0s' } });
    // The goAway after the bad part still triggers the handover to a resumed socket.
    await handover;

    expect(seen).toEqual(['turnComplete']);
    expect(invalid.map((r) => r.kind)).toEqual([
      'frame',
      'frame',
      'functionCall',
      'part',
      'part',
      'part',
      'usage',
      'part',
    ]);
    const warnings = rec.lines.filter(
      (l) => l.msg === 'invalid Gemini event skipped (later ones of this kind are only counted)',
    );
    expect(warnings.map((l) => l.kind)).toEqual(['frame', 'functionCall', 'part', 'usage']);
    expect(rec.lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(rejections).toEqual([]);
  });
});
