// Tool: put something better read than heard (links, code, lists) into the text channel.
import { z } from 'zod';
import { defineTool, requireGuild } from '../define-tool.ts';

export const postMessage = defineTool({
  name: 'post_message',
  description: 'Post text to the text channel: links, code, lists or anything better read than heard.',
  parameters: z.object({
    text: z.string().min(1).max(2000).describe('The message, Discord markdown allowed (max 2000 characters)'),
  }),
  // A side effect the person waits to hear about: confirmed (or its failure told) after the
  // sentence the model is speaking, never cutting it off.
  live: { behavior: 'NON_BLOCKING', scheduling: { ok: 'WHEN_IDLE', error: 'WHEN_IDLE' } },
  async execute(args, ctx) {
    await requireGuild(ctx).postMessage(args.text);
    return 'Posted the message in the text channel.';
  },
});
