// Safe arithmetic: a tokenizer and a recursive-descent parser that evaluate as they parse.
// Never eval/Function: names resolve only through the fixed maps below.
import { ToolError } from '../errors.ts';

export const MAX_EXPRESSION_CHARS = 200;
/** Parentheses, unary signs and function calls each count one level. */
export const MAX_NESTING_DEPTH = 32;
/** Any intermediate or final value beyond this magnitude is refused as "too large". */
export const MAX_MAGNITUDE = 1e100;
const MAX_FUNCTION_ARGS = 20;

type Token =
  | { kind: 'number'; value: number; at: number }
  | { kind: 'name'; value: string; at: number }
  | { kind: 'op'; value: string; at: number };

interface MathFunction {
  minArgs: number;
  maxArgs: number;
  apply(args: number[]): number;
}

const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
]);

const unary = (fn: (x: number) => number): MathFunction => ({
  minArgs: 1,
  maxArgs: 1,
  apply: ([x]) => fn(x ?? 0),
});

const FUNCTIONS: ReadonlyMap<string, MathFunction> = new Map([
  ['sqrt', unary(Math.sqrt)],
  ['cbrt', unary(Math.cbrt)],
  ['abs', unary(Math.abs)],
  ['floor', unary(Math.floor)],
  ['ceil', unary(Math.ceil)],
  ['ln', unary(Math.log)],
  ['log10', unary(Math.log10)],
  ['exp', unary(Math.exp)],
  ['round', { minArgs: 1, maxArgs: 2, apply: ([x = 0, digits = 0]) => roundTo(x, digits) }],
  ['min', { minArgs: 1, maxArgs: MAX_FUNCTION_ARGS, apply: (xs) => Math.min(...xs) }],
  ['max', { minArgs: 1, maxArgs: MAX_FUNCTION_ARGS, apply: (xs) => Math.max(...xs) }],
]);

/** Spoken-math spellings the model may copy from a transcript. */
const OPERATOR_ALIASES: ReadonlyMap<string, string> = new Map([
  ['**', '^'],
  ['×', '*'],
  ['÷', '/'],
  ['−', '-'],
]);

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATOR = /^(?:\*\*|[-+*/%^(),×÷−])/;

function fail(message: string): never {
  throw new ToolError(message, 'CALC_INVALID');
}

function roundTo(x: number, digits: number): number {
  if (!Number.isInteger(digits) || digits < 0 || digits > 12) fail('round() takes 0 to 12 decimal places.');
  const factor = 10 ** digits;
  return Math.round(x * factor) / factor;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < input.length) {
    const rest = input.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), at });
      at += number[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', value: name[0].toLowerCase(), at });
      at += name[0].length;
      continue;
    }
    const op = OPERATOR.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', value: OPERATOR_ALIASES.get(op[0]) ?? op[0], at });
      at += op[0].length;
      continue;
    }
    fail(`Unexpected character "${String.fromCodePoint(rest.codePointAt(0) ?? 0)}" at position ${at + 1}.`);
  }
  return tokens;
}

function checked(value: number): number {
  if (Number.isNaN(value)) fail('The result is not a real number.');
  if (!Number.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) fail('The result is too large.');
  return value;
}

