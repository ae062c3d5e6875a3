// The error a call throws (or a promise rejects with), of the kind the test expects, to read its fields.

// biome-ignore lint/suspicious/noExplicitAny: any constructor signature: only `instanceof` is used.
type ErrorKind<E> = abstract new (...args: any[]) => E;

/** What `run` throws, which must be a `kind`; anything else is rethrown, and throwing nothing fails. */
export function thrownBy<E>(kind: ErrorKind<E>, run: () => unknown, what: string): E {
  try {
    run();
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(`${what} was accepted: nothing was thrown`);
}

/** What `promise` rejects with, which must be a `kind`; like thrownBy. */
export async function rejectionOf<E>(
  kind: ErrorKind<E>,
  promise: Promise<unknown>,
  what: string,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(`${what} was accepted: nothing was thrown`);
}
