// PURE: turns Gemini Live transcription fragments into exchanges (attributed user lines + the bot's answer).

/** One thing the Live session told us, stamped with the local monotonic clock (ms) on arrival. */
export type TranscriptInput =
  | { kind: 'user'; text: string; finished?: boolean; atMs: number }
  /** A question someone typed (an @mention) that was put to the voice session. */
  | { kind: 'typed'; userId: string; text: string; atMs: number }
  | { kind: 'bot'; text: string; atMs: number }
  | { kind: 'interrupted'; atMs: number }
  | { kind: 'turnComplete'; atMs: number }
  | { kind: 'tool'; line: string; atMs: number };

export interface UserLine {
  /** Who was audible while it was said, the one heard longest first; empty when nobody is known. */
  speakers: string[];
  text: string;
  /** Present when the line was typed (an @mention asked in voice), not spoken. */
  typed?: true;
}

export interface BotLine {
  text: string;
  /** The model was interrupted (barge-in) before it finished. */
  cutOff: boolean;
}

/** A snapshot of one exchange; the same `id` is re-emitted each time it grows. */
export interface Exchange {
  id: number;
  user: UserLine[];
  tools: string[];
  bot: BotLine | null;
  /** The model's turn ended (turnComplete): publish without waiting for the throttle. */
  complete: boolean;
}

export interface AssemblerOptions {
  /** From the voice bridge's speaker record (same clock as `atMs`). */
  speakersBetween(fromMs: number, toMs: number): string[];
  /** Transcripts lag the audio: attribution looks this far (ms) before a line's first fragment. */
  attributionLeadMs?: number;
  /** Input fragments this soon (ms) after turnComplete still belong to the finished turn's question. */
  lateInputGraceMs?: number;
  /** A pause this long (ms) between input fragments starts a new user line (maybe a new speaker). */
  lineGapMs?: number;
}

interface LineState {
  text: string;
  firstAtMs: number;
  lastAtMs: number;
  /** Attribution never looks before this (ms): the previous line or the previous answer. */
  floorMs: number;
  finished: boolean;
  /** Set for typed questions: the author is known, no audio attribution needed. */
  typedBy?: string;
}

interface ExchangeState {
  id: number;
  lines: LineState[];
  /** Input fragments that arrived after the answer began: late question text, or a barge-in. */
  held: LineState[];
  tools: string[];
  bot: { text: string; cutOff: boolean; firstAtMs: number } | null;
  interrupted: boolean;
  completedAtMs: number | null;
}

/**
 * Fragments are not ordered relative to the audio and input transcription is often late: it can
 * arrive after the answer started or even just after turnComplete. Input that arrives once the
 * answer has begun is held until the turn ends: after an interruption it is the barge-in and opens
 * the next exchange; otherwise it is the question's late tail. Only the current and the previous
 * exchange are kept, so memory stays flat in a long session.
 */
export class TranscriptAssembler {
  readonly #speakersBetween: (fromMs: number, toMs: number) => string[];
  readonly #leadMs: number;
  readonly #graceMs: number;
  readonly #lineGapMs: number;
  #current: ExchangeState | null = null;
  #previous: ExchangeState | null = null;
  #nextId = 1;

  constructor(options: AssemblerOptions) {
    this.#speakersBetween = options.speakersBetween;
    this.#leadMs = options.attributionLeadMs ?? 2_000;
    this.#graceMs = options.lateInputGraceMs ?? 1_000;
    this.#lineGapMs = options.lineGapMs ?? 2_000;
  }

  /** Feeds one input; returns snapshots of the exchanges it changed (oldest first). */
  push(input: TranscriptInput): Exchange[] {
    switch (input.kind) {
      case 'user':
        return this.#user(input.text, input.finished === true, input.atMs);
      case 'typed':
        return this.#typed(input.userId, input.text, input.atMs);
      case 'bot':
        return this.#bot(input.text, input.atMs);
      case 'tool':
        return this.#tool(input.line);
      case 'interrupted':
        return this.#interrupted();
      case 'turnComplete':
        return this.#turnComplete(input.atMs);
    }
  }

  #user(text: string, finished: boolean, atMs: number): Exchange[] {
    if (text.trim() === '' && !finished) return [];
    const current = this.#current;
    if (current && current.completedAtMs === null && (current.bot !== null || current.interrupted)) {
      appendTo(current.held, text, finished, atMs, this.#lineGapMs, current.bot?.firstAtMs ?? atMs);
      // Held text is shown once the turn ends (then we know whose it is).
      return [];
    }
    if (current && current.completedAtMs !== null && this.#isLateTail(current, atMs)) {
      const last = current.lines.at(-1);
      if (last) last.text += text;
      if (last && finished) last.finished = true;
      return this.#snapshots([current]);
    }
    const ex = this.#open();
    const floor = ex.lines.at(-1)?.lastAtMs ?? this.#floorAfter(this.#previous);
    appendTo(ex.lines, text, finished, atMs, this.#lineGapMs, floor);
    return this.#snapshots([ex]);
  }

  /** A typed question opens its own exchange unless the open one has nothing in it yet. */
  #typed(userId: string, text: string, atMs: number): Exchange[] {
    const current = this.#current;
    const fresh =
      current && current.completedAtMs === null && current.lines.length === 0 && current.bot === null;
    const ex = fresh ? current : this.#start();
    ex.lines.push({ text, firstAtMs: atMs, lastAtMs: atMs, floorMs: atMs, finished: true, typedBy: userId });
    return this.#snapshots([ex]);
  }

