// The fake REST API's routes: gateway info, commands, interactions, webhooks, messages, guild lookups.
import type { CommandRegistry, InteractionHandle } from './interaction.ts';
import {
  type AttachmentRecord,
  MessageFlag,
  type MessageStore,
  type StoredMessage,
} from './message-store.ts';
import { channelPayload, type Json, memberPayload, rolePayload, userPayload } from './payloads.ts';
import type { RestRequest, RestResponse, RestServer } from './rest-server.ts';
import { Permission, type World } from './world.ts';

export interface RouteContext {
  world: World;
  store: MessageStore;
  appId: string;
  shardCount: number;
  maxConcurrency: number;
  gatewayUrl: () => string;
  commands: CommandRegistry;
  interactions: Map<string, InteractionHandle>;
  attachments: Map<string, AttachmentRecord>;
  /** http://127.0.0.1:PORT, for attachment URLs. */
  origin: () => string;
  /** Dispatches MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE for a message. */
  dispatchMessage: (
    message: StoredMessage,
    event: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE' | 'MESSAGE_DELETE',
  ) => void;
}

const ok = (body: unknown): RestResponse => ({ status: 200, body });
const noContent: RestResponse = { status: 204 };
const notFound = (code: number, message: string): RestResponse => ({ status: 404, body: { code, message } });

/** Parses who a message pings: <@id>, <@&role>, @everyone, filtered by allowed_mentions when given. */
export function parseMentions(
  content: string,
  allowed: Json | undefined,
): Pick<StoredMessage, 'mentionIds' | 'mentionRoleIds' | 'mentionEveryone'> {
  const users = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] ?? '');
  const roles = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] ?? '');
  const everyone = /@(everyone|here)/.test(content);
  if (!allowed) return { mentionIds: users, mentionRoleIds: roles, mentionEveryone: everyone };
  const parse = (allowed.parse ?? []) as string[];
  const allowedUsers = (allowed.users ?? []) as string[];
  const allowedRoles = (allowed.roles ?? []) as string[];
  return {
    mentionIds: users.filter((id) => parse.includes('users') || allowedUsers.includes(id)),
    mentionRoleIds: roles.filter((id) => parse.includes('roles') || allowedRoles.includes(id)),
    mentionEveryone: everyone && parse.includes('everyone'),
  };
}

