// Shows a text channel as a member would see it: new messages and edits (transcripts grow in place).
import type { ChannelRecord, FakeDiscord, StoredMessage } from '../../test/fakes/fake-discord/index.ts';

export interface ChannelViewOptions {
  discord: FakeDiscord;
  channel: ChannelRecord;
  print(line: string): void;
  /** How often the channel is looked at (ms); edits faster than this are shown merged. */
  intervalMs?: number;
}

/** Discord's message flag for a deferred interaction reply that is still loading. */
const LOADING_FLAG = 1 << 7;

/** What a message looks like in the terminal: mentions by name, then a line per embed. */
function render(discord: FakeDiscord, message: StoredMessage): string {
  const content = message.content
    .replace(/<#(\d+)>/g, (raw, id: string) => {
      const channel = discord.world.channel(id);
      return channel ? `#${channel.name}` : raw;
    })
    .replace(/<@!?(\d+)>/g, (raw, id: string) => {
      const user = discord.world.users.get(id);
      return user ? `@${user.username}` : raw;
    });
  const parts = [content];
  for (const embed of message.embeds ?? []) {
    const e = embed as { title?: string; description?: string };
    parts.push([e.title, e.description].filter(Boolean).join(' — '));
  }
  const shown = parts.filter((p) => p && p.trim() !== '').join('\n');
  // A deferred reply shows as "<bot> is thinking…" in Discord until it is edited.
  if (!shown && (message.flags & LOADING_FLAG) !== 0) return 'is thinking…';
  return shown || '(empty)';
}

export class ChannelView {
  readonly #options: ChannelViewOptions;
  readonly #seen = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  /** Messages the bot posted (not counting ephemeral replies), edits included. */
  botMessages = 0;
  edits = 0;

  constructor(options: ChannelViewOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.poll(), this.#options.intervalMs ?? 150);
  }

  /** Prints what changed since the last look. */
  poll(): void {
    const { discord, channel, print } = this.#options;
    for (const message of discord.messagesIn(channel)) {
      const text = render(discord, message);
      const before = this.#seen.get(message.id);
      if (before === text) continue;
      this.#seen.set(message.id, text);
      const author = discord.world.users.get(message.authorId)?.username ?? message.authorId;
      const isBot = message.authorId === discord.world.bot.id;
      if (isBot && !message.ephemeral && before === undefined) this.botMessages++;
      if (isBot && before !== undefined) this.edits++;
      const mark = before === undefined ? '💬' : '✏️ ';
      const note = [
        before === undefined ? '' : '(edited)',
        message.ephemeral ? '(only the caller sees this)' : '',
        message.replyTo ? '(reply)' : '',
      ]
        .filter(Boolean)
        .join(' ');
      const [first, ...rest] = text.split('\n');
      print(`${mark} #${channel.name} ${author}${note ? ` ${note}` : ''}: ${first}`);
      for (const line of rest) print(`      ${line}`);
    }
  }

  /** Shows the last changes and stops looking; idempotent. */
  stop(): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.poll();
  }
}
