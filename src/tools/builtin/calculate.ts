// Tool: exact arithmetic so the model does not guess sums out loud.
import { z } from 'zod';
import { evaluateArithmetic, formatArithmeticResult, MAX_EXPRESSION_CHARS } from '../arithmetic.ts';
import { defineTool } from '../define-tool.ts';

export const calculate = defineTool({
  name: 'calculate',
  description: 'Evaluate arithmetic: + - * / % ^, parentheses, pi, e, sqrt, round, abs, min, max, ln.',
  parameters: z.object({
    expression: z
      .string()
      .min(1)
      .max(MAX_EXPRESSION_CHARS)
      .describe('The expression, e.g. (12.5 * 4) / 3 or sqrt(2) ^ 3'),
  }),
  execute(args) {
    const value = evaluateArithmetic(args.expression);
    return { expression: args.expression, result: formatArithmeticResult(value) };
  },
  formatResult: (out) => `🧮 \`${out.expression.replaceAll('`', "'")}\` = **${out.result}**`,
});
