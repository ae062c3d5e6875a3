// The voice datagram guard in front of the real @discordjs/voice receiver.
import { randomBytes } from 'node:crypto';
import {
  type AudioReceiveStream,
  type VoiceConnection,
  VoiceConnectionStatus,
  VoiceReceiver,
} from '@discordjs/voice';
import { describe, expect, it } from 'vitest';
import {
  classifyDatagram,
  type DatagramRejection,
  guardReceiver,
} from '../../../src/voice/datagram-guard.ts';
import { encryptRtp } from '../../fakes/fake-discord/rtp.ts';
import { headerVariants, hostileDatagrams, lengthSweep } from '../../helpers/hostile-datagrams.ts';

const SSRC = 4242;
const MODE = 'aead_aes256_gcm_rtpsize';

/** A real receiver with one mapped, subscribed speaker and session keys, as after SESSION_DESCRIPTION. */
function receiverWithSpeaker() {
  // The receiver only reads `state.status` of its connection (for DAVE); signalling means no DAVE.
  const connection = { state: { status: VoiceConnectionStatus.Signalling } } as unknown as VoiceConnection;
  const receiver = new VoiceReceiver(connection);
  const key = randomBytes(32);
  receiver.connectionData = {
    encryptionMode: MODE,
    secretKey: new Uint8Array(key),
    nonceBuffer: Buffer.alloc(12),
  };
  receiver.ssrcMap.update({ userId: 'alice', audioSSRC: SSRC });
  const stream: AudioReceiveStream = receiver.subscribe('alice');
  const packets: Buffer[] = [];
  const errors: Error[] = [];
  stream.on('data', (p: Buffer) => packets.push(p));
  stream.on('error', (e: Error) => errors.push(e));
  return { receiver, key, stream, packets, errors };
}

describe('classifyDatagram', () => {
  it('GIVEN every length 0–40 and every header variant THEN each gets the verdict its shape deserves', () => {
    for (const { name, datagram, verdict } of [...lengthSweep(SSRC), ...headerVariants(SSRC)]) {
      expect(classifyDatagram(datagram, MODE).kind, name).toBe(verdict);
    }
  });

  it('GIVEN the reasons THEN short, version, CSRC, extension, padding and ciphertext are told apart', () => {
    const reason = (d: Buffer) => {
      const v = classifyDatagram(d, MODE);
      return v.kind === 'rejected' ? v.reason : v.kind;
    };
    const byName = new Map(headerVariants(SSRC).map((d) => [d.name, d.datagram]));
    const of = (name: string) => reason(byName.get(name) ?? Buffer.alloc(0));
    expect(reason(Buffer.alloc(10, 0x80))).toBe('short');
    expect(of('version 1')).toBe('version');
    expect(of('2 CSRCs')).toBe('csrc');
    expect(of('X, extension longer than the packet')).toBe('extension');
    expect(of('0xBEDE without the X bit')).toBe('extension');
    expect(of('P, no room for a padding count')).toBe('padding');
    expect(of('P and X, padding over the extension')).toBe('padding');
    expect(reason(lengthSweep(SSRC)[20]?.datagram ?? Buffer.alloc(0))).toBe('ciphertext');
  });

  it('GIVEN an IP-discovery reply, a keep-alive echo or audio before the keys THEN it is ignored, not counted', () => {
    const discovery = Buffer.alloc(74);
    discovery.writeUInt16BE(2, 0);
    discovery.writeUInt16BE(70, 2);
    expect(classifyDatagram(discovery, MODE).kind).toBe('ignored');
    expect(classifyDatagram(Buffer.alloc(8), MODE).kind).toBe('ignored');
    expect(classifyDatagram(Buffer.alloc(60, 0x80).fill(0x78, 1, 2), undefined).kind).toBe('ignored');
    expect(classifyDatagram(Buffer.alloc(60, 0x80).fill(0x78, 1, 2), 'xsalsa20_poly1305')).toEqual({
      kind: 'rejected',
      reason: 'mode',
    });
  });
});

describe('guardReceiver on the real VoiceReceiver', () => {
  it('GIVEN no guard THEN a 10-byte datagram throws out of the library (the crash this guard exists for)', () => {
    const { receiver } = receiverWithSpeaker();
    expect(() => receiver.onUdpMessage(Buffer.alloc(10, 0x80))).toThrow(/out of range/i);
  });

  it('GIVEN the guard and every hostile datagram THEN nothing throws, each rejected one is counted and real audio still arrives', async () => {
    const { receiver, key, packets } = receiverWithSpeaker();
    const reasons: DatagramRejection[] = [];
    guardReceiver(receiver, { onReject: (reason) => reasons.push(reason) });
    const { all, rejected } = hostileDatagrams(SSRC);
    const sendReal = (seq: number) =>
      receiver.onUdpMessage(
        encryptRtp({ seq, timestamp: seq * 960, ssrc: SSRC }, Buffer.from([0xf8, 0xff, 0xfe]), key, seq),
      );
    sendReal(1);
    // Only the structurally sound ones reach decryption, where they fail authentication: those
    // destroy the subscription (the library's behaviour), so they are sent last.
    const sound = all.filter((d) => d.verdict === 'audio');
    for (const { datagram } of all.filter((d) => d.verdict !== 'audio')) {
      expect(() => receiver.onUdpMessage(datagram)).not.toThrow();
    }
    sendReal(2);
    await new Promise((resolve) => setImmediate(resolve)); // stream 'data' is delivered on a later tick
    expect(packets.map((p) => p.toString('hex'))).toEqual(['f8fffe', 'f8fffe']);
    for (const { datagram } of sound) expect(() => receiver.onUdpMessage(datagram)).not.toThrow();
    expect(reasons).toHaveLength(rejected);
    expect(rejected).toBeGreaterThan(40);
  });

  it('GIVEN the library throws on a shape the guard lets through THEN the guard counts it as "library" and does not throw', () => {
    const { receiver } = receiverWithSpeaker();
    receiver.onUdpMessage = () => {
      throw new RangeError('a parser bug we do not know yet');
    };
    const reasons: DatagramRejection[] = [];
    guardReceiver(receiver, { onReject: (reason) => reasons.push(reason) });
    const audio = headerVariants(SSRC).find((d) => d.verdict === 'audio')?.datagram ?? Buffer.alloc(0);
    expect(() => receiver.onUdpMessage(audio)).not.toThrow();
    expect(reasons).toEqual(['library']);
  });
});
