// Test helpers for tools: a manual clock, a recording logger, a recording guild, a fake interaction, bare tools.
import type { ChatInputCommandInteraction } from 'discord.js';
import { z } from 'zod';
import { defineTool, type Tool, type ToolContext } from '../../../src/tools/define-tool.ts';
import type { GuildToolServices, VoiceMember } from '../../../src/tools/guild-services.ts';
import { manualClock as sharedManualClock } from '../../helpers/manual-clock.ts';

/** The shared manual clock, with the `advance(ms)` spelling these tests use. */
export function manualClock() {
  const time = sharedManualClock();
  return { clock: time.clock, advance: time.advanceBy, pending: time.pending };
}

export { recordingLogger } from '../../helpers/recording-logger.ts';

export class RecordingGuild implements GuildToolServices {
  timeZone = 'UTC';
  members: VoiceMember[] | null = [];
  readonly posted: string[] = [];
  readonly left: string[] = [];
  postFails = false;

  async voiceMembers() {
    return this.members;
  }
  async postMessage(text: string) {
    if (this.postFails) throw new Error('channel deleted');
    this.posted.push(text);
  }
  async leaveVoice(reason: string) {
    this.left.push(reason);
  }
}

/** Resolves when `condition()` holds, polling on microtasks/macrotasks; fails after `ms`. */
export async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export interface RecordedReply {
  method: 'reply' | 'deferReply' | 'editReply' | 'deleteReply' | 'followUp';
  payload?: unknown;
}

/** The payload of the `index`th recorded response, failing the test when there is none. */
export function payloadOf<T>(calls: readonly RecordedReply[], index: number): T {
  const call = calls[index];
  if (!call) throw new Error(`no response #${index}; got ${calls.map((c) => c.method).join(', ')}`);
  return call.payload as T;
}

/** The parts of a ChatInputCommandInteraction the tool commands use, recording every response. */
export function fakeInteraction(
  commandName: string,
  options: { name: string; value: string | number | boolean }[],
  ids = { guildId: 'g1', channelId: 'c1', userId: 'u1' },
) {
  const calls: RecordedReply[] = [];
  const interaction = {
    commandName,
    guildId: ids.guildId,
    channelId: ids.channelId,
    user: { id: ids.userId },
    options: {
      data: options,
      getInteger: (name: string) => {
        const value = options.find((o) => o.name === name)?.value;
        return typeof value === 'number' ? value : null;
      },
    },
    async reply(payload: unknown) {
      calls.push({ method: 'reply', payload });
    },
    async deferReply(payload?: unknown) {
      calls.push({ method: 'deferReply', payload });
    },
    async editReply(payload: unknown) {
      calls.push({ method: 'editReply', payload });
    },
    async deleteReply() {
      calls.push({ method: 'deleteReply' });
    },
    async followUp(payload: unknown) {
      calls.push({ method: 'followUp', payload });
    },
  };
  return { interaction: interaction as unknown as ChatInputCommandInteraction, calls };
}

const NO_PARAMETERS = z.object({});

/** A tool without parameters that runs `execute`: what most registry and command tests need. */
export function noArgsTool<O>(
  name: string,
  description: string,
  execute: (args: z.output<typeof NO_PARAMETERS>, ctx: ToolContext) => Promise<O> | O,
): Tool<typeof NO_PARAMETERS, O> {
  return defineTool({ name, description, parameters: NO_PARAMETERS, execute });
}
