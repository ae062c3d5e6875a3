// Turns a failed database step into one sentence for the user when the database is unreachable.
import { UserFacingError } from '../errors.ts';
import type { Store } from './store.ts';

export const STORE_UNAVAILABLE_CODE = 'STORE_UNAVAILABLE';

/** For a change that could not be written: the person must know nothing changed. */
export const NOT_SAVED_SENTENCE =
  'I could not save that: my database cannot be reached right now, so nothing changed. Please try again in a minute.';
/** For something that could not be read. */
export const NOT_READ_SENTENCE =
  'I cannot look that up: my database cannot be reached right now. Please try again in a minute.';

/**
 * Awaits `step`. If it fails and the database is unreachable (known, or a ping fails), rejects with a
 * UserFacingError saying `sentence`; any other failure (a bug) is rethrown as it is.
 */
export async function unlessUnavailable<T>(
  store: Pick<Store, 'health' | 'reachable'>,
  step: Promise<T>,
  sentence: string,
): Promise<T> {
  try {
    return await step;
  } catch (error) {
    // Already known to be away: answer at once (Discord waits 3 s for a reply), else ask.
    if (store.reachable() && (await store.health()).reachable) throw error;
    throw new UserFacingError(sentence, STORE_UNAVAILABLE_CODE, { cause: error });
  }
}