export function registerRoutes(rest: RestServer, ctx: RouteContext): void {
  const { world, store } = ctx;

  rest.route('GET', '/gateway/bot', () =>
    ok({
      url: ctx.gatewayUrl(),
      shards: ctx.shardCount,
      session_start_limit: {
        total: 1000,
        remaining: 1000,
        reset_after: 0,
        max_concurrency: ctx.maxConcurrency,
      },
    }),
  );
  rest.route('GET', '/gateway', () => ok({ url: ctx.gatewayUrl() }), false);
  rest.route('GET', '/applications/@me', () => ok({ id: ctx.appId, name: world.bot.username, flags: 0 }));
  rest.route('GET', '/users/@me', () => ok(userPayload(world.bot)));
  rest.route('GET', '/users/:user', ({ params }) => {
    const user = world.users.get(params.user ?? '');
    return user ? ok(userPayload(user)) : notFound(10013, 'Unknown User');
  });

  const putCommands = (list: (body: Json[]) => void) => (req: RestRequest) => {
    const body = (Array.isArray(req.body) ? req.body : []) as Json[];
    const withIds = body.map((c) => ({
      ...c,
      id: world.ids.next(),
      application_id: ctx.appId,
      version: '1',
    }));
    list(withIds);
    return ok(withIds);
  };
  rest.route(
    'PUT',
    '/applications/:app/commands',
    putCommands((c) => ctx.commands.global.splice(0, Infinity, ...c)),
  );
  rest.route('GET', '/applications/:app/commands', () => ok(ctx.commands.global));
  rest.route('PUT', '/applications/:app/guilds/:guild/commands', (req) =>
    putCommands((c) => ctx.commands.guild.set(req.params.guild ?? '', c))(req),
  );
  rest.route('GET', '/applications/:app/guilds/:guild/commands', ({ params }) =>
    ok(ctx.commands.guild.get(params.guild ?? '') ?? []),
  );

  rest.route('POST', '/interactions/:id/:token/callback', (req) => interactionCallback(ctx, req), false);

  const handleFor = (token: string) => [...ctx.interactions.values()].find((h) => h.token === token);
  rest.route(
    'POST',
    '/webhooks/:app/:token',
    (req) => {
      const handle = handleFor(req.params.token ?? '');
      if (!handle || handle.responses.length === 0) return notFound(10015, 'Unknown Webhook');
      const body = req.body ?? {};
      const original = handle.original;
      // After a deferred reply, Discord turns the first follow-up into the reply itself.
      if (original && (original.flags & MessageFlag.Loading) !== 0) {
        store.edit(original, body);
        handle.followUps.push(original);
        handle.changed();
        return ok(store.payload(original));
      }
      const message = createMessage(ctx, handle.channelId, body, req, handle.id);
      handle.followUps.push(message);
      handle.changed();
      return ok(store.payload(message));
    },
    false,
  );
  const webhookMessage = (req: RestRequest): { handle?: InteractionHandle; message?: StoredMessage } => {
    const handle = handleFor(req.params.token ?? '');
    if (!handle) return {};
    const id = req.params.message;
    const message = id === '@original' ? handle.original : store.get(id ?? '');
    return message && !message.deleted ? { handle, message } : { handle };
  };
  rest.route(
    'GET',
    '/webhooks/:app/:token/messages/:message',
    (req) => {
      const { message } = webhookMessage(req);
      return message ? ok(store.payload(message)) : notFound(10008, 'Unknown Message');
    },
    false,
  );
  rest.route(
    'PATCH',
    '/webhooks/:app/:token/messages/:message',
    (req) => {
      const { handle, message } = webhookMessage(req);
      if (!handle || !message) return notFound(10008, 'Unknown Message');
      store.edit(message, req.body ?? {});
      if (!message.ephemeral) ctx.dispatchMessage(message, 'MESSAGE_UPDATE');
      handle.changed();
      return ok(store.payload(message));
    },
    false,
  );
  rest.route(
    'DELETE',
    '/webhooks/:app/:token/messages/:message',
    (req) => {
      const { handle, message } = webhookMessage(req);
      if (!handle || !message) return notFound(10008, 'Unknown Message');
      store.remove(message);
      handle.changed();
      return noContent;
    },
    false,
  );

  rest.route('GET', '/channels/:channel', ({ params }) => {
    const channel = world.channel(params.channel ?? '');
    return channel ? ok(channelPayload(channel)) : notFound(10003, 'Unknown Channel');
  });
  rest.route('POST', '/channels/:channel/messages', (req) => {
    const channel = world.channel(req.params.channel ?? '');
    if (!channel) return notFound(10003, 'Unknown Channel');
    const perms = world.permissions(world.guild(channel.guildId), world.bot.id, channel.id);
    const needed = Permission.ViewChannel | Permission.SendMessages;
    if ((perms & needed) !== needed)
      return { status: 403, body: { code: 50013, message: 'Missing Permissions' } };
    return ok(store.payload(createMessage(ctx, channel.id, req.body ?? {}, req)));
  });
  rest.route('GET', '/channels/:channel/messages', ({ params, query }) => {
    const limit = Number(query.get('limit') ?? 50);
    return ok(
      store
        .inChannel(params.channel ?? '')
        .slice(-limit)
        .reverse()
        .map((m) => store.payload(m)),
    );
  });
  const channelMessage = (req: RestRequest): StoredMessage | undefined => {
    const m = store.get(req.params.message ?? '');
    return m && !m.deleted && m.channelId === req.params.channel ? m : undefined;
  };
  rest.route('GET', '/channels/:channel/messages/:message', (req) => {
    const m = channelMessage(req);
    return m ? ok(store.payload(m)) : notFound(10008, 'Unknown Message');
  });
  rest.route('PATCH', '/channels/:channel/messages/:message', (req) => {
    const m = channelMessage(req);
    if (!m) return notFound(10008, 'Unknown Message');
    if (m.authorId !== world.bot.id)
      return {
        status: 403,
        body: { code: 50005, message: 'Cannot edit a message authored by another user' },
      };
    store.edit(m, req.body ?? {});
    ctx.dispatchMessage(m, 'MESSAGE_UPDATE');
    return ok(store.payload(m));
  });
  rest.route('DELETE', '/channels/:channel/messages/:message', (req) => {
    const m = channelMessage(req);
    if (!m) return notFound(10008, 'Unknown Message');
    store.remove(m);
    ctx.dispatchMessage(m, 'MESSAGE_DELETE');
    return noContent;
  });
  rest.route('POST', '/channels/:channel/typing', () => noContent);

  rest.route('GET', '/guilds/:guild', ({ params }) => {
    const guild = world.guilds.get(params.guild ?? '');
    if (!guild) return notFound(10004, 'Unknown Guild');
    return ok({
      id: guild.id,
      name: guild.name,
      owner_id: guild.ownerId,
      roles: [...guild.roles.values()].map(rolePayload),
      features: [],
      emojis: [],
      stickers: [],
    });
  });
  rest.route('GET', '/guilds/:guild/channels', ({ params }) =>
    ok([...(world.guilds.get(params.guild ?? '')?.channels.values() ?? [])].map(channelPayload)),
  );
  rest.route('GET', '/guilds/:guild/roles', ({ params }) =>
    ok([...(world.guilds.get(params.guild ?? '')?.roles.values() ?? [])].map(rolePayload)),
  );
  rest.route('GET', '/guilds/:guild/members/:user', ({ params }) => {
    const member = world.guilds.get(params.guild ?? '')?.members.get(params.user ?? '');
    return member ? ok(memberPayload(world, member)) : notFound(10007, 'Unknown Member');
  });

  rest.route(
    'GET',
    '/attachments/:id/:filename',
    ({ params }) => {
      const a = ctx.attachments.get(params.id ?? '');
      return a
        ? { status: 200, body: a.data, contentType: a.contentType }
        : notFound(0, 'Unknown Attachment');
    },
    false,
  );
}

