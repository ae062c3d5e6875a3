// Readable scripted conversations for the fake: `>` lines wait for the client, `<` lines are sent.

import { delay } from '../../helpers/wait.ts';
import type { FakeLiveConnection } from './live-connection.ts';
import type { FunctionResponse } from './live-messages.ts';

/**
 * Script lines (blank lines and `#` comments ignored):
 *   > audio 200ms            wait until 200 ms more uplink audio arrived (counted from script start)
 *   > audioStreamEnd         wait for the next audioStreamEnd
 *   > text hello there       wait for the next text turn; it must equal the text (`*` = anything)
 *   > toolResponse get_time  wait for the response to the last `< toolCall get_time`
 *   < inputTranscript hi     (`< inputTranscript! hi` marks it finished)
 *   < audio 300ms [440Hz]    a tone, 24 kHz
 *   < outputTranscript Hello
 *   < generationComplete | < turnComplete [reason] | < interrupted
 *   < usage 100 20           prompt and response tokens
 *   < toolCall get_time {"zone":"UTC"}
 *   < cancel get_time        toolCallCancellation of the last call with that name
 *   < handle | < goAway 5s | < close 1011 Internal error | < wait 50ms
 * Returns the function responses received, by tool name.
 */
export async function runScript(
  connection: FakeLiveConnection,
  script: string,
  timeoutMs = 5_000,
): Promise<Map<string, FunctionResponse>> {
  const responses = new Map<string, FunctionResponse>();
  const calls = new Map<string, { id: string; answered: Promise<FunctionResponse> }>();
  const start = {
    audioMs: connection.audioMs,
    streamEnds: connection.audioStreamEnds,
    texts: connection.texts.length,
  };
  let audioWanted = 0;
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^([<>])\s*(\S+)\s*(.*)$/.exec(line);
    if (!match) throw new Error(`fake-gemini script: cannot read "${line}"`);
    const [, direction, verb = '', rest = ''] = match;
    if (direction === '>') {
      switch (verb) {
        case 'audio':
          audioWanted += parseMs(rest);
          await connection.waitForAudio(start.audioMs + audioWanted, timeoutMs);
          break;
        case 'audioStreamEnd':
          await connection.waitForAudioStreamEnd(++start.streamEnds, timeoutMs);
          break;
        case 'text': {
          const text = await connection.waitForText(++start.texts, timeoutMs);
          if (rest !== '*' && text !== rest)
            throw new Error(`fake-gemini script: expected text "${rest}", got "${text}"`);
          break;
        }
        case 'toolResponse': {
          const call = calls.get(rest);
          if (!call) throw new Error(`fake-gemini script: no toolCall ${rest} to wait for`);
          responses.set(rest, await withTimeout(call.answered, timeoutMs, `toolResponse ${rest}`));
          break;
        }
        default:
          throw new Error(`fake-gemini script: unknown client step "${verb}"`);
      }
      continue;
    }
    await serverStep(connection, verb, rest, calls);
  }
  return responses;
}

async function serverStep(
  connection: FakeLiveConnection,
  verb: string,
  rest: string,
  calls: Map<string, { id: string; answered: Promise<FunctionResponse> }>,
): Promise<void> {
  switch (verb) {
    case 'inputTranscript':
      return connection.transcribeInput(rest);
    case 'inputTranscript!':
      return connection.transcribeInput(rest, true);
    case 'outputTranscript':
      return connection.transcribeOutput(rest);
    case 'audio': {
      const [length = '100ms', frequency = '440Hz'] = rest.split(/\s+/);
      return connection.sendAudio(tone(parseMs(length), Number.parseFloat(frequency)));
    }
    case 'generationComplete':
      return connection.generationComplete();
    case 'turnComplete':
      return connection.turnComplete(rest || undefined);
    case 'interrupted':
      return connection.interrupt();
    case 'usage': {
      const [prompt = 0, response = 0] = rest.split(/\s+/).map(Number);
      return connection.sendUsage({ promptTokens: prompt, responseTokens: response });
    }
    case 'toolCall': {
      const space = rest.indexOf(' ');
      const name = space < 0 ? rest : rest.slice(0, space);
      const args = space < 0 ? {} : JSON.parse(rest.slice(space + 1));
      const id = connection.nextCallId();
      calls.set(name, { id, answered: connection.callTool(name, args, { id }) });
      return;
    }
    case 'cancel': {
      const call = calls.get(rest);
      if (call) connection.cancelToolCalls([call.id]);
      return;
    }
    case 'handle':
      connection.sendResumptionHandle();
      return;
    case 'goAway':
      return connection.goAway(parseMs(rest || '50s'));
    case 'close': {
      const [code = '1000', ...reason] = rest.split(' ');
      return connection.close(Number(code), reason.join(' '));
    }
    case 'wait':
      return delay(parseMs(rest));
    default:
      throw new Error(`fake-gemini script: unknown server step "${verb}"`);
  }
}

/** "200ms" → 200, "5s" → 5000. */
function parseMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text.trim());
  if (!match) throw new Error(`fake-gemini script: bad duration "${text}"`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

/** A sine tone at 24 kHz, amplitude ~0.3 of full scale. */
export function tone(ms: number, frequencyHz: number, rateHz = 24_000): Int16Array {
  const out = new Int16Array(Math.round((ms * rateHz) / 1000));
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(10_000 * Math.sin((2 * Math.PI * frequencyHz * i) / rateHz));
  return out;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`fake-gemini script: timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
