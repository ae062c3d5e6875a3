// What the DAVE voice gateway validates (key packages, commits) and how a commit changes the tree's leaves.
import { keyPackageSignatureValid } from './external-sender.ts';
import {
  DAVE_CIPHERSUITE,
  type KeyPackage,
  MAX_LIFETIME,
  type PublicMessage,
  parseKeyPackage,
  parsePublicMessage,
} from './mls.ts';

/** An external proposal the gateway broadcast in the current epoch. */
export interface PendingProposal {
  /** ProposalRef, hex. */
  ref: string;
  message: Buffer;
  /** The user this proposal adds or removes. */
  userId: string;
  kind: 'add' | 'remove';
  recipients: Set<string>;
}

/** Op 26's key package, or why it may not be proposed (unreadable, or refused by keyPackageProblem). */
export function readKeyPackage(userId: string, payload: Buffer): KeyPackage | string {
  let kp: KeyPackage;
  try {
    kp = parseKeyPackage(payload);
  } catch (error) {
    return `unreadable key package from ${userId}: ${String(error)}`;
  }
  const problem = keyPackageProblem(userId, kp);
  return problem ? `key package from ${userId} refused: ${problem}` : kp;
}

/** Why a key package may not be proposed (basic credential of the user, maximal lifetime, signature), or null. */
function keyPackageProblem(userId: string, kp: KeyPackage): string | null {
  if (kp.version !== 1 || kp.cipherSuite !== DAVE_CIPHERSUITE)
    return `MLS version ${kp.version} / ciphersuite ${kp.cipherSuite}, expected 1 / 2`;
  if (kp.leaf.credentialType !== 1) return 'not a basic credential';
  if (kp.leaf.identity !== BigInt(userId)) return `credential identity ${kp.leaf.identity} is not the user`;
  if (kp.leaf.lifetime?.notBefore !== 0n || kp.leaf.lifetime.notAfter !== MAX_LIFETIME)
    return 'lifetime is not the maximal span';
  if (!keyPackageSignatureValid(kp)) return 'bad KeyPackageTBS signature';
  return null;
}

/** The gateway's view of the group when a commit arrives. */
export interface CommitContext {
  groupId: Buffer;
  epoch: bigint;
  /** A commit of this epoch already won (its transition is running). */
  transitionPending: boolean;
  /** The committer's leaf: its leaf in the group, or 0 when it creates the group. */
  committerLeaf: number | undefined;
  /** The unrevoked proposals of the epoch. */
  proposals: PendingProposal[];
}

/** An op 28 the gateway accepted: the commit to announce, its Welcome, and the proposals in its order. */
export interface AcceptedCommit {
  commit: Buffer;
  welcome: Buffer;
  ordered: PendingProposal[];
}

/** Op 28's commit and Welcome, judged by judgeCommit; or why it is refused. */
export function readCommit(ctx: CommitContext, userId: string, payload: Buffer): AcceptedCommit | string {
  let parsed: ReturnType<typeof parsePublicMessage>;
  try {
    parsed = parsePublicMessage(payload);
  } catch (error) {
    return `unreadable commit: ${String(error)}`;
  }
  const { message, rest: welcome } = parsed;
  const verdict = judgeCommit(ctx, userId, message, welcome);
  return typeof verdict === 'string' ? verdict : { commit: message.bytes, welcome, ordered: verdict };
}

/**
 * What real Discord checks in a commit (op 28): right group and epoch, the first of the epoch, sent
 * by the committer's own leaf, no change of its credential, and references to exactly the pending
 * proposals it was sent. Returns the proposals in the commit's order, or why it is refused.
 */
function judgeCommit(
  ctx: CommitContext,
  userId: string,
  message: PublicMessage,
  welcome: Buffer,
): PendingProposal[] | string {
  if (message.content.type !== 'commit') return 'op 28 without a commit';
  if (!message.groupId.equals(ctx.groupId)) return 'commit for another group';
  if (ctx.transitionPending) return `a commit for epoch ${message.epoch} already won`;
  if (message.epoch !== ctx.epoch) return `commit for epoch ${message.epoch}, the group is at ${ctx.epoch}`;
  const sender = message.sender;
  if (sender.type !== 'member' || sender.index !== ctx.committerLeaf)
    return `commit sender is not ${userId}'s leaf ${ctx.committerLeaf}`;
  const leaf = message.content.pathLeaf;
  if (leaf && leaf.identity !== BigInt(userId)) return "commit changes the committer's credential";
  const expected = ctx.proposals.filter((p) => p.recipients.has(userId));
  const refs = message.content.proposals.map((p) => (p.kind === 'ref' ? p.ref.toString('hex') : 'inline'));
  const sameSet =
    refs.length === expected.length &&
    expected.every((p) => refs.includes(p.ref)) &&
    !refs.includes('inline');
  if (!sameSet) return 'commit does not reference exactly the pending proposals';
  const ordered = refs.map((ref) => expected.find((p) => p.ref === ref) as PendingProposal);
  if (ordered.some((p) => p.kind === 'add') && welcome.length === 0)
    return 'commit adds members without a Welcome';
  return ordered;
}

/** Applies a commit to the leaves (RFC 9420 §12.3: removes first, then adds fill the leftmost blank leaf); returns who was added. */
export function applyToLeaves(leaves: Map<string, number>, ordered: PendingProposal[]): string[] {
  for (const p of ordered) if (p.kind === 'remove') leaves.delete(p.userId);
  const added: string[] = [];
  for (const p of ordered) {
    if (p.kind !== 'add') continue;
    const taken = new Set(leaves.values());
    let index = 0;
    while (taken.has(index)) index++;
    leaves.set(p.userId, index);
    added.push(p.userId);
  }
  return added;
}
