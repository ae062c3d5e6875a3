// /status: this server's voice session — state, uptime, reconnects, dropped audio, latency, end-to-end encryption.
import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { Clock } from '../src/clock.ts';
import type { Command } from '../src/discord/command.ts';
import { requireGuild } from '../src/discord/preconditions.ts';
import type { DaveStatus, GuildSession } from '../src/guild/guild-session.ts';
import type { SessionRegistry } from '../src/guild/session-registry.ts';
import type { LatencySummary, VoiceLatency } from '../src/guild/voice-latency.ts';
import { NO_MENTIONS } from '../src/transcripts/format.ts';

export interface StatusServices {
  sessions: SessionRegistry;
  latency: VoiceLatency;
  clock: Clock;
}

/** The numbers /status shows, read from one session at one moment. */
export interface SessionStatus {
  state: string;
  geminiState: string;
  voiceChannelId: string;
  uptimeMs: number;
  reconnects: number;
  badPackets: number;
  rejectedDatagrams: number;
  droppedUplinkMs: number;
  underrunFrames: number;
  latency: LatencySummary;
  /** The call's end-to-end encryption (DAVE); null before voice is wired. */
  dave: DaveStatus | null;
  /** Who ends turns: "fast (Discord), 400 ms hold" or "gemini (server VAD)". */
  turnTaking: string;
}

export function sessionStatus(session: GuildSession, latency: VoiceLatency, nowMs: number): SessionStatus {
  const state = session.state;
  const live = session.live;
  const counters = live?.counters;
  return {
    state: state.status,
    geminiState: live?.state.status ?? 'closed',
    voiceChannelId: session.voiceChannelId,
    uptimeMs: state.status === 'active' ? nowMs - state.since : 0,
    reconnects: counters?.reconnects ?? 0,
    badPackets: session.uplink?.stats.badPackets ?? 0,
    rejectedDatagrams: session.rejectedDatagrams,
    droppedUplinkMs: (session.uplink?.stats.droppedMs ?? 0) + (counters?.droppedUplinkMs ?? 0),
    underrunFrames: session.downlink?.stats.underrunFrames ?? 0,
    latency: latency.summary(session),
    dave: session.daveStatus(),
    turnTaking: session.discordTurns
      ? `fast (Discord), ${session.discordTurns.holdMs} ms hold`
      : 'gemini (server VAD)',
  };
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

const ms = (value: number | null) => (value === null ? '—' : `${Math.round(value)} ms`);

/** One line on the call's end-to-end encryption, with the code Discord shows members in the call. */
export function daveLine(dave: DaveStatus | null): string {
  if (dave?.encrypted) {
    return (
      `🔒 End-to-end encrypted (DAVE protocol ${dave.protocolVersion}, epoch ${dave.epoch ?? '—'}), ` +
      `voice privacy code ${dave.privacyCode ?? '—'}; ${dave.decryptFailures} voice packets could not be decrypted`
    );
  }
  if (dave && dave.protocolVersion > 0) return 'End-to-end encryption: joining the call’s encrypted group';
  return 'End-to-end encryption: off (this call does not use DAVE)';
}

export function statusText(status: SessionStatus): string {
  const { latency } = status;
  const latencyLine =
    latency.count === 0
      ? 'Voice-to-voice latency: no answers yet'
      : `Voice-to-voice latency: p50 ${ms(latency.p50Ms)}, p95 ${ms(latency.p95Ms)} (${latency.count} answers)`;
  return [
    `**Voice session**: ${status.state} in <#${status.voiceChannelId}>, Gemini ${status.geminiState}`,
    `Uptime: ${formatDuration(status.uptimeMs)}`,
    `Reconnects to Gemini: ${status.reconnects}`,
    `Dropped: ${status.badPackets} bad voice packets, ${Math.round(status.droppedUplinkMs)} ms of speech; ` +
      `${status.underrunFrames} silent frames (${status.underrunFrames * 20} ms) waiting for Gemini`,
    `Malformed voice datagrams ignored: ${status.rejectedDatagrams}`,
    latencyLine,
    daveLine(status.dave),
    `Turn-taking: ${status.turnTaking}`,
  ].join('\n');
}

export const statusCommand: Command<StatusServices> = {
  data: new SlashCommandBuilder()
    .setName('status')
    .setDescription("This server's voice session: uptime, reconnects, dropped audio and latency")
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute(interaction, { sessions, latency, clock }) {
    const { guild } = requireGuild(interaction);
    const session = sessions.get(guild.id);
    const content = session
      ? statusText(sessionStatus(session, latency, clock.now()))
      : 'I am not in a voice channel in this server. Use /join to start.';
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  },
};
