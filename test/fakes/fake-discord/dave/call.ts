// One voice channel's DAVE group as the voice gateway sees it: the MLS delivery service and external sender.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { waitForEvent } from '../../../helpers/wait.ts';
import { ExternalSender } from './external-sender.ts';
import { applyToLeaves, judgeCommit, keyPackageProblem, type PendingProposal } from './gateway-rules.ts';
import { type KeyPackage, parseKeyPackage, parsePublicMessage, proposalRef } from './mls.ts';
import { TlsWriter } from './tls.ts';

/** How a member of the call hears from the gateway (the bot's websocket, or a simulated client). */
export interface DaveMember {
  readonly userId: string;
  readonly kind: 'bot' | 'human';
  json(op: number, d: Record<string, unknown>): void;
  binary(op: number, payload: Buffer): void;
}

/** Gateway-side faults a test can inject into the next matching message. */
export interface DaveCallFaults {
  /** The next commit announced (op 29) to this user has a flipped byte. */
  corruptCommitFor?: string;
  /** The next Welcome (op 30) to this user has a flipped byte. */
  corruptWelcomeFor?: string;
  /** The next proposal broadcast is not delivered to this user. */
  dropProposalFor?: string;
  /** Welcomes (op 30) to this user are lost: `once` for the next one only, `always` for every one. */
  loseWelcomesFor?: { userId: string; times: 'once' | 'always' };
}

/** Discord waits about this long (ms) for every op 23 before executing a transition anyway. */
export const TRANSITION_TIMEOUT_MS = 2000;

interface Transition {
  id: number;
  protocolVersion: number;
  waiting: Set<string>;
  timer: NodeJS.Timeout;
}

export interface DaveCallEvents {
  /** Any change of epoch, membership or transition (for waitFor). */
  change: [];
}

export class DaveCall extends EventEmitter<DaveCallEvents> {
  readonly channelId: string;
  readonly sender = new ExternalSender();
  readonly #groupId: Buffer;
  readonly #fail: (message: string) => void;
  readonly members = new Map<string, DaveMember>();
  /** Leaf index of every member of the established group. */
  readonly leaves = new Map<string, number>();
  readonly #keyPackages = new Map<string, KeyPackage>();
  /** Connected clients without DAVE: while any is in the call, it runs at protocol version 0. */
  readonly #legacy = new Set<string>();
  /** Members that sent op 31: back to pending, they get no group traffic until re-added. */
  readonly #flagged = new Set<string>();
  #proposals: PendingProposal[] = [];
  #transition: Transition | null = null;
  #nextTransitionId = 1;
  /** 0 while no group is established; the epoch of the last announced commit after. */
  epoch = 0n;
  protocolVersion = 1;
  faults: DaveCallFaults = {};
  /** Commits refused and why, for tests. */
  readonly rejectedCommits: string[] = [];
  /** Op 31 reports: who could not process which transition. */
  readonly invalidReports: Array<{ userId: string; transitionId: number }> = [];
  /** Every executed transition (op 22 or id 0), in order. */
  readonly executed: Array<{
    id: number;
    epoch: bigint;
    members: string[];
    timedOut: boolean;
    atMs: number;
  }> = [];

  constructor(channelId: string, fail: (message: string) => void) {
    super();
    this.channelId = channelId;
    this.#fail = fail;
    this.#groupId = Buffer.alloc(8);
    this.#groupId.writeBigUInt64BE(BigInt(channelId));
  }

  get established(): boolean {
    return this.epoch > 0n;
  }

  get transitionPending(): boolean {
    return this.#transition !== null;
  }

  /** Resolves once `predicate` holds, re-checked on every change of the call. */
  until(predicate: (call: DaveCall) => boolean, what: string, timeoutMs = 5000): Promise<DaveCall> {
    return waitForEvent(this, 'change', () => (predicate(this) ? this : undefined), timeoutMs, what);
  }

  /** Resolves once the group is established with exactly these members and no transition is pending. */
  waitForGroup(userIds: string[], timeoutMs = 5000): Promise<DaveCall> {
    const want = [...userIds].sort().join(',');
    return waitForEvent(
      this,
      'change',
      () =>
        this.established && !this.#transition && [...this.leaves.keys()].sort().join(',') === want
          ? this
          : undefined,
      timeoutMs,
      `a DAVE group of ${userIds.length} members in channel ${this.channelId}`,
    );
  }

