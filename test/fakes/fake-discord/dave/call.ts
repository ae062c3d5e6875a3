// One voice channel's DAVE group as the voice gateway sees it: the MLS delivery service and external sender.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { waitForEvent } from '../../../helpers/wait.ts';
import { type DueProposal, dueAtCreation, dueInGroup, type GroupView } from './due-proposals.ts';
import { EpochProposals, revokePayload } from './epoch-proposals.ts';
import { ExternalSender } from './external-sender.ts';
import {
  type AcceptedCommit,
  applyToLeaves,
  type PendingProposal,
  readCommit,
  readKeyPackage,
} from './gateway-rules.ts';
import {
  type DaveCallFaults,
  type DaveMember,
  sendCommit,
  sendProposals,
  sendWelcome,
} from './member-delivery.ts';
import type { KeyPackage } from './mls.ts';
import { type ExecutedTransition, type Transition, Transitions } from './transitions.ts';

export type { DaveCallFaults, DaveMember } from './member-delivery.ts';
export { TRANSITION_TIMEOUT_MS } from './transitions.ts';

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
  readonly #proposals: EpochProposals;
  readonly #transitions = new Transitions((t, timedOut) => this.#execute(t, timedOut));
  readonly #view: GroupView = {
    leaves: this.leaves,
    keyPackages: this.#keyPackages,
    connected: (userId) => this.members.has(userId),
    proposed: (userId, kind) => this.#proposals.has(userId, kind),
  };
  /** 0 while no group is established; the epoch of the last announced commit after. */
  epoch = 0n;
  protocolVersion = 1;
  faults: DaveCallFaults = {};
  /** Commits refused and why, for tests. */
  readonly rejectedCommits: string[] = [];
  /** Op 31 reports: who could not process which transition. */
  readonly invalidReports: Array<{ userId: string; transitionId: number }> = [];
  /** Every executed transition (op 22 or id 0), in order. */
  readonly executed: ExecutedTransition[] = [];

  constructor(channelId: string, fail: (message: string) => void) {
    super();
    this.channelId = channelId;
    this.#fail = fail;
    this.#groupId = Buffer.alloc(8);
    this.#groupId.writeBigUInt64BE(BigInt(channelId));
    this.#proposals = new EpochProposals(this.sender, this.#groupId);
  }

  get established(): boolean {
    return this.epoch > 0n;
  }

  get transitionPending(): boolean {
    return this.#transitions.pending !== null;
  }

  /** Resolves once `predicate` holds, re-checked on every change of the call. */
  until(predicate: (call: DaveCall) => boolean, what: string, timeoutMs = 5000): Promise<DaveCall> {
    return waitForEvent(this, 'change', () => (predicate(this) ? this : undefined), timeoutMs, what);
  }

  /** Resolves once the group is established with exactly these members and no transition is pending. */
  waitForGroup(userIds: string[], timeoutMs = 5000): Promise<DaveCall> {
    const want = [...userIds].sort().join(',');
    return this.until(
      (call) =>
        call.established && !call.transitionPending && [...call.leaves.keys()].sort().join(',') === want,
      `a DAVE group of ${userIds.length} members in channel ${this.channelId}`,
      timeoutMs,
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
      for (const p of this.#proposals.shareWith(member.userId)) sendProposals(member, [p], this.faults);
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
    const waiting = new Set(this.members.keys());
    const id = this.#transitions.begin(0, waiting);
    for (const member of this.members.values()) member.json(21, { transition_id: id, protocol_version: 0 });
    if (waiting.size === 0) this.#transitions.executeNow();
    this.emit('change');
  }

  /** A member disconnected: removed from the group by an external Remove, or a sole-member reset. */
  leave(userId: string): void {
    if (!this.members.delete(userId)) return;
    this.#keyPackages.delete(userId);
    this.#revokeAdd(userId);
    this.#transitions.release(userId);
    this.#advance();
    this.emit('change');
  }

  /** Op 26. */
  keyPackage(userId: string, payload: Buffer): void {
    const kp = readKeyPackage(userId, payload);
    if (typeof kp === 'string') {
      this.#fail(`dave: ${kp}`);
      return;
    }
    // A pending member may replace its key package but never use two at once.
    this.#revokeAdd(userId);
    this.#keyPackages.set(userId, kp);
    this.#advance();
  }

  /** Withdraws an add proposal already broadcast for this user (op 27, operation 1: revoke by ref). */
  #revokeAdd(userId: string): void {
    const gone = this.#proposals.revokeAdds(userId);
    if (gone.length === 0) return;
    const recipients = new Set(gone.flatMap((p) => [...p.recipients]));
    for (const id of recipients) this.members.get(id)?.binary(27, revokePayload(gone));
  }

  /** Sends the proposals that are due: adds for pending key packages, removes for departed leaves. */
  #advance(): void {
    if (this.protocolVersion === 0 || this.transitionPending) return;
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
      this.#broadcast(dueInGroup(this.#view, groupMembers));
      return;
    }
    this.#broadcast(dueAtCreation(this.#view, [...this.members.keys()]));
  }

  /** Signs the due proposals and sends each member the ones it is to commit, in one op 27. */
  #broadcast(due: DueProposal[]): void {
    if (due.length === 0) return;
    const fresh = due.map((d) => this.#proposals.propose(d.userId, d.body, d.recipients, this.epoch));
    const byMember = new Map<string, PendingProposal[]>();
    for (const p of fresh) for (const id of p.recipients) byMember.set(id, [...(byMember.get(id) ?? []), p]);
    for (const [id, list] of byMember) {
      const member = this.members.get(id);
      if (member) sendProposals(member, list, this.faults);
    }
  }

  /** Op 28: the first valid commit of the epoch wins and is announced; others are refused. */
  commitWelcome(userId: string, payload: Buffer): void {
    const verdict = readCommit(
      {
        groupId: this.#groupId,
        epoch: this.epoch,
        transitionPending: this.transitionPending,
        committerLeaf: this.established ? this.leaves.get(userId) : 0,
        proposals: this.#proposals.list,
      },
      userId,
      payload,
    );
    if (typeof verdict === 'string') this.rejectedCommits.push(`${userId}: ${verdict}`);
    else this.#announce(userId, verdict);
  }

  #announce(committer: string, { commit, welcome, ordered }: AcceptedCommit): void {
    const before = this.established ? [...this.leaves.keys()] : [committer];
    if (!this.established) {
      this.leaves.clear();
      this.leaves.set(committer, 0);
      this.#keyPackages.delete(committer);
    }
    const added = applyToLeaves(this.leaves, ordered);
    for (const u of added) this.#keyPackages.delete(u);
    this.#proposals.clear();
    this.epoch += 1n;
    const announceTo = before.filter(
      (u) => this.leaves.has(u) && this.members.has(u) && !added.includes(u) && !this.#flagged.has(u),
    );
    for (const u of added) this.#flagged.delete(u);
    const waiting = new Set([...announceTo, ...added.filter((u) => this.members.has(u))]);
    const id = this.#transitions.begin(this.protocolVersion, waiting);
    for (const member of this.#connected(announceTo)) sendCommit(member, id, commit, this.faults);
    for (const member of this.#connected(added)) sendWelcome(member, id, welcome, this.faults);
    this.emit('change');
  }

  /** Op 23. */
  readyForTransition(userId: string, transitionId: number): void {
    this.#transitions.release(userId, transitionId);
  }

  #execute(t: Transition, timedOut: boolean): void {
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
    this.#transitions.release(userId);
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

  #connected(userIds: string[]): DaveMember[] {
    return userIds.flatMap((id) => this.members.get(id) ?? []);
  }

  #resetGroup(): void {
    this.leaves.clear();
    this.#flagged.clear();
    this.#proposals.clear();
    this.epoch = 0n;
  }

  stop(): void {
    this.#transitions.stop();
  }
}
