// The external proposals the gateway broadcast in a DAVE group's current epoch, and their op 27 payloads.
import type { ExternalSender } from './external-sender.ts';
import type { PendingProposal } from './gateway-rules.ts';
import { proposalRef } from './mls.ts';
import { TlsWriter } from './tls.ts';

export type ProposalBody = { type: 'add'; keyPackage: Buffer } | { type: 'remove'; leafIndex: number };

/** Op 27's operation byte: append these proposals, or revoke these refs. */
const APPEND = 0;
const REVOKE = 1;

export class EpochProposals {
  readonly #sender: ExternalSender;
  readonly #groupId: Buffer;
  #list: PendingProposal[] = [];

  constructor(sender: ExternalSender, groupId: Buffer) {
    this.#sender = sender;
    this.#groupId = groupId;
  }

  get list(): PendingProposal[] {
    return this.#list;
  }

  /** Whether a proposal for `userId` (of this kind, or of any) is pending. */
  has(userId: string, kind?: 'add' | 'remove'): boolean {
    return this.#list.some((p) => p.userId === userId && (kind === undefined || p.kind === kind));
  }

  /** A member who joined while the group is being created gets the others' proposals; returns them. */
  shareWith(userId: string): PendingProposal[] {
    const others = this.#list.filter((p) => p.userId !== userId);
    for (const p of others) p.recipients.add(userId);
    return others;
  }

  /** Signs a proposal for epoch `epoch` as the external sender and keeps it; it is not sent yet. */
  propose(userId: string, body: ProposalBody, recipients: string[], epoch: bigint): PendingProposal {
    const message = this.#sender.propose(this.#groupId, epoch, body);
    const p: PendingProposal = {
      ref: proposalRef(message).toString('hex'),
      message,
      userId,
      kind: body.type,
      recipients: new Set(recipients),
    };
    this.#list.push(p);
    return p;
  }

  /** Withdraws the add proposals for `userId`; returns them (their recipients are to be told). */
  revokeAdds(userId: string): PendingProposal[] {
    const gone = this.#list.filter((p) => p.kind === 'add' && p.userId === userId);
    this.#list = this.#list.filter((p) => !gone.includes(p));
    return gone;
  }

  clear(): void {
    this.#list = [];
  }
}

/** Op 27 that hands these proposals to a member. */
export function appendPayload(list: readonly PendingProposal[]): Buffer {
  const vector = new TlsWriter().vector(Buffer.concat(list.map((p) => p.message))).bytes();
  return Buffer.concat([Buffer.from([APPEND]), vector]);
}

/** Op 27 that withdraws these proposals by ref. */
export function revokePayload(list: readonly PendingProposal[]): Buffer {
  const refs = new TlsWriter();
  for (const p of list) refs.vector(Buffer.from(p.ref, 'hex'));
  const vector = new TlsWriter().vector(refs.bytes()).bytes();
  return Buffer.concat([Buffer.from([REVOKE]), vector]);
}
