import type { LiveServerMessage } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { pcm16ToBase64 } from '../../../src/live/pcm-base64.ts';
import { parseDurationMs, parseServerMessage } from '../../../src/live/protocol.ts';

describe('parseServerMessage', () => {
  it('GIVEN a message with audio, transcripts, usage and turnComplete THEN content comes before the turn ends', () => {
    const samples = Int16Array.from([1, -2, 300, -32768, 32767]);
    const message = {
      serverContent: {
        turnComplete: true,
        turnCompleteReason: 'NEED_MORE_INPUT',
        outputTranscription: { text: 'ok' },
        inputTranscription: { text: 'hi', finished: true },
        modelTurn: {
          parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: pcm16ToBase64(samples) } }],
        },
      },
      usageMetadata: { promptTokenCount: 5, responseTokenCount: 7, totalTokenCount: 12 },
    } as unknown as LiveServerMessage;
    const events = parseServerMessage(message);
    expect(events.map((event) => event.type)).toEqual([
      'inputTranscript',
      'audio',
      'outputTranscript',
      'usage',
      'turnComplete',
    ]);
    expect(events[0]).toEqual({ type: 'inputTranscript', text: 'hi', finished: true });
    expect(events[1]).toEqual({ type: 'audio', samples });
    expect(events[3]).toEqual({ type: 'usage', promptTokens: 5, responseTokens: 7, totalTokens: 12 });
    expect(events[4]).toEqual({ type: 'turnComplete', reason: 'NEED_MORE_INPUT' });
  });

  it('GIVEN tool calls, cancellation, handles and go-away THEN each becomes its event', () => {
    const events = parseServerMessage({
      toolCall: { functionCalls: [{ id: 'a', name: 'roll', args: { sides: 6 } }] },
    } as unknown as LiveServerMessage);
    expect(events).toEqual([{ type: 'toolCall', calls: [{ id: 'a', name: 'roll', args: { sides: 6 } }] }]);
    expect(
      parseServerMessage({ toolCallCancellation: { ids: ['a'] } } as unknown as LiveServerMessage),
    ).toEqual([{ type: 'toolCallCancellation', ids: ['a'] }]);
    expect(parseServerMessage({ goAway: { timeLeft: '50s' } } as unknown as LiveServerMessage)).toEqual([
      { type: 'goAway', timeLeftMs: 50_000 },
    ]);
  });

  it('GIVEN a non-resumable handle update THEN it is ignored', () => {
    const update = (resumable: boolean) =>
      parseServerMessage({
        sessionResumptionUpdate: { newHandle: 'h', resumable },
      } as unknown as LiveServerMessage);
    expect(update(false)).toEqual([]);
    expect(update(true)).toEqual([{ type: 'resumptionHandle', handle: 'h' }]);
  });

  it('GIVEN an interrupted turn THEN interrupted comes before turnComplete', () => {
    const events = parseServerMessage({
      serverContent: { interrupted: true, turnComplete: true },
    } as unknown as LiveServerMessage);
    expect(events.map((event) => event.type)).toEqual(['interrupted', 'turnComplete']);
  });

  it('GIVEN durations THEN they convert to ms', () => {
    expect(parseDurationMs('1.5s')).toBe(1_500);
    expect(parseDurationMs('0s')).toBe(0);
    expect(parseDurationMs('soon')).toBe(0);
  });
});
