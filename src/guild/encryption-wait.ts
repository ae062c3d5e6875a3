// Waits until a call is end-to-end encrypted for the bot (DAVE), or gives up after a timeout.
import type { Clock } from '../clock.ts';
import type { DaveStatus } from '../voice/dave-guard.ts';
import type { VoiceLink } from '../voice/voice-link.ts';

/**
 * Resolves with `status()` as soon as it says encrypted — at once if it already does, otherwise
 * after a DAVE transition that makes it so — or with whatever it says after `timeoutMs`.
 * /join uses it to report the call's encryption in its reply without holding the reply forever.
 */
export function waitForEncryption(
  voice: VoiceLink,
  status: () => DaveStatus | null,
  clock: Clock,
  timeoutMs: number,
): Promise<DaveStatus | null> {
  const now = status();
  if (now?.encrypted) return Promise.resolve(now);
  return new Promise((resolve) => {
    const finish = (): void => {
      voice.off('daveTransitioned', check);
      clock.clearTimeout(timer);
      resolve(status());
    };
    const check = (): void => {
      if (status()?.encrypted) finish();
    };
    const timer = clock.setTimeout(finish, timeoutMs);
    voice.on('daveTransitioned', check);
  });
}