function createMessage(
  ctx: RouteContext,
  channelId: string,
  body: Json,
  req: RestRequest,
  interactionId?: string,
): StoredMessage {
  const { world, store } = ctx;
  const channel = world.channel(channelId);
  const content = typeof body.content === 'string' ? body.content : '';
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  const ref = body.message_reference as Json | undefined;
  const message = store.add(
    {
      channelId,
      guildId: channel?.guildId ?? '',
      authorId: world.bot.id,
      content,
      flags,
      ephemeral: (flags & MessageFlag.Ephemeral) !== 0,
      ...(interactionId ? { interactionId } : {}),
      ...(ref?.message_id ? { replyTo: String(ref.message_id) } : {}),
      ...(Array.isArray(body.embeds) ? { embeds: body.embeds } : {}),
      ...(Array.isArray(body.components) ? { components: body.components } : {}),
      attachments: req.files.map((f) => saveAttachment(ctx, f.filename, f.contentType, f.data)),
      ...parseMentions(content, body.allowed_mentions as Json | undefined),
    },
    body,
  );
  if (!message.ephemeral) ctx.dispatchMessage(message, 'MESSAGE_CREATE');
  return message;
}

/** Stores a file so the fake's HTTP serves it, as Discord's CDN would. */
export function saveAttachment(
  ctx: Pick<RouteContext, 'world' | 'attachments' | 'origin'>,
  filename: string,
  contentType: string,
  data: Buffer,
): AttachmentRecord {
  const id = ctx.world.ids.next();
  const url = `${ctx.origin()}/attachments/${id}/${encodeURIComponent(filename)}`;
  const record: AttachmentRecord = { id, filename, contentType, data, url };
  ctx.attachments.set(id, record);
  return record;
}

function interactionCallback(ctx: RouteContext, req: RestRequest): RestResponse {
  const handle = ctx.interactions.get(req.params.id ?? '');
  if (!handle || handle.token !== req.params.token) return notFound(10062, 'Unknown interaction');
  if (handle.responses.length > 0) {
    return { status: 400, body: { code: 40060, message: 'Interaction has already been acknowledged.' } };
  }
  const type = Number(req.body?.type);
  const data = (req.body?.data ?? null) as Json | null;
  handle.responses.push({ type, data });
  if (type === 4 || type === 5) {
    const flags = Number(data?.flags ?? 0) | (type === 5 ? MessageFlag.Loading : 0);
    const body = { ...(data ?? {}), flags };
    handle.original = createMessage(ctx, handle.channelId, type === 5 ? { flags } : body, req, handle.id);
  }
  handle.changed();
  if (req.query.get('with_response') !== 'true') return noContent;
  const message = handle.original;
  return ok({
    interaction: {
      id: handle.id,
      type: 2,
      response_message_id: message?.id,
      response_message_loading: type === 5,
      response_message_ephemeral: message?.ephemeral ?? false,
    },
    resource: { type, ...(message ? { message: ctx.store.payload(message) } : {}) },
  });
}
