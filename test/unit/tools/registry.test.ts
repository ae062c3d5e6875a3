import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BotError, ToolError } from '../../../src/errors.ts';
import type { ToolCallOrigin } from '../../../src/live/tool-port.ts';
import { type AnyTool, defineTool, type ToolContext } from '../../../src/tools/define-tool.ts';
import { type ToolCallRecord, ToolRegistry } from '../../../src/tools/registry.ts';
import { manualClock, noArgsTool, RecordingGuild, recordingLogger, until } from './helpers.ts';

const origin: ToolCallOrigin = { guildId: 'g1', channelId: 'c1', userId: 'u1', via: 'live' };
const noSignal = () => new AbortController().signal;

const echo = defineTool({
  name: 'echo',
  description: 'Echo a word',
  parameters: z.object({
    word: z.string().min(1).describe('The word'),
    times: z.number().int().min(1).max(3).default(1).describe('Repeats'),
  }),
  execute: (args) => args.word.repeat(args.times),
});

/** A tool that never settles on its own, recording the context it was given. */
function hangingTool(seen: ToolContext[]): AnyTool {
  return noArgsTool('hang', 'Never finishes', (_args, ctx) => {
    seen.push(ctx);
    return new Promise<never>(() => {});
  });
}

function registry(tools: AnyTool[], extra: Partial<ConstructorParameters<typeof ToolRegistry>[0]> = {}) {
  const { logger, lines } = recordingLogger();
  const time = manualClock();
  const guild = new RecordingGuild();
  const records: ToolCallRecord[] = [];
  const reg = new ToolRegistry({
    tools,
    servicesFor: (o) => (o.guildId ? guild : null),
    logger,
    clock: time.clock,
    ...extra,
  });
  reg.onCall((r) => records.push(r));
  return { reg, lines, time, guild, records };
}

