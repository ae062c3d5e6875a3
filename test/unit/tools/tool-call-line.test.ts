import { describe, expect, it } from 'vitest';
import { formatToolCallLine } from '../../../src/tools/tool-call-line.ts';

describe('formatToolCallLine', () => {
  it('GIVEN a successful call THEN name, args, result and duration on one line', () => {
    expect(
      formatToolCallLine({
        name: 'roll_dice',
        args: { notation: '2d6+1' },
        result: { total: 9 },
        durationMs: 12.4,
      }),
    ).toBe('🔧 `roll_dice(notation: "2d6+1")` → `{"total":9}` (12 ms)');
  });

  it('GIVEN a failed call THEN the error replaces the result', () => {
    expect(
      formatToolCallLine({
        name: 'calculate',
        args: { expression: '1/0' },
        error: 'Division by zero.',
        durationMs: 0,
      }),
    ).toBe('🔧 `calculate(expression: "1/0")` ⚠️ Division by zero. (0 ms)');
  });

  it('GIVEN long args and results THEN each is truncated and the line stays short', () => {
    const line = formatToolCallLine({
      name: 'post_message',
      args: { text: 'x'.repeat(5000), extra: 'y'.repeat(5000) },
      result: 'z'.repeat(5000),
      durationMs: 3,
    });
    expect(line.length).toBeLessThan(260);
    expect(line).toContain('text: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…');
    expect(line.endsWith('…` (3 ms)')).toBe(true);
  });

  it('GIVEN mentions, backticks and newlines from the model THEN none can ping, break out or span lines', () => {
    const line = formatToolCallLine({
      name: 'post_message',
      args: { text: '@everyone look <@123> and <@&456>\n`code`' },
      error: '@here ```boom```',
      durationMs: 1,
    });
    expect(line).not.toMatch(/@(everyone|here)/);
    expect(line).not.toMatch(/<@&?\d/);
    expect(line).not.toContain('\n');
    expect(line.match(/`/g)).toHaveLength(2);
    expect(line).toContain('@\u200beveryone');
  });
});
