// SessionObserver that feeds a guild session's Live transcripts and tool calls to a publisher.
import type { Client } from 'discord.js';
import type { Clock } from '../clock.ts';
import type { GuildSession, SessionObserver } from '../guild/guild-session.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import { formatToolCallLine } from '../tools/tool-call-line.ts';
import { TranscriptAssembler, type TranscriptInput } from './assembler.ts';
import { botDisplayName, channelTranscriptSink, memberNames } from './discord-sink.ts';
import { TranscriptPublisher } from './publisher.ts';

/**
 * The part of the Live session's tool-call event the transcript shows. Declared here, by shape, so
 * transcripts depend on the event they read and not on the module that runs tools.
 */
interface FinishedToolCall {
  name: string;
  args: Record<string, unknown>;
  durationMs: number;
  cancelled: boolean;
  result?: { output: unknown } | { error: string };
}

export interface TranscriptObserverDeps {
  client: Client;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Minimum time between edits of one message (ms). */
  minEditIntervalMs?: number;
}

/**
 * Transcripts for every session: one assembler and one publisher per session, posting to the
 * session's text channel. The final text is flushed when the session ends.
 */
export function transcriptObserver(deps: TranscriptObserverDeps): SessionObserver {
  const detachers = new WeakMap<GuildSession, () => Promise<void>>();
  return {
    attach(session) {
      const live = session.live;
      if (!live) return;
      const { client, store, clock } = deps;
      const guildId = session.guildId;
      const log = deps.log.child({ part: 'transcripts', guildId });
      const publisher = new TranscriptPublisher({
        sink: channelTranscriptSink(client, session.textChannelId),
        clock,
        log,
        botName: () => botDisplayName(client, guildId),
        nameOf: memberNames(client, guildId),
        isOptedOut: (userId) => store.optOuts.has(userId),
        settings: () => store.settings.current(guildId),
        ...(deps.minEditIntervalMs === undefined ? {} : { minEditIntervalMs: deps.minEditIntervalMs }),
      });
      const assembler = new TranscriptAssembler({
        speakersBetween: (fromMs, toMs) => session.timeline.speakersBetween(fromMs, toMs),
      });
      const push = (input: TranscriptInput) => {
        for (const exchange of assembler.push(input)) publisher.update(exchange);
      };
      const onInput = (e: { text: string; finished?: boolean }) =>
        push({ kind: 'user', text: e.text, atMs: clock.now(), ...(e.finished ? { finished: true } : {}) });
      const onOutput = (e: { text: string }) => push({ kind: 'bot', text: e.text, atMs: clock.now() });
      const onInterrupted = () => push({ kind: 'interrupted', atMs: clock.now() });
      const onTurnComplete = () => push({ kind: 'turnComplete', atMs: clock.now() });
      const onTool = (call: FinishedToolCall) => {
        if (!call.cancelled) push({ kind: 'tool', line: toolLine(call), atMs: clock.now() });
      };
      live.on('inputTranscript', onInput);
      live.on('outputTranscript', onOutput);
      live.on('interrupted', onInterrupted);
      live.on('turnComplete', onTurnComplete);
      live.on('toolCallFinished', onTool);
      const onTyped = (userId: string, text: string) =>
        push({ kind: 'typed', userId, text, atMs: clock.now() });
      session.on('typedQuestion', onTyped);
      detachers.set(session, async () => {
        session.off('typedQuestion', onTyped);
        live.off('inputTranscript', onInput);
        live.off('outputTranscript', onOutput);
        live.off('interrupted', onInterrupted);
        live.off('turnComplete', onTurnComplete);
        live.off('toolCallFinished', onTool);
        await publisher
          .close()
          .catch((error: unknown) => log.warn({ err: error }, 'final transcript flush failed'));
      });
    },
    async ended(session) {
      const detach = detachers.get(session);
      detachers.delete(session);
      await detach?.();
    },
  };
}

function toolLine(call: FinishedToolCall): string {
  const result = call.result;
  const outcome = result && 'error' in result ? { error: result.error } : { result: result?.output };
  return formatToolCallLine({ name: call.name, args: call.args, durationMs: call.durationMs, ...outcome });
}
