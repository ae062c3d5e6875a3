// What a guild is told when its voice connection ends: what happened, and what to do next.

export const VOICE_END_MESSAGES = {
  left: 'I left the voice channel. Use /join to bring me back.',
  kicked:
    'I was disconnected from the voice channel (by a moderator, or the channel is gone). Use /join when ' +
    'you want me back.',
  joinTimeout:
    'I could not connect to the voice channel in time. Try /join again in a moment; if it keeps ' +
    'failing, check that I may Connect and Speak there.',
  reconnectFailed:
    'I lost the voice connection and could not get it back. Use /join to continue where we left off.',
} as const;

/** For the close codes after which rejoining on our own is pointless (see voice-link.ts). */
export function finalCloseMessage(closeCode: number): string {
  switch (closeCode) {
    case 4017:
      return (
        'Discord requires end-to-end encryption (DAVE) for this call and I could not set it up. Ask the server ' +
        'owner to run `npm run doctor`, then use /join again.'
      );
    case 4021:
      return 'Discord disconnected me from voice because of rate limits. Try /join again in a minute.';
    case 4022:
      return 'Discord ended the voice call. Use /join to start again.';
    default:
      return (
        `Discord closed the voice connection (code ${closeCode}). Use /join to try again; if it keeps ` +
        "happening, ask the server owner to check the bot's log."
      );
  }
}
