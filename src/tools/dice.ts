// Dice notation (`2d6+1`, `d20`, `4d6-2`, `1d8+1d6+3`, `d%`): parse, limit and roll.
import { ToolError } from '../errors.ts';

export const MAX_DICE = 100;
export const MAX_SIDES = 1000;
const MAX_NOTATION_CHARS = 60;
const MAX_TERMS = 10;
const MAX_MODIFIER = 10_000;

/** Uniform integer in [0, maxExclusive). Injected so tests can script the rolls. */
export type RandomInt = (maxExclusive: number) => number;

export interface DiceGroup {
  /** e.g. '2d6'; subtracted from the total when `sign` is -1. */
  dice: string;
  sign: 1 | -1;
  rolls: number[];
}

export interface DiceRoll {
  notation: string;
  groups: DiceGroup[];
  modifier: number;
  total: number;
}

const TERM = /^([+-]?)(?:(\d*)d(\d+|%)|(\d+))/;

function fail(message: string): never {
  throw new ToolError(message, 'DICE_INVALID');
}

export function rollDice(notation: string, randomInt: RandomInt): DiceRoll {
  // Spaces only around signs: removing all of them would turn "2d6 3" into 2d63.
  const compact = notation
    .trim()
    .toLowerCase()
    .replace(/\s*([+-])\s*/g, '$1');
  if (compact.length === 0) fail('Give dice notation such as 2d6+1 or d20.');
  if (compact.length > MAX_NOTATION_CHARS)
    fail(`That dice notation is too long (max ${MAX_NOTATION_CHARS} characters).`);
  const groups: DiceGroup[] = [];
  let modifier = 0;
  let diceCount = 0;
  let rest = compact;
  for (let terms = 0; rest.length > 0; terms++) {
    const match = TERM.exec(rest);
    // Every term after the first needs its own sign: "2d6 3" is not notation.
    if (!match || (terms > 0 && match[1] === '')) {
      fail(
        `"${notation.slice(0, MAX_NOTATION_CHARS)}" is not dice notation; use something like 2d6+1, d20 or 4d6-2.`,
      );
    }
    if (terms >= MAX_TERMS) fail(`At most ${MAX_TERMS} terms, please.`);
    const [, signText, countText, sidesText, flatText] = match;
    const sign = signText === '-' ? -1 : 1;
    rest = rest.slice(match[0].length);
    if (flatText !== undefined) {
      modifier += sign * Number(flatText);
      if (Math.abs(modifier) > MAX_MODIFIER) fail(`The modifier must stay within ±${MAX_MODIFIER}.`);
      continue;
    }
    const count = countText ? Number(countText) : 1;
    const sides = sidesText === '%' ? 100 : Number(sidesText);
    if (count < 1) fail('Roll at least one die.');
    if (sides < 2 || sides > MAX_SIDES) fail(`Dice need between 2 and ${MAX_SIDES} sides (got ${sides}).`);
    diceCount += count;
    if (diceCount > MAX_DICE) fail(`At most ${MAX_DICE} dice in one roll.`);
    const rolls = Array.from({ length: count }, () => randomInt(sides) + 1);
    groups.push({ dice: `${count}d${sides}`, sign, rolls });
  }
  if (groups.length === 0) fail('Roll at least one die, e.g. d20.');
  const total = groups.reduce((sum, g) => sum + g.sign * g.rolls.reduce((a, b) => a + b, 0), modifier);
  return { notation: compact, groups, modifier, total };
}

/** e.g. `2d6+1: [3, 5] +1 = **9**` (Discord markdown). */
export function formatDiceRoll(roll: DiceRoll): string {
  const parts = roll.groups.map((g, i) => `${g.sign < 0 ? '- ' : i > 0 ? '+ ' : ''}[${g.rolls.join(', ')}]`);
  if (roll.modifier !== 0) parts.push(`${roll.modifier < 0 ? '-' : '+'} ${Math.abs(roll.modifier)}`);
  return `🎲 ${roll.notation}: ${parts.join(' ')} = **${roll.total}**`;
}
