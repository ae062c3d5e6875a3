import { describe, expect, it } from 'vitest';
import { REDACTED, scrubSecrets } from '../../src/log.ts';
import { recordingLogger } from '../helpers/recording-logger.ts';

const TOKEN = 'MTAxMjM0NTY3ODkwMTIzNDU2.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';
const KEY = 'AIzaSyTestKey0123456789abcdefghijklmno';

const recorded = (options: { redactPii?: boolean } = {}) => {
  const rec = recordingLogger({ level: 'info', secrets: [TOKEN, KEY], ...options });
  return { log: rec.logger, lines: rec.raw, text: rec.text };
};

describe('log redaction', () => {
  it('GIVEN a token under a secret key of a logged object THEN it comes out redacted', () => {
    const { log, text } = recorded();
    log.info({ token: TOKEN, client: { apiKey: KEY, headers: { authorization: `Bot ${TOKEN}` } } }, 'login');
    expect(text()).not.toContain(TOKEN);
    expect(text()).not.toContain(KEY);
    expect(JSON.parse(text())).toMatchObject({ msg: 'login', token: REDACTED, client: { apiKey: REDACTED } });
  });

  it('GIVEN a secret pasted into an error message or URL THEN the value never reaches the output', () => {
    const { log, text } = recorded();
    const error = new Error(`connect failed: wss://host//ws/x?key=${KEY}&alt=1 with Bot ${TOKEN}`);
    log.error({ err: error, url: `https://example.com/x?key=${KEY}` }, 'live connect failed');
    expect(text()).not.toContain(TOKEN);
    expect(text()).not.toContain(KEY);
    expect(text()).toContain('live connect failed');
    expect(text()).toContain(REDACTED);
  });

  it('GIVEN an unknown key in a URL query THEN scrubSecrets still hides it', () => {
    expect(scrubSecrets('GET /ws?key=abc123def456&x=1', [])).toBe(`GET /ws?key=${REDACTED}&x=1`);
  });

  it('GIVEN pii redaction THEN fields marked pii disappear and others stay', () => {
    const { log, text } = recorded({ redactPii: true });
    log.info({ pii: { transcript: 'my address is 1 Main St' }, guildId: '1' }, 'turn');
    expect(text()).not.toContain('Main St');
    expect(JSON.parse(text())).toMatchObject({ guildId: '1', pii: REDACTED });
  });
});
