// Probe tools for the tools e2e test: one that throws, one that hangs, one that waits to be aborted.
import { EventEmitter, once } from 'node:events';
import { z } from 'zod';
import { type AnyTool, defineTool } from '../../src/tools/define-tool.ts';

/** A message no model or person may ever see: it stands for a path or secret inside an exception. */
export const EXPLODE_SECRET = '/var/lib/bot/secret-key-7f3a9c';

/** Per-tool limit of `hang`, in ms: short so the test sees the timeout within a second. */
export const HANG_TIMEOUT_MS = 300;

export interface ToolProbes {
  tools: AnyTool[];
  /** Names of the probe tools whose AbortSignal fired, in order. */
  readonly aborted: string[];
  /** Resolves when `slow_task` has started running (its signal not yet aborted). */
  slowStarted(timeoutMs?: number): Promise<void>;
  /** Resolves with the abort reason when `slow_task`'s signal fires. */
  slowAborted(timeoutMs?: number): Promise<unknown>;
}

export function toolProbes(): ToolProbes {
  const events = new EventEmitter();
  const aborted: string[] = [];
  const noteAbort = (name: string, signal: AbortSignal) =>
    signal.addEventListener(
      'abort',
      () => {
        aborted.push(name);
        events.emit(`${name}:aborted`, signal.reason);
      },
      { once: true },
    );

  const explode = defineTool({
    name: 'explode',
    description: 'Test probe: fails with an unexpected exception.',
    parameters: z.object({}),
    execute(): never {
      throw new Error(`cannot read ${EXPLODE_SECRET}`);
    },
  });
  const hang = defineTool({
    name: 'hang',
    description: 'Test probe: never finishes and ignores its signal.',
    parameters: z.object({}),
    timeoutMs: HANG_TIMEOUT_MS,
    execute(_args, ctx) {
      noteAbort('hang', ctx.signal);
      return new Promise<never>(() => {});
    },
  });
  const slowTask = defineTool({
    name: 'slow_task',
    description: 'Test probe: runs until its signal is aborted.',
    parameters: z.object({}),
    timeoutMs: 30_000,
    execute(_args, ctx) {
      noteAbort('slow_task', ctx.signal);
      events.emit('slow_task:started');
      return new Promise<never>((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      });
    },
  });

  const bounded = async (event: string, timeoutMs: number): Promise<unknown[]> =>
    once(events, event, { signal: AbortSignal.timeout(timeoutMs) }).catch(() => {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${event}`);
    });

  return {
    tools: [explode, hang, slowTask],
    aborted,
    async slowStarted(timeoutMs = 5_000) {
      await bounded('slow_task:started', timeoutMs);
    },
    async slowAborted(timeoutMs = 5_000) {
      const [reason] = await bounded('slow_task:aborted', timeoutMs);
      return reason;
    },
  };
}
