// Tool: who is in the voice channel with the bot right now.
import { z } from 'zod';
import { ToolError } from '../../errors.ts';
import { defineTool, requireGuild } from '../define-tool.ts';

export const voiceMembers = defineTool({
  name: 'voice_members',
  description: 'List the people in the voice channel right now and who is speaking.',
  parameters: z.object({}),
  async execute(_args, ctx) {
    const members = await requireGuild(ctx).voiceMembers();
    if (!members) throw new ToolError('I am not in a voice channel right now.', 'NOT_IN_VOICE');
    return {
      count: members.length,
      members: members.map((m) => ({ name: m.displayName, ...(m.speaking ? { speaking: true } : {}) })),
    };
  },
  formatResult(out) {
    if (out.count === 0) return '🎧 Nobody else is in the voice channel.';
    const names = out.members.map((m) => (m.speaking ? `${m.name} (speaking)` : m.name));
    return `🎧 ${out.count} in voice: ${names.join(', ')}`;
  },
});
