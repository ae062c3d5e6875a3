// Tool: leave the voice channel when people ask the bot to go.
import { z } from 'zod';
import { defineTool, requireGuild } from '../define-tool.ts';

export const leaveVoice = defineTool({
  name: 'leave_voice',
  description: 'Leave the voice channel, when someone asks you to go or hang up.',
  parameters: z.object({}),
  async execute(_args, ctx) {
    await requireGuild(ctx).leaveVoice(
      ctx.origin.via === 'slash' ? 'asked with /leave_voice' : 'asked in conversation',
    );
    return 'Leaving the voice channel now. Say a short goodbye.';
  },
  formatResult: () => '👋 Leaving the voice channel.',
});
