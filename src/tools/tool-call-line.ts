// One compact, mention-safe line describing a tool call, for the transcript channel.
import { neutraliseMentions } from '../transcripts/format.ts';
import { truncate } from './result-text.ts';

export interface ToolCallLineInput {
  name: string;
  args: Record<string, unknown>;
  /** Present on failure; the line shows it instead of the result. */
  error?: string;
  result?: unknown;
  durationMs: number;
}

const MAX_VALUE_CHARS = 40;
const MAX_ARGS_CHARS = 100;
const MAX_RESULT_CHARS = 100;

/**
 * Model-written args and results are pasted into a public channel: mention syntax is made inert
 * (as in transcripts) even where allowedMentions is forgotten, backticks are swapped so nothing
 * escapes the code spans, and whitespace is folded to one line.
 */
function neutralise(text: string): string {
  return neutraliseMentions(text.replace(/\s+/g, ' ').replaceAll('`', 'ˋ'));
}

function compact(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** e.g. 🔧 `roll_dice(notation: "2d6+1")` → `{"total":9,…}` (12 ms) */
export function formatToolCallLine(call: ToolCallLineInput): string {
  const args = Object.entries(call.args)
    .map(([key, value]) => `${key}: ${truncate(compact(value), MAX_VALUE_CHARS)}`)
    .join(', ');
  const head = `🔧 \`${neutralise(`${call.name}(${truncate(args, MAX_ARGS_CHARS)})`)}\``;
  const outcome =
    call.error !== undefined
      ? `⚠️ ${neutralise(truncate(call.error, MAX_RESULT_CHARS))}`
      : `→ \`${neutralise(truncate(compact(call.result), MAX_RESULT_CHARS))}\``;
  return `${head} ${outcome} (${Math.round(call.durationMs)} ms)`;
}