class Parser {
  readonly #tokens: Token[];
  #pos = 0;
  #depth = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parseAll(): number {
    const value = this.#additive();
    const extra = this.#tokens[this.#pos];
    if (extra) fail(`Unexpected "${extra.value}" at position ${extra.at + 1}.`);
    return value;
  }

  #peekOp(...ops: string[]): string | undefined {
    const token = this.#tokens[this.#pos];
    return token?.kind === 'op' && ops.includes(token.value) ? token.value : undefined;
  }

  #nested<T>(parse: () => T): T {
    if (++this.#depth > MAX_NESTING_DEPTH)
      fail(`That expression is nested too deeply (max ${MAX_NESTING_DEPTH} levels).`);
    const value = parse();
    this.#depth--;
    return value;
  }

  #additive(): number {
    let left = this.#multiplicative();
    for (let op = this.#peekOp('+', '-'); op; op = this.#peekOp('+', '-')) {
      this.#pos++;
      const right = this.#multiplicative();
      left = checked(op === '+' ? left + right : left - right);
    }
    return left;
  }

  #multiplicative(): number {
    let left = this.#unary();
    for (let op = this.#peekOp('*', '/', '%'); op; op = this.#peekOp('*', '/', '%')) {
      this.#pos++;
      const right = this.#unary();
      if (op !== '*' && right === 0) fail('Division by zero.');
      left = checked(op === '*' ? left * right : op === '/' ? left / right : left % right);
    }
    return left;
  }

  /** Unary minus binds looser than ^, so -2^2 is -4 as in written maths. */
  #unary(): number {
    const op = this.#peekOp('+', '-');
    if (!op) return this.#power();
    this.#pos++;
    const value = this.#nested(() => this.#unary());
    return op === '-' ? -value : value;
  }

  /** Right-associative: 2^3^2 is 2^9. The exponent may carry a sign (2^-1). */
  #power(): number {
    const base = this.#primary();
    if (!this.#peekOp('^')) return base;
    this.#pos++;
    const exponent = this.#nested(() => this.#unary());
    return checked(base ** exponent);
  }

  #primary(): number {
    const token = this.#tokens[this.#pos++];
    if (!token) fail('The expression ends too early.');
    if (token.kind === 'number') return checked(token.value);
    if (token.kind === 'name') return this.#name(token.value);
    if (token.value === '(') {
      const value = this.#nested(() => this.#additive());
      this.#expect(')');
      return value;
    }
    fail(`Unexpected "${token.value}" at position ${token.at + 1}.`);
  }

  #name(name: string): number {
    const fn = FUNCTIONS.get(name);
    if (fn && this.#peekOp('(')) {
      this.#pos++;
      const args = this.#nested(() => this.#arguments());
      if (args.length < fn.minArgs || args.length > fn.maxArgs) {
        const wanted = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
        fail(`${name}() takes ${wanted} argument${fn.maxArgs === 1 ? '' : 's'}, not ${args.length}.`);
      }
      return checked(fn.apply(args));
    }
    if (fn) fail(`${name} needs parentheses, like ${name}(2).`);
    const constant = CONSTANTS.get(name);
    if (constant !== undefined) return constant;
    const known = [...CONSTANTS.keys(), ...[...FUNCTIONS.keys()].map((f) => `${f}()`)].join(', ');
    fail(`Unknown name "${name.slice(0, 30)}". Known names: ${known}.`);
  }

  #arguments(): number[] {
    const args = [this.#additive()];
    while (this.#peekOp(',')) {
      this.#pos++;
      if (args.length >= MAX_FUNCTION_ARGS) fail(`A function takes at most ${MAX_FUNCTION_ARGS} arguments.`);
      args.push(this.#additive());
    }
    this.#expect(')');
    return args;
  }

  #expect(op: string): void {
    const token = this.#tokens[this.#pos];
    if (token?.kind === 'op' && token.value === op) {
      this.#pos++;
      return;
    }
    fail(token ? `Expected "${op}" at position ${token.at + 1}.` : `Missing "${op}" at the end.`);
  }
}

/** Evaluates `+ - * / % ^ ( )`, unary signs, pi, e and a few functions. Throws ToolError CALC_INVALID. */
export function evaluateArithmetic(expression: string): number {
  if (expression.length > MAX_EXPRESSION_CHARS) {
    fail(`That expression is too long (max ${MAX_EXPRESSION_CHARS} characters).`);
  }
  const tokens = tokenize(expression);
  if (tokens.length === 0) fail('There is no expression to calculate.');
  const value = new Parser(tokens).parseAll();
  return value === 0 ? 0 : value; // -0 reads badly
}

/** Safe integers stay exact; other values get 12 significant digits to hide binary noise (0.1 + 0.2 → 0.3). */
export function formatArithmeticResult(value: number): string {
  if (Number.isSafeInteger(value)) return String(value);
  return String(Number(value.toPrecision(12)));
}
