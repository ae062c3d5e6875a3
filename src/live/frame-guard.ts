// Drops Live socket frames that are not a JSON object before the SDK parses them (its parse error is unhandled).
import { Buffer } from 'node:buffer';

/** The SDK's socket callbacks, as far as the guard needs them. */
interface SocketCallbacks {
  onmessage?: (event: { data: unknown }) => void;
}

/**
 * Why `data` (one frame: text, or binary that the SDK decodes as UTF-8) is not a JSON object, or
 * null when it is. @google/genai 3.3 calls JSON.parse inside a promise it never awaits, so a bad
 * frame would surface as an unhandled rejection. Blobs (browsers only) are passed on unchecked.
 */
export function frameProblem(data: unknown): string | null {
  let text: string;
  if (typeof data === 'string') text = data;
  else if (Buffer.isBuffer(data)) text = data.toString('utf8');
  else if (data instanceof ArrayBuffer) text = Buffer.from(data).toString('utf8');
  else return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `not JSON (${text.length} characters)`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return `JSON ${Array.isArray(parsed) ? 'array' : typeof parsed}, not an object`;
  }
  return null;
}

/** The same callbacks, with frames that are not JSON objects reported to `onInvalid` and dropped. */
export function guardFrames<T>(callbacks: T, onInvalid: (issue: string) => void): T {
  const original = (callbacks as SocketCallbacks).onmessage;
  if (typeof original !== 'function') return callbacks;
  const onmessage = (event: { data: unknown }) => {
    const problem = frameProblem(event.data);
    if (problem === null) original(event);
    else onInvalid(problem);
  };
  return { ...callbacks, onmessage };
}
