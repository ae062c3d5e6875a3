// Every session-ending message says what happened and what the person can do next, in plain words.
import { describe, expect, it } from 'vitest';
import {
  CONFIG_INVALID_MESSAGE,
  reconnectExhaustedMessage,
  sessionRejectedMessage,
  setupRejectedMessage,
} from '../../src/live/end-messages.ts';
import { finalCloseMessage, VOICE_END_MESSAGES } from '../../src/voice/voice-end-messages.ts';

const messages = [
  ...Object.values(VOICE_END_MESSAGES),
  ...[4017, 4021, 4022, 4099].map(finalCloseMessage),
  sessionRejectedMessage(1007),
  sessionRejectedMessage(1008),
  reconnectExhaustedMessage(true),
  reconnectExhaustedMessage(false),
  setupRejectedMessage(1008, 'API key not valid. Please pass a valid API key.'),
  CONFIG_INVALID_MESSAGE,
];

/** A next step a person can take: a command, a wait, or whom to ask. */
const NEXT_STEP = /\/join|\/status|\/config|try .*again|wait a few minutes|ask the server owner/i;

describe('session-ending messages', () => {
  it.each(messages)('GIVEN "%s" THEN it names a next step', (message) => {
    expect(message).toMatch(NEXT_STEP);
  });

  it('GIVEN any of them THEN no internal error code (SNAKE_CASE) leaks into the text', () => {
    for (const message of messages) expect(message).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/);
  });

  it('GIVEN a rejected session THEN 1008 points at the key and 1007 at starting again', () => {
    expect(sessionRejectedMessage(1008)).toContain('key');
    expect(sessionRejectedMessage(1007)).toContain('Use /join to start again');
    expect(reconnectExhaustedMessage(false)).not.toContain('lost');
  });
});
