// Tool: roll dice from standard notation (2d6+1, d20, 4d6-2).
import { randomInt as cryptoRandomInt } from 'node:crypto';
import { z } from 'zod';
import { defineTool } from '../define-tool.ts';
import { formatDiceRoll, type RandomInt, rollDice } from '../dice.ts';

export function rollDiceTool(randomInt: RandomInt = (max) => cryptoRandomInt(max)) {
  return defineTool({
    name: 'roll_dice',
    description: 'Roll dice in standard notation such as 2d6+1, d20 or 4d6-2.',
    parameters: z.object({
      notation: z.string().min(1).max(60).describe('Dice notation, e.g. 2d6+1, d20, 4d6-2 or 1d8+1d6+3'),
    }),
    execute: (args) => rollDice(args.notation, randomInt),
    formatResult: formatDiceRoll,
  });
}
