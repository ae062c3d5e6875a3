import type { ChatInputCommandInteraction, Interaction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/discord/command.ts';
import { InteractionRouter } from '../../../src/discord/interaction-router.ts';
import { UserFacingError } from '../../../src/errors.ts';
import { recordingLogger } from '../../helpers/recording-logger.ts';

/** Just enough of a slash-command interaction for the router: it records every reply. */
function slash(name: string, state: { deferred?: boolean } = {}) {
  const replies: { via: string; content: string; flags?: unknown }[] = [];
  const interaction = {
    commandName: name,
    deferred: state.deferred ?? false,
    replied: false,
    isChatInputCommand: () => true,
    isAutocomplete: () => false,
    isMessageComponent: () => false,
    isModalSubmit: () => false,
    isRepliable: () => true,
    reply: async (o: { content: string; flags?: unknown }) => void replies.push({ via: 'reply', ...o }),
    followUp: async (o: { content: string; flags?: unknown }) => void replies.push({ via: 'followUp', ...o }),
  };
  return { interaction: interaction as unknown as Interaction, replies };
}

function recordingLog() {
  const rec = recordingLogger({ level: 'info' });
  return { log: rec.logger, lines: rec.lines };
}

const command = (name: string, run: (i: ChatInputCommandInteraction) => Promise<void>): Command<object> => ({
  data: { name, description: name },
  execute: (i) => run(i),
});

describe('InteractionRouter', () => {
  it('GIVEN a UserFacingError THEN the user gets exactly its sentence, privately', async () => {
    const { log } = recordingLog();
    const router = new InteractionRouter(
      [command('join', async () => Promise.reject(new UserFacingError('Join a voice channel first.')))],
      {},
      log,
    );
    const { interaction, replies } = slash('join');
    await router.handle(interaction);
    expect(replies).toEqual([
      {
        via: 'reply',
        content: 'Join a voice channel first.',
        flags: 64,
        allowedMentions: { parse: [], repliedUser: false },
      },
    ]);
  });

  it('GIVEN an unexpected error THEN the user gets an error id and the log has the same id with the error', async () => {
    const { log, lines } = recordingLog();
    const router = new InteractionRouter(
      [command('boom', async () => Promise.reject(new TypeError('cannot read properties of undefined')))],
      {},
      log,
    );
    const { interaction, replies } = slash('boom', { deferred: true });
    await router.handle(interaction);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.via).toBe('followUp');
    const id = /error id ([0-9a-f]{8})/.exec(replies[0]?.content ?? '')?.[1];
    expect(id).toBeDefined();
    expect(replies[0]?.content).not.toContain('cannot read');
    const logged = lines.find((l) => l.errorId === id);
    expect(logged?.msg).toBe('command failed');
    expect(JSON.stringify(logged)).toContain('cannot read properties of undefined');
  });

  it('GIVEN an unknown command THEN it says so instead of staying silent', async () => {
    const { log } = recordingLog();
    const router = new InteractionRouter([], {}, log);
    const { interaction, replies } = slash('gone');
    await router.handle(interaction);
    expect(replies[0]?.content).toBe('That command is not available any more.');
  });

  it('GIVEN two commands with one name THEN construction fails', () => {
    const { log } = recordingLog();
    const noop = async () => {};
    expect(() => new InteractionRouter([command('a', noop), command('a', noop)], {}, log)).toThrow(
      /Two commands/,
    );
  });
});
