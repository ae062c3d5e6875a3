// The few MLS 1.0 structures a DAVE voice gateway reads and writes (RFC 9420 §6, §10, §12), ciphersuite 2.
import { createHash } from 'node:crypto';
import { TlsReader, TlsWriter } from './tls.ts';

export const MLS_VERSION_10 = 1;
/** DHKEMP256_AES128GCM_SHA256_P256, the only ciphersuite of DAVE protocol version 1. */
export const DAVE_CIPHERSUITE = 2;
export const CREDENTIAL_BASIC = 1;
const WIRE_PUBLIC_MESSAGE = 1;
const WIRE_KEY_PACKAGE = 5;
const CONTENT_PROPOSAL = 2;
const CONTENT_COMMIT = 3;
const SENDER_MEMBER = 1;
const SENDER_EXTERNAL = 2;
const PROPOSAL_ADD = 1;
const PROPOSAL_REMOVE = 3;
const PROPOSAL_OR_REF_PROPOSAL = 1;
const PROPOSAL_OR_REF_REFERENCE = 2;
const LEAF_SOURCE_KEY_PACKAGE = 1;
const LEAF_SOURCE_COMMIT = 3;
export const MAX_LIFETIME = 2n ** 64n - 1n;

export interface LeafNode {
  signatureKey: Buffer;
  credentialType: number;
  /** Basic credential identity as a big-endian u64 (the user's snowflake), null for other types. */
  identity: bigint | null;
  lifetime: { notBefore: bigint; notAfter: bigint } | null;
}

export interface KeyPackage {
  /** The bare KeyPackage bytes (what an Add proposal carries). */
  bytes: Buffer;
  version: number;
  cipherSuite: number;
  leaf: LeafNode;
  /** KeyPackageTBS and its signature, for SignWithLabel verification. */
  tbs: Buffer;
  signature: Buffer;
}

export type Proposal = { type: 'add'; keyPackage: KeyPackage } | { type: 'remove'; leafIndex: number };

export type ProposalOrRef = { kind: 'proposal'; proposal: Proposal } | { kind: 'ref'; ref: Buffer };

export interface PublicMessage {
  groupId: Buffer;
  epoch: bigint;
  sender: { type: 'member' | 'external'; index: number } | { type: 'other' };
  content:
    | { type: 'proposal'; proposal: Proposal }
    | { type: 'commit'; proposals: ProposalOrRef[]; pathLeaf: LeafNode | null };
  /** The whole MLSMessage as received. */
  bytes: Buffer;
}

/** SignContent of SignWithLabel / VerifyWithLabel: the bytes that ECDSA signs. */
export function signContent(label: string, content: Uint8Array): Buffer {
  return new TlsWriter()
    .vector(Buffer.from(`MLS 1.0 ${label}`))
    .vector(content)
    .bytes();
}

/** RefHash(label, value) with SHA-256 (ciphersuite 2). */
export function refHash(label: string, value: Uint8Array): Buffer {
  const input = new TlsWriter().vector(Buffer.from(label)).vector(value).bytes();
  return createHash('sha256').update(input).digest();
}

/** A basic credential whose identity is a snowflake as a big-endian u64. */
export function basicCredential(identity: bigint): Buffer {
  return new TlsWriter().u16(CREDENTIAL_BASIC).vector(u64(identity)).bytes();
}

/** The ExternalSender structure of op 25: signature public key and credential. */
export function encodeExternalSender(signatureKey: Buffer, identity: bigint): Buffer {
  return new TlsWriter().vector(signatureKey).raw(basicCredential(identity)).bytes();
}

function u64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(value);
  return b;
}

/** FramedContent of an external proposal, and the FramedContentTBS the external sender signs. */
export function externalProposalContent(
  groupId: Buffer,
  epoch: bigint,
  proposal: { type: 'add'; keyPackage: Buffer } | { type: 'remove'; leafIndex: number },
): { content: Buffer; tbs: Buffer } {
  const body =
    proposal.type === 'add'
      ? new TlsWriter().u16(PROPOSAL_ADD).raw(proposal.keyPackage).bytes()
      : new TlsWriter().u16(PROPOSAL_REMOVE).u32(proposal.leafIndex).bytes();
  const content = new TlsWriter()
    .vector(groupId)
    .u64(epoch)
    .u8(SENDER_EXTERNAL)
    .u32(0)
    .vector(Buffer.alloc(0))
    .u8(CONTENT_PROPOSAL)
    .raw(body)
    .bytes();
  // An external sender's TBS has no GroupContext (RFC 9420 §6.1).
  const tbs = new TlsWriter().u16(MLS_VERSION_10).u16(WIRE_PUBLIC_MESSAGE).raw(content).bytes();
  return { content, tbs };
}

/** The MLSMessage of a signed external proposal (no membership tag for external senders). */
export function externalProposalMessage(content: Buffer, signature: Buffer): Buffer {
  return new TlsWriter().u16(MLS_VERSION_10).u16(WIRE_PUBLIC_MESSAGE).raw(content).vector(signature).bytes();
}

