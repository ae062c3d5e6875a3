// The bot's voice connection as a member of its channel's DAVE call: what it sends (ops 23, 26, 28, 31) and how it leaves.
import type { DaveCall, DaveMember } from './call.ts';
import type { DaveCalls } from './calls.ts';

/** The part of a voice session the DAVE link needs. */
export interface BotDaveSession {
  channelId: string;
  userId: string;
  dave: DaveMember | null;
}

export class BotDaveLink {
  readonly #calls: DaveCalls;
  readonly #fail: (message: string) => void;

  constructor(calls: DaveCalls, fail: (message: string) => void) {
    this.#calls = calls;
    this.#fail = fail;
  }

  /** The session's call while it is a member (null with DAVE off). */
  #callOf(session: BotDaveSession | null): DaveCall | null {
    return session?.dave ? this.#calls.call(session.channelId) : null;
  }

  /** After op 4: the bot joins the call (op 25 and any in-flight proposals reach it). */
  join(session: BotDaveSession, send: Pick<DaveMember, 'json' | 'binary'>): void {
    const call = this.#calls.call(session.channelId);
    if (!call) return;
    const member: DaveMember = { userId: session.userId, kind: 'bot', json: send.json, binary: send.binary };
    session.dave = member;
    call.join(member);
  }

  leave(session: BotDaveSession): void {
    const call = this.#callOf(session);
    session.dave = null;
    call?.leave(session.userId);
  }

  /** Client → server binary: [u8 opcode][payload]; only ops 26 and 28 exist. Returns the opcode. */
  binary(session: BotDaveSession | null, data: Buffer): number | null {
    const call = this.#callOf(session);
    if (!session || !call) {
      this.#fail('voice gateway: binary (DAVE) message on a connection without DAVE');
      return null;
    }
    const op = data.readUInt8(0);
    const payload = data.subarray(1);
    if (op === 26) call.keyPackage(session.userId, payload);
    else if (op === 28) call.commitWelcome(session.userId, payload);
    else this.#fail(`voice gateway: unexpected binary opcode ${op} from the bot`);
    return op;
  }

  /** Op 23 (ready for transition) or op 31 (invalid commit or Welcome). */
  json(session: BotDaveSession, op: 23 | 31, transitionId: number): void {
    const call = this.#callOf(session);
    if (!call) this.#fail(`voice gateway: DAVE op ${op} on a connection without DAVE`);
    else if (op === 23) call.readyForTransition(session.userId, transitionId);
    else call.invalidCommitWelcome(session.userId, transitionId);
  }
}
