// A throwaway self-signed certificate for the fake voice gateway (wss is hard-coded in @discordjs/voice).
import { writeFile } from 'node:fs/promises';
import { generate } from 'selfsigned';

export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

/** EC P-256 keeps generation in milliseconds; SAN IP:127.0.0.1 matches the endpoint we hand out. */
export async function createTestCertificate(): Promise<TestCertificate> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 24 * 3_600_000);
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}

/** Writes the CA file a child process can trust through NODE_EXTRA_CA_CERTS. */
export async function writeCertificateFile(certPem: string, path: string): Promise<void> {
  await writeFile(path, certPem, 'utf8');
}
