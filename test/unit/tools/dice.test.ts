import { describe, expect, it } from 'vitest';
import { ToolError } from '../../../src/errors.ts';
import { formatDiceRoll, rollDice } from '../../../src/tools/dice.ts';
import { thrownBy } from '../../helpers/thrown.ts';

/** Plays back scripted 1-based faces; records the die sizes asked for. */
function scripted(faces: number[]) {
  const asked: number[] = [];
  const randomInt = (max: number) => {
    asked.push(max);
    const face = faces.shift();
    if (face === undefined) throw new Error('script exhausted');
    return face - 1;
  };
  return { randomInt, asked };
}

function errorOf(notation: string): string {
  return thrownBy(ToolError, () => rollDice(notation, () => 0), `"${notation}"`).message;
}

describe('rollDice', () => {
  it('GIVEN 2d6+1 THEN two d6 are rolled and the modifier added', () => {
    const { randomInt, asked } = scripted([3, 5]);
    const roll = rollDice('2d6+1', randomInt);
    expect(asked).toEqual([6, 6]);
    expect(roll).toEqual({
      notation: '2d6+1',
      groups: [{ dice: '2d6', sign: 1, rolls: [3, 5] }],
      modifier: 1,
      total: 9,
    });
    expect(formatDiceRoll(roll)).toBe('🎲 2d6+1: [3, 5] + 1 = **9**');
  });

  it('GIVEN d20 THEN one twenty-sided die', () => {
    const { randomInt, asked } = scripted([17]);
    expect(rollDice('d20', randomInt).total).toBe(17);
    expect(asked).toEqual([20]);
  });

  it('GIVEN 4d6-2 THEN the modifier is subtracted', () => {
    expect(rollDice('4d6-2', scripted([1, 2, 3, 4]).randomInt).total).toBe(8);
  });

  it('GIVEN several groups, spaces, capitals and d% THEN all are summed', () => {
    const roll = rollDice(' 1D8 + 1d6 - 1d4 + d% + 3 ', scripted([8, 6, 4, 100]).randomInt);
    expect(roll.notation).toBe('1d8+1d6-1d4+d%+3');
    expect(roll.total).toBe(8 + 6 - 4 + 100 + 3);
    expect(formatDiceRoll(roll)).toBe('🎲 1d8+1d6-1d4+d%+3: [8] + [6] - [4] + [100] + 3 = **113**');
  });

  it('GIVEN the real random source THEN every face stays within 1..sides', () => {
    const roll = rollDice('100d6', (max) => Math.floor(Math.random() * max));
    expect(roll.groups[0]?.rolls.every((r) => r >= 1 && r <= 6)).toBe(true);
    expect(roll.groups[0]?.rolls).toHaveLength(100);
  });

  it('GIVEN limits exceeded THEN clear errors', () => {
    expect(errorOf('101d6')).toBe('At most 100 dice in one roll.');
    expect(errorOf('60d6+60d6')).toBe('At most 100 dice in one roll.');
    expect(errorOf('99999999999999999999d6')).toBe('At most 100 dice in one roll.');
    expect(errorOf('1d1001')).toBe('Dice need between 2 and 1000 sides (got 1001).');
    expect(errorOf('1d1')).toBe('Dice need between 2 and 1000 sides (got 1).');
    expect(errorOf('0d6')).toBe('Roll at least one die.');
    expect(errorOf('d6+20000')).toBe('The modifier must stay within ±10000.');
    expect(errorOf('5')).toBe('Roll at least one die, e.g. d20.');
    expect(errorOf('')).toBe('Give dice notation such as 2d6+1 or d20.');
    expect(errorOf('d2'.padEnd(61, '+'))).toBe('That dice notation is too long (max 60 characters).');
    expect(errorOf('d2+d2+d2+d2+d2+d2+d2+d2+d2+d2+d2')).toBe('At most 10 terms, please.');
  });

  it('GIVEN something that is not notation THEN the error shows the expected form', () => {
    for (const bad of ['two d six', '2d', '2x6', '2d6 3', '2d6++1', 'd6*2']) {
      expect(errorOf(bad)).toMatch(/is not dice notation; use something like 2d6\+1, d20 or 4d6-2\.$/);
    }
  });
});
