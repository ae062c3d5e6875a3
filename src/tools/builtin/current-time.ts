// Tool: the current date and time, in the guild's time zone or one the speaker names.
import { z } from 'zod';
import { ToolError } from '../../errors.ts';
import { defineTool } from '../define-tool.ts';
import { resolveTimeZone, zonedTime } from '../time-zone.ts';

export const currentTime = defineTool({
  name: 'current_time',
  description: 'Tell the current date and time, optionally in a given time zone.',
  parameters: z.object({
    time_zone: z
      .string()
      .max(64)
      .optional()
      .describe('IANA time zone such as Europe/Paris or America/New_York; default: UTC'),
  }),
  execute(args, ctx) {
    const requested = args.time_zone ?? ctx.guild?.timeZone ?? 'UTC';
    const timeZone = resolveTimeZone(requested);
    if (!timeZone) {
      throw new ToolError(
        `"${requested}" is not a time zone I know; use an IANA name such as Europe/Paris or America/New_York.`,
        'TIME_ZONE_UNKNOWN',
      );
    }
    const now = ctx.now();
    return { timeZone, ...zonedTime(now, timeZone), iso: now.toISOString() };
  },
  formatResult: (out) => `🕒 ${out.time} on ${out.date} (${out.timeZone}, ${out.utcOffset})`,
});
