// Server messages into events: valid shapes, and malformed events skipped without losing their neighbours.
import { LiveServerMessage } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { pcm16ToBase64 } from '../../../src/live/pcm-base64.ts';
import type { LiveEvent } from '../../../src/live/protocol.ts';
import {
  type InvalidServerEvent,
  parseDurationMs,
  parseServerMessage,
} from '../../../src/live/server-events.ts';

/** Parses and returns the events and every invalid-event report. */
function parse(message: unknown): { events: LiveEvent[]; invalid: InvalidServerEvent[] } {
  const invalid: InvalidServerEvent[] = [];
  const events = parseServerMessage(message, (report) => invalid.push(report));
  return { events, invalid };
}
const eventsOf = (message: unknown) => parse(message).events;
const types = (message: unknown) => eventsOf(message).map((event) => event.type);
const kinds = (message: unknown) => parse(message).invalid.map((report) => report.kind);
const audioPart = (samples: Int16Array) => ({
  inlineData: { mimeType: 'audio/pcm;rate=24000', data: pcm16ToBase64(samples) },
});

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
    };
    const events = eventsOf(message);
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
    const events = eventsOf({
      toolCall: { functionCalls: [{ id: 'a', name: 'roll', args: { sides: 6 } }] },
    });
    expect(events).toEqual([{ type: 'toolCall', calls: [{ id: 'a', name: 'roll', args: { sides: 6 } }] }]);
    expect(eventsOf({ toolCallCancellation: { ids: ['a'] } })).toEqual([
      { type: 'toolCallCancellation', ids: ['a'] },
    ]);
    expect(eventsOf({ goAway: { timeLeft: '50s' } })).toEqual([{ type: 'goAway', timeLeftMs: 50_000 }]);
  });

  it('GIVEN a non-resumable handle update THEN it is ignored', () => {
    const update = (resumable: boolean) =>
      eventsOf({
        sessionResumptionUpdate: { newHandle: 'h', resumable },
      });
    expect(update(false)).toEqual([]);
    expect(update(true)).toEqual([{ type: 'resumptionHandle', handle: 'h' }]);
  });

  it('GIVEN an interrupted turn THEN interrupted comes before turnComplete', () => {
    const events = eventsOf({
      serverContent: { interrupted: true, turnComplete: true },
    });
    expect(events.map((event) => event.type)).toEqual(['interrupted', 'turnComplete']);
  });

  it('GIVEN durations THEN they convert to ms', () => {
    expect(parseDurationMs('1.5s')).toBe(1_500);
    expect(parseDurationMs('0s')).toBe(0);
    expect(parseDurationMs('soon')).toBe(0);
  });
});

describe('parseServerMessage with malformed events', () => {
  const samples = Int16Array.from([5, -5, 1000]);

  it('GIVEN functionCalls that is not an array THEN the tool call is skipped and the turnComplete after it survives', () => {
    const message = { toolCall: { functionCalls: 'roll' }, serverContent: { turnComplete: true } };
    expect(types(message)).toEqual(['turnComplete']);
    expect(kinds(message)).toEqual(['toolCall']);
  });

  it('GIVEN a null and a nameless function call beside a good one THEN only the good call runs', () => {
    const message = { toolCall: { functionCalls: [null, { id: 'x' }, { id: 'a', name: 'roll', args: {} }] } };
    expect(eventsOf(message)).toEqual([{ type: 'toolCall', calls: [{ id: 'a', name: 'roll', args: {} }] }]);
    expect(kinds(message)).toEqual(['functionCall', 'functionCall']);
  });

  it('GIVEN args that are not an object THEN that call is skipped as invalid', () => {
    expect(kinds({ toolCall: { functionCalls: [{ id: 'a', name: 'roll', args: [1, 2] }] } })).toEqual([
      'functionCall',
    ]);
  });

  it('GIVEN a null part, a non-string mimeType and non-string audio data THEN those parts are skipped and good audio and the goAway still come', () => {
    const message = {
      serverContent: {
        modelTurn: {
          parts: [
            null,
            { inlineData: { mimeType: 42, data: 'AAAA' } },
            { inlineData: { mimeType: 'audio/pcm;rate=24000', data: 12345 } },
            audioPart(samples),
          ],
        },
        turnComplete: true,
      },
      goAway: { timeLeft: '10s' },
    };
    const { events, invalid } = parse(message);
    expect(events).toEqual([
      { type: 'audio', samples },
      { type: 'turnComplete' },
      { type: 'goAway', timeLeftMs: 10_000 },
    ]);
    expect(invalid.map((report) => report.kind)).toEqual(['part', 'part', 'part']);
    expect(invalid[1]?.issue).toContain('inlineData.mimeType');
  });

  it('GIVEN NaN, negative, fractional or string token counts THEN no usage event reaches the store, and the turn still completes', () => {
    for (const bad of [Number.NaN, -5, 1.5, '12', Number.POSITIVE_INFINITY]) {
      const message = {
        usageMetadata: { promptTokenCount: bad, totalTokenCount: 3 },
        serverContent: { turnComplete: true },
      };
      expect(types(message)).toEqual(['turnComplete']);
      expect(kinds(message)).toEqual(['usage']);
    }
  });

  it('GIVEN a wrong-typed field in each other event THEN each is reported by kind and skipped', () => {
    const message = {
      toolCallCancellation: { ids: [1] },
      serverContent: {
        inputTranscription: { text: 7 },
        outputTranscription: 'words',
        interrupted: 'yes',
        generationComplete: 1,
        modelTurn: { parts: {} },
        turnComplete: true,
        turnCompleteReason: 9,
      },
      sessionResumptionUpdate: { newHandle: ['h'], resumable: true },
      goAway: { timeLeft: 50 },
    };
    expect(types(message)).toEqual(['turnComplete']);
    expect(kinds(message)).toEqual([
      'toolCallCancellation',
      'inputTranscription',
      'modelTurn',
      'outputTranscription',
      'interrupted',
      'generationComplete',
      'turnCompleteReason',
      'sessionResumptionUpdate',
      'goAway',
    ]);
  });

  it('GIVEN a message that is not an object, or a serverContent that is not THEN it is reported and nothing else breaks', () => {
    for (const message of [null, 42, 'text', [1, 2]]) {
      expect(parse(message)).toEqual({
        events: [],
        invalid: [{ kind: 'message', issue: expect.any(String) }],
      });
    }
    const message = { serverContent: 'oops', goAway: { timeLeft: '1s' } };
    expect(types(message)).toEqual(['goAway']);
    expect(kinds(message)).toEqual(['serverContent']);
  });

  it("GIVEN the SDK's LiveServerMessage class (not a plain object) THEN it parses like one", () => {
    const message = Object.assign(new LiveServerMessage(), { serverContent: { turnComplete: true } });
    expect(parse(message)).toEqual({ events: [{ type: 'turnComplete' }], invalid: [] });
  });

  it('GIVEN an invalid event THEN its report names the path and problem but never carries the value', () => {
    const { invalid } = parse({
      serverContent: { inputTranscription: { text: { secret: 'alice said this' } } },
    });
    expect(invalid).toHaveLength(1);
    expect(JSON.stringify(invalid)).not.toContain('alice said this');
    expect(invalid[0]?.issue).toMatch(/^text: /);
  });
});
