// Messages between the main thread and the audio worker (structured-clone friendly, one shape each).
// Both sides post arrays of them (see post-batcher.ts), their payloads sharing transferred buffers.

export type ToWorker =
  | { t: 'up'; ch: number; user: string; packet: Uint8Array }
  | { t: 'upForget'; ch: number; user: string }
  | { t: 'upClose'; ch: number }
  | { t: 'downOpen'; ch: number; bitrateBps: number | undefined }
  | { t: 'down'; ch: number; gen: number; pcm: Int16Array }
  | { t: 'downFlush'; ch: number; gen: number }
  | { t: 'downReset'; ch: number; gen: number }
  | { t: 'downClose'; ch: number };

export type FromWorker =
  | { t: 'decoded'; ch: number; user: string; pcm: Int16Array; bad: boolean }
  | { t: 'packets'; ch: number; gen: number; packets: Uint8Array[]; flushed: boolean }
  | { t: 'failed'; message: string };
