// A simulated Discord client's DAVE side: its own davey session, driven by the fake gateway like a real client.
import davey from '@snazzah/davey';
import type { DaveCall, DaveMember } from './call.ts';
import { parsePublicMessage } from './mls.ts';
import { TlsReader } from './tls.ts';

/** The 3-byte Opus silence frame, never E2EE-encrypted (the SFU may synthesise it). */
const SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
/** Seconds receivers keep passthrough while a downgrade is pending (as @discordjs/voice does). */
const DOWNGRADE_PASSTHROUGH_S = 24;
/** davey's MediaType.AUDIO (a const enum, which erasable TypeScript cannot import). */
const MEDIA_AUDIO = 0;

export interface HumanDaveOptions {
  userId: string;
  call: DaveCall;
  /** Who is in the voice channel (davey refuses proposals adding anyone else). */
  connected: () => string[];
  /** How long (ms) this client takes to answer proposals with a commit; the bot usually wins races. */
  commitDelayMs: number;
  fail: (message: string) => void;
}

/** Faults this client injects into its own media. */
export interface HumanDaveFaults {
  /**
   * A slow client: it applies a commit this long (ms) after op 22, sending with the previous
   * epoch's (stale) key meanwhile. Receivers keep that key about 10 s, so nothing may be lost.
   */
  applyCommitLateMs?: number;
}

export class HumanDaveClient implements DaveMember {
  readonly kind = 'human' as const;
  readonly userId: string;
  readonly session: davey.DAVESession;
  readonly #o: HumanDaveOptions;
  /** Commits announced (op 29) but applied only at op 22: Discord clients send with the old key until then. */
  readonly #deferred = new Map<number, Buffer>();
  readonly #pendingVersions = new Map<number, number>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #protocolVersion: number;
  /** True once op 22 (or an immediate transition) made the current group's key the sending key. */
  #sending = false;
  faults: HumanDaveFaults = {};
  #stopped = false;

