// How the gateway's DAVE messages reach a member of the call, and the faults a test injects on the way.
import { appendPayload } from './epoch-proposals.ts';
import type { PendingProposal } from './gateway-rules.ts';

/** How a member of the call hears from the gateway (the bot's websocket, or a simulated client). */
export interface DaveMember {
  readonly userId: string;
  readonly kind: 'bot' | 'human';
  json(op: number, d: Record<string, unknown>): void;
  binary(op: number, payload: Buffer): void;
}

/** Faults for the next matching message; each is used up when it fires (but `always`). */
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

/** Op 27: proposals for the member to commit. */
export function sendProposals(member: DaveMember, list: PendingProposal[], faults: DaveCallFaults): void {
  if (faults.dropProposalFor === member.userId) {
    delete faults.dropProposalFor;
    return;
  }
  member.binary(27, appendPayload(list));
}

/** Op 29: the commit that won transition `id`, for a member already in the group. */
export function sendCommit(member: DaveMember, id: number, commit: Buffer, faults: DaveCallFaults): void {
  const corrupt = faults.corruptCommitFor === member.userId;
  if (corrupt) delete faults.corruptCommitFor;
  member.binary(29, withTransitionId(id, corrupt ? flipByte(commit) : commit));
}

/** Op 30: the Welcome of transition `id`, for a member the commit adds. */
export function sendWelcome(member: DaveMember, id: number, welcome: Buffer, faults: DaveCallFaults): void {
  const lose = faults.loseWelcomesFor;
  if (lose?.userId === member.userId) {
    if (lose.times === 'once') delete faults.loseWelcomesFor;
    return;
  }
  const corrupt = faults.corruptWelcomeFor === member.userId;
  if (corrupt) delete faults.corruptWelcomeFor;
  member.binary(30, withTransitionId(id, corrupt ? flipByte(welcome) : welcome));
}

/** Ops 29 and 30 carry the transition id before the commit or Welcome (uint16, big-endian). */
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
