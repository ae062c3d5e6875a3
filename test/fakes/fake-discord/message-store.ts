// Every message the fake Discord knows (humans', the bot's, interaction replies), with edits applied.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { waitForEvent } from '../../helpers/wait.ts';
import { type Json, userPayload } from './payloads.ts';
import type { World } from './world.ts';

export interface AttachmentRecord {
  id: string;
  filename: string;
  contentType: string;
  data: Buffer;
  url: string;
}

export interface StoredMessage {
  id: string;
  channelId: string;
  guildId: string;
  authorId: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: AttachmentRecord[];
  flags: number;
  /** Set when the message answers an interaction (reply, deferred reply or follow-up). */
  interactionId?: string;
  ephemeral: boolean;
  /** Id of the message this one replies to. */
  replyTo?: string;
  mentionIds: string[];
  mentionRoleIds: string[];
  mentionEveryone: boolean;
  /** performance.now() ms when created / last edited. */
  createdAtMs: number;
  editedAtMs: number | null;
  deleted: boolean;
  /** Every request body that shaped this message (create first, then edits), as sent. */
  raw: Json[];
}

export type NewMessage = Omit<
  StoredMessage,
  'id' | 'createdAtMs' | 'editedAtMs' | 'deleted' | 'raw' | 'embeds' | 'components' | 'attachments'
> &
  Partial<Pick<StoredMessage, 'embeds' | 'components' | 'attachments'>>;

/** Message flag bits used by the fake. */
export const MessageFlag = { Ephemeral: 64, Loading: 128 } as const;

export class MessageStore extends EventEmitter {
  readonly #world: World;
  readonly all: StoredMessage[] = [];

  constructor(world: World) {
    super();
    this.#world = world;
  }

  add(fields: NewMessage, raw: Json): StoredMessage {
    const message: StoredMessage = {
      embeds: [],
      components: [],
      attachments: [],
      ...fields,
      id: this.#world.ids.next(),
      createdAtMs: performance.now(),
      editedAtMs: null,
      deleted: false,
      raw: [raw],
    };
    this.all.push(message);
    this.emit('change', message);
    return message;
  }

  edit(message: StoredMessage, body: Json): StoredMessage {
    if (typeof body.content === 'string') message.content = body.content;
    if (Array.isArray(body.embeds)) message.embeds = body.embeds;
    if (Array.isArray(body.components)) message.components = body.components;
    if (typeof body.flags === 'number') message.flags = (message.flags & MessageFlag.Ephemeral) | body.flags;
    message.flags &= ~MessageFlag.Loading;
    message.editedAtMs = performance.now();
    message.raw.push(body);
    this.emit('change', message);
    return message;
  }

  remove(message: StoredMessage): void {
    message.deleted = true;
    this.emit('change', message);
  }

  get(id: string): StoredMessage | undefined {
    return this.all.find((m) => m.id === id);
  }

  /** Live (not deleted) messages of a channel, oldest first. */
  inChannel(channelId: string): StoredMessage[] {
    return this.all.filter((m) => m.channelId === channelId && !m.deleted);
  }

  /** Waits for a message (new or edited) matching the predicate. */
  waitFor(
    predicate: (m: StoredMessage) => boolean,
    timeoutMs = 5000,
    what = 'a message',
  ): Promise<StoredMessage> {
    return waitForEvent(
      this,
      'change',
      () => this.all.find((m) => !m.deleted && predicate(m)),
      timeoutMs,
      what,
    );
  }

  /** The message as the REST API returns it. */
  payload(message: StoredMessage): Json {
    const author = this.#world.users.get(message.authorId);
    return {
      id: message.id,
      channel_id: message.channelId,
      guild_id: message.guildId,
      author: author ? userPayload(author) : { id: message.authorId },
      content: message.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: message.editedAtMs === null ? null : new Date().toISOString(),
      tts: false,
      mention_everyone: message.mentionEveryone,
      mentions: message.mentionIds.flatMap((id) => {
        const u = this.#world.users.get(id);
        return u ? [userPayload(u)] : [];
      }),
      mention_roles: message.mentionRoleIds,
      attachments: message.attachments.map((a) => ({
        id: a.id,
        filename: a.filename,
        size: a.data.length,
        url: a.url,
        proxy_url: a.url,
        content_type: a.contentType,
      })),
      embeds: message.embeds,
      components: message.components,
      pinned: false,
      type: message.replyTo ? 19 : message.interactionId ? 20 : 0,
      flags: message.flags,
      ...(message.replyTo
        ? {
            message_reference: {
              message_id: message.replyTo,
              channel_id: message.channelId,
              guild_id: message.guildId,
            },
          }
        : {}),
    };
  }
}
