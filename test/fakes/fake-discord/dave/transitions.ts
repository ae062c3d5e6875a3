// A DAVE call's transitions: their ids, who still owes op 23, and the timeout after which Discord goes ahead.

/** Discord waits about this long (ms) for every op 23 before executing a transition anyway. */
export const TRANSITION_TIMEOUT_MS = 2000;

export interface Transition {
  id: number;
  protocolVersion: number;
  /** Members that have not yet said they are ready (op 23). */
  waiting: Set<string>;
}

/** A transition as tests read it once it ran. */
export interface ExecutedTransition {
  /** 0 for a sole member's reset, which needs no op 23. */
  id: number;
  epoch: bigint;
  /** Who is in the group from this transition on. */
  members: string[];
  timedOut: boolean;
  /** performance.now() when it ran (ms). */
  atMs: number;
}

export class Transitions {
  readonly #execute: (transition: Transition, timedOut: boolean) => void;
  #pending: (Transition & { timer: NodeJS.Timeout }) | null = null;
  #nextId = 1;

  /** `execute` runs once per transition: when nobody is waiting any more, or at the timeout. */
  constructor(execute: (transition: Transition, timedOut: boolean) => void) {
    this.#execute = execute;
  }

  get pending(): Transition | null {
    return this.#pending;
  }

  /** Starts the next transition and returns its id: 1 to 65535 and round again (0 is a sole member's reset). */
  begin(protocolVersion: number, waiting: Set<string>): number {
    const id = this.#nextId;
    this.#nextId = (this.#nextId % 0xffff) + 1;
    const timer = setTimeout(() => this.#finish(true), TRANSITION_TIMEOUT_MS);
    this.#pending = { id, protocolVersion, waiting, timer };
    return id;
  }

  /** `userId` is ready for the transition (or gone, with no id): the last one executes it. */
  release(userId: string, transitionId?: number): void {
    const pending = this.#pending;
    if (!pending || (transitionId !== undefined && pending.id !== transitionId)) return;
    pending.waiting.delete(userId);
    if (pending.waiting.size === 0) this.#finish(false);
  }

  /** Executes the pending transition now, whoever is still waiting. */
  executeNow(): void {
    this.#finish(false);
  }

  stop(): void {
    if (this.#pending) clearTimeout(this.#pending.timer);
    this.#pending = null;
  }

  #finish(timedOut: boolean): void {
    const pending = this.#pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending = null;
    this.#execute(pending, timedOut);
  }
}
