// Test-only preload for a child bot (node --import): SIGUSR2 makes the process fail the way a bug would.
// FAULT_HOOK=exception throws from a timer (an uncaught exception); =rejection rejects a promise
// nobody handles. Production never loads this file.
const kind = process.env.FAULT_HOOK ?? 'exception';

process.on('SIGUSR2', () => {
  setTimeout(() => {
    if (kind === 'rejection') {
      void Promise.reject(new Error('injected fault: a promise nobody handles'));
    } else {
      throw new Error('injected fault: a bug thrown from a timer');
    }
  }, 0);
});