  constructor(options: HumanDaveOptions) {
    this.#o = options;
    this.userId = options.userId;
    this.#protocolVersion = options.call.protocolVersion;
    this.session = new davey.DAVESession(
      Math.max(1, this.#protocolVersion),
      this.userId,
      options.call.channelId,
    );
  }

  /** Joins the call: op 25 arrives through join(), then the key package goes out. */
  start(): void {
    this.#o.call.join(this);
    if (this.#protocolVersion > 0) this.#later(0, () => this.#sendKeyPackage());
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#o.call.leave(this.userId);
    this.session.reset();
  }

  /** True when this client's media goes out E2EE-encrypted. */
  get encrypting(): boolean {
    return this.#protocolVersion > 0 && this.#sending && this.session.ready;
  }

  /** What this client puts in an RTP packet for one Opus frame. */
  encrypt(opus: Buffer): Buffer {
    if (opus.equals(SILENCE) || !this.encrypting) return opus;
    return this.session.encryptOpus(opus);
  }

  /**
   * A plain (not E2EE) frame another member sent, as a real client judges it: played while this
   * client has no group yet (the call is still being set up) or while its davey session allows
   * passthrough for that member (a transition or a downgrade); refused (null) once E2EE is in force.
   */
  acceptPlain(fromUserId: string, frame: Buffer): Buffer | null {
    if (!this.session.ready) return frame;
    try {
      return this.session.canPassthrough(fromUserId) ? frame : null;
    } catch {
      // davey throws for a member it has no decryptor for yet: not in this client's group.
      return frame;
    }
  }

  /** Decrypts a frame another member sent; null when this client cannot (yet). */
  decrypt(fromUserId: string, frame: Buffer): Buffer | null {
    if (!this.session.ready) return null;
    try {
      return this.session.decrypt(fromUserId, MEDIA_AUDIO, frame);
    } catch {
      return null;
    }
  }

  /** True while a commit waits for op 22 (frames from members that already switched may not decrypt yet). */
  get awaitingTransition(): boolean {
    return this.#deferred.size > 0;
  }

  json(op: number, d: Record<string, unknown>): void {
    if (this.#stopped) return;
    if (op === 21) {
      const id = Number(d.transition_id);
      const version = Number(d.protocol_version);
      this.#pendingVersions.set(id, version);
      if (id === 0) this.#execute(0);
      else {
        if (version === 0) this.session.setPassthroughMode(true, DOWNGRADE_PASSTHROUGH_S);
        this.#later(0, () => this.#o.call.readyForTransition(this.userId, id));
      }
    } else if (op === 22) {
      this.#execute(Number(d.transition_id));
    } else if (op === 24 && Number(d.epoch) === 1) {
      this.#protocolVersion = Number(d.protocol_version);
      this.#reset();
    }
  }

  binary(op: number, payload: Buffer): void {
    if (this.#stopped) return;
    try {
      if (op === 25) this.session.setExternalSender(payload);
      else if (op === 27) this.#later(this.#o.commitDelayMs, () => this.#proposals(payload));
      else if (op === 29) this.#announced(payload.readUInt16BE(0), payload.subarray(2));
      else if (op === 30) this.#welcome(payload.readUInt16BE(0), payload.subarray(2));
    } catch (error) {
      this.#o.fail(`dave: simulated client ${this.userId} failed on op ${op}: ${String(error)}`);
    }
  }

  #proposals(payload: Buffer): void {
    // Proposals for an epoch this client has already left (it was welcomed meanwhile) are dropped.
    if (payload.readUInt8(0) === 0) {
      const first = new TlsReader(payload.subarray(1)).vector();
      if (parsePublicMessage(first).message.epoch !== (this.session.epoch ?? 0n)) return;
    }
    const result = this.session.processProposals(
      payload.readUInt8(0),
      payload.subarray(1),
      this.#o.connected(),
    );
    if (!result.commit) return;
    const body = result.welcome ? Buffer.concat([result.commit, result.welcome]) : result.commit;
    this.#o.call.commitWelcome(this.userId, body);
  }

  #announced(id: number, commit: Buffer): void {
    if (id === 0) {
      this.#applyCommit(0, commit);
      return;
    }
    this.#deferred.set(id, commit);
    this.#pendingVersions.set(id, this.#protocolVersion);
    this.#later(0, () => this.#o.call.readyForTransition(this.userId, id));
  }

  #welcome(id: number, welcome: Buffer): void {
    try {
      this.session.processWelcome(welcome);
    } catch {
      this.#invalid(id);
      return;
    }
    this.#pendingVersions.set(id, this.#protocolVersion);
    if (id === 0) this.#sending = true;
    else this.#later(0, () => this.#o.call.readyForTransition(this.userId, id));
  }

  #applyCommit(id: number, commit: Buffer): boolean {
    try {
      this.session.processCommit(commit);
      return true;
    } catch {
      this.#invalid(id);
      return false;
    }
  }

  #execute(id: number): void {
    const late = this.faults.applyCommitLateMs;
    if (late && this.#deferred.has(id)) this.#later(late, () => this.#transition(id));
    else this.#transition(id);
  }

  #transition(id: number): void {
    const commit = this.#deferred.get(id);
    this.#deferred.delete(id);
    if (commit && !this.#applyCommit(id, commit)) return;
    const version = this.#pendingVersions.get(id);
    this.#pendingVersions.delete(id);
    if (version !== undefined) this.#protocolVersion = version;
    this.#sending = this.session.ready;
  }

  /** Op 31 and a fresh start with a new key package, as the spec's recovery asks. */
  #invalid(id: number): void {
    this.#o.call.invalidCommitWelcome(this.userId, id);
    this.#reset();
  }

  #reset(): void {
    this.#deferred.clear();
    this.#sending = false;
    if (this.#protocolVersion === 0) {
      this.session.reset();
      this.session.setPassthroughMode(true, 10);
      return;
    }
    this.session.reinit(this.#protocolVersion, this.userId, this.#o.call.channelId);
    this.session.setExternalSender(this.#o.call.sender.package);
    this.#later(0, () => this.#sendKeyPackage());
  }

  #sendKeyPackage(): void {
    this.#o.call.keyPackage(this.userId, this.session.getSerializedKeyPackage());
  }

  /** Runs `fn` after `ms` (a client answers over a network; never re-enter the gateway synchronously). */
  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (this.#stopped) return;
      try {
        fn();
      } catch (error) {
        this.#o.fail(`dave: simulated client ${this.userId}: ${String(error)}`);
      }
    }, ms);
    this.#timers.add(t);
  }
}
