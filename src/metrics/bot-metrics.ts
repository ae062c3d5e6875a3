// Prometheus metrics of one bot process: sessions, reconnects, latency, audio frames, tools, event loop.
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GuildSession, SessionObserver } from '../guild/guild-session.ts';
import type { ProcessFault } from '../process-faults.ts';

/** Cumulative audio counters of one session, as last added to the Prometheus counters. */
interface Seen {
  uplinkFrames: number;
  badPackets: number;
  rejectedDatagrams: number;
  droppedMs: number;
  downlinkPackets: number;
  underrunFrames: number;
  daveDecryptFailures: number;
}

/**
 * monitorEventLoopDelay samples with a timer of this period and records the whole interval
 * between firings (an idle loop reads ~10.1 ms), so the period is subtracted to get the lag.
 */
const LOOP_RESOLUTION_MS = 10;
const lagSeconds = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) / 1000;

/**
 * One registry instance per process (never prom-client's global one), so tests and several bots
 * in one process never share counters. Audio counters are read from the sessions' stats when
 * scraped (no per-frame cost); event-loop lag quantiles cover the time since the last scrape.
 */
export class BotMetrics {
  readonly registry = new Registry();
  readonly observer: SessionObserver;
  readonly #seen = new Map<GuildSession, Seen>();
  readonly #sessionsStarted: Counter;
  readonly #sessionsEnded: Counter<'code'>;
  readonly #reconnects: Counter<'resumed'>;
  readonly #latency: Histogram;
  readonly #uplinkFrames: Counter;
  readonly #badPackets: Counter;
  readonly #rejectedDatagrams: Counter;
  readonly #droppedSeconds: Counter;
  readonly #downlinkPackets: Counter;
  readonly #underruns: Counter;
  readonly #toolCalls: Counter<'tool' | 'outcome' | 'via'>;
  readonly #processFaults: Counter<'fault'>;
  readonly #invalidEvents: Counter<'kind'>;
  readonly #daveDecryptFailures: Counter;
  #loopDelay: IntervalHistogram | null = null;

