// Formatting exchanges as Discord markdown and splitting long text at 2,000 characters.
import { describe, expect, it } from 'vitest';
import {
  escapeSpoken,
  formatExchange,
  joinNames,
  neutraliseMentions,
  splitMessage,
} from '../../../src/transcripts/format.ts';

const ZWSP = '\u200b';

describe('formatExchange', () => {
  it('GIVEN two speakers and an answer THEN it reads "**Alice & Bob:** …" then "**Gemini:** …"', () => {
    const text = formatExchange(
      {
        user: [{ label: 'Alice & Bob', text: ' hello  there ' }],
        tools: [],
        bot: { text: 'Hi!', cutOff: false },
      },
      'Gemini',
    );
    expect(text).toBe('**Alice & Bob:** hello there\n**Gemini:** Hi!');
  });

  it('GIVEN a cut-off answer THEN it is marked interrupted', () => {
    const text = formatExchange(
      { user: [], tools: [], bot: { text: 'Once upon a', cutOff: true } },
      'Gemini',
    );
    expect(text).toBe('**Gemini:** Once upon a — *interrupted*');
  });

  it('GIVEN tool lines THEN they sit between the question and the answer', () => {
    const text = formatExchange(
      { user: [{ label: 'Alice', text: 'roll' }], tools: ['🔧 line'], bot: { text: '4', cutOff: false } },
      'Bot',
    );
    expect(text.split('\n')).toEqual(['**Alice:** roll', '🔧 line', '**Bot:** 4']);
  });

  it('GIVEN nothing but blanks THEN it renders as empty', () => {
    expect(formatExchange({ user: [{ label: 'A', text: '  ' }], tools: [], bot: null }, 'Bot')).toBe('');
  });

  it('GIVEN a name with markdown and a mention THEN the label cannot break the layout or ping', () => {
    const text = formatExchange(
      { user: [{ label: '*@everyone*', text: 'hi' }], tools: [], bot: null },
      'Bot',
    );
    expect(text).toBe(`**\\*@${ZWSP}everyone\\*:** hi`);
  });
});

describe('escapeSpoken', () => {
  it('GIVEN markdown characters THEN each is escaped', () => {
    expect(escapeSpoken('a *b* _c_ ~~d~~ ||e|| `f` [g](h) > # \\')).toBe(
      'a \\*b\\* \\_c\\_ \\~\\~d\\~\\~ \\|\\|e\\|\\| \\`f\\` \\[g\\](h) \\> \\# \\\\',
    );
  });

  it('GIVEN @everyone, @here, <@id> and <@&role> THEN none can mention', () => {
    const out = escapeSpoken('@everyone @here <@123> <@&456>');
    expect(out).toBe(`@${ZWSP}everyone @${ZWSP}here <${ZWSP}@123\\> <${ZWSP}@&456\\>`);
    expect(out).not.toMatch(/@everyone|@here|<@/);
  });

  it('GIVEN a word-initial dash THEN it cannot become a list marker, but hyphenated words stay', () => {
    expect(escapeSpoken('- well-known')).toBe('\\- well-known');
  });
});

describe('joinNames', () => {
  it('GIVEN one, two or three names THEN they read naturally', () => {
    expect(joinNames(['Alice'])).toBe('Alice');
    expect(joinNames(['Alice', 'Bob'])).toBe('Alice & Bob');
    expect(joinNames(['Alice', 'Bob', 'Carol'])).toBe('Alice, Bob & Carol');
    expect(joinNames(['Connect', 'Speak', 'View Channel'], 'and')).toBe('Connect, Speak and View Channel');
  });
});

describe('neutraliseMentions', () => {
  it('GIVEN model markdown THEN formatting is kept and only mentions are broken', () => {
    expect(neutraliseMentions('**bold** @everyone <@1>')).toBe(`**bold** @${ZWSP}everyone <${ZWSP}@1>`);
  });
});

describe('splitMessage', () => {
  const words = (count: number) => Array.from({ length: count }, (_, i) => `word${i}`).join(' ');

  it('GIVEN text under the limit THEN it is one part, unchanged', () => {
    expect(splitMessage('short text')).toEqual(['short text']);
  });

  it('GIVEN 5,000 characters of words THEN every part is ≤ 2,000 and no word is broken', () => {
    const text = words(700);
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(2_000);
    expect(parts.join(' ')).toBe(text);
    for (const part of parts) expect(part).toMatch(/^word\d+( word\d+)*$/);
  });

  it('GIVEN a line break in the second half of the window THEN the split is there', () => {
    const text = `${'a '.repeat(800)}\n${'b '.repeat(800)}`;
    const [first, second] = splitMessage(text);
    expect(first?.endsWith('a')).toBe(true);
    expect(second?.startsWith('b')).toBe(true);
  });

  it('GIVEN a code block that would straddle the limit THEN it moves whole to the next part', () => {
    const code = `\`\`\`ts\n${'const x = 1;\n'.repeat(40)}\`\`\``;
    const text = `${words(250)}\n${code}\nafter`;
    const parts = splitMessage(text);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2_000);
      expect((part.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(parts.some((p) => p.startsWith('```ts\n') && p.includes('```\nafter'))).toBe(true);
  });

  it('GIVEN a code block longer than a message THEN it is closed and reopened with its language', () => {
    const code = `\`\`\`py\n${'print("hello world")\n'.repeat(200)}\`\`\``;
    const parts = splitMessage(code);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2_000);
      expect(part.startsWith('```py\n')).toBe(true);
      expect(part.endsWith('```')).toBe(true);
    }
    const lines = parts.flatMap((p) => p.split('\n').filter((l) => !l.startsWith('```')));
    expect(lines).toHaveLength(200);
  });

  it('GIVEN a single word longer than a message THEN it is hard-cut (the only way)', () => {
    const parts = splitMessage('x'.repeat(4_500));
    expect(parts.map((p) => p.length)).toEqual([2_000, 2_000, 500]);
  });
});