/** ProposalRef of a proposal sent as a PublicMessage: RefHash over its AuthenticatedContent. */
export function proposalRef(message: Buffer): Buffer {
  // AuthenticatedContent = wire_format || FramedContent || auth: the MLSMessage minus its version.
  return refHash('MLS 1.0 Proposal Reference', message.subarray(2));
}

function readLeafNode(r: TlsReader): LeafNode {
  r.vector(); // encryption_key
  const signatureKey = r.vector();
  const credentialType = r.u16();
  let identity: bigint | null = null;
  if (credentialType === CREDENTIAL_BASIC) {
    const id = r.vector();
    identity = id.length === 8 ? id.readBigUInt64BE(0) : null;
  } else {
    r.vector(); // x509 certificate chain
  }
  for (let i = 0; i < 5; i++) r.vector(); // capabilities: versions, suites, extensions, proposals, credentials
  const source = r.u8();
  let lifetime: LeafNode['lifetime'] = null;
  if (source === LEAF_SOURCE_KEY_PACKAGE) lifetime = { notBefore: r.u64(), notAfter: r.u64() };
  else if (source === LEAF_SOURCE_COMMIT) r.vector(); // parent_hash
  r.vector(); // extensions
  r.vector(); // signature
  return { signatureKey, credentialType, identity, lifetime };
}

function readKeyPackage(r: TlsReader): KeyPackage {
  const start = r.offset;
  const version = r.u16();
  const cipherSuite = r.u16();
  r.vector(); // init_key
  const leaf = readLeafNode(r);
  r.vector(); // extensions
  const tbs = r.slice(start);
  const signature = r.vector();
  return { bytes: Buffer.from(r.slice(start)), version, cipherSuite, leaf, tbs: Buffer.from(tbs), signature };
}

/** Op 26: a bare KeyPackage (what davey sends) or one wrapped in an MLSMessage. */
export function parseKeyPackage(payload: Buffer): KeyPackage {
  const wrapped = payload.length >= 4 && payload.readUInt16BE(2) === WIRE_KEY_PACKAGE;
  const r = new TlsReader(wrapped ? payload.subarray(4) : payload);
  const kp = readKeyPackage(r);
  if (r.remaining !== 0) throw new Error(`key package has ${r.remaining} trailing bytes`);
  return kp;
}

function readProposal(r: TlsReader): Proposal {
  const type = r.u16();
  if (type === PROPOSAL_ADD) return { type: 'add', keyPackage: readKeyPackage(r) };
  if (type === PROPOSAL_REMOVE) return { type: 'remove', leafIndex: r.u32() };
  throw new Error(`proposal type ${type} is not allowed in DAVE (only add and remove)`);
}

function readProposalOrRef(r: TlsReader): ProposalOrRef {
  const kind = r.u8();
  if (kind === PROPOSAL_OR_REF_PROPOSAL) return { kind: 'proposal', proposal: readProposal(r) };
  if (kind === PROPOSAL_OR_REF_REFERENCE) return { kind: 'ref', ref: Buffer.from(r.vector()) };
  throw new Error(`unknown ProposalOrRef type ${kind}`);
}

/**
 * Reads one MLSMessage holding a PublicMessage (proposal or commit) from the start of `payload`;
 * returns it and the bytes that follow it (op 28 appends the Welcome after the commit).
 */
export function parsePublicMessage(payload: Buffer): { message: PublicMessage; rest: Buffer } {
  const r = new TlsReader(payload);
  const version = r.u16();
  const wireFormat = r.u16();
  if (version !== MLS_VERSION_10) throw new Error(`MLS version ${version}, expected 1 (MLS 1.0)`);
  if (wireFormat !== WIRE_PUBLIC_MESSAGE)
    throw new Error(`wire format ${wireFormat}, expected a PublicMessage`);
  const groupId = Buffer.from(r.vector());
  const epoch = r.u64();
  const senderType = r.u8();
  const sender: PublicMessage['sender'] =
    senderType === SENDER_MEMBER || senderType === SENDER_EXTERNAL
      ? { type: senderType === SENDER_MEMBER ? 'member' : 'external', index: r.u32() }
      : { type: 'other' };
  r.vector(); // authenticated_data
  const contentType = r.u8();
  let content: PublicMessage['content'];
  if (contentType === CONTENT_PROPOSAL) {
    content = { type: 'proposal', proposal: readProposal(r) };
  } else if (contentType === CONTENT_COMMIT) {
    const proposals = r.list(readProposalOrRef);
    const pathLeaf = r.u8() === 1 ? readLeafNode(r) : null;
    if (pathLeaf) r.vector(); // UpdatePath nodes
    content = { type: 'commit', proposals, pathLeaf };
  } else {
    throw new Error(`content type ${contentType} is not a handshake message`);
  }
  r.vector(); // signature
  if (contentType === CONTENT_COMMIT) r.vector(); // confirmation_tag
  if (senderType === SENDER_MEMBER) r.vector(); // membership_tag
  const bytes = Buffer.from(payload.subarray(0, r.offset));
  return { message: { groupId, epoch, sender, content, bytes }, rest: Buffer.from(r.rest()) };
}
