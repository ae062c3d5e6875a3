// Voice-to-voice latency per session: from the end of a user's speech to the bot's first answer audio.
import type { Clock } from '../clock.ts';
import type { GuildSession, SessionObserver } from './guild-session.ts';

export interface LatencySummary {
  /** Answers measured so far in the session. */
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface VoiceLatencyOptions {
  clock: Clock;
  /** Told of every measured answer (e.g. for a metrics histogram). */
  onSample?: (ms: number) => void;
}

/** Per session, only the most recent answers count, so memory stays flat in a long session. */
const MAX_SAMPLES = 1_000;

/**
 * An answer starts with the first Live audio after a turn ended (turnComplete or interrupted).
 * The Downlink sends its first Opus packet synchronously in that same event, before this
 * observer's listener runs, so "now" here is the bot's first packet of the answer. The end of
 * speech is the end of the last non-silent uplink frame (the session's SpeakerTimeline). Answers
 * nobody spoke before (e.g. to a typed @mention) are not measured.
 */
export class VoiceLatency implements SessionObserver {
  readonly #samples = new WeakMap<GuildSession, number[]>();
  readonly #options: VoiceLatencyOptions;

  constructor(options: VoiceLatencyOptions) {
    this.#options = options;
  }

  attach(session: GuildSession): void {
    const live = session.live;
    if (!live) return;
    const samples: number[] = [];
    this.#samples.set(session, samples);
    let awaitingAnswer = true;
    let lastAnswerAt = Number.NEGATIVE_INFINITY;
    live.on('audio', () => {
      if (!awaitingAnswer) return;
      awaitingAnswer = false;
      const now = this.#options.clock.now();
      const speechEnd = session.timeline.lastActivityMs();
      const previousAnswerAt = lastAnswerAt;
      lastAnswerAt = now;
      if (speechEnd === null || speechEnd <= previousAnswerAt) return;
      // The timeline's end is the end of the last 20 ms frame, which may lie a few ms ahead of now.
      const ms = Math.max(0, now - speechEnd);
      samples.push(ms);
      if (samples.length > MAX_SAMPLES) samples.shift();
      this.#options.onSample?.(ms);
    });
    const answerOver = () => {
      awaitingAnswer = true;
    };
    live.on('turnComplete', answerOver);
    live.on('interrupted', answerOver);
  }

  summary(session: GuildSession): LatencySummary {
    const samples = this.#samples.get(session) ?? [];
    return { count: samples.length, p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95) };
  }
}

/** Nearest-rank percentile (ms), or null without samples. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}
