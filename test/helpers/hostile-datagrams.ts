// Malformed and hostile voice UDP datagrams, each with what the bot's datagram guard must make of it.
import { randomBytes } from 'node:crypto';

export interface HostileDatagram {
  name: string;
  datagram: Buffer;
  /** rejected: dropped and counted; ignored: not audio, dropped uncounted; audio: reaches the library. */
  verdict: 'rejected' | 'ignored' | 'audio';
}

const HEADER_BYTES = 12;
/** Header + 16-byte tag + 4-byte nonce: an rtpsize packet this long has no ciphertext at all. */
const EMPTY_PACKET_BYTES = HEADER_BYTES + 16 + 4;

/** An RTP v2 / Opus header for `ssrc` followed by `bodyBytes` random bytes, with `first` as byte 0. */
function rtp(ssrc: number, bodyBytes: number, first = 0x80): Buffer {
  const packet = Buffer.concat([Buffer.alloc(HEADER_BYTES), randomBytes(bodyBytes)]);
  packet[0] = first;
  packet[1] = 0x78;
  packet.writeUInt16BE(0x1234, 2);
  packet.writeUInt32BE(0x5678, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
  // Random ciphertext must not look like a one-byte extension profile by chance.
  if (packet.length >= 14 && packet.readUInt16BE(12) === 0xbede) packet[12] = 0;
  return packet;
}

/** The first `length` bytes of an RTP header for `ssrc`, then random bytes: every length 0–40. */
export function lengthSweep(ssrc: number): HostileDatagram[] {
  const out: HostileDatagram[] = [];
  for (let length = 0; length <= 40; length++) {
    const datagram = rtp(ssrc, Math.max(0, length - HEADER_BYTES)).subarray(0, length);
    // 8 bytes is a keep-alive echo; from 33 bytes on there is ciphertext to (fail to) decrypt.
    const verdict = length === 8 ? 'ignored' : length > EMPTY_PACKET_BYTES ? 'audio' : 'rejected';
    out.push({ name: `${length} bytes`, datagram: Buffer.from(datagram), verdict });
  }
  return out;
}

/** Every RTP header variant: version, CSRCs, X with short and long extensions, P, payload type. */
export function headerVariants(ssrc: number): HostileDatagram[] {
  const withExtension = (words: number, bodyBytes: number, profile = 0xbede, first = 0x90) => {
    const packet = rtp(ssrc, bodyBytes, first);
    packet.writeUInt16BE(profile, 12);
    packet.writeUInt16BE(words, 14);
    return packet;
  };
  const notX = rtp(ssrc, 40);
  notX.writeUInt16BE(0xbede, 12);
  const rtcp = rtp(ssrc, 40);
  rtcp[1] = 200; // an RTCP sender report, not audio
  const variants: HostileDatagram[] = [
    { name: 'version 0', datagram: rtp(ssrc, 40, 0x00), verdict: 'rejected' },
    { name: 'version 1', datagram: rtp(ssrc, 40, 0x40), verdict: 'rejected' },
    { name: 'version 3', datagram: rtp(ssrc, 40, 0xc0), verdict: 'rejected' },
    { name: '2 CSRCs', datagram: rtp(ssrc, 40, 0x82), verdict: 'rejected' },
    { name: '15 CSRCs, too short for them', datagram: rtp(ssrc, 8, 0x8f), verdict: 'rejected' },
    // 4-byte extension header + 20-byte trailer + 40 bytes: 3 words of extension fit, 20 do not.
    { name: 'X, short extension (fits)', datagram: withExtension(3, 44), verdict: 'audio' },
    { name: 'X, extension longer than the packet', datagram: withExtension(20, 44), verdict: 'rejected' },
    { name: 'X, extension of 65,535 words', datagram: withExtension(0xffff, 44), verdict: 'rejected' },
    { name: 'X, extension filling the payload', datagram: withExtension(5, 44), verdict: 'rejected' },
    { name: 'X, two-byte profile', datagram: withExtension(1, 44, 0x1000), verdict: 'rejected' },
    { name: 'X, no room for the extension header', datagram: rtp(ssrc, 2, 0x90), verdict: 'rejected' },
    { name: '0xBEDE without the X bit', datagram: notX, verdict: 'rejected' },
    { name: 'P, no room for a padding count', datagram: rtp(ssrc, 21, 0xa0), verdict: 'rejected' },
    { name: 'P, padding count 255 in ciphertext', datagram: rtp(ssrc, 22, 0xa0), verdict: 'audio' },
    // 21 bytes of ciphertext: the 20-byte extension and one byte, which cannot be Opus and padding count.
    {
      name: 'P and X, padding over the extension',
      datagram: withExtension(5, 45, 0xbede, 0xb0),
      verdict: 'rejected',
    },
    { name: 'X, extension and one byte of Opus', datagram: withExtension(5, 45), verdict: 'audio' },
    { name: 'RTCP payload type', datagram: rtcp, verdict: 'ignored' },
    { name: 'all 0xFF, 60 bytes', datagram: Buffer.alloc(60, 0xff), verdict: 'rejected' },
  ];
  return variants;
}

/** Both sets; `rejected` is how many of them the guard must count. */
export function hostileDatagrams(ssrc: number): { all: HostileDatagram[]; rejected: number } {
  const all = [...lengthSweep(ssrc), ...headerVariants(ssrc)];
  return { all, rejected: all.filter((d) => d.verdict === 'rejected').length };
}
