import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_LIVE_MODEL,
  DEFAULT_TEXT_MODEL,
  parseConfig,
  secretsOf,
} from '../../src/config.ts';
import { thrownBy } from '../helpers/thrown.ts';

const TOKEN = 'MTAxMjM0NTY3ODkwMTIzNDU2.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';
const KEY = 'AIzaSyTestKey0123456789abcdefghijklmno';
const base = { DISCORD_TOKEN: TOKEN, GEMINI_API_KEY: KEY };

/** Every optional setting as .env spells it, and what the config holds for it. */
const EVERY_SETTING: Record<string, [raw: string, parsed: unknown]> = {
  DISCORD_API_URL: ['http://127.0.0.1:3000/api/', 'http://127.0.0.1:3000/api'],
  GEMINI_BASE_URL: ['https://gateway.example.com', 'https://gateway.example.com'],
  GEMINI_LIVE_MODEL: ['gemini-3.1-flash-live-preview', 'gemini-3.1-flash-live-preview'],
  GEMINI_TEXT_MODEL: ['gemini-2.5-pro', 'gemini-2.5-pro'],
  GEMINI_VOICE: ['Kore', 'Kore'],
  COMMANDS_GUILD_ID: ['123456789012345678', '123456789012345678'],
  DATA_DIR: ['/var/lib/bot', '/var/lib/bot'],
  LOG_LEVEL: ['debug', 'debug'],
  LOG_FORMAT: ['json', 'json'],
  LOG_PII: ['true', true],
  UPLINK_CHUNK_MS: ['60', 60],
  SILENCE_TAIL_MS: ['1500', 1500],
  MAX_LIVE_SESSIONS: ['7', 7],
  TOTAL_SHARDS: ['2', 2],
  METRICS_PORT: ['9464', 9464],
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  return [...thrownBy(ConfigError, () => parseConfig(env), 'the environment').problems];
}

