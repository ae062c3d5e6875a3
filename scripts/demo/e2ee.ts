// The demo's account of DAVE: was the call end-to-end encrypted, with which code, and did everyone hear through it.
import type { FakeDiscord } from '../../test/fakes/fake-discord/index.ts';

export interface E2eeReport {
  encrypted: boolean;
  epoch: bigint;
  members: number;
  /** The code Discord shows everyone in the call for this epoch, in groups of five. */
  privacyCode: string | null;
  /** The bot's audio frames (silence frames aside) that were E2EE and every human decrypted. */
  botFramesE2ee: number;
  botFrames: number;
}

/** Reads the voice channel's DAVE group and the bot's captured frames; call while the humans are still in voice. */
export function e2eeReport(discord: FakeDiscord, voiceChannelId: string, humanNames: string[]): E2eeReport {
  const call = discord.dave.call(voiceChannelId);
  const humans = humanNames.map((n) => discord.human(n));
  const code = humans[0]?.dave?.session.voicePrivacyCode ?? '';
  const frames = discord.botAudio.packets.filter((p) => p.frameKind !== 'silence');
  const everyone = (p: (typeof frames)[number]) =>
    p.frameKind === 'e2ee' && humans.every((h) => p.decryptedBy.includes(h.id));
  return {
    encrypted: call?.established ?? false,
    epoch: call?.epoch ?? 0n,
    members: call?.leaves.size ?? 0,
    privacyCode: code ? (code.match(/.{1,5}/g)?.join(' ') ?? code) : null,
    botFramesE2ee: frames.filter(everyone).length,
    botFrames: frames.length,
  };
}

export function describeE2ee(r: E2eeReport): string[] {
  if (!r.encrypted) return ['  DAVE end-to-end encryption: OFF (the simulated Discord ran without it)'];
  const share = r.botFrames === 0 ? 0 : (100 * r.botFramesE2ee) / r.botFrames;
  return [
    `  DAVE end-to-end encryption: ON (protocol 1, ${r.members} members, epoch ${r.epoch}), voice privacy code ${r.privacyCode ?? '—'}`,
    `                      ${share.toFixed(1)} % of the bot's ${r.botFrames} voice frames were E2EE frames both humans decrypted`,
  ];
}
