// Posts each exchange of one session as a Discord message and edits it in place as it grows (throttled).
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Exchange } from './assembler.ts';
import {
  DISCORD_MESSAGE_MAX_CHARS,
  type ExchangeView,
  formatExchange,
  joinNames,
  splitMessage,
} from './format.ts';

/** Where transcript messages go. Implementations must send every message with mentions disabled. */
export interface TranscriptSink {
  /** Posts a new message; resolves with its id. */
  post(content: string): Promise<string>;
  edit(messageId: string, content: string): Promise<void>;
  remove(messageId: string): Promise<void>;
}

/** Read on every render, so /config changes apply at once. */
export interface TranscriptSettings {
  transcriptsEnabled: boolean;
  toolLinesEnabled: boolean;
}

export interface TranscriptPublisherOptions {
  sink: TranscriptSink;
  clock: Clock;
  log: Logger;
  botName(): string;
  /** A display name for a user id (guild nickname first). */
  nameOf(userId: string): Promise<string>;
  isOptedOut(userId: string): boolean;
  settings(): TranscriptSettings;
  /** Minimum time between two writes of one exchange (ms), except the final one. */
  minEditIntervalMs?: number;
  maxChars?: number;
}

interface Slot {
  latest: Exchange;
  /** Message ids of this exchange's parts, in order. */
  ids: string[];
  /** What each part last successfully said. */
  sent: string[];
  lastWriteAt: number;
  timer: unknown;
  writing: Promise<void> | null;
  dirty: boolean;
}

/** Exchanges kept addressable: the assembler may still amend the previous one (late input). */
const SLOTS_KEPT = 4;
const UNKNOWN_SPEAKER = 'Someone';

/**
 * One message per exchange, edited as the text grows. Writes of one exchange never overlap;
 * updates arriving meanwhile are coalesced (the latest text wins) and written at most once per
 * `minEditIntervalMs`, except when the turn completes or the session ends, which write at once.
 * discord.js waits out 429s itself; any other failed write is retried once and otherwise logged,
 * and the part stays marked unsent so the next write carries the text again.
 */
export class TranscriptPublisher {
  readonly #o: TranscriptPublisherOptions;
  readonly #intervalMs: number;
  readonly #maxChars: number;
  readonly #slots = new Map<number, Slot>();
  #closed = false;

  constructor(options: TranscriptPublisherOptions) {
    this.#o = options;
    this.#intervalMs = options.minEditIntervalMs ?? 1_000;
    this.#maxChars = options.maxChars ?? DISCORD_MESSAGE_MAX_CHARS;
  }

  update(exchange: Exchange): void {
    if (this.#closed) return;
    let slot = this.#slots.get(exchange.id);
    if (!slot) {
      if (!this.#o.settings().transcriptsEnabled) return;
      slot = {
        latest: exchange,
        ids: [],
        sent: [],
        lastWriteAt: -Infinity,
        timer: null,
        writing: null,
        dirty: false,
      };
      this.#slots.set(exchange.id, slot);
      this.#prune();
    }
    slot.latest = exchange;
    slot.dirty = true;
    this.#schedule(slot, exchange.complete);
  }

  /** Writes everything still pending now and stops; later updates are ignored. */
  async close(): Promise<void> {
    this.#closed = true;
    const slots = [...this.#slots.values()];
    for (const slot of slots) {
      if (slot.timer !== null) this.#o.clock.clearTimeout(slot.timer);
      slot.timer = null;
    }
    // Each write loop re-runs while its slot is dirty, so awaiting them twice drains everything.
    for (let round = 0; round < 2; round++) {
      for (const slot of slots) if (slot.dirty && !slot.writing) this.#run(slot);
      await Promise.all(slots.map((slot) => slot.writing));
    }
  }

  #schedule(slot: Slot, urgent: boolean): void {
    if (slot.writing) return;
    if (slot.timer !== null) {
      if (!urgent) return;
      this.#o.clock.clearTimeout(slot.timer);
      slot.timer = null;
    }
    const waitMs = urgent ? 0 : slot.lastWriteAt + this.#intervalMs - this.#o.clock.now();
    if (waitMs <= 0 || this.#closed) {
      this.#run(slot);
      return;
    }
    slot.timer = this.#o.clock.setTimeout(() => {
      slot.timer = null;
      this.#run(slot);
    }, waitMs);
  }

  #run(slot: Slot): void {
    slot.dirty = false;
    slot.lastWriteAt = this.#o.clock.now();
    slot.writing = this.#write(slot)
      .catch((error: unknown) => this.#o.log.warn({ err: error }, 'transcript write failed'))
      .finally(() => {
        slot.writing = null;
        if (slot.dirty) this.#schedule(slot, slot.latest.complete || this.#closed);
      });
  }

  async #write(slot: Slot): Promise<void> {
    const settings = this.#o.settings();
    // Turned off mid-exchange: what was posted stays, nothing more is written.
    if (!settings.transcriptsEnabled) return;
    const content = formatExchange(await this.#view(slot.latest, settings), this.#o.botName());
    const parts = splitMessage(content, this.#maxChars);
    for (const [index, part] of parts.entries()) {
      const id = slot.ids[index];
      if (id === undefined) {
        const posted = await this.#twice('post', () => this.#o.sink.post(part));
        if (posted === undefined) return;
        slot.ids.push(posted);
        slot.sent.push(part);
      } else if (slot.sent[index] !== part) {
        const done = await this.#twice('edit', () => this.#o.sink.edit(id, part).then(() => true));
        if (done) slot.sent[index] = part;
      }
    }
    // The text got shorter across a split boundary (rare): drop the now-empty follow-on messages.
    for (const extra of slot.ids.splice(parts.length)) {
      slot.sent.pop();
      await this.#twice('remove', () => this.#o.sink.remove(extra).then(() => true));
    }
  }

  async #view(exchange: Exchange, settings: TranscriptSettings): Promise<ExchangeView> {
    const user: ExchangeView['user'] = [];
    for (const line of exchange.user) {
      const audible = line.speakers.filter((id) => !this.#o.isOptedOut(id));
      // Opted-out people are never transcribed nor named, even if their old voice activity is on record.
      if (line.speakers.length > 0 && audible.length === 0) continue;
      const names = await Promise.all(audible.map((id) => this.#o.nameOf(id)));
      const label = names.length > 0 ? joinNames(names) : UNKNOWN_SPEAKER;
      user.push({ label: line.typed ? `${label} (typed)` : label, text: line.text });
    }
    return { user, tools: settings.toolLinesEnabled ? exchange.tools : [], bot: exchange.bot };
  }

  /** Runs a REST write, retrying once; undefined when both attempts failed (logged). */
  async #twice<T>(what: string, write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (first) {
      this.#o.log.debug({ err: first, what }, 'transcript write failed, retrying once');
      try {
        return await write();
      } catch (second) {
        this.#o.log.warn(
          { err: second, what },
          'transcript write failed twice; will retry on the next update',
        );
        return undefined;
      }
    }
  }

  #prune(): void {
    for (const [id, slot] of this.#slots) {
      if (this.#slots.size <= SLOTS_KEPT) return;
      if (slot.writing || slot.timer !== null) continue;
      this.#slots.delete(id);
    }
  }
}