  /** A member connected: it gets the external sender package (op 25) and any in-flight creation proposals. */
  join(member: DaveMember): void {
    this.members.set(member.userId, member);
    // Reconnected while its old leaf is still in the group: a pending member until re-added.
    if (this.leaves.has(member.userId)) this.#flagged.add(member.userId);
    if (this.protocolVersion === 0) return;
    member.binary(25, this.sender.package);
    if (!this.established) {
      for (const p of this.#proposals) {
        if (p.userId === member.userId) continue;
        p.recipients.add(member.userId);
        this.#deliverProposals(member, [p]);
      }
    }
    this.emit('change');
  }

  /** A client without DAVE connected: the call downgrades to protocol 0 (op 21, op 23s, op 22). */
  legacyJoin(userId: string): void {
    this.#legacy.add(userId);
    this.#advance();
  }

  /** The last client without DAVE left: the call upgrades, everyone creates a new group (op 24 epoch 1). */
  legacyLeave(userId: string): void {
    if (!this.#legacy.delete(userId) || this.#legacy.size > 0 || this.protocolVersion !== 0) return;
    this.protocolVersion = 1;
    for (const member of this.members.values()) member.json(24, { epoch: 1, protocol_version: 1 });
    this.emit('change');
  }

  #downgrade(): void {
    const id = this.#takeTransitionId();
    const waiting = new Set(this.members.keys());
    const timer = setTimeout(() => this.#execute(true), TRANSITION_TIMEOUT_MS);
    this.#transition = { id, protocolVersion: 0, waiting, timer };
    for (const member of this.members.values()) member.json(21, { transition_id: id, protocol_version: 0 });
    if (waiting.size === 0) this.#execute(false);
    this.emit('change');
  }

  /** A member disconnected: removed from the group by an external Remove, or a sole-member reset. */
  leave(userId: string): void {
    if (!this.members.delete(userId)) return;
    this.#keyPackages.delete(userId);
    this.#revokeAdd(userId);
    this.#transition?.waiting.delete(userId);
    if (this.#transition && this.#transition.waiting.size === 0) this.#execute(false);
    this.#advance();
    this.emit('change');
  }

  /** Op 26. */
  keyPackage(userId: string, payload: Buffer): void {
    let kp: KeyPackage;
    try {
      kp = parseKeyPackage(payload);
    } catch (error) {
      this.#fail(`dave: unreadable key package from ${userId}: ${String(error)}`);
      return;
    }
    const problem = keyPackageProblem(userId, kp);
    if (problem) {
      this.#fail(`dave: key package from ${userId} refused: ${problem}`);
      return;
    }
    // A pending member may replace its key package but never use two at once.
    this.#revokeAdd(userId);
    this.#keyPackages.set(userId, kp);
    this.#advance();
  }

  /** Withdraws an add proposal already broadcast for this user (op 27, operation 1: revoke by ref). */
  #revokeAdd(userId: string): void {
    const gone = this.#proposals.filter((p) => p.kind === 'add' && p.userId === userId);
    if (gone.length === 0) return;
    this.#proposals = this.#proposals.filter((p) => !gone.includes(p));
    const recipients = new Set(gone.flatMap((p) => [...p.recipients]));
    const refs = new TlsWriter();
    for (const p of gone) refs.vector(Buffer.from(p.ref, 'hex'));
    const vector = new TlsWriter().vector(refs.bytes()).bytes();
    for (const id of recipients) this.members.get(id)?.binary(27, Buffer.concat([Buffer.from([1]), vector]));
  }

  /** Sends the proposals that are due: adds for pending key packages, removes for departed leaves. */
  #advance(): void {
    if (this.protocolVersion === 0 || this.#transition) return;
    if (this.#legacy.size > 0) {
      this.#downgrade();
      return;
    }
    if (this.established) {
      const connected = [...this.leaves.keys()].filter((id) => this.members.has(id));
      if (connected.length === 1 && this.leaves.size > 1 && this.#keyPackages.size === 0) {
        this.#soleMemberReset(connected[0] ?? '');
        return;
      }
      const groupMembers = connected.filter((id) => !this.#flagged.has(id));
      if (groupMembers.length === 0) {
        this.#resetGroup();
        return;
      }
      const fresh: PendingProposal[] = [];
      for (const [userId, leaf] of this.leaves) {
        if (this.members.has(userId) && !this.#keyPackages.has(userId)) continue;
        if (this.#proposals.some((p) => p.kind === 'remove' && p.userId === userId)) continue;
        fresh.push(this.#propose(userId, 'remove', { type: 'remove', leafIndex: leaf }, groupMembers));
      }
      for (const [userId, kp] of this.#keyPackages) {
        if (
          this.leaves.has(userId) &&
          !this.#proposals.some((p) => p.kind === 'remove' && p.userId === userId)
        )
          continue;
        if (this.#proposals.some((p) => p.kind === 'add' && p.userId === userId)) continue;
        fresh.push(this.#propose(userId, 'add', { type: 'add', keyPackage: kp.bytes }, groupMembers));
      }
      this.#broadcast(fresh);
      return;
    }
    // Creation: each pending key package is proposed to every other pending member.
    const fresh: PendingProposal[] = [];
    for (const [userId, kp] of this.#keyPackages) {
      if (this.#proposals.some((p) => p.userId === userId)) continue;
      const others = [...this.members.keys()].filter((id) => id !== userId);
      fresh.push(this.#propose(userId, 'add', { type: 'add', keyPackage: kp.bytes }, others));
    }
    this.#broadcast(fresh);
  }

  #propose(
    userId: string,
    kind: 'add' | 'remove',
    body: { type: 'add'; keyPackage: Buffer } | { type: 'remove'; leafIndex: number },
    recipients: string[],
  ): PendingProposal {
    const message = this.sender.propose(this.#groupId, this.epoch, body);
    const p: PendingProposal = {
      ref: proposalRef(message).toString('hex'),
      message,
      userId,
      kind,
      recipients: new Set(recipients),
    };
    this.#proposals.push(p);
    return p;
  }

  #broadcast(fresh: PendingProposal[]): void {
    if (fresh.length === 0) return;
    const byMember = new Map<string, PendingProposal[]>();
    for (const p of fresh) for (const id of p.recipients) byMember.set(id, [...(byMember.get(id) ?? []), p]);
    for (const [id, list] of byMember) {
      const member = this.members.get(id);
      if (member) this.#deliverProposals(member, list);
    }
  }

  #deliverProposals(member: DaveMember, list: PendingProposal[]): void {
    if (this.faults.dropProposalFor === member.userId) {
      delete this.faults.dropProposalFor;
      return;
    }
    const vector = new TlsWriter().vector(Buffer.concat(list.map((p) => p.message))).bytes();
    member.binary(27, Buffer.concat([Buffer.from([0]), vector]));
  }

  /** Op 28: the first valid commit of the epoch wins and is announced; others are refused. */
  commitWelcome(userId: string, payload: Buffer): void {
    let parsed: ReturnType<typeof parsePublicMessage>;
    try {
      parsed = parsePublicMessage(payload);
    } catch (error) {
      this.#reject(userId, `unreadable commit: ${String(error)}`);
      return;
    }
    const { message, rest: welcome } = parsed;
    const verdict = judgeCommit(
      {
        groupId: this.#groupId,
        epoch: this.epoch,
        transitionPending: this.#transition !== null,
        committerLeaf: this.established ? this.leaves.get(userId) : 0,
        proposals: this.#proposals,
      },
      userId,
      message,
      welcome,
    );
    if (typeof verdict === 'string') this.#reject(userId, verdict);
    else this.#announce(userId, message.bytes, welcome, verdict);
  }

  #reject(userId: string, why: string): void {
    this.rejectedCommits.push(`${userId}: ${why}`);
  }

  #announce(committer: string, commit: Buffer, welcome: Buffer, ordered: PendingProposal[]): void {
    const before = this.established ? [...this.leaves.keys()] : [committer];
    if (!this.established) {
      this.leaves.clear();
      this.leaves.set(committer, 0);
      this.#keyPackages.delete(committer);
    }
    const added = applyToLeaves(this.leaves, ordered);
    for (const u of added) this.#keyPackages.delete(u);
    this.#proposals = [];
    this.epoch += 1n;
    const id = this.#takeTransitionId();
    const announceTo = before.filter(
      (u) => this.leaves.has(u) && this.members.has(u) && !added.includes(u) && !this.#flagged.has(u),
    );
    for (const u of added) this.#flagged.delete(u);
    const waiting = new Set([...announceTo, ...added.filter((u) => this.members.has(u))]);
    const timer = setTimeout(() => this.#execute(true), TRANSITION_TIMEOUT_MS);
    this.#transition = { id, protocolVersion: this.protocolVersion, waiting, timer };
    for (const u of announceTo) {
      const corrupt = this.faults.corruptCommitFor === u;
      if (corrupt) delete this.faults.corruptCommitFor;
      this.members.get(u)?.binary(29, withTransitionId(id, corrupt ? flipByte(commit) : commit));
    }
    for (const u of added) {
      const lose = this.faults.loseWelcomesFor;
      if (lose?.userId === u) {
        if (lose.times === 'once') delete this.faults.loseWelcomesFor;
        continue;
      }
      const corrupt = this.faults.corruptWelcomeFor === u;
      if (corrupt) delete this.faults.corruptWelcomeFor;
      this.members.get(u)?.binary(30, withTransitionId(id, corrupt ? flipByte(welcome) : welcome));
    }
    this.emit('change');
  }

  #takeTransitionId(): number {
    const id = this.#nextTransitionId;
    this.#nextTransitionId = (this.#nextTransitionId % 0xffff) + 1;
    return id;
  }

  /** Op 23. */
  readyForTransition(userId: string, transitionId: number): void {
    const t = this.#transition;
    if (!t || t.id !== transitionId) return;
    t.waiting.delete(userId);
    if (t.waiting.size === 0) this.#execute(false);
  }

  #execute(timedOut: boolean): void {
    const t = this.#transition;
    if (!t) return;
    clearTimeout(t.timer);
    this.#transition = null;
    this.protocolVersion = t.protocolVersion;
    if (t.protocolVersion === 0) {
      // Transport encryption only from now on; the next upgrade creates a new group.
      this.#resetGroup();
      this.#keyPackages.clear();
    }
    for (const u of this.members.keys())
      if (this.leaves.has(u) || t.protocolVersion === 0)
        this.members.get(u)?.json(22, { transition_id: t.id });
    this.executed.push({
      id: t.id,
      epoch: this.epoch,
      members: [...this.leaves.keys()],
      timedOut,
      atMs: performance.now(),
    });
    this.#advance();
    this.emit('change');
  }

  /** Op 31: the member could not process a commit or Welcome; remove it, then add its new key package. */
  invalidCommitWelcome(userId: string, transitionId: number): void {
    this.invalidReports.push({ userId, transitionId });
    if (this.leaves.has(userId)) this.#flagged.add(userId);
    if (this.#transition) {
      this.#transition.waiting.delete(userId);
      if (this.#transition.waiting.size === 0) this.#execute(false);
    }
    // Its removal is proposed once the new key package arrives (both in one commit) or now.
    this.#advance();
    this.emit('change');
  }

  /** The last member left an established group: it starts over alone (op 24 epoch 1, op 21 id 0). */
  #soleMemberReset(userId: string): void {
    this.#resetGroup();
    const member = this.members.get(userId);
    member?.json(24, { epoch: 1, protocol_version: this.protocolVersion });
    member?.json(21, { transition_id: 0, protocol_version: this.protocolVersion });
    this.executed.push({ id: 0, epoch: 0n, members: [userId], timedOut: false, atMs: performance.now() });
  }

  #resetGroup(): void {
    this.leaves.clear();
    this.#flagged.clear();
    this.#proposals = [];
    this.epoch = 0n;
  }

  stop(): void {
    if (this.#transition) clearTimeout(this.#transition.timer);
    this.#transition = null;
  }
}

function withTransitionId(id: number, body: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(id);
  return Buffer.concat([head, body]);
}

/** Flips a byte near the end (inside the signature or ciphertext), so the message no longer verifies. */
function flipByte(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const i = Math.max(0, copy.length - 10);
  copy[i] = (copy[i] ?? 0) ^ 0xff;
  return copy;
}
