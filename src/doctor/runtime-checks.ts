// Doctor checks of the machine: Node version, the voice libraries @discordjs/voice finds, our Opus codec.
import { generateDependencyReport } from '@discordjs/voice';
import { createOpusCodec } from '../codec/create-opus-codec.ts';
import { type CheckResult, fail, ok } from './check.ts';

/** The oldest Node with what we rely on (type stripping of .ts files, node:sqlite). */
export const MIN_NODE: readonly [number, number] = [22, 12];

export function checkNode(version: string): CheckResult {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [needMajor, needMinor] = MIN_NODE;
  const good = major > needMajor || (major === needMajor && minor >= needMinor);
  const detail = `${version} (needs ${needMajor}.${needMinor} or newer)`;
  return good
    ? ok('Node.js', detail)
    : fail(
        'Node.js',
        detail,
        'run the bot through npm (`npm start`, `npm run doctor`): `npm install` puts Node 22 into the project',
      );
}

/** The "- name: version" lines of one section of generateDependencyReport(). */
function section(report: string, title: string): { name: string; found: string }[] {
  const lines = report.split('\n');
  const start = lines.findIndex((l) => l.trim() === title);
  if (start < 0) return [];
  const out: { name: string; found: string }[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^- (.+?): (.+)$/.exec(line.trim());
    if (!m) break;
    out.push({ name: m[1] ?? '', found: m[2] ?? '' });
  }
  return out;
}

const present = (found: string) => found !== 'not found' && found !== 'no';

/**
 * Reads @discordjs/voice's own dependency report. Encryption and DAVE are required to join a
 * channel at all; its Opus library is only a fallback (we hand it ready Opus packets).
 */
export function checkVoiceLibraries(report = generateDependencyReport()): CheckResult {
  const name = 'Voice libraries (@discordjs/voice)';
  const opus = section(report, 'Opus Libraries').filter((l) => present(l.found));
  const crypto = section(report, 'Encryption Libraries').filter((l) => present(l.found));
  const dave = section(report, 'DAVE Libraries').filter((l) => present(l.found));
  const list = (items: { name: string; found: string }[]) =>
    items.map((i) => (i.found === 'yes' ? i.name : `${i.name} ${i.found}`)).join(', ') || 'none';
  const detail = `Opus: ${list(opus)}; encryption: ${list(crypto)}; DAVE: ${list(dave)}`;
  if (crypto.length === 0) {
    return fail(name, detail, 'use a Node build with aes-256-gcm in OpenSSL, or `npm install sodium-native`');
  }
  if (dave.length === 0) {
    return fail(
      name,
      detail,
      'reinstall without --omit=optional so @snazzah/davey (DAVE end-to-end encryption) is installed: `npm ci`',
    );
  }
  return ok(name, detail);
}

/** Encodes and decodes one 20 ms frame with the codec the bot ships. */
export function checkCodec(): CheckResult {
  const name = 'Opus codec (src/codec)';
  try {
    const codec = createOpusCodec();
    const encoder = codec.createEncoder();
    const decoder = codec.createDecoder();
    try {
      const frame = new Int16Array(1920);
      for (let i = 0; i < 960; i++) frame[i * 2] = frame[i * 2 + 1] = Math.round(8000 * Math.sin(i / 10));
      const decoded = decoder.decode(encoder.encode(frame));
      if (decoded.length !== 1920) throw new Error(`decoded ${decoded.length} values instead of 1920`);
      return ok(name, `${codec.name}: a 20 ms frame encodes and decodes`);
    } finally {
      encoder.destroy();
      decoder.destroy();
    }
  } catch (error) {
    return fail(
      name,
      `cannot load or run: ${(error as Error).message}`,
      'reinstall dependencies (`npm ci`); @evan/opus ships a native libopus for Linux, macOS and Windows',
    );
  }
}
