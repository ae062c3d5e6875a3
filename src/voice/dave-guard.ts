// The bot's side of DAVE at the library boundary: drops E2EE frames the library could not decrypt, reads the call's E2EE state.

/** Last two bytes of every DAVE protocol frame. */
const DAVE_MAGIC = 0xfafa;
/** Smallest footer (bytes): 8-byte truncated tag, 1-byte nonce, supplemental-size byte, 2-byte magic. */
const MIN_FOOTER_BYTES = 12;
/** A pause (ms) without undecryptable frames ends a run of them (a speaker's packets come every 20 ms). */
const RUN_GAP_MS = 500;

/**
 * What we read of @discordjs/voice's DAVESession wrapper and davey's session inside it. Structural,
 * because neither is part of the library's documented API; every field is optional to read safely.
 */
export interface DaveSessionView {
  protocolVersion: number;
  session?:
    | {
        ready: boolean;
        epoch?: bigint | null;
        voicePrivacyCode?: string;
        canPassthrough(userId: string): boolean;
        getDecryptionStats?(userId: string): { failures: number } | null;
      }
    | undefined;
}

/** What /status and the join notice say about the call's end-to-end encryption. */
export interface DaveStatus {
  /** True when this call's media is DAVE-encrypted and the bot is a member of its group. */
  encrypted: boolean;
  protocolVersion: number;
  epoch: number | null;
  /** 30 digits in groups of 5, as Discord shows it; null while not encrypted. */
  privacyCode: string | null;
  /** E2EE frames dropped because the bot could not decrypt them, plus the library's own decrypt failures. */
  decryptFailures: number;
}

/** DAVE's protocol frame check: the magic marker and a supplemental size that fits the frame. */
export function isDaveProtocolFrame(packet: Uint8Array): boolean {
  const n = packet.length;
  if (n < MIN_FOOTER_BYTES) return false;
  if ((((packet[n - 2] ?? 0) << 8) | (packet[n - 1] ?? 0)) !== DAVE_MAGIC) return false;
  const supplemental = packet[n - 3] ?? 0;
  return supplemental >= MIN_FOOTER_BYTES && supplemental <= n;
}

/** davey's getters throw for users it does not know; reading state must never break a command. */
function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** "123451234512345..." → "12345 12345 12345 ...". */
export function formatPrivacyCode(code: string): string {
  return code.match(/.{1,5}/g)?.join(' ') ?? code;
}

/**
 * Before the bot's DAVE session is ready (being welcomed) @discordjs/voice hands other members'
 * E2EE frames on unchanged; decoded as Opus they are loud noise. The spec says a protocol frame is
 * never passed through: such a frame is dropped here and counted, and nothing but silence reaches
 * Gemini until the bot can decrypt.
 */
export class DaveReceiveGuard {
  readonly #dave: () => DaveSessionView | null;
  readonly #now: () => number;
  #dropped = 0;
  /** First and last drop (ms) of the current run of drops; a pause of RUN_GAP_MS ends a run. */
  #runStartMs: number | null = null;
  #lastDropMs = 0;
  /** The library's failure count per user as last read, and the total of what was added. */
  readonly #libraryFailures = new Map<string, number>();
  #libraryTotal = 0;

  constructor(dave: () => DaveSessionView | null, now: () => number) {
    this.#dave = dave;
    this.#now = now;
  }

  /** How long (ms) frames have been arriving that the bot cannot decrypt, without a pause; 0 if not. */
  undecryptableForMs(): number {
    const now = this.#now();
    if (this.#runStartMs === null || now - this.#lastDropMs > RUN_GAP_MS) return 0;
    return now - this.#runStartMs;
  }

  /** Starts counting the run afresh (after a recovery attempt). */
  restartRun(): void {
    this.#runStartMs = null;
  }

  /** False when `packet` is an E2EE frame the library did not decrypt: never decode it. */
  admit(userId: string, packet: Uint8Array): boolean {
    if (!isDaveProtocolFrame(packet)) return true;
    const dave = this.#dave();
    const inner = dave?.session;
    // The library decrypts exactly when this holds; its output then is plain Opus, whatever its last bytes.
    const decrypted =
      inner?.ready === true &&
      (dave?.protocolVersion !== 0 || safely(() => inner.canPassthrough(userId), false));
    if (decrypted) return true;
    this.#dropped++;
    const now = this.#now();
    if (this.#runStartMs === null || now - this.#lastDropMs > RUN_GAP_MS) this.#runStartMs = now;
    this.#lastDropMs = now;
    return false;
  }

  /** The call's E2EE state now; `userIds` are the speakers whose library decrypt failures are added. */
  status(userIds: Iterable<string>): DaveStatus {
    const dave = this.#dave();
    const inner = dave?.session;
    const protocolVersion = dave?.protocolVersion ?? 0;
    const encrypted = protocolVersion > 0 && inner?.ready === true;
    const epoch = inner?.epoch;
    const code = inner?.voicePrivacyCode;
    return {
      encrypted,
      protocolVersion,
      epoch: encrypted && typeof epoch === 'bigint' ? Number(epoch) : null,
      privacyCode: encrypted && code ? formatPrivacyCode(code) : null,
      decryptFailures: this.#dropped + this.#readLibraryFailures(userIds),
    };
  }

  /** davey's per-user failure counters restart with every new group; only increases are added. */
  #readLibraryFailures(userIds: Iterable<string>): number {
    const inner = this.#dave()?.session;
    for (const userId of userIds) {
      // davey throws for a user it has no decryptor for yet (not in the group).
      const now = safely(() => inner?.getDecryptionStats?.(userId)?.failures ?? 0, 0);
      const before = this.#libraryFailures.get(userId) ?? 0;
      this.#libraryTotal += now >= before ? now - before : now;
      this.#libraryFailures.set(userId, now);
    }
    return this.#libraryTotal;
  }
}
