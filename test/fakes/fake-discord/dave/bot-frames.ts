// Reading the bot's media as the humans in its call do: classify each frame, E2EE-decrypt it with every human's session.
import type { DaveCall } from './call.ts';
import { type FrameKind, frameKind } from './frame-check.ts';
import { HumanDaveClient } from './human-client.ts';

export interface BotFrame {
  kind: FrameKind;
  /** The Opus inside: the decrypted frame, the frame itself when not E2EE, null when no human could decrypt it. */
  opus: Buffer | null;
  /** Humans in the call whose DAVE session decrypted this frame (or, for a plain frame, let it play). */
  decryptedBy: string[];
  /** Humans in the call who could not. */
  undecryptedBy: string[];
}

/** The humans of the call (simulated DAVE clients). */
function humans(call: DaveCall | null): HumanDaveClient[] {
  if (!call) return [];
  return [...call.members.values()].filter((m): m is HumanDaveClient => m instanceof HumanDaveClient);
}

/**
 * Reads one frame the bot sent. 'retry' means a human who could not decrypt it is still waiting for
 * op 22 to apply a commit the bot already applied: a real client would have, so ask again later.
 */
export function readBotFrame(call: DaveCall | null, botUserId: string, frame: Buffer): BotFrame | 'retry' {
  const kind = frameKind(frame);
  const all = humans(call);
  if (kind === 'silence' || all.length === 0)
    return { kind, opus: frame, decryptedBy: [], undecryptedBy: [] };
  if (kind === 'passthrough') return plainFrame(all, botUserId, frame);
  if (all.some((h) => h.awaitingTransition)) return 'retry';
  let opus: Buffer | null = null;
  const decryptedBy: string[] = [];
  const undecryptedBy: string[] = [];
  for (const h of all) {
    const plain = h.decrypt(botUserId, frame);
    if (plain) {
      opus ??= plain;
      decryptedBy.push(h.userId);
    } else undecryptedBy.push(h.userId);
  }
  return { kind, opus, decryptedBy, undecryptedBy };
}

/**
 * A plain frame in an encrypted call: each human's davey session decides, as in a real client,
 * whether it may still be played (see HumanDaveClient.acceptPlain). Once E2EE is in force a bot
 * that falls back to plain Opus is heard by nobody.
 */
function plainFrame(all: HumanDaveClient[], botUserId: string, frame: Buffer): BotFrame {
  const decryptedBy: string[] = [];
  const undecryptedBy: string[] = [];
  for (const h of all) (h.acceptPlain(botUserId, frame) ? decryptedBy : undecryptedBy).push(h.userId);
  return { kind: 'passthrough', opus: decryptedBy.length > 0 ? frame : null, decryptedBy, undecryptedBy };
}
