// What the fake's Live sockets carry: client messages as recorded, audio chunks, and PCM helpers.

export type ClientMessage = Record<string, unknown> & {
  setup?: Record<string, unknown>;
  realtimeInput?: Record<string, unknown>;
  toolResponse?: { functionResponses?: FunctionResponse[] };
  clientContent?: Record<string, unknown>;
};

export interface FunctionResponse {
  id?: string;
  name?: string;
  response?: Record<string, unknown>;
  scheduling?: string;
}

export interface AudioChunk {
  mimeType: string;
  samples: Int16Array;
  /** performance.now() ms when the message arrived, for latency measurements. */
  receivedAtMs: number;
  /** How many audioStreamEnd messages came before this chunk on this connection. */
  streamEndsBefore: number;
}

export interface CloseRecord {
  code: number;
  reason: string;
}

export interface SendAudioOptions {
  /** Length (ms at 24 kHz) of each inlineData part. */
  chunkMs?: number;
  /** After this much audio (ms) is sent, pause for `pauseMs`: bursts ahead of real time. */
  pauseEveryMs?: number;
  pauseMs?: number;
}

export const OUTPUT_RATE_HZ = 24_000;
export const INPUT_RATE_HZ = 16_000;

export function decodePcm16(base64: string): Int16Array {
  const bytes = Buffer.from(base64, 'base64');
  const out = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(i * 2);
  return out;
}

export function samplesToMs(samples: number, rate: number): number {
  return (samples * 1000) / rate;
}
