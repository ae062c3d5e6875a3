// Which gateway intents the bot asks for, which are privileged, and whether the application may use them.
import { ApplicationFlags, GatewayIntentBits } from 'discord.js';
import { BOT_INTENTS } from '../discord/client.ts';
import { type CheckResult, fail, ok } from './check.ts';

/** Privileged intents and the application flags (full or "limited", for bots under 100 servers) allowing them. */
const PRIVILEGED: readonly { intent: number; label: string; flags: number }[] = [
  {
    intent: GatewayIntentBits.GuildMembers,
    label: 'Server Members Intent',
    flags: ApplicationFlags.GatewayGuildMembers | ApplicationFlags.GatewayGuildMembersLimited,
  },
  {
    intent: GatewayIntentBits.GuildPresences,
    label: 'Presence Intent',
    flags: ApplicationFlags.GatewayPresence | ApplicationFlags.GatewayPresenceLimited,
  },
  {
    intent: GatewayIntentBits.MessageContent,
    label: 'Message Content Intent',
    flags: ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited,
  },
];

/** Gateway close codes about intents. */
export const CLOSE_INVALID_INTENTS = 4013;
export const CLOSE_DISALLOWED_INTENTS = 4014;

export interface IntentsEvidence {
  /** The intents the client identifies with (bit OR). */
  requested: number;
  /** GET /applications/@me `flags`, when it could be read. */
  appFlags: number | null;
  /** The gateway's close code when it refused the session, else null. */
  closeCode: number | null;
}

export const BOT_INTENT_BITS = BOT_INTENTS.reduce((bits, intent) => bits | intent, 0);

function names(bits: number): string {
  return Object.entries(GatewayIntentBits)
    .filter(([name, bit]) => typeof bit === 'number' && Number.isNaN(Number(name)) && (bits & bit) === bit)
    .map(([name]) => name)
    .join(', ');
}

export function checkIntents(evidence: IntentsEvidence): CheckResult {
  const name = 'Gateway intents';
  const privileged = PRIVILEGED.filter((p) => (evidence.requested & p.intent) !== 0);
  const asked = `${names(evidence.requested)} (${privileged.length === 0 ? 'none privileged' : `privileged: ${privileged.map((p) => p.label).join(', ')}`})`;
  const portal = 'Discord Developer Portal → your application → Bot → Privileged Gateway Intents';
  if (evidence.closeCode === CLOSE_DISALLOWED_INTENTS) {
    return fail(
      name,
      `Discord refused ${asked} with close code 4014 (disallowed intents)`,
      privileged.length > 0
        ? `${portal}: enable ${privileged.map((p) => p.label).join(' and ')}, then start again`
        : `this bot asks for no privileged intent, so the refusal comes from what sits at DISCORD_API_URL: point it at https://discord.com/api or at a proxy that forwards the gateway unchanged (${portal} shows what your application may use)`,
    );
  }
  if (evidence.closeCode === CLOSE_INVALID_INTENTS) {
    return fail(
      name,
      `Discord called ${asked} invalid (close code 4013)`,
      'update the bot and its dependencies (git pull, npm ci)',
    );
  }
  const missing =
    evidence.appFlags === null ? [] : privileged.filter((p) => ((evidence.appFlags ?? 0) & p.flags) === 0);
  if (missing.length > 0) {
    return fail(
      name,
      `${asked}, but the application may not use ${missing.map((p) => p.label).join(', ')}`,
      `${portal}: enable ${missing.map((p) => p.label).join(' and ')}`,
    );
  }
  return ok(name, `${asked}; accepted by the gateway`);
}
