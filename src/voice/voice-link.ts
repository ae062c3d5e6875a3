// One guild's voice connection: join, reconnect with capped backoff, follow moves, leave.
import { EventEmitter } from 'node:events';
import {
  type DiscordGatewayAdapterCreator,
  entersState,
  joinVoiceChannel,
  type VoiceConnection,
  type VoiceConnectionState,
  VoiceConnectionStatus,
  type VoiceReceiver,
} from '@discordjs/voice';
import { BotError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { type DatagramRejection, guardReceiver } from './datagram-guard.ts';
import type { DaveSessionView } from './dave-guard.ts';
import { guardSignalling } from './signalling-guard.ts';
import { finalCloseMessage, VOICE_END_MESSAGES } from './voice-end-messages.ts';

/**
 * Voice close codes after which rejoining is pointless or harmful: 4014 disconnected by a
 * moderator (or channel deleted), 4017 E2EE/DAVE required, 4021 disconnected by rate limit,
 * 4022 call terminated. @discordjs/voice rejoins on anything but 4014 with no backoff, so these
 * are intercepted here.
 */
const FINAL_CLOSE_CODES = new Set([4014, 4017, 4021, 4022]);

export type VoiceEndReason =
  | { code: 'VOICE_LEFT'; message: string }
  | { code: 'VOICE_KICKED'; message: string }
  | { code: 'VOICE_CLOSED'; message: string; closeCode: number }
  | { code: 'VOICE_JOIN_TIMEOUT'; message: string }
  | { code: 'VOICE_RECONNECT_FAILED'; message: string };

export type VoiceLinkState =
  | { status: 'connecting'; channelId: string }
  | { status: 'ready'; channelId: string }
  | { status: 'reconnecting'; channelId: string; attempt: number }
  | { status: 'ended'; reason: VoiceEndReason };

export interface VoiceLinkOptions {
  guildId: string;
  channelId: string;
  adapterCreator: DiscordGatewayAdapterCreator;
  /** Separates connections of different bot users in one process (@discordjs/voice keeps a global map). */
  group: string;
  log: Logger;
  readyTimeoutMs?: number;
  /** Rejoins allowed inside `rejoinWindowMs` before giving up. */
  maxRejoins?: number;
  rejoinWindowMs?: number;
  /** How long a 4014 may take to turn into a move (moderator drag) before it counts as a kick. */
  moveGraceMs?: number;
}

interface VoiceLinkEvents {
  stateChange: [oldState: VoiceLinkState, newState: VoiceLinkState];
  ready: [channelId: string];
  moved: [channelId: string];
  ended: [reason: VoiceEndReason];
  /** The call's DAVE group moved to a new epoch or protocol version (op 22, or a Welcome at once). */
  daveTransitioned: [];
}

export class VoiceLink extends EventEmitter<VoiceLinkEvents> {
  readonly guildId: string;
  #state: VoiceLinkState;
  readonly #connection: VoiceConnection;
  readonly #log: Logger;
  readonly #options: Required<
    Pick<VoiceLinkOptions, 'readyTimeoutMs' | 'maxRejoins' | 'rejoinWindowMs' | 'moveGraceMs'>
  >;
  readonly #rejoinTimes: number[] = [];
  #backoffTimer: NodeJS.Timeout | null = null;
  #watchedNetworking: object | null = null;
  /** The channel of the last Ready state: a Ready elsewhere means a moderator moved us. */
  #readyChannelId: string | null = null;
  /** Malformed or hostile UDP datagrams dropped before the library parsed them. */
  #rejectedDatagrams = 0;
  /** Each kind is logged once per link; a flood only counts. */
  readonly #loggedRejections = new Set<DatagramRejection>();
  /** Voice-gateway messages the library threw on (see signalling-guard.ts), dropped. */
  #badSignallingMessages = 0;
  readonly #loggedSignalling = new Set<string>();

  private constructor(connection: VoiceConnection, options: VoiceLinkOptions) {
    super();
    this.guildId = options.guildId;
    this.#connection = connection;
    this.#log = options.log;
    this.#options = {
      readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
      maxRejoins: options.maxRejoins ?? 5,
      rejoinWindowMs: options.rejoinWindowMs ?? 60_000,
      moveGraceMs: options.moveGraceMs ?? 5_000,
    };
    this.#state = { status: 'connecting', channelId: options.channelId };
    connection.on('stateChange', (oldState, newState) => this.#onConnectionState(oldState, newState));
    connection.on('error', (error) => this.#log.warn({ err: error }, 'voice connection error'));
    guardReceiver(connection.receiver, {
      onReject: (reason, bytes, error) => this.#onRejectedDatagram(reason, bytes, error),
    });
    connection.on('transitioned', () => this.emit('daveTransitioned'));
  }

  /** Joins with selfDeaf false (a deafened bot receives no audio) and waits until Ready. */
  static async join(options: VoiceLinkOptions): Promise<VoiceLink> {
    const connection = joinVoiceChannel({
      guildId: options.guildId,
      channelId: options.channelId,
      adapterCreator: options.adapterCreator,
      group: options.group,
      selfDeaf: false,
      selfMute: false,
    });
    const link = new VoiceLink(connection, options);
    try {
      await entersState(connection, VoiceConnectionStatus.Ready, link.#options.readyTimeoutMs);
    } catch (error) {
      const reason: VoiceEndReason =
        link.#state.status === 'ended'
          ? link.#state.reason
          : { code: 'VOICE_JOIN_TIMEOUT', message: VOICE_END_MESSAGES.joinTimeout };
      link.#end(reason);
      throw new BotError(reason.code, reason.message, {
        cause: error,
        retryable: reason.code === 'VOICE_JOIN_TIMEOUT',
      });
    }
    return link;
  }

  get state(): VoiceLinkState {
    return this.#state;
  }

  get channelId(): string | null {
    return this.#state.status === 'ended' ? null : this.#state.channelId;
  }

  get receiver(): VoiceReceiver {
    return this.#connection.receiver;
  }

  /** Voice-gateway messages dropped because the library could not handle them. */
  get badSignallingMessages(): number {
    return this.#badSignallingMessages;
  }

  /** UDP datagrams dropped as malformed or hostile since the link was created. */
  get rejectedDatagrams(): number {
    return this.#rejectedDatagrams;
  }

  /** The library's DAVE session of the ready voice connection, or null (not ready, or no DAVE). */
  get daveSession(): DaveSessionView | null {
    const state = this.#connection.state;
    if (state.status !== VoiceConnectionStatus.Ready) return null;
    const networking = state.networking.state;
    return 'dave' in networking && networking.dave ? (networking.dave as DaveSessionView) : null;
  }

  /** Sends one Opus packet now (our own pacing). False when the connection is not ready. */
  playOpus(packet: Uint8Array): boolean {
    if (this.#state.status !== 'ready') return false;
    return (
      this.#connection.playOpusPacket(Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength)) ===
      true
    );
  }

  setSpeaking(speaking: boolean): void {
    if (this.#state.status === 'ready') this.#connection.setSpeaking(speaking);
  }

  /** Connects to voice afresh in the same channel (a new voice session, so a new DAVE session). */
  reconnect(): void {
    if (this.#state.status !== 'ended') this.#connection.rejoin();
  }

  /** Moves to another channel of the same guild. */
  move(channelId: string): void {
    if (this.#state.status === 'ended') return;
    this.#connection.rejoin({ channelId, selfDeaf: false, selfMute: false });
  }

  leave(message: string = VOICE_END_MESSAGES.left): void {
    this.#end({ code: 'VOICE_LEFT', message });
  }

  #onRejectedDatagram(reason: DatagramRejection, bytes: number, error: unknown): void {
    this.#rejectedDatagrams += 1;
    if (this.#loggedRejections.has(reason)) return;
    this.#loggedRejections.add(reason);
    this.#log.warn(
      { reason, bytes, err: error },
      'malformed voice datagram dropped (later ones of this kind are only counted)',
    );
  }

  #setState(next: VoiceLinkState): void {
    const old = this.#state;
    if (old.status === 'ended') return;
    this.#state = next;
    this.emit('stateChange', old, next);
    if (next.status === 'ready') {
      const previous = this.#readyChannelId;
      this.#readyChannelId = next.channelId;
      if (previous !== null && previous !== next.channelId) this.emit('moved', next.channelId);
      this.emit('ready', next.channelId);
    }
    if (next.status === 'ended') this.emit('ended', next.reason);
  }

  #end(reason: VoiceEndReason): void {
    if (this.#state.status === 'ended') return;
    if (this.#backoffTimer) clearTimeout(this.#backoffTimer);
    this.#backoffTimer = null;
    this.#setState({ status: 'ended', reason });
    if (this.#connection.state.status !== VoiceConnectionStatus.Destroyed) this.#connection.destroy();
  }

  #onConnectionState(oldState: VoiceConnectionState, newState: VoiceConnectionState): void {
    this.#watchNetworking(newState);
    const channelId = this.#connection.joinConfig.channelId;
    switch (newState.status) {
      case VoiceConnectionStatus.Ready:
        if (channelId) this.#setState({ status: 'ready', channelId });
        break;
      case VoiceConnectionStatus.Disconnected:
        this.#onDisconnected(newState);
        break;
      case VoiceConnectionStatus.Destroyed:
        this.#end({ code: 'VOICE_LEFT', message: VOICE_END_MESSAGES.left });
        break;
      default:
        if (oldState.status === VoiceConnectionStatus.Ready && this.#state.status === 'ready' && channelId) {
          this.#setState({ status: 'reconnecting', channelId, attempt: this.#rejoinTimes.length });
        }
    }
  }

  /** Sees the close code before the library's immediate rejoin, to stop final codes and storms. */
  #watchNetworking(state: VoiceConnectionState): void {
    const networking = 'networking' in state ? state.networking : null;
    if (!networking || networking === this.#watchedNetworking) return;
    this.#watchedNetworking = networking;
    guardSignalling(networking, (error) => this.#onBadSignalling(error));
    networking.on('close', (closeCode: number) => this.#onVoiceSocketClosed(closeCode));
  }

  /** A voice-gateway message the library threw on: dropped, counted, logged once per kind. */
  #onBadSignalling(error: unknown): void {
    this.#badSignallingMessages += 1;
    const kind = (error as { code?: unknown })?.code ?? (error as Error)?.name ?? 'unknown';
    if (this.#loggedSignalling.has(String(kind))) return;
    this.#loggedSignalling.add(String(kind));
    this.#log.warn({ err: error, kind }, 'voice gateway message could not be handled; dropped');
  }

  #onVoiceSocketClosed(closeCode: number): void {
    if (this.#state.status === 'ended' || closeCode === 4014 || closeCode === 4015 || closeCode < 4000)
      return;
    if (FINAL_CLOSE_CODES.has(closeCode)) {
      this.#log.warn({ closeCode }, 'voice connection closed for good');
      this.#end({ code: 'VOICE_CLOSED', closeCode, message: finalCloseMessage(closeCode) });
      return;
    }
    this.#countRejoin();
  }

  /** The library already sent a rejoin; after the first, later ones wait with exponential backoff. */
  #countRejoin(): void {
    const now = Date.now();
    while (this.#rejoinTimes.length && now - (this.#rejoinTimes[0] ?? 0) > this.#options.rejoinWindowMs) {
      this.#rejoinTimes.shift();
    }
    this.#rejoinTimes.push(now);
    const attempt = this.#rejoinTimes.length;
    if (attempt > this.#options.maxRejoins) {
      this.#end({
        code: 'VOICE_RECONNECT_FAILED',
        message: VOICE_END_MESSAGES.reconnectFailed,
      });
      return;
    }
    const channelId = this.#connection.joinConfig.channelId ?? '';
    this.#setState({ status: 'reconnecting', channelId, attempt });
    if (attempt === 1) return;
    const delayMs = Math.min(30_000, 500 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
    this.#log.info({ attempt, delayMs: Math.round(delayMs) }, 'voice rejoin backing off');
    // The timer is set before disconnect() so the Disconnected state it causes is known as ours.
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = null;
      if (this.#state.status !== 'ended') this.#connection.rejoin();
    }, delayMs);
    this.#connection.disconnect();
  }

  /** The usual recipe: a move shows up as Signalling/Connecting shortly; otherwise we were kicked. */
  #onDisconnected(state: VoiceConnectionState & { status: VoiceConnectionStatus.Disconnected }): void {
    if (this.#backoffTimer) return; // our own backoff pause
    const closeCode = 'closeCode' in state ? state.closeCode : undefined;
    const grace = this.#options.moveGraceMs;
    Promise.race([
      entersState(this.#connection, VoiceConnectionStatus.Signalling, grace),
      entersState(this.#connection, VoiceConnectionStatus.Connecting, grace),
    ]).catch(() => {
      if (closeCode === 4014) {
        this.#end({ code: 'VOICE_KICKED', message: VOICE_END_MESSAGES.kicked });
      } else {
        this.#end({
          code: 'VOICE_RECONNECT_FAILED',
          message: VOICE_END_MESSAGES.reconnectFailed,
        });
      }
    });
  }
}
