// The assembler on recorded fragment sequences: attribution, late input, interruption, empty turns.
import { describe, expect, it } from 'vitest';
import {
  type Exchange,
  TranscriptAssembler,
  type TranscriptInput,
} from '../../../src/transcripts/assembler.ts';

/** A speaker record: who was audible from startMs to endMs (same clock as the fragments). */
type Heard = { userId: string; startMs: number; endMs: number };

function speakersFrom(heard: Heard[]) {
  return (fromMs: number, toMs: number): string[] => {
    const overlap = new Map<string, number>();
    for (const h of heard) {
      const ms = Math.min(h.endMs, toMs) - Math.max(h.startMs, fromMs);
      if (ms > 0) overlap.set(h.userId, (overlap.get(h.userId) ?? 0) + ms);
    }
    return [...overlap.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  };
}

/** Feeds a sequence and returns the final snapshot of every exchange, by id. */
function run(inputs: TranscriptInput[], heard: Heard[] = []): Exchange[] {
  const assembler = new TranscriptAssembler({ speakersBetween: speakersFrom(heard) });
  const latest = new Map<number, Exchange>();
  for (const input of inputs) for (const ex of assembler.push(input)) latest.set(ex.id, ex);
  return [...latest.values()];
}

const user = (text: string, atMs: number, finished?: boolean): TranscriptInput =>
  finished === undefined ? { kind: 'user', text, atMs } : { kind: 'user', text, atMs, finished };
const bot = (text: string, atMs: number): TranscriptInput => ({ kind: 'bot', text, atMs });
const done = (atMs: number): TranscriptInput => ({ kind: 'turnComplete', atMs });
const interrupted = (atMs: number): TranscriptInput => ({ kind: 'interrupted', atMs });

describe('TranscriptAssembler', () => {
  it('GIVEN a question and an answer THEN one exchange attributed to the speaker, complete at turnComplete', () => {
    const heard = [{ userId: 'alice', startMs: 0, endMs: 1_500 }];
    const exchanges = run(
      [
        user('What is', 1_000),
        user(' the time?', 1_600),
        bot('It is', 2_400),
        bot(' noon.', 2_600),
        done(3_000),
      ],
      heard,
    );
    expect(exchanges).toEqual([
      {
        id: 1,
        user: [{ speakers: ['alice'], text: 'What is the time?' }],
        tools: [],
        bot: { text: 'It is noon.', cutOff: false },
        complete: true,
      },
    ]);
  });

  it('GIVEN the answer still growing THEN snapshots are not complete until turnComplete', () => {
    const assembler = new TranscriptAssembler({ speakersBetween: () => ['alice'] });
    expect(assembler.push(user('Hi', 0))[0]?.complete).toBe(false);
    expect(assembler.push(bot('Hello', 500))[0]?.bot?.text).toBe('Hello');
    expect(assembler.push(done(900))[0]?.complete).toBe(true);
  });

  it('GIVEN two people talking over each other THEN the line names both, the one heard longest first', () => {
    const heard = [
      { userId: 'bob', startMs: 200, endMs: 900 },
      { userId: 'alice', startMs: 0, endMs: 1_800 },
    ];
    const [ex] = run(
      [user('no, you go', 1_000), user(' first', 1_900), bot('Ha.', 2_500), done(2_800)],
      heard,
    );
    expect(ex?.user[0]?.speakers).toEqual(['alice', 'bob']);
  });

  it('GIVEN input transcription arriving after the answer began THEN it joins the question, not a new exchange', () => {
    const heard = [{ userId: 'alice', startMs: 0, endMs: 1_200 }];
    const exchanges = run(
      [
        user('Tell me', 900),
        bot('Sure,', 1_500),
        user(' a joke', 1_700),
        bot(' here goes.', 1_900),
        done(2_500),
      ],
      heard,
    );
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]?.user).toEqual([{ speakers: ['alice'], text: 'Tell me a joke' }]);
    expect(exchanges[0]?.bot?.text).toBe('Sure, here goes.');
  });

  it('GIVEN input transcription just after turnComplete THEN the finished exchange is amended', () => {
    const assembler = new TranscriptAssembler({ speakersBetween: () => ['alice'], lateInputGraceMs: 1_000 });
    assembler.push(user('How far is', 0));
    assembler.push(bot('About 384,000 km.', 600));
    assembler.push(done(1_000));
    const [amended] = assembler.push(user(' the moon?', 1_300));
    expect(amended?.id).toBe(1);
    expect(amended?.user[0]?.text).toBe('How far is the moon?');
    // Past the grace period, speech is a new question.
    const [next] = assembler.push(user('Thanks', 3_000));
    expect(next?.id).toBe(2);
  });

  it('GIVEN only late input transcription (answer first) THEN the exchange still shows question then answer', () => {
    const exchanges = run(
      [bot('Yes,', 500), user('Is it raining?', 600), bot(' it is.', 700), done(900)],
      [{ userId: 'alice', startMs: 0, endMs: 400 }],
    );
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]?.user).toEqual([{ speakers: ['alice'], text: 'Is it raining?' }]);
    expect(exchanges[0]?.bot).toEqual({ text: 'Yes, it is.', cutOff: false });
  });

  it('GIVEN a barge-in THEN the answer is cut off and the interrupting speech opens the next exchange', () => {
    const heard = [
      { userId: 'alice', startMs: 0, endMs: 1_000 },
      { userId: 'bob', startMs: 2_600, endMs: 3_400 },
    ];
    const exchanges = run(
      [
        user('Tell me a story', 800),
        bot('Once upon a', 1_500),
        user('Stop', 3_000),
        interrupted(3_100),
        done(3_120),
        user(' please', 3_300),
        bot('Okay.', 3_900),
        done(4_200),
      ],
      heard,
    );
    expect(exchanges).toHaveLength(2);
    expect(exchanges[0]).toMatchObject({
      user: [{ speakers: ['alice'], text: 'Tell me a story' }],
      bot: { text: 'Once upon a', cutOff: true },
      complete: true,
    });
    expect(exchanges[1]).toMatchObject({
      user: [{ speakers: ['bob'], text: 'Stop please' }],
      bot: { text: 'Okay.', cutOff: false },
      complete: true,
    });
  });

  it('GIVEN empty turns (turnComplete alone, blank fragments) THEN no exchange is produced', () => {
    const assembler = new TranscriptAssembler({ speakersBetween: () => [] });
    expect(assembler.push(done(0))).toEqual([]);
    expect(assembler.push(user('   ', 100))).toEqual([]);
    expect(assembler.push(done(200))).toEqual([]);
    expect(assembler.push(interrupted(300))).toEqual([]);
  });

  it('GIVEN a long pause between two people before the answer THEN each gets their own line', () => {
    const heard = [
      { userId: 'alice', startMs: 0, endMs: 900 },
      { userId: 'bob', startMs: 3_500, endMs: 4_400 },
    ];
    const [ex] = run(
      [user('Hi there.', 1_000), user('And me!', 4_500), bot('Hello both.', 5_000), done(5_500)],
      heard,
    );
    expect(ex?.user).toEqual([
      { speakers: ['alice'], text: 'Hi there.' },
      { speakers: ['bob'], text: 'And me!' },
    ]);
  });

  it('GIVEN a tool call during a turn THEN its line belongs to that exchange', () => {
    const [ex] = run([
      user('Roll a die', 0),
      { kind: 'tool', line: '🔧 `roll_dice()` → `4`', atMs: 400 },
      bot('You rolled 4.', 800),
      done(1_000),
    ]);
    expect(ex?.tools).toEqual(['🔧 `roll_dice()` → `4`']);
  });

  it('GIVEN a second question THEN attribution does not reach back into the previous answer', () => {
    const heard = [
      { userId: 'alice', startMs: 0, endMs: 1_000 },
      { userId: 'bob', startMs: 2_600, endMs: 3_000 },
    ];
    const exchanges = run(
      [
        user('One', 1_100),
        bot('Two', 1_300),
        done(2_000),
        user('Three', 3_200),
        bot('Four', 3_600),
        done(3_900),
      ],
      heard,
    );
    expect(exchanges[1]?.user[0]?.speakers).toEqual(['bob']);
  });
});

