// Tool: post a reminder in the text channel after N minutes.
import { z } from 'zod';
import { defineTool, requireGuild } from '../define-tool.ts';
import type { ReminderScheduler } from '../reminders.ts';
import { resolveTimeZone, zonedTime } from '../time-zone.ts';

const MINUTE_MS = 60_000;

export function setReminderTool(reminders: ReminderScheduler) {
  return defineTool({
    name: 'set_reminder',
    description: 'Post a reminder in the text channel after a number of minutes.',
    parameters: z.object({
      minutes: z.number().min(1).max(1440).describe('Minutes from now, 1 to 1440 (24 hours)'),
      text: z.string().min(1).max(300).describe('What to remind about'),
    }),
    // The model says "I'll remind you" while it runs; a success adds nothing worth interrupting
    // for (SILENT), but a failure must be told once the current answer is over (WHEN_IDLE).
    live: { behavior: 'NON_BLOCKING', scheduling: { ok: 'SILENT', error: 'WHEN_IDLE' } },
    execute(args, ctx) {
      const guild = requireGuild(ctx);
      const who = ctx.origin.userId ? ` for <@${ctx.origin.userId}>` : '';
      const message = `⏰ Reminder${who}: ${args.text}`;
      const reminder = reminders.schedule({
        guildId: ctx.origin.guildId ?? '',
        text: args.text,
        delayMs: Math.round(args.minutes * MINUTE_MS),
        deliver: () => guild.postMessage(message),
      });
      const timeZone = resolveTimeZone(guild.timeZone) ?? 'UTC';
      const due = zonedTime(reminder.dueAt, timeZone);
      return {
        reminderId: reminder.id,
        dueAt: reminder.dueAt.toISOString(),
        dueLocalTime: due.time,
        timeZone,
      };
    },
    formatResult: (out, args) =>
      `⏰ I will post "${args.text}" here at ${out.dueLocalTime} ${out.timeZone} (in ${args.minutes} min).`,
  });
}