describe('ToolRegistry', () => {
  it('GIVEN valid args THEN the tool runs with defaults applied and the result is { output }', async () => {
    const { reg } = registry([echo]);
    expect(
      await reg.call({ id: 'a', name: 'echo', args: { word: 'hi', times: 2 } }, origin, noSignal()),
    ).toEqual({
      output: 'hihi',
    });
    expect(await reg.call({ id: 'b', name: 'echo', args: { word: 'yo' } }, origin, noSignal())).toEqual({
      output: 'yo',
    });
  });

  it('GIVEN invalid args THEN the model gets a sentence naming each bad field and the tool does not run', async () => {
    let ran = false;
    const spy = defineTool({
      name: 'echo',
      description: 'Echo a word',
      parameters: echo.parameters,
      execute: () => (ran = true),
    });
    const { reg } = registry([spy]);
    const result = await reg.call({ id: 'a', name: 'echo', args: { times: 9 } }, origin, noSignal());
    expect(result).toEqual({
      error:
        'Invalid arguments for echo: "word" is missing (expected string); "times": Too big: expected number to be <=3.',
      retryable: false,
    });
    expect(ran).toBe(false);
  });

  it('GIVEN an unknown tool name THEN the result says so', async () => {
    const { reg } = registry([echo]);
    expect(await reg.call({ id: 'a', name: 'nope', args: {} }, origin, noSignal())).toEqual({
      error: 'There is no tool named "nope".',
      retryable: false,
    });
  });

  it('GIVEN a ToolError THEN its message reaches the model', async () => {
    const t = noArgsTool('picky', 'Refuses', () => {
      throw new ToolError('I cannot do that here.');
    });
    const { reg } = registry([t]);
    expect(await reg.call({ id: 'a', name: 'picky', args: {} }, origin, noSignal())).toEqual({
      error: 'I cannot do that here.',
      retryable: false,
    });
  });

  it('GIVEN any other exception THEN the model gets a fixed sentence and the log gets the stack', async () => {
    const t = noArgsTool('buggy', 'Crashes', async () => {
      throw new Error('db password=hunter2 at /srv/app');
    });
    const { reg, lines } = registry([t]);
    const result = await reg.call({ id: 'a', name: 'buggy', args: {} }, origin, noSignal());
    expect(result).toEqual({ error: 'buggy failed because of an internal error.', retryable: false });
    expect(JSON.stringify(result)).not.toContain('hunter2');
    const logged = lines.find((l) => l.msg === 'tool failed unexpectedly');
    expect(logged?.tool).toBe('buggy');
    expect(String((logged?.err as { stack?: string })?.stack)).toContain('hunter2');
  });

  it('GIVEN a tool that hangs THEN it is stopped at the timeout with a readable error and its signal aborted', async () => {
    const seen: ToolContext[] = [];
    const { reg, time } = registry([hangingTool(seen)], { timeoutMs: 10_000 });
    const pending = reg.call({ id: 'a', name: 'hang', args: {} }, origin, noSignal());
    await until(() => seen.length === 1);
    time.advance(9_999);
    expect(seen[0]?.signal.aborted).toBe(false);
    time.advance(1);
    expect(await pending).toEqual({
      error: 'hang did not finish: It took longer than 10 s and was stopped.',
      retryable: true,
    });
    expect(seen[0]?.signal.aborted).toBe(true);
    expect(time.pending()).toBe(0);
  });

  it('GIVEN a tool with its own timeoutMs THEN that limit applies', async () => {
    const seen: ToolContext[] = [];
    const { reg, time } = registry([{ ...hangingTool(seen), timeoutMs: 30_000 }]);
    const pending = reg.call({ id: 'a', name: 'hang', args: {} }, origin, noSignal());
    await until(() => seen.length === 1);
    time.advance(10_000);
    expect(seen[0]?.signal.aborted).toBe(false);
    time.advance(20_000);
    expect(await pending).toEqual({
      error: 'hang did not finish: It took longer than 30 s and was stopped.',
      retryable: true,
    });
  });

  it('GIVEN the caller aborts (toolCallCancellation) THEN the call ends with an error and the tool signal aborts', async () => {
    const seen: ToolContext[] = [];
    const { reg, time } = registry([hangingTool(seen)]);
    const caller = new AbortController();
    const pending = reg.call({ id: 'a', name: 'hang', args: {} }, origin, caller.signal);
    await until(() => seen.length === 1);
    caller.abort();
    expect(await pending).toEqual({ error: 'hang did not finish: It was cancelled.', retryable: false });
    expect(seen[0]?.signal.aborted).toBe(true);
    expect(time.pending()).toBe(0);
  });

  it('GIVEN an already aborted signal THEN the call is cancelled at once', async () => {
    const seen: ToolContext[] = [];
    const { reg } = registry([hangingTool(seen)]);
    const caller = new AbortController();
    caller.abort();
    expect(await reg.call({ id: 'a', name: 'hang', args: {} }, origin, caller.signal)).toEqual({
      error: 'hang did not finish: It was cancelled.',
      retryable: false,
    });
  });

  it('GIVEN abortAll for one guild THEN only that guild’s calls are cancelled, with the reason', async () => {
    const seen: ToolContext[] = [];
    const { reg } = registry([hangingTool(seen)]);
    const inG1 = reg.call({ id: 'a', name: 'hang', args: {} }, origin, noSignal());
    const inG2 = reg.call({ id: 'b', name: 'hang', args: {} }, { ...origin, guildId: 'g2' }, noSignal());
    await until(() => seen.length === 2);
    reg.abortAll('leaving the voice channel', 'g1');
    expect(await inG1).toEqual({
      error: 'hang did not finish: It was cancelled (leaving the voice channel).',
      retryable: false,
    });
    expect(seen.map((c) => c.signal.aborted)).toEqual([true, false]);
    reg.abortAll('shutting down');
    expect(await inG2).toEqual({
      error: 'hang did not finish: It was cancelled (shutting down).',
      retryable: false,
    });
  });

  it('GIVEN a tool that throws when its signal aborts THEN the cancellation message wins, not "internal error"', async () => {
    let started = false;
    let rejectedByTool = false;
    const t = noArgsTool(
      'polite',
      'Honours its signal',
      (_args, ctx) =>
        new Promise((_, reject) => {
          started = true;
          ctx.signal.addEventListener('abort', () => {
            rejectedByTool = true;
            reject(new Error('AbortError'));
          });
        }),
    );
    const { reg, lines } = registry([t]);
    const caller = new AbortController();
    const pending = reg.call({ id: 'a', name: 'polite', args: {} }, origin, caller.signal);
    // Abort only once the tool is running, so its own rejection really races the cancellation.
    await until(() => started);
    caller.abort();
    await until(() => rejectedByTool);
    expect(await pending).toEqual({ error: 'polite did not finish: It was cancelled.', retryable: false });
    expect(lines.some((l) => l.msg === 'tool failed unexpectedly')).toBe(false);
  });

  it('GIVEN a long string result THEN the model gets at most maxResultChars', async () => {
    const t = noArgsTool('big', 'Big', () => 'x'.repeat(10_000));
    const { reg } = registry([t], { maxResultChars: 100 });
    const result = await reg.call({ id: 'a', name: 'big', args: {} }, origin, noSignal());
    expect('output' in result && typeof result.output === 'string' && result.output.length).toBe(100);
  });

  it('GIVEN a large object result THEN it is replaced by a marked, capped JSON preview', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ i }));
    const t = noArgsTool('rows', 'Rows', () => ({ rows }));
    const { reg } = registry([t], { maxResultChars: 200 });
    const result = await reg.call({ id: 'a', name: 'rows', args: {} }, origin, noSignal());
    const output = 'output' in result ? (result.output as { truncated: boolean; partialJson: string }) : null;
    expect(output?.truncated).toBe(true);
    expect(output?.partialJson.startsWith('{"rows":[{"i":0}')).toBe(true);
    expect(JSON.stringify(output).length).toBeLessThan(300);
  });

  it('GIVEN an output that is not JSON-serialisable THEN the model gets the generic error', async () => {
    const t = noArgsTool('bigint', 'BigInt', () => 1n);
    const { reg } = registry([t]);
    expect(await reg.call({ id: 'a', name: 'bigint', args: {} }, origin, noSignal())).toEqual({
      error: 'bigint failed because of an internal error.',
      retryable: false,
    });
  });

  it('THEN every call is reported to onCall listeners with id, args, outcome and duration', async () => {
    const slow = noArgsTool('slow', 'Takes clock time', async () => {
      time.advance(42);
      return 'done';
    });
    const { reg, records, time } = registry([echo, slow]);
    await reg.call({ id: 'x1', name: 'echo', args: { word: 'hi' } }, origin, noSignal());
    await reg.call({ id: 'x2', name: 'echo', args: {} }, origin, noSignal());
    await reg.call({ id: 'x3', name: 'slow', args: {} }, origin, noSignal());
    await reg.run('echo', { word: 'ho' }, { ...origin, via: 'slash' }, noSignal());
    expect(records.map((r) => [r.id, r.name, r.outcome, r.result ?? r.error])).toEqual([
      ['x1', 'echo', 'ok', 'hi'],
      ['x2', 'echo', 'error', 'Invalid arguments for echo: "word" is missing (expected string).'],
      ['x3', 'slow', 'ok', 'done'],
      [undefined, 'echo', 'ok', 'ho'],
    ]);
    expect(records[2]?.durationMs).toBe(42);
    expect(records[3]?.origin.via).toBe('slash');
    expect(records[0]?.args).toEqual({ word: 'hi' });
  });

  it('GIVEN a call stopped by its caller, by abortAll or by the timeout THEN only the first two count as cancelled', async () => {
    const { reg, records, time } = registry([hangingTool([])], { timeoutMs: 1_000 });
    const caller = new AbortController();
    const byCaller = reg.call({ id: 'c1', name: 'hang', args: {} }, origin, caller.signal);
    const byLeave = reg.call({ id: 'c2', name: 'hang', args: {} }, origin, noSignal());
    caller.abort();
    reg.abortAll('left the voice channel', 'g1');
    await Promise.all([byCaller, byLeave]);
    const byTimeout = reg.call({ id: 'c3', name: 'hang', args: {} }, origin, noSignal());
    await until(() => time.pending() > 0);
    time.advance(1_000);
    await byTimeout;
    expect(records.map((r) => [r.id, r.outcome])).toEqual([
      ['c1', 'cancelled'],
      ['c2', 'cancelled'],
      ['c3', 'error'],
    ]);
  });

  it('THEN tools receive the guild services for the origin, or null outside a guild, and the wall clock', async () => {
    const contexts: ToolContext[] = [];
    const t = noArgsTool('ctx', 'Records its context', (_args, ctx) => void contexts.push(ctx));
    const at = new Date('2030-01-02T03:04:05Z');
    const { reg, guild } = registry([t], { wallClock: () => at });
    await reg.call({ id: 'a', name: 'ctx', args: {} }, origin, noSignal());
    await reg.call({ id: 'b', name: 'ctx', args: {} }, { ...origin, guildId: null }, noSignal());
    expect(contexts[0]?.guild).toBe(guild);
    expect(contexts[1]?.guild).toBeNull();
    expect(contexts[0]?.now()).toBe(at);
    expect(contexts[0]?.origin).toEqual(origin);
  });

  it('GIVEN run() THEN the result also carries the tool’s human-readable text', async () => {
    const t = defineTool({
      ...echo,
      formatResult: (out, args) => `${args.word} → ${out}`,
    });
    const { reg } = registry([t]);
    expect(await reg.run('echo', { word: 'a', times: 3 }, origin, noSignal())).toEqual({
      output: 'aaa',
      text: 'a → aaa',
    });
  });

  it('GIVEN two tools with the same name THEN construction fails with TOOL_DEFINITION_INVALID', () => {
    expect(() => registry([echo, echo])).toThrow(BotError);
    expect(() => registry([echo, echo])).toThrow('Tool "echo", name: defined twice');
  });

  it('THEN declarations() and commands() list every tool in order, as copies', () => {
    const { reg } = registry([echo, hangingTool([])]);
    expect(reg.declarations().map((d) => d.name)).toEqual(['echo', 'hang']);
    const commands = reg.commands();
    expect(commands.map((c) => c.name)).toEqual(['echo', 'hang']);
    commands[0]!.name = 'mutated';
    expect(reg.commands()[0]?.name).toBe('echo');
  });
});
