// The per-process set of guild sessions: one per guild, capped, routed voice events, stop-all.
import { UserFacingError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { GuildSession, SessionEnd } from './guild-session.ts';

export interface SessionRegistryOptions {
  maxSessions: number;
  log: Logger;
}

/**
 * Discord allows one voice connection per guild per bot, and a guild's Live session lives
 * beside it. Joins in flight count against the cap, so a burst of /join cannot overshoot it.
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, GuildSession>();
  readonly #starting = new Set<string>();
  readonly #options: SessionRegistryOptions;

  constructor(options: SessionRegistryOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#sessions.size + this.#starting.size;
  }

  get(guildId: string): GuildSession | undefined {
    return this.#sessions.get(guildId);
  }

  all(): GuildSession[] {
    return [...this.#sessions.values()];
  }

  /** Starts `create()`'s session for a guild that has none; refuses clearly when busy. */
  async start(guildId: string, create: () => GuildSession): Promise<GuildSession> {
    if (this.#sessions.has(guildId) || this.#starting.has(guildId)) {
      throw new UserFacingError(
        'I am already joining or in a voice channel in this server.',
        'SESSION_EXISTS',
      );
    }
    if (this.size >= this.#options.maxSessions) {
      this.#options.log.warn({ max: this.#options.maxSessions }, 'session cap reached');
      throw new UserFacingError(
        'I am busy in too many voice channels right now. Please try again in a few minutes.',
        'SESSION_CAP_REACHED',
      );
    }
    this.#starting.add(guildId);
    try {
      const session = create();
      await session.start();
      this.#sessions.set(guildId, session);
      session.once('ended', () => {
        if (this.#sessions.get(guildId) === session) this.#sessions.delete(guildId);
      });
      return session;
    } finally {
      this.#starting.delete(guildId);
    }
  }

  /** Ends every session (shutdown): each guild gets `reason` in its text channel. */
  async endAll(reason: SessionEnd): Promise<void> {
    await Promise.allSettled(this.all().map((s) => s.end(reason)));
  }
}
