// Who was audible when, per guild, so each user turn can be attributed to the right people.

interface Interval {
  userId: string;
  startMs: number;
  endMs: number;
}

/**
 * Fed every 20 ms with the speakers audible in that frame (from the uplink mixer). Frames of one
 * speaker closer than `mergeGapMs` join one interval, so short pauses do not split a sentence.
 * Old intervals are pruned past `retainMs`, so memory stays flat in a long session.
 */
export class SpeakerTimeline {
  readonly #intervals: Interval[] = [];
  readonly #open = new Map<string, Interval>();
  readonly #mergeGapMs: number;
  readonly #retainMs: number;
  readonly #frameMs: number;

  constructor(options: { mergeGapMs?: number; retainMs?: number; frameMs?: number } = {}) {
    this.#mergeGapMs = options.mergeGapMs ?? 400;
    this.#retainMs = options.retainMs ?? 10 * 60_000;
    this.#frameMs = options.frameMs ?? 20;
  }

  /** `userIds` were audible in the frame that started at `atMs`. */
  markActive(userIds: readonly string[], atMs: number): void {
    for (const userId of userIds) {
      const open = this.#open.get(userId);
      if (open && atMs - open.endMs <= this.#mergeGapMs) {
        open.endMs = atMs + this.#frameMs;
        continue;
      }
      const interval = { userId, startMs: atMs, endMs: atMs + this.#frameMs };
      this.#intervals.push(interval);
      this.#open.set(userId, interval);
    }
    this.#prune(atMs);
  }

  /**
   * Speakers audible between `fromMs` and `toMs`, the one heard longest first. A turn that
   * overlapped nobody (e.g. a transcript arriving late) falls back to whoever spoke last before it.
   */
  speakersBetween(fromMs: number, toMs: number): string[] {
    const heard = this.audibleBetween(fromMs, toMs);
    if (heard.length > 0) return heard;
    const before = this.#intervals.filter((i) => i.startMs <= toMs).at(-1);
    return before ? [before.userId] : [];
  }

  /** Speakers actually audible between `fromMs` and `toMs`, heard longest first; no fallback. */
  audibleBetween(fromMs: number, toMs: number): string[] {
    const heard = new Map<string, number>();
    for (const i of this.#intervals) {
      const overlap = Math.min(i.endMs, toMs) - Math.max(i.startMs, fromMs);
      if (overlap > 0) heard.set(i.userId, (heard.get(i.userId) ?? 0) + overlap);
    }
    return [...heard.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  }

  /** When the latest audible frame ended, or null when nobody has spoken. */
  lastActivityMs(): number | null {
    let last: number | null = null;
    for (const i of this.#open.values()) last = last === null ? i.endMs : Math.max(last, i.endMs);
    return last;
  }

  #prune(nowMs: number): void {
    while (this.#intervals.length > 0 && nowMs - (this.#intervals[0]?.endMs ?? nowMs) > this.#retainMs) {
      const old = this.#intervals.shift();
      if (old && this.#open.get(old.userId) === old) this.#open.delete(old.userId);
    }
  }
}
