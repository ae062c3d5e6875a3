// GuildSession: where voice, Live, tools and transcripts meet for one guild, and its lifecycle.
import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.ts';
import { BotError, UserFacingError } from '../errors.ts';
import type { LiveSession } from '../live/session.ts';
import type { Logger } from '../log.ts';
import { DaveReceiveGuard, type DaveStatus } from '../voice/dave-guard.ts';

export type { DaveStatus } from '../voice/dave-guard.ts';

import { SpeakerReceiver } from '../voice/speaker-receiver.ts';
import { VOICE_END_MESSAGES } from '../voice/voice-end-messages.ts';
import { VoiceLink, type VoiceLinkOptions } from '../voice/voice-link.ts';
import type { AudioOffload } from './audio-offload.ts';
import { DaveWatchdog } from './dave-watchdog.ts';
import { Downlink } from './downlink.ts';
import { EmptyRoomTimer } from './empty-room-timer.ts';
import { waitForEncryption } from './encryption-wait.ts';
import { SpeakerTimeline } from './speaker-timeline.ts';
import { type DiscordTurns, Uplink } from './uplink.ts';

/** Who is in a voice channel, as far as the guild session needs to know. */
export interface VoiceRoster {
  /** Humans (not bots) currently in the channel. */
  humansIn(channelId: string): string[];
  isBot(userId: string): boolean;
}

/** Where the session's notices go (the text channel of /join), mentions disabled by the implementer. */
export interface NoticeSink {
  post(text: string): Promise<void>;
}

/** Everything a session tells the rest of the bot (transcripts, usage, persistence). */
export interface SessionObserver {
  attach?(session: GuildSession): void;
  /** Awaited before the session counts as ended, so last words (a transcript flush) get out first. */
  ended?(session: GuildSession, reason: SessionEnd): void | Promise<void>;
}

export interface GuildSessionOptions {
  guildId: string;
  voiceChannelId: string;
  textChannelId: string;
  voice: Omit<VoiceLinkOptions, 'channelId' | 'guildId' | 'log'>;
  /** Builds this guild's Live session (settings, tools, resume handle are the factory's business). */
  createLive(): LiveSession;
  /** Where Opus decoding and encoding run (the process's audio worker). */
  audio: AudioOffload;
  clock: Clock;
  log: Logger;
  roster: VoiceRoster;
  notices: NoticeSink;
  /** False for people who opted out: their audio is never subscribed to. Asked per packet: keep it O(1). */
  mayListenTo(userId: string): boolean;
  silenceTailMs: number;
  /** Set = turns from Discord's packet boundaries (the Live session runs in manual activity mode). */
  discordTurns?: DiscordTurns;
  /** How long the bot stays in a channel with no humans before leaving (ms); read when the room empties. */
  idleLeaveMs(): number;
  observers?: readonly SessionObserver[];
}

export type SessionEnd = { code: string; message: string };

const SESSION_IDLE_MESSAGE =
  'Everyone left the voice channel, so I left too. Use /join when you are back to pick up where we left off.';

export type GuildSessionState =
  | { status: 'starting' }
  | { status: 'active'; voice: VoiceLink; live: LiveSession; since: number }
  | { status: 'ended'; reason: SessionEnd };

interface GuildSessionEvents {
  stateChange: [oldState: GuildSessionState, newState: GuildSessionState];
  ended: [reason: SessionEnd];
  /** Someone's typed question (an @mention) is being put to the voice conversation. */
  typedQuestion: [userId: string, text: string];
}

/**
 * One guild's conversation. `start()` joins voice and opens Live in parallel (whichever is slower
 * sets the join time), then wires: speakers → uplink → Live; Live audio → downlink → voice;
 * `interrupted` → downlink flush. Any fatal failure on either side ends the session with one
 * sentence in the text channel; other guilds never notice.
 */
export class GuildSession extends EventEmitter<GuildSessionEvents> {
  readonly guildId: string;
  readonly textChannelId: string;
  readonly timeline = new SpeakerTimeline();
  readonly startedAt: number;
  #voiceChannelId: string;
  #state: GuildSessionState = { status: 'starting' };
  readonly #options: GuildSessionOptions;
  readonly #log: Logger;
  #receiver: SpeakerReceiver | null = null;
  #dave: DaveReceiveGuard | null = null;
  #watchdog: DaveWatchdog | null = null;
  #uplink: Uplink | null = null;
  #downlink: Downlink | null = null;
  #voice: VoiceLink | null = null;
  readonly #emptyRoom: EmptyRoomTimer;
  #ending: Promise<void> | null = null;