  #tool(line: string): Exchange[] {
    const ex = this.#open();
    ex.tools.push(line);
    return this.#snapshots([ex]);
  }

  #bot(text: string, atMs: number): Exchange[] {
    const ex = this.#open();
    if (ex.bot) ex.bot.text += text;
    else ex.bot = { text, cutOff: false, firstAtMs: atMs };
    return this.#snapshots([ex]);
  }

  #interrupted(): Exchange[] {
    const current = this.#current;
    if (!current || current.completedAtMs !== null) return [];
    current.interrupted = true;
    if (current.bot) current.bot.cutOff = true;
    return this.#snapshots([current]);
  }

  #turnComplete(atMs: number): Exchange[] {
    const current = this.#current;
    if (!current || current.completedAtMs !== null) return [];
    current.completedAtMs = atMs;
    const held = current.held.splice(0);
    if (!current.interrupted) {
      // Question text that only arrived after the answer began was still spoken before it.
      const first = held[0];
      if (first && current.lines.length === 0) first.floorMs = this.#floorAfter(this.#previous);
      for (const line of held) appendHeld(current.lines, line);
      return this.#snapshots([current]);
    }
    if (held.length === 0) return this.#snapshots([current]);
    const next = this.#start();
    next.lines.push(...held);
    return this.#snapshots([current, next]);
  }

  /** The current exchange if it is still open, else a new one. */
  #open(): ExchangeState {
    const current = this.#current;
    return current && current.completedAtMs === null ? current : this.#start();
  }

  #start(): ExchangeState {
    const ex: ExchangeState = {
      id: this.#nextId++,
      lines: [],
      held: [],
      tools: [],
      bot: null,
      interrupted: false,
      completedAtMs: null,
    };
    this.#previous = this.#current;
    this.#current = ex;
    return ex;
  }

  #isLateTail(ex: ExchangeState, atMs: number): boolean {
    const last = ex.lines.at(-1);
    return (
      !ex.interrupted &&
      last !== undefined &&
      !last.finished &&
      ex.completedAtMs !== null &&
      atMs - ex.completedAtMs <= this.#graceMs
    );
  }

  /** A new exchange's first line cannot have been spoken before the previous answer began. */
  #floorAfter(ex: ExchangeState | null): number {
    if (!ex) return Number.NEGATIVE_INFINITY;
    return ex.bot?.firstAtMs ?? ex.lines.at(-1)?.lastAtMs ?? Number.NEGATIVE_INFINITY;
  }

  #snapshots(exchanges: ExchangeState[]): Exchange[] {
    return exchanges.map((ex) => ({
      id: ex.id,
      user: ex.lines.map((line) => ({
        speakers: line.typedBy
          ? [line.typedBy]
          : this.#speakersBetween(Math.max(line.floorMs, line.firstAtMs - this.#leadMs), line.lastAtMs),
        text: line.text,
        ...(line.typedBy === undefined ? {} : { typed: true as const }),
      })),
      tools: [...ex.tools],
      bot: ex.bot ? { text: ex.bot.text, cutOff: ex.bot.cutOff } : null,
      complete: ex.completedAtMs !== null,
    }));
  }
}

/** Appends a fragment to the last line, or opens a new line after `finished` or a long pause. */
function appendTo(
  lines: LineState[],
  text: string,
  finished: boolean,
  atMs: number,
  gapMs: number,
  floorMs: number,
): void {
  const last = lines.at(-1);
  if (last && !last.finished && atMs - last.lastAtMs < gapMs) {
    last.text += text;
    last.lastAtMs = atMs;
    last.finished = finished;
    return;
  }
  lines.push({ text, firstAtMs: atMs, lastAtMs: atMs, floorMs: last?.lastAtMs ?? floorMs, finished });
}

/**
 * Late question text joins the question's last line without stretching its time span (the words
 * were spoken before the answer began, whatever their arrival time).
 */
function appendHeld(lines: LineState[], held: LineState): void {
  const last = lines.at(-1);
  if (last && !last.finished) {
    last.text += held.text;
    last.finished = held.finished;
    return;
  }
  lines.push(held);
}
