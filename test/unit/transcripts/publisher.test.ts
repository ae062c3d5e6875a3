// The transcript publisher against a recording sink: one message per exchange, throttled edits, retries.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../src/transcripts/assembler.ts';
import {
  TranscriptPublisher,
  type TranscriptPublisherOptions,
  type TranscriptSink,
} from '../../../src/transcripts/publisher.ts';
import { manualClock } from '../../helpers/manual-clock.ts';

type Write = { op: 'post' | 'edit' | 'remove'; id: string; content: string; atMs: number };

/** Records every write; `failNext` makes the next N writes reject. */
function recordingSink(now: () => number) {
  const writes: Write[] = [];
  const messages = new Map<string, string>();
  let nextId = 0;
  let failures = 0;
  const fail = () => {
    if (failures > 0) {
      failures--;
      throw new Error('HTTP 500');
    }
  };
  const sink: TranscriptSink = {
    async post(content) {
      fail();
      nextId++;
      const id = `m${nextId}`;
      messages.set(id, content);
      writes.push({ op: 'post', id, content, atMs: now() });
      return id;
    },
    async edit(id, content) {
      fail();
      messages.set(id, content);
      writes.push({ op: 'edit', id, content, atMs: now() });
    },
    async remove(id) {
      messages.delete(id);
      writes.push({ op: 'remove', id, content: '', atMs: now() });
    },
  };
  const failNext = (n: number): void => {
    failures = n;
  };
  return { sink, writes, messages, failNext };
}

function setup(overrides: Partial<TranscriptPublisherOptions> = {}) {
  const time = manualClock();
  const rec = recordingSink(time.clock.now);
  const settings = { transcriptsEnabled: true, toolLinesEnabled: true };
  const optedOut = new Set<string>();
  const publisher = new TranscriptPublisher({
    sink: rec.sink,
    clock: time.clock,
    log: pino({ level: 'silent' }),
    botName: () => 'Gemini',
    nameOf: async (id) => ({ u1: 'Alice', u2: 'Bob' })[id] ?? 'Someone',
    isOptedOut: (id) => optedOut.has(id),
    settings: () => settings,
    ...overrides,
  });
  return { time, rec, settings, optedOut, publisher };
}

const exchange = (botText: string, complete = false, speakers = ['u1']): Exchange => ({
  id: 1,
  user: [{ speakers, text: 'Hello?' }],
  tools: [],
  bot: botText ? { text: botText, cutOff: false } : null,
  complete,
});

/** Lets the sink's promise chains run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('TranscriptPublisher', () => {
  it('GIVEN ten updates within a second THEN one post, one coalesced edit a second later with the latest text', async () => {
    const { time, rec, publisher } = setup();
    publisher.update(exchange(''));
    await settle();
    for (let i = 1; i <= 10; i++) {
      time.advanceBy(50);
      publisher.update(exchange('word '.repeat(i).trim()));
      await settle();
    }
    expect(rec.writes.map((w) => w.op)).toEqual(['post']);
    time.advanceTo(1_000);
    await settle();
    expect(rec.writes.map((w) => [w.op, w.atMs])).toEqual([
      ['post', 0],
      ['edit', 1_000],
    ]);
    expect(rec.messages.get('m1')).toBe(`**Alice:** Hello?\n**Gemini:** ${'word '.repeat(10).trim()}`);
  });

  it('GIVEN the turn completes inside the throttle window THEN the final text is written at once', async () => {
    const { time, rec, publisher } = setup();
    publisher.update(exchange('Hi'));
    await settle();
    time.advanceBy(100);
    publisher.update(exchange('Hi there.', true));
    await settle();
    expect(rec.writes.map((w) => [w.op, w.atMs])).toEqual([
      ['post', 0],
      ['edit', 100],
    ]);
    expect(rec.messages.get('m1')).toContain('Hi there.');
  });

  it('GIVEN an edit failing once THEN it is retried and the text arrives', async () => {
    const { rec, publisher } = setup();
    publisher.update(exchange('Hi'));
    await settle();
    rec.failNext(1);
    publisher.update(exchange('Hi there.', true));
    for (let i = 0; i < 5; i++) await settle();
    expect(rec.messages.get('m1')).toContain('Hi there.');
  });

  it('GIVEN an edit failing twice THEN the next update carries the text, and close() flushes the last one', async () => {
    const { time, rec, publisher } = setup();
    publisher.update(exchange('Hi'));
    await settle();
    rec.failNext(2);
    time.advanceBy(2_000);
    publisher.update(exchange('Hi there'));
    for (let i = 0; i < 5; i++) await settle();
    expect(rec.messages.get('m1')).not.toContain('Hi there');
    time.advanceBy(2_000);
    publisher.update(exchange('Hi there, friend.'));
    await publisher.close();
    expect(rec.messages.get('m1')).toContain('Hi there, friend.');
    expect(time.pending()).toBe(0);
  });

  it('GIVEN an answer growing past 2,000 characters THEN a follow-on message carries the rest', async () => {
    const { rec, publisher } = setup();
    publisher.update(exchange('short'));
    await settle();
    publisher.update(exchange('lorem ipsum '.repeat(250), true));
    for (let i = 0; i < 5; i++) await settle();
    const contents = [...rec.messages.values()];
    expect(contents).toHaveLength(2);
    for (const c of contents) expect(c.length).toBeLessThanOrEqual(2_000);
    expect(contents.join(' ').match(/lorem/g)).toHaveLength(250);
  });

  it('GIVEN a line attributed only to an opted-out person THEN neither the words nor the name are posted', async () => {
    const { rec, optedOut, publisher } = setup();
    optedOut.add('u1');
    publisher.update(exchange('', true, ['u1']));
    await settle();
    expect(rec.writes).toEqual([]);
    publisher.update({ ...exchange('Sure.', true, ['u1', 'u2']), id: 2 });
    await settle();
    expect(rec.messages.get('m1')).toBe('**Bob:** Hello?\n**Gemini:** Sure.');
  });

  it('GIVEN transcripts turned off THEN nothing is posted; tool lines follow their own setting', async () => {
    const { rec, settings, publisher } = setup();
    settings.transcriptsEnabled = false;
    publisher.update(exchange('Hi', true));
    await settle();
    expect(rec.writes).toEqual([]);
    settings.transcriptsEnabled = true;
    settings.toolLinesEnabled = false;
    publisher.update({ ...exchange('Rolled.', true), id: 2, tools: ['🔧 roll'] });
    await settle();
    expect(rec.messages.get('m1')).toBe('**Alice:** Hello?\n**Gemini:** Rolled.');
  });
});
