// Small text helpers shared by the registry, slash replies and the call line: truncation, zod
// issues as one readable sentence, outputs as text.
import type { z } from 'zod';

/** Cuts to at most `max` characters, ending in '…', never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** At most three issues, each naming its field, e.g. `"sides" must be at most 1000`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 3).map((issue) => {
    const field = issue.path.length > 0 ? `"${issue.path.map(String).join('.')}"` : 'the arguments';
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      return `${field} is missing (expected ${issue.expected})`;
    }
    return `${field}: ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more problems)` : '';
  return `${parts.join('; ')}${more}.`;
}

/** Default human-readable form of a tool output: strings as is, anything else as JSON. */
export function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (typeof output === 'number' || typeof output === 'boolean') return String(output);
  return `\`\`\`json\n${JSON.stringify(output, null, 2)}\n\`\`\``;
}