describe('config', () => {
  it('GIVEN only the two secrets THEN every other setting has its default', () => {
    const config = parseConfig(base);
    expect(config).toMatchObject({
      DISCORD_API_URL: 'https://discord.com/api',
      GEMINI_LIVE_MODEL: DEFAULT_LIVE_MODEL,
      GEMINI_TEXT_MODEL: DEFAULT_TEXT_MODEL,
      GEMINI_VOICE: 'Puck',
      DATA_DIR: './data',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'auto',
      LOG_PII: false,
      UPLINK_CHUNK_MS: 'auto',
      SILENCE_TAIL_MS: 1000,
      MAX_LIVE_SESSIONS: 100,
      TOTAL_SHARDS: 'auto',
    });
    expect(config.GEMINI_BASE_URL).toBeUndefined();
    expect(config.COMMANDS_GUILD_ID).toBeUndefined();
    expect(config.METRICS_PORT).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('GIVEN valid values for every setting THEN they are parsed and typed', () => {
    const env = Object.fromEntries(Object.entries(EVERY_SETTING).map(([name, [raw]]) => [name, raw]));
    const parsed = Object.fromEntries(
      Object.entries(EVERY_SETTING).map(([name, [, value]]) => [name, value]),
    );
    expect(parseConfig({ ...base, ...env })).toMatchObject(parsed);
  });

  it('GIVEN empty strings (as a copied .env.example has) THEN defaults apply', () => {
    const config = parseConfig({ ...base, GEMINI_BASE_URL: '', COMMANDS_GUILD_ID: ' ', LOG_LEVEL: '' });
    expect(config.GEMINI_BASE_URL).toBeUndefined();
    expect(config.COMMANDS_GUILD_ID).toBeUndefined();
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('GIVEN nothing THEN both required secrets are named in one message that points at .env.example', () => {
    try {
      parseConfig({});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('DISCORD_TOKEN is missing');
      expect(message).toContain('GEMINI_API_KEY is missing');
      expect(message).toContain('.env.example');
    }
  });

  it.each([
    ['DISCORD_API_URL', 'not a url'],
    ['DISCORD_API_URL', 'ftp://example.com'],
    ['GEMINI_BASE_URL', 'ws://127.0.0.1:1234'],
    ['GEMINI_LIVE_MODEL', 'has spaces in it'],
    ['GEMINI_TEXT_MODEL', 'bad/name'],
    ['GEMINI_VOICE', 'Robot'],
    ['COMMANDS_GUILD_ID', 'my-server'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'xml'],
    ['LOG_PII', 'maybe'],
    ['UPLINK_CHUNK_MS', '30'],
    ['UPLINK_CHUNK_MS', '200'],
    ['SILENCE_TAIL_MS', '10'],
    ['MAX_LIVE_SESSIONS', '0'],
    ['TOTAL_SHARDS', 'many'],
    ['SHARD_IDS', '1-'],
    ['SHARD_IDS', '3-1'],
    ['SHARD_IDS', 'one'],
    ['METRICS_PORT', '70000'],
  ])('GIVEN %s=%j THEN it is rejected by name with what is expected', (name, value) => {
    const problems = problemsOf({ ...base, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} is ".*": expected .+\\.$`));
  });

  it('GIVEN SHARD_IDS as lists and ranges THEN they become sorted shard ids without repeats', () => {
    expect(parseConfig({ ...base, TOTAL_SHARDS: '12', SHARD_IDS: '8, 0-3,2' }).SHARD_IDS).toEqual([
      0, 1, 2, 3, 8,
    ]);
    expect(parseConfig({ ...base, TOTAL_SHARDS: '2', SHARD_IDS: '1' }).SHARD_IDS).toEqual([1]);
    expect(parseConfig(base).SHARD_IDS).toBeUndefined();
  });

  it('GIVEN SHARD_IDS that do not fit TOTAL_SHARDS THEN one sentence says what to set', () => {
    expect(problemsOf({ ...base, SHARD_IDS: '0' })).toEqual([
      'SHARD_IDS is set but TOTAL_SHARDS is auto: set TOTAL_SHARDS to the same number on every host.',
    ]);
    expect(problemsOf({ ...base, TOTAL_SHARDS: '2', SHARD_IDS: '1-2' })).toEqual([
      'SHARD_IDS lists shard 2, but TOTAL_SHARDS is 2: shard ids go from 0 to 1.',
    ]);
  });

  it('GIVEN a DATABASE_URL with a password THEN it parses, is never echoed, and its password is a secret to scrub', () => {
    const url = 'postgres://bot:s3cr%40t-pw@db.internal:5432/bot';
    const config = parseConfig({ ...base, DATABASE_URL: url });
    expect(config.DATABASE_URL).toBe(url);
    expect(secretsOf(config)).toEqual(expect.arrayContaining([url, 's3cr%40t-pw', 's3cr@t-pw']));
    const problems = problemsOf({ ...base, DATABASE_URL: 'postgres://bot:pw with space@db/bot' });
    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL is not valid: expected a postgres:\/\//)]);
  });

  it('GIVEN several bad variables THEN every one is reported at once', () => {
    const problems = problemsOf({ GEMINI_API_KEY: KEY, LOG_LEVEL: 'loud', GEMINI_VOICE: 'Robot' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['DISCORD_TOKEN', 'GEMINI_VOICE', 'LOG_LEVEL']);
  });

  it('GIVEN a malformed secret THEN the message never contains its value', () => {
    const badToken = 'definitely-not-a-token-but-secret-ish';
    const badKey = 'short key';
    const problems = problemsOf({ DISCORD_TOKEN: badToken, GEMINI_API_KEY: badKey });
    const text = problems.join('\n');
    expect(text).toContain('DISCORD_TOKEN is not valid');
    expect(text).toContain('GEMINI_API_KEY is not valid');
    expect(text).not.toContain(badToken);
    expect(text).not.toContain(badKey);
  });
});
