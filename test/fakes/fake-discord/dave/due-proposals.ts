// Which external proposals the DAVE gateway owes a group now, decided from its view of members, leaves and key packages.
import type { ProposalBody } from './epoch-proposals.ts';
import type { KeyPackage } from './mls.ts';

/** A proposal to sign and send to `recipients`. */
export interface DueProposal {
  userId: string;
  body: ProposalBody;
  recipients: string[];
}

export interface GroupView {
  /** Leaf index of every member of the established group. */
  leaves: ReadonlyMap<string, number>;
  /** Key packages waiting to be added (a new member, or one re-keying). */
  keyPackages: ReadonlyMap<string, KeyPackage>;
  connected(userId: string): boolean;
  /** Whether a proposal of this kind (or of any) for the user is already out in this epoch. */
  proposed(userId: string, kind?: 'add' | 'remove'): boolean;
}

/**
 * An established group: a Remove for every leaf whose member left or sent a new key package, and
 * an Add for every waiting key package (a re-keying member only alongside its Remove), each to the
 * members that can commit.
 */
export function dueInGroup(view: GroupView, committers: string[]): DueProposal[] {
  const due: DueProposal[] = [];
  for (const [userId, leaf] of view.leaves) {
    if (view.connected(userId) && !view.keyPackages.has(userId)) continue;
    if (view.proposed(userId, 'remove')) continue;
    due.push({ userId, body: { type: 'remove', leafIndex: leaf }, recipients: committers });
  }
  const removing = (userId: string) =>
    view.proposed(userId, 'remove') || due.some((d) => d.userId === userId);
  for (const [userId, kp] of view.keyPackages) {
    if (view.leaves.has(userId) && !removing(userId)) continue;
    if (view.proposed(userId, 'add')) continue;
    due.push({ userId, body: { type: 'add', keyPackage: kp.bytes }, recipients: committers });
  }
  return due;
}

/** Creating the group: each key package not yet proposed goes to every other member of the call. */
export function dueAtCreation(view: GroupView, memberIds: string[]): DueProposal[] {
  const due: DueProposal[] = [];
  for (const [userId, kp] of view.keyPackages) {
    if (view.proposed(userId)) continue;
    const others = memberIds.filter((id) => id !== userId);
    due.push({ userId, body: { type: 'add', keyPackage: kp.bytes }, recipients: others });
  }
  return due;
}