  constructor(options: GuildSessionOptions) {
    super();
    this.guildId = options.guildId;
    this.textChannelId = options.textChannelId;
    this.#voiceChannelId = options.voiceChannelId;
    this.#options = options;
    this.#log = options.log;
    this.startedAt = options.clock.now();
    this.#emptyRoom = new EmptyRoomTimer(
      options.clock,
      () => options.idleLeaveMs(),
      () => {
        void this.end({ code: 'SESSION_IDLE', message: SESSION_IDLE_MESSAGE });
      },
    );
  }

  get state(): GuildSessionState {
    return this.#state;
  }

  get voiceChannelId(): string {
    return this.#voiceChannelId;
  }

  get live(): LiveSession | null {
    return this.#state.status === 'active' ? this.#state.live : null;
  }

  /** Discord turn-taking for this session, or undefined when Gemini's server VAD ends turns. */
  get discordTurns(): DiscordTurns | undefined {
    return this.#options.discordTurns;
  }

  get uplink(): Uplink | null {
    return this.#uplink;
  }

  get downlink(): Downlink | null {
    return this.#downlink;
  }

  /** Malformed or hostile voice datagrams dropped so far (kept after the session ended, for metrics). */
  get rejectedDatagrams(): number {
    return this.#voice?.rejectedDatagrams ?? 0;
  }

  /** The call's end-to-end encryption (DAVE) now; null before voice is wired. */
  daveStatus(): DaveStatus | null {
    return this.#dave?.status(this.#options.roster.humansIn(this.#voiceChannelId)) ?? null;
  }

  /** Resolves with the DAVE status once the call is end-to-end encrypted for us, or after timeoutMs. */
  whenEncrypted(timeoutMs: number): Promise<DaveStatus | null> {
    if (this.#state.status !== 'active') return Promise.resolve(this.daveStatus());
    return waitForEncryption(this.#state.voice, () => this.daveStatus(), this.#options.clock, timeoutMs);
  }

  /** Joins voice and opens Live; rejects with a UserFacingError that says what went wrong. */
  async start(): Promise<void> {
    const o = this.#options;
    const live = o.createLive();
    const [voiceResult, liveResult] = await Promise.allSettled([
      VoiceLink.join({ ...o.voice, guildId: o.guildId, channelId: this.#voiceChannelId, log: this.#log }),
      live.connect(),
    ]);
    if (voiceResult.status === 'rejected' || liveResult.status === 'rejected') {
      if (voiceResult.status === 'fulfilled') voiceResult.value.leave();
      await live.close();
      const failure =
        voiceResult.status === 'rejected' ? voiceResult.reason : (liveResult as PromiseRejectedResult).reason;
      const reason = { code: codeOf(failure), message: startFailureMessage(failure) };
      this.#setState({ status: 'ended', reason });
      throw new UserFacingError(reason.message, reason.code, { cause: failure });
    }
    this.#wire(voiceResult.value, live);
  }

  /** Ends the session: stops audio, closes Live, leaves voice, posts `message`. Idempotent. */
  end(reason: SessionEnd, options: { notify?: boolean } = {}): Promise<void> {
    if (this.#ending) return this.#ending;
    // Marked as ending before teardown starts: leaving voice makes the voice link report 'ended',
    // which calls end() again synchronously, and that must not start a second teardown.
    const ending = Promise.withResolvers<void>();
    this.#ending = ending.promise;
    this.#teardown(reason, options.notify ?? true).then(ending.resolve, ending.reject);
    return ending.promise;
  }

  /** /join from another channel: the voice connection moves, Live and the conversation stay. */
  moveTo(channelId: string): void {
    if (this.#state.status !== 'active') {
      throw new UserFacingError(
        'I am still joining a voice channel here; try again in a moment.',
        'SESSION_STARTING',
      );
    }
    this.#state.voice.move(channelId);
  }

  /** Discord says the bot is no longer in any voice channel here (a moderator disconnected it). */
  onBotDisconnected(): void {
    void this.end({ code: 'VOICE_KICKED', message: VOICE_END_MESSAGES.kicked });
  }

  /** A voice state changed in this guild: follow humans coming and going. */
  onVoiceStateChanged(userId: string, oldChannelId: string | null, newChannelId: string | null): void {
    if (this.#state.status !== 'active') return;
    if (oldChannelId === this.#voiceChannelId && newChannelId !== this.#voiceChannelId) {
      this.#receiver?.forget(userId);
      this.#uplink?.removeSpeaker(userId);
    }
    this.#checkRoom();
  }

  /** Who was audible in the last `withinMs` (on the session's clock, like the timeline). */
  recentSpeakers(withinMs = 1_000): string[] {
    const now = this.#options.clock.now();
    return this.timeline.audibleBetween(now - withinMs, now);
  }

  /** Tells observers (the transcript) that `userId` typed `text` into the conversation. */
  noteTypedQuestion(userId: string, text: string): void {
    if (this.#state.status === 'active') this.emit('typedQuestion', userId, text);
  }

  /** Someone opted out mid-session: stop hearing them at once. */
  stopListeningTo(userId: string): void {
    this.#receiver?.forget(userId);
    this.#uplink?.forgetHeard(userId);
  }

  /** Someone opted back in: hear them from their next packet, even mid-sentence. */
  startListeningTo(userId: string): void {
    if (this.#options.roster.humansIn(this.#voiceChannelId).includes(userId))
      this.#receiver?.listenTo(userId);
  }

  /**
   * Asked for every packet, not only when a subscription starts: an opt-out made in another
   * process reaches the store's memory within milliseconds and must silence the next 20 ms
   * frame, and an /optin must be heard from the next word on.
   */
  #mayListen(userId: string): boolean {
    const allowed = this.#options.mayListenTo(userId);
    if (!allowed) this.stopListeningTo(userId);
    return allowed;
  }

  #wire(voice: VoiceLink, live: LiveSession): void {
    const o = this.#options;
    const downlink = new Downlink({ audio: o.audio, clock: o.clock, sink: voice, log: this.#log });
    const uplink = new Uplink({
      audio: o.audio,
      clock: o.clock,
      sink: live,
      log: this.#log,
      silenceTailMs: o.silenceTailMs,
      ...(o.discordTurns ? { discordTurns: o.discordTurns } : {}),
      onVoiceActivity: (userIds, atMs) => this.timeline.markActive(userIds, atMs),
    });
    const dave = new DaveReceiveGuard(
      () => voice.daveSession,
      () => o.clock.now(),
    );
    const watchdog = new DaveWatchdog({
      guard: dave,
      reconnect: () => voice.reconnect(),
      tell: (text) => {
        o.notices
          .post(text)
          .catch((error: unknown) => this.#log.warn({ err: error }, 'could not post a notice'));
      },
      clock: o.clock,
      log: this.#log,
    });
    const receiver = new SpeakerReceiver(voice.receiver, {
      log: this.#log,
      shouldListen: (userId) => !o.roster.isBot(userId) && this.#mayListen(userId),
      admit: (userId, packet) => dave.admit(userId, packet),
    });
    receiver.on('packet', (userId, packet) => {
      if (this.#mayListen(userId)) uplink.pushOpus(userId, packet);
    });
    receiver.on('badPacket', () => uplink.recordLostPacket());
    live.on('audio', (event) => downlink.pushAudio(event.samples));
    live.on('interrupted', () => downlink.interrupt());
    live.on('turnComplete', () => downlink.endOfTurn());
    live.on('fatal', (error) => void this.end({ code: error.code, message: error.message }));
    voice.on('ended', (reason) => void this.end({ code: reason.code, message: reason.message }));
    voice.on('moved', (channelId) => {
      this.#log.info({ channelId }, 'moved to another voice channel');
      this.#voiceChannelId = channelId;
      this.#checkRoom();
    });
    this.#receiver = receiver;
    this.#dave = dave;
    this.#watchdog = watchdog;
    watchdog.start();
    this.#uplink = uplink;
    this.#downlink = downlink;
    this.#voice = voice;
    this.#setState({ status: 'active', voice, live, since: o.clock.now() });
    receiver.start();
    for (const observer of o.observers ?? []) observer.attach?.(this);
    this.#checkRoom();
  }

  /** Starts the idle-leave countdown when no human is left, cancels it when one comes back. */
  #checkRoom(): void {
    this.#emptyRoom.update(this.#options.roster.humansIn(this.#voiceChannelId).length);
  }

  async #teardown(reason: SessionEnd, notify: boolean): Promise<void> {
    const o = this.#options;
    this.#emptyRoom.cancel();
    const state = this.#state;
    this.#receiver?.close();
    this.#watchdog?.stop();
    this.#uplink?.close();
    this.#downlink?.close();
    if (state.status === 'active') {
      state.voice.leave();
      await state.live.close().catch((error: unknown) => this.#log.warn({ err: error }, 'live close failed'));
    }
    this.#setState({ status: 'ended', reason });
    await Promise.allSettled((o.observers ?? []).map(async (observer) => observer.ended?.(this, reason)));
    // Ended (and out of the registry) before the notice, so a /join right after it can start anew.
    this.emit('ended', reason);
    if (notify) {
      await o.notices.post(reason.message).catch((error: unknown) => {
        this.#log.warn({ err: error }, 'could not post the session-end notice');
      });
    }
  }

  #setState(next: GuildSessionState): void {
    const old = this.#state;
    if (old.status === 'ended') return;
    this.#state = next;
    this.emit('stateChange', old, next);
  }
}

function codeOf(error: unknown): string {
  return error instanceof BotError ? error.code : 'SESSION_START_FAILED';
}

/** One sentence for the person who typed /join. BotErrors from live/ and voice/ already are one. */
function startFailureMessage(error: unknown): string {
  if (error instanceof BotError) return error.message;
  return (
    'I could not start the voice session. Please try /join again in a moment; if it keeps failing, ' +
    'ask the server owner to run `npm run doctor`.'
  );
}
