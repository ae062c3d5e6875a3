// PURE: renders exchanges as Discord markdown, escapes spoken text, splits at Discord's 2,000 characters.

/** Discord's limit for a message's content, in characters. */
export const DISCORD_MESSAGE_MAX_CHARS = 2_000;

const ZERO_WIDTH_SPACE = '\u200b';
const FENCE = '```';

export interface ExchangeView {
  /** Already resolved to display names; `label` is e.g. "Alice & Bob". */
  user: { label: string; text: string }[];
  tools: string[];
  bot: { text: string; cutOff: boolean } | null;
}

/**
 * Makes mention syntax inert even where allowed_mentions were forgotten: a zero-width space after
 * `<` breaks <@id>, <@&role>, <#channel> and <t:…>; after `@` before everyone/here it breaks those.
 */
export function neutraliseMentions(text: string): string {
  return text.replaceAll('<', `<${ZERO_WIDTH_SPACE}`).replace(/@(?=everyone|here)/gi, `@${ZERO_WIDTH_SPACE}`);
}

/**
 * Spoken words (and display names) are plain text: anyone can say anything, so every character
 * Discord would read as markdown is escaped, whitespace is folded to single spaces, and mentions
 * are neutralised. Line-start markers (#, >, -) are escaped too because a split can start a line.
 */
export function escapeSpoken(text: string): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  const escaped = folded
    .replace(/[\\*_~|`[\]>#]/g, (c) => `\\${c}`)
    .replace(/(^|\s)([-+])(?=\s|#|$)/g, '$1\\$2');
  return neutraliseMentions(escaped);
}

/**
 * allowedMentions for everything the bot posts: nobody is pinged, not @everyone, a role, a user, nor
 * the author of a message replied to. Text is neutralised as well; this is the second guard.
 */
export const NO_MENTIONS = Object.freeze({ parse: Object.freeze([]), repliedUser: false } as const);

/** "Alice", "Alice & Bob", "Alice, Bob & Carol" (or "…, Bob and Carol" in running prose). */
export function joinNames(names: readonly string[], conjunction: '&' | 'and' = '&'): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} ${conjunction} ${names.at(-1)}`;
}

/**
 * One exchange: user lines, tool-call lines (already mention-safe), then the answer. Empty lines
 * are left out; an exchange with nothing to show renders as ''.
 */
export function formatExchange(exchange: ExchangeView, botName: string): string {
  const lines: string[] = [];
  for (const user of exchange.user) {
    const text = escapeSpoken(user.text);
    if (text !== '') lines.push(`**${escapeSpoken(user.label)}:** ${text}`);
  }
  lines.push(...exchange.tools);
  const bot = exchange.bot;
  if (bot) {
    const text = escapeSpoken(bot.text);
    const mark = bot.cutOff ? ' — *interrupted*' : '';
    if (text !== '') lines.push(`**${escapeSpoken(botName)}:** ${text}${mark}`);
  }
  return lines.join('\n');
}

/**
 * Splits text into messages of at most `maxChars`: at a line break if there is one in the second
 * half of the window, else at a space, so words stay whole. A split never lands inside a ``` code
 * block: the block moves to the next message, or, when the block alone is too long, it is closed
 * and reopened (same language tag) around the split. Only a word longer than a message is cut.
 */
export function splitMessage(text: string, maxChars = DISCORD_MESSAGE_MAX_CHARS): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > maxChars) {
    const { head, tail } = splitOnce(rest, maxChars);
    if (head !== '') parts.push(head);
    rest = tail;
  }
  if (rest !== '') parts.push(rest);
  return parts;
}

function splitOnce(text: string, maxChars: number): { head: string; tail: string } {
  const cut = breakBefore(text, maxChars);
  const fenceStart = openFenceBefore(text, cut);
  if (fenceStart === -1) return { head: text.slice(0, cut).trimEnd(), tail: text.slice(cut).trimStart() };
  if (text.slice(0, fenceStart).trim() !== '') {
    return { head: text.slice(0, fenceStart).trimEnd(), tail: text.slice(fenceStart) };
  }
  // The code block starts this message and is longer than one: close it here, reopen it next.
  const opener = text.slice(fenceStart, text.indexOf('\n', fenceStart) + 1 || fenceStart + FENCE.length);
  const closing = `\n${FENCE}`;
  const room = maxChars - closing.length;
  const inner = text.lastIndexOf('\n', room);
  // A code line longer than a message is the one case a hard cut is unavoidable.
  const at = inner > opener.length ? inner : room;
  return {
    head: `${text.slice(0, at).trimEnd()}${closing}`,
    tail: `${opener.trimEnd()}\n${text.slice(at).replace(/^\n/, '')}`,
  };
}

/** Where to end a message of at most `maxChars`: a line break, else a space, else a hard cut. */
function breakBefore(text: string, maxChars: number): number {
  const window = text.slice(0, maxChars + 1);
  const newline = window.lastIndexOf('\n');
  if (newline > maxChars / 2) return newline;
  const space = window.lastIndexOf(' ');
  if (space > 0) return space;
  return newline > 0 ? newline : maxChars;
}

/** Index of the ``` that opens a code block still open at `cut`, or -1. */
function openFenceBefore(text: string, cut: number): number {
  let open = -1;
  let at = text.indexOf(FENCE);
  while (at !== -1 && at < cut) {
    open = open === -1 ? at : -1;
    at = text.indexOf(FENCE, at + FENCE.length);
  }
  return open;
}
