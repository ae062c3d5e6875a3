// Test-only audio worker: the real one, except that the thread dies after encoding part of an answer.
import { parentPort } from 'node:worker_threads';
import '../../src/guild/audio-worker.ts';

/** 'down' messages (~40 ms of Gemini audio each in the chaos answer) before the crash: mid-answer. */
const CRASH_AFTER_DOWN_MESSAGES = 8;

let downs = 0;
// The main thread posts batches (arrays of messages, see post-batcher.ts).
parentPort?.on('message', (batch: { t?: string }[]) => {
  downs += batch.filter((message) => message.t === 'down').length;
  if (downs >= CRASH_AFTER_DOWN_MESSAGES) process.exit(3);
});