describe('TranscriptAssembler with typed questions', () => {
  it('GIVEN a question typed into the voice session THEN its exchange names the author and holds the answer', () => {
    const assembler = new TranscriptAssembler({ speakersBetween: () => ['someone-speaking'] });
    assembler.push({ kind: 'typed', userId: 'alice', text: 'capital of France?', atMs: 1000 });
    assembler.push({ kind: 'bot', text: 'Paris.', atMs: 1500 });
    const [done] = assembler.push({ kind: 'turnComplete', atMs: 2000 });
    expect(done?.user).toEqual([{ speakers: ['alice'], text: 'capital of France?', typed: true }]);
    expect(done?.bot).toEqual({ text: 'Paris.', cutOff: false });
  });

  it('GIVEN a typed question while an answer is being spoken THEN it opens its own exchange', () => {
    const assembler = new TranscriptAssembler({ speakersBetween: () => ['bob'] });
    assembler.push({ kind: 'user', text: 'tell me a story', finished: true, atMs: 0 });
    const [spoken] = assembler.push({ kind: 'bot', text: 'Once upon', atMs: 500 });
    const [typed] = assembler.push({ kind: 'typed', userId: 'alice', text: 'what time is it?', atMs: 900 });
    expect(typed?.id).not.toBe(spoken?.id);
    expect(typed?.user[0]?.speakers).toEqual(['alice']);
  });
});
