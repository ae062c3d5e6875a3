// The voice gateway's MLS external sender: a P-256 signing key, its op 25 package, signed external proposals.
import { createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import {
  encodeExternalSender,
  externalProposalContent,
  externalProposalMessage,
  type KeyPackage,
  signContent,
} from './mls.ts';

/** The identity in the gateway's basic credential (any fixed bytes; Discord's is its own). */
const GATEWAY_IDENTITY = 0n;

/** Uncompressed SEC1 point (0x04 || X || Y) of a P-256 public key: MLS's SignaturePublicKey. */
function uncompressedPoint(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.x || !jwk.y) throw new Error('not an EC public key');
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
}

function keyFromPoint(point: Buffer): KeyObject {
  if (point.length !== 65 || point[0] !== 4)
    throw new Error('signature key is not an uncompressed P-256 point');
  return createPublicKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
  });
}

/** VerifyWithLabel with ECDSA P-256 / SHA-256 (DER signatures, as MLS specifies). */
export function verifyWithLabel(point: Buffer, label: string, content: Buffer, signature: Buffer): boolean {
  try {
    return verify('sha256', signContent(label, content), keyFromPoint(point), signature);
  } catch {
    return false;
  }
}

/** True when the key package's own signature (KeyPackageTBS, by its leaf's key) holds. */
export function keyPackageSignatureValid(kp: KeyPackage): boolean {
  return verifyWithLabel(kp.leaf.signatureKey, 'KeyPackageTBS', kp.tbs, kp.signature);
}

export class ExternalSender {
  readonly #privateKey: KeyObject;
  readonly publicKey: Buffer;
  /** Op 25's payload. */
  readonly package: Buffer;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.#privateKey = privateKey;
    this.publicKey = uncompressedPoint(publicKey);
    this.package = encodeExternalSender(this.publicKey, GATEWAY_IDENTITY);
  }

  /** An MLSMessage with an external Add or Remove proposal for the group at `epoch`. */
  propose(
    groupId: Buffer,
    epoch: bigint,
    proposal: { type: 'add'; keyPackage: Buffer } | { type: 'remove'; leafIndex: number },
  ): Buffer {
    const { content, tbs } = externalProposalContent(groupId, epoch, proposal);
    const signature = sign('sha256', signContent('FramedContentTBS', tbs), this.#privateKey);
    return externalProposalMessage(content, signature);
  }
}
