import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // e2e tests drive real sockets and @discordjs/voice's real-time 20 ms clock.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // node:sqlite prints an ExperimentalWarning once per process; nothing else is silenced.
    execArgv: ['--disable-warning=ExperimentalWarning'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
