// The fake gateway's DAVE pieces against real davey sessions: TLS codec, key packages, commit rules, frame check.
import davey from '@snazzah/davey';
import { describe, expect, it } from 'vitest';
import { DaveCall, type DaveMember } from '../../fakes/fake-discord/dave/call.ts';
import { verifyWithLabel } from '../../fakes/fake-discord/dave/external-sender.ts';
import { isProtocolFrame } from '../../fakes/fake-discord/dave/frame-check.ts';
import {
  externalProposalContent,
  parseKeyPackage,
  parsePublicMessage,
} from '../../fakes/fake-discord/dave/mls.ts';
import { TlsReader, TlsWriter } from '../../fakes/fake-discord/dave/tls.ts';

const CHANNEL = '123456789012345678';

/** A member that records what the gateway sent it and answers nothing by itself. */
class Recorder implements DaveMember {
  readonly kind = 'human' as const;
  readonly userId: string;
  readonly session: davey.DAVESession;
  readonly got: Array<{ op: number; payload: Buffer | Record<string, unknown> }> = [];
  constructor(userId: string) {
    this.userId = userId;
    this.session = new davey.DAVESession(1, userId, CHANNEL);
  }
  json(op: number, d: Record<string, unknown>): void {
    this.got.push({ op, payload: d });
  }
  binary(op: number, payload: Buffer): void {
    if (op === 25) this.session.setExternalSender(payload);
    this.got.push({ op, payload });
  }
  last(op: number): Buffer {
    const m = this.got.filter((g) => g.op === op).at(-1);
    if (!m || !Buffer.isBuffer(m.payload)) throw new Error(`no binary op ${op} for ${this.userId}`);
    return m.payload;
  }
  commit(): Buffer {
    const p = this.last(27);
    const r = this.session.processProposals(p.readUInt8(0), p.subarray(1), ['111', '222', '333']);
    if (!r.commit) throw new Error('no commit');
    return r.welcome ? Buffer.concat([r.commit, r.welcome]) : r.commit;
  }
}

function callWith(...ids: string[]): { call: DaveCall; members: Recorder[]; failures: string[] } {
  const failures: string[] = [];
  const call = new DaveCall(CHANNEL, (m) => failures.push(m));
  const members = ids.map((id) => new Recorder(id));
  for (const m of members) call.join(m);
  for (const m of members) call.keyPackage(m.userId, m.session.getSerializedKeyPackage());
  return { call, members, failures };
}

describe('MLS TLS codec', () => {
  it('GIVEN vector lengths at every varint boundary THEN they read back exactly', () => {
    for (const n of [0, 63, 64, 16_383, 16_384]) {
      const bytes = new TlsWriter().vector(Buffer.alloc(n, 7)).u8(9).bytes();
      const r = new TlsReader(bytes);
      expect(r.vector().length).toBe(n);
      expect(r.u8()).toBe(9);
    }
    expect(() => new TlsReader(Buffer.from([0x45])).vector()).toThrow(/truncated/);
  });

  it("GIVEN davey's bare key package or the same wrapped in an MLSMessage THEN both parse to the user's credential", () => {
    const session = new davey.DAVESession(1, '111', CHANNEL);
    const bare = session.getSerializedKeyPackage();
    const wrapped = Buffer.concat([Buffer.from([0, 1, 0, 5]), bare]);
    for (const kp of [parseKeyPackage(bare), parseKeyPackage(wrapped)]) {
      expect(kp.leaf.identity).toBe(111n);
      expect(kp.cipherSuite).toBe(2);
      expect(kp.bytes.equals(bare)).toBe(true);
    }
  });
});

describe('the fake DAVE delivery service', () => {
  it('GIVEN an external proposal THEN its signature verifies with the op 25 key over FramedContentTBS', () => {
    const { call, members } = callWith('111', '222');
    const proposals = members[0]?.last(27) as Buffer;
    const message = new TlsReader(proposals.subarray(1)).vector();
    const parsed = parsePublicMessage(message).message.content;
    if (parsed.type !== 'proposal' || parsed.proposal.type !== 'add') throw new Error('not an add proposal');
    const kp = parsed.proposal.keyPackage;
    expect(kp.leaf.identity).toBe(222n);
    const groupId = Buffer.alloc(8);
    groupId.writeBigUInt64BE(BigInt(CHANNEL));
    // The MLSMessage is the TBS (version, wire format, FramedContent) followed by signature<V>.
    const { tbs } = externalProposalContent(groupId, 0n, { type: 'add', keyPackage: kp.bytes });
    expect(message.subarray(0, tbs.length).equals(tbs)).toBe(true);
    const signature = new TlsReader(message.subarray(tbs.length)).vector();
    expect(verifyWithLabel(call.sender.publicKey, 'FramedContentTBS', tbs, signature)).toBe(true);
    const tampered = Buffer.from(tbs);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(verifyWithLabel(call.sender.publicKey, 'FramedContentTBS', tampered, signature)).toBe(false);
  });

  it('GIVEN two commits for the same epoch THEN the first wins and the second is refused', () => {
    const { call, members } = callWith('111', '222');
    const [a, b] = members as [Recorder, Recorder];
    const fromA = a.commit();
    const fromB = b.commit();
    call.commitWelcome('111', fromA);
    call.commitWelcome('222', fromB);
    expect(call.rejectedCommits).toEqual([expect.stringContaining('already won')]);
    expect(a.got.some((g) => g.op === 29)).toBe(true);
    expect(b.got.some((g) => g.op === 30)).toBe(true);
    expect(call.leaves).toEqual(
      new Map([
        ['111', 0],
        ['222', 1],
      ]),
    );
    call.stop();
  });

  it('GIVEN a commit that leaves out a pending proposal THEN it is refused', () => {
    const { call, members } = callWith('111', '222', '333');
    const a = members[0] as Recorder;
    // Only the first of the two proposals a received is processed: its commit misses one.
    const all = a.got.filter((g) => g.op === 27).map((g) => g.payload as Buffer);
    const r = a.session.processProposals(0, (all[0] as Buffer).subarray(1), ['111', '222', '333']);
    call.commitWelcome('111', Buffer.concat([r.commit as Buffer, r.welcome as Buffer]));
    expect(call.rejectedCommits).toEqual([expect.stringContaining('exactly the pending proposals')]);
    expect(call.established).toBe(false);
  });

  it('GIVEN a key package whose credential names another user THEN it is refused', () => {
    const failures: string[] = [];
    const call = new DaveCall(CHANNEL, (m) => failures.push(m));
    call.keyPackage('222', new davey.DAVESession(1, '111', CHANNEL).getSerializedKeyPackage());
    expect(failures).toEqual([expect.stringContaining('identity 111 is not the user')]);
  });

  it('GIVEN frames THEN only a well-formed DAVE footer passes the protocol frame check', () => {
    const { call, members } = callWith('111', '222');
    const [a, b] = members as [Recorder, Recorder];
    call.commitWelcome('111', a.commit());
    a.session.processCommit((a.last(29) as Buffer).subarray(2));
    b.session.processWelcome((b.last(30) as Buffer).subarray(2));
    const frame = a.session.encryptOpus(Buffer.from('an opus frame'));
    expect(isProtocolFrame(frame)).toBe(true);
    expect(isProtocolFrame(Buffer.from('an opus frame'))).toBe(false);
    const badSize = Buffer.from(frame);
    badSize[badSize.length - 3] = 0xff;
    expect(isProtocolFrame(badSize)).toBe(false);
    expect(b.session.decrypt('111', 0, frame).toString()).toBe('an opus frame');
    call.stop();
  });
});
