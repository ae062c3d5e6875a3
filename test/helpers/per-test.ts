// One resource per test (a world of fakes and bot), started inside the test and stopped after it.
import { afterEach } from 'vitest';

/**
 * Call at the top of a test file: it registers the afterEach that stops what `start()` returned, so
 * no test leaves servers or a bot running for the next one.
 */
export function perTest<O, T extends { stop(): Promise<void> }>(
  open: (options?: O) => Promise<T>,
): { start(options?: O): Promise<T> } {
  let current: T | null = null;
  afterEach(async () => {
    const resource = current;
    current = null;
    await resource?.stop();
  });
  return {
    async start(options) {
      await current?.stop();
      current = await open(options);
      return current;
    },
  };
}
