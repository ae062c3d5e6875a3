// Every voice channel's DAVE call, created on first use; DAVE can be switched off for the whole fake.
import { DaveCall } from './call.ts';

export class DaveCalls {
  readonly #calls = new Map<string, DaveCall>();
  readonly #fail: (message: string) => void;
  /** False = the fake behaves like Discord before DAVE (every call at protocol version 0). */
  enabled: boolean;

  constructor(enabled: boolean, fail: (message: string) => void) {
    this.enabled = enabled;
    this.#fail = fail;
  }

  /** The channel's call (null when DAVE is off). */
  call(channelId: string): DaveCall | null {
    if (!this.enabled) return null;
    let call = this.#calls.get(channelId);
    if (!call) {
      call = new DaveCall(channelId, this.#fail);
      this.#calls.set(channelId, call);
    }
    return call;
  }

  stop(): void {
    for (const call of this.#calls.values()) call.stop();
  }
}
