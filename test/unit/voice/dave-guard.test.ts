// The DAVE receive guard: which frames it drops, and what it reports, against real davey frames.
import davey from '@snazzah/davey';
import { describe, expect, it } from 'vitest';
import {
  DaveReceiveGuard,
  type DaveSessionView,
  isDaveProtocolFrame,
} from '../../../src/voice/dave-guard.ts';
import { groupOf } from '../../fakes/fake-discord/dave/group-of.ts';

const CHANNEL = '123456789012345678';
const OPUS = Buffer.from([0x78, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c]);

/** A sender and a receiver in one group through the fake gateway: a real E2EE frame and a ready session. */
function pair(): { sender: davey.DAVESession; receiver: davey.DAVESession } {
  const [sender, receiver] = groupOf(CHANNEL, ['111', '222']) as [davey.DAVESession, davey.DAVESession];
  return { sender, receiver };
}

describe('DaveReceiveGuard', () => {
  it('GIVEN a real E2EE frame THEN it passes the protocol frame check; plain Opus and silence do not', () => {
    const { sender } = pair();
    expect(isDaveProtocolFrame(sender.encryptOpus(OPUS))).toBe(true);
    expect(isDaveProtocolFrame(OPUS)).toBe(false);
    expect(isDaveProtocolFrame(Buffer.from([0xf8, 0xff, 0xfe]))).toBe(false);
    // The magic with a supplemental size larger than the frame is not a footer.
    expect(isDaveProtocolFrame(Buffer.concat([Buffer.alloc(10), Buffer.from([0xff, 0xfa, 0xfa])]))).toBe(
      false,
    );
  });

  it('GIVEN no ready session (being welcomed) THEN E2EE frames are dropped and counted, plain Opus passes', () => {
    const { sender } = pair();
    const pending = new davey.DAVESession(1, '333', CHANNEL);
    const now = 1000;
    const guard = new DaveReceiveGuard(
      () => ({ protocolVersion: 1, session: pending }) as DaveSessionView,
      () => now,
    );
    expect(guard.admit('111', sender.encryptOpus(OPUS))).toBe(false);
    expect(guard.admit('111', OPUS)).toBe(true);
    const status = guard.status([]);
    expect(status).toMatchObject({
      encrypted: false,
      protocolVersion: 1,
      decryptFailures: 1,
      privacyCode: null,
    });
  });

  it('GIVEN a ready session THEN what the library decrypted passes and the status carries epoch and privacy code', () => {
    const { receiver } = pair();
    const guard = new DaveReceiveGuard(
      () => ({ protocolVersion: 1, session: receiver }) as DaveSessionView,
      () => 0,
    );
    // Whatever its last bytes, the library's output is plain Opus once it can decrypt.
    expect(guard.admit('111', Buffer.concat([Buffer.alloc(20), Buffer.from([0x0c, 0xfa, 0xfa])]))).toBe(true);
    const status = guard.status(['111', 'not-in-the-group']);
    expect(status.encrypted).toBe(true);
    expect(status.epoch).toBe(1);
    expect(status.privacyCode).toBe(receiver.voicePrivacyCode.match(/.{5}/g)?.join(' '));
    expect(status.decryptFailures).toBe(0);
  });

  it("GIVEN the library's decrypt failures THEN they are added once, also across a reset of davey's counters", () => {
    let failures = 3;
    const session = {
      ready: true,
      canPassthrough: () => false,
      getDecryptionStats: () => ({ failures }),
    };
    const guard = new DaveReceiveGuard(
      () => ({ protocolVersion: 1, session }),
      () => 0,
    );
    expect(guard.status(['111']).decryptFailures).toBe(3);
    expect(guard.status(['111']).decryptFailures).toBe(3);
    failures = 1; // a new group: davey starts counting again
    expect(guard.status(['111']).decryptFailures).toBe(4);
  });
});