  constructor(options: { activeSessions: () => number }) {
    const registers = [this.registry];
    new Gauge({
      name: 'voicebot_sessions_active',
      help: 'Voice sessions running in this process (including joins in progress)',
      registers,
      collect() {
        this.set(options.activeSessions());
      },
    });
    this.#sessionsStarted = new Counter({
      name: 'voicebot_sessions_started_total',
      help: 'Voice sessions started',
      registers,
    });
    this.#sessionsEnded = new Counter({
      name: 'voicebot_sessions_ended_total',
      help: 'Voice sessions ended, by reason code (errors have their BotError code)',
      labelNames: ['code'],
      registers,
    });
    this.#reconnects = new Counter({
      name: 'voicebot_live_reconnects_total',
      help: 'Gemini Live reconnects; resumed="false" lost the conversation context',
      labelNames: ['resumed'],
      registers,
    });
    this.#latency = new Histogram({
      name: 'voicebot_voice_latency_seconds',
      help: "From the end of a user's speech to the bot's first audio packet of the answer",
      buckets: [0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1, 1.5, 2, 3, 5],
      registers,
    });
    const counter = (name: string, help: string) => new Counter({ name, help, registers });
    this.#uplinkFrames = counter('voicebot_uplink_frames_total', '20 ms mixed frames sent to Gemini');
    this.#badPackets = counter('voicebot_uplink_bad_packets_total', 'Undecodable voice packets concealed');
    this.#rejectedDatagrams = counter(
      'voicebot_voice_rejected_datagrams_total',
      'Malformed or hostile UDP datagrams dropped before the voice library parsed them',
    );
    this.#droppedSeconds = counter(
      'voicebot_uplink_dropped_seconds_total',
      'Speaker audio dropped because a speaker fell too far behind',
    );
    this.#downlinkPackets = counter('voicebot_downlink_packets_total', 'Opus packets the bot played');
    this.#underruns = counter(
      'voicebot_downlink_underrun_frames_total',
      '20 ms frames of silence played while waiting for Gemini audio mid-answer',
    );
    this.#daveDecryptFailures = counter(
      'voicebot_dave_decrypt_failures_total',
      'End-to-end encrypted (DAVE) voice packets the bot could not decrypt (dropped, never decoded)',
    );
    this.#toolCalls = new Counter({
      name: 'voicebot_tool_calls_total',
      help: 'Tool calls by tool, outcome (ok, error, cancelled) and origin (live, text, slash)',
      labelNames: ['tool', 'outcome', 'via'],
      registers,
    });
    this.#processFaults = new Counter({
      name: 'voicebot_process_faults_total',
      help: 'Uncaught exceptions (each ends the process) and unhandled promise rejections',
      labelNames: ['fault'],
      registers,
    });
    this.#invalidEvents = new Counter({
      name: 'voicebot_live_invalid_events_total',
      help: 'Gemini server events (or whole frames) in a shape the bot cannot act on, skipped, by kind',
      labelNames: ['kind'],
      registers,
    });
    const lag = new Gauge({
      name: 'voicebot_event_loop_lag_seconds',
      help: 'Event-loop delay since the last scrape (quantile 0.5, 0.99, 1 = max)',
      labelNames: ['quantile'],
      registers,
      collect: () => {
        const h = this.#loopDelay;
        if (!h || h.count === 0) return;
        lag.set({ quantile: '0.5' }, lagSeconds(h.percentile(50)));
        lag.set({ quantile: '0.99' }, lagSeconds(h.percentile(99)));
        lag.set({ quantile: '1' }, lagSeconds(h.max));
        h.reset();
      },
    });
    new Gauge({
      name: 'process_resident_memory_bytes',
      help: 'Resident set size of this process',
      registers,
      collect() {
        this.set(process.memoryUsage.rss());
      },
    });
    new Gauge({
      name: 'voicebot_heap_used_bytes',
      help: 'V8 heap in use by this process (a slow climb over hours means a leak)',
      registers,
      collect() {
        this.set(process.memoryUsage().heapUsed);
      },
    });
    new Gauge({
      name: 'voicebot_active_timers',
      help: 'Timers and immediates pending in this process (should stay flat while guilds stay the same)',
      registers,
      collect() {
        this.set(
          process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind === 'Immediate')
            .length,
        );
      },
    });
    this.observer = {
      attach: (session) => this.#attach(session),
      ended: (session, reason) => {
        this.#sync(session);
        this.#seen.delete(session);
        this.#sessionsEnded.inc({ code: reason.code });
      },
    };
  }

  /** Starts sampling event-loop delay. */
  start(): void {
    this.#loopDelay ??= monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.#loopDelay.enable();
  }

  stop(): void {
    this.#loopDelay?.disable();
  }

  countProcessFault(fault: ProcessFault): void {
    this.#processFaults.inc({ fault });
  }

  observeLatency(ms: number): void {
    this.#latency.observe(ms / 1000);
  }

  /** Every tool run, whoever asked: Gemini in voice, a text answer, or a slash command. */
  countToolCall(call: { name: string; outcome: string; origin: { via: string } }): void {
    this.#toolCalls.inc({ tool: call.name, outcome: call.outcome, via: call.origin.via });
  }

  /** The text exposition (brings audio counters up to date first). */
  async render(): Promise<string> {
    for (const session of this.#seen.keys()) this.#sync(session);
    return this.registry.metrics();
  }

  #attach(session: GuildSession): void {
    this.#sessionsStarted.inc();
    this.#seen.set(session, {
      uplinkFrames: 0,
      badPackets: 0,
      rejectedDatagrams: 0,
      droppedMs: 0,
      downlinkPackets: 0,
      underrunFrames: 0,
      daveDecryptFailures: 0,
    });
    const live = session.live;
    live?.on('reconnected', (info) => this.#reconnects.inc({ resumed: String(info.resumed) }));
    live?.on('invalidEvent', (invalid) => this.#invalidEvents.inc({ kind: invalid.kind }));
  }

  #sync(session: GuildSession): void {
    const seen = this.#seen.get(session);
    if (!seen) return;
    const up = session.uplink?.stats;
    const down = session.downlink?.stats;
    const now: Seen = {
      uplinkFrames: up?.framesSent ?? 0,
      badPackets: up?.badPackets ?? 0,
      rejectedDatagrams: session.rejectedDatagrams,
      droppedMs: up?.droppedMs ?? 0,
      downlinkPackets: down?.packetsSent ?? 0,
      underrunFrames: down?.underrunFrames ?? 0,
      daveDecryptFailures: session.daveStatus()?.decryptFailures ?? 0,
    };
    this.#uplinkFrames.inc(now.uplinkFrames - seen.uplinkFrames);
    this.#badPackets.inc(now.badPackets - seen.badPackets);
    this.#rejectedDatagrams.inc(now.rejectedDatagrams - seen.rejectedDatagrams);
    this.#droppedSeconds.inc((now.droppedMs - seen.droppedMs) / 1000);
    this.#downlinkPackets.inc(now.downlinkPackets - seen.downlinkPackets);
    this.#underruns.inc(now.underrunFrames - seen.underrunFrames);
    this.#daveDecryptFailures.inc(Math.max(0, now.daveDecryptFailures - seen.daveDecryptFailures));
    Object.assign(seen, now);
  }
}
