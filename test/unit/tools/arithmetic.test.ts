import { describe, expect, it } from 'vitest';
import { ToolError } from '../../../src/errors.ts';
import { evaluateArithmetic, formatArithmeticResult } from '../../../src/tools/arithmetic.ts';
import { thrownBy } from '../../helpers/thrown.ts';

function errorOf(expression: string): ToolError {
  return thrownBy(ToolError, () => evaluateArithmetic(expression), `"${expression.slice(0, 40)}"`);
}

describe('evaluateArithmetic', () => {
  const cases: [string, number][] = [
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 / 4', 2.5],
    ['10 % 4', 2],
    ['2 ^ 10', 1024],
    ['2 ^ 3 ^ 2', 512],
    ['-2 ^ 2', -4],
    ['(-2) ^ 2', 4],
    ['2 ^ -1', 0.5],
    ['--3', 3],
    ['-(4 - 6)', 2],
    ['+5', 5],
    ['2 ** 3', 8],
    ['6 × 7 ÷ 2 − 1', 20],
    ['sqrt(16) + abs(-3)', 7],
    ['round(3.14159, 2)', 3.14],
    ['round(2.5)', 3],
    ['floor(-1.5) + ceil(1.2)', 0],
    ['min(4, 2, 8) + max(1, 9)', 11],
    ['PI', Math.PI],
    ['2 * e', 2 * Math.E],
    ['ln(e) + log10(1000)', 4],
    ['1.5e3 + .5', 1500.5],
    ['cbrt(27)', 3],
    ['exp(0)', 1],
    ['0 * -1', 0],
  ];
  for (const [expression, value] of cases) {
    it(`GIVEN ${expression} THEN ${value}`, () => {
      expect(evaluateArithmetic(expression)).toBeCloseTo(value, 12);
    });
  }

  it('GIVEN binary-float noise THEN the formatted result hides it', () => {
    expect(formatArithmeticResult(evaluateArithmetic('0.1 + 0.2'))).toBe('0.3');
    expect(formatArithmeticResult(evaluateArithmetic('0 * -1'))).toBe('0');
    expect(formatArithmeticResult(evaluateArithmetic('2^50'))).toBe('1125899906842624');
    expect(formatArithmeticResult(evaluateArithmetic('2^70'))).toBe('1.18059162072e+21');
  });

  it('GIVEN ordinary mistakes THEN the error says what and where', () => {
    const mistakes: [expression: string, message: string][] = [
      ['1 / 0', 'Division by zero.'],
      ['5 % 0', 'Division by zero.'],
      ['sqrt(-1)', 'The result is not a real number.'],
      ['1 +', 'The expression ends too early.'],
      ['(1 + 2', 'Missing ")" at the end.'],
      ['1 2', 'Unexpected "2" at position 3.'],
      ['2 # 3', 'Unexpected character "#" at position 3.'],
      ['max()', 'Unexpected ")" at position 5.'],
      ['sqrt(1, 2)', 'sqrt() takes 1 argument, not 2.'],
      ['sqrt 4', 'sqrt needs parentheses, like sqrt(2).'],
      ['round(1, 20)', 'round() takes 0 to 12 decimal places.'],
      ['   ', 'There is no expression to calculate.'],
    ];
    for (const [expression, message] of mistakes) expect(errorOf(expression).message).toBe(message);
  });
});

describe('evaluateArithmetic against hostile input', () => {
  it('GIVEN JavaScript property names THEN they are unknown names, never looked up on objects', () => {
    for (const name of ['constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']) {
      const error = errorOf(name);
      expect(error.code).toBe('CALC_INVALID');
      expect(error.message).toMatch(new RegExp(`^Unknown name "${name.toLowerCase()}"`));
    }
    expect(errorOf('constructor(1)').message).toMatch(/^Unknown name "constructor"/);
    expect(errorOf('__proto__(1)').message).toMatch(/^Unknown name "__proto__"/);
  });

  it('GIVEN code THEN it is rejected as syntax and nothing runs', () => {
    expect(errorOf('process.exit()').message).toBe('Unexpected character "." at position 8.');
    expect(errorOf('require("fs")').message).toBe('Unexpected character """ at position 9.');
    expect(errorOf('this').message).toMatch(/^Unknown name "this"/);
    expect(errorOf('globalThis.process').message).toMatch(/^Unexpected character "."/);
    expect(errorOf('x => x').message).toMatch(/^Unexpected character "="/);
    expect(errorOf('1; 2').message).toBe('Unexpected character ";" at position 2.');
    expect(errorOf('[1]').message).toBe('Unexpected character "[" at position 1.');
    expect(errorOf('`1`').message).toBe('Unexpected character "`" at position 1.');
  });

  it('GIVEN huge exponents and overflow THEN "too large", not Infinity', () => {
    for (const expression of ['9^9^9', '10^101', '1e400', '1e99 * 1e99', 'exp(1000)']) {
      expect(errorOf(expression).message).toBe('The result is too large.');
    }
    expect(evaluateArithmetic('10^100')).toBe(1e100);
  });

  it('GIVEN nesting deeper than 32 levels THEN a depth error (parentheses, signs or calls)', () => {
    const parens = (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`;
    expect(evaluateArithmetic(parens(32))).toBe(1);
    expect(errorOf(parens(33)).message).toBe('That expression is nested too deeply (max 32 levels).');
    expect(errorOf(`${'-'.repeat(40)}1`).message).toBe(
      'That expression is nested too deeply (max 32 levels).',
    );
    expect(errorOf(`${'abs('.repeat(33)}1${')'.repeat(33)}`).message).toMatch(/nested too deeply/);
    expect(errorOf(`${'2^'.repeat(40)}1`).message).toMatch(/nested too deeply/);
  });

  it('GIVEN 10,000-deep nesting or a very long input THEN it is refused by length without recursion', () => {
    expect(errorOf(`${'('.repeat(10_000)}1${')'.repeat(10_000)}`).message).toBe(
      'That expression is too long (max 200 characters).',
    );
    expect(errorOf('1+'.repeat(500_000)).message).toBe('That expression is too long (max 200 characters).');
  });

  it('GIVEN too many function arguments THEN a clear error', () => {
    expect(errorOf(`max(${Array.from({ length: 21 }, () => '1').join(',')})`).message).toBe(
      'A function takes at most 20 arguments.',
    );
  });
});
