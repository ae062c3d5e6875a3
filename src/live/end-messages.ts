// What a guild is told when its Gemini session cannot start or ends: what happened, and what to do next.

/** The server closed a running session with 1007/1008 (both mean it will not accept what it got). */
export function sessionRejectedMessage(closeCode: number): string {
  if (closeCode === 1008) {
    return (
      'Gemini ended the conversation and refused to continue it (code 1008: usually the API key, its quota ' +
      'or the model). Ask the server owner to check the Gemini key with `npm run doctor`, then use /join again.'
    );
  }
  return (
    `Gemini ended the conversation because it could not accept a request (code ${closeCode}). ` +
    'Use /join to start again; if it happens again, ask the server owner to run `npm run doctor`.'
  );
}

/** Every reconnect attempt failed; `everConnected` false when the very first connection never came up. */
export function reconnectExhaustedMessage(everConnected: boolean): string {
  return everConnected
    ? "I lost the connection to Gemini and could not get it back; Google's service may be having trouble. " +
        'Wait a few minutes, then use /join to continue where we left off.'
    : "I could not reach Gemini; Google's service may be having trouble. Wait a few minutes and use /join again.";
}

/** Setup refused (1007/1008 before setupComplete): a key, model or configuration problem. */
export function setupRejectedMessage(closeCode: number, reason: string): string {
  return (
    `Gemini refused to start the session (code ${closeCode}${reason ? `: ${reason}` : ''}). ` +
    'Ask the server owner to check the Gemini API key and model with `npm run doctor`.'
  );
}

export const CONFIG_INVALID_MESSAGE =
  'The Gemini session settings are invalid. A server manager can change them with /config, ' +
  'or the server owner can run `npm run doctor`.';
