// `npm run doctor` against the fakes: all ✓ for a good setup, and the right ✗ with a fix for each broken one.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { DEFAULT_TEXT_MODEL } from '../../src/config.ts';
import { Permission } from '../fakes/fake-discord/index.ts';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini/index.ts';
import { startNodeChild } from '../helpers/node-child.ts';
import { type BotWorld, startWorld, TEST_DISCORD_TOKEN, TEST_GEMINI_KEY } from './harness.ts';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Well-formed, but not the token the fake Discord knows. */
const WRONG_TOKEN = 'OTk5OTk5OTk5OTk5OTk5OTk5.Gwrong.this-token-was-reset-long-ago-000';
const WRONG_KEY = 'AIzaWrongKeyThatGoogleWouldRefuse0000000';

interface DoctorRun {
  code: number | null;
  stdout: string;
  /** The check lines: "✓ name: detail" (fix lines folded in). */
  lines: string[];
  line(prefix: string): string;
}

async function doctor(env: Record<string, string>): Promise<DoctorRun> {
  // A directory without .env, so nothing but `env` configures the doctor.
  const cwd = await mkdtemp(join(tmpdir(), 'doctor-cwd-'));
  const run = startNodeChild({
    args: [join(repoRoot, 'scripts', 'doctor.ts')],
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: join(cwd, 'data'),
      ...env,
    },
  });
  const { code } = await run.finished;
  // What a person running it sees: the check lines and anything on stderr, in order.
  const stdout = run.output;
  await rm(cwd, { recursive: true, force: true });
  const lines = stdout
    .split(/\n(?! {4}fix:)/)
    .filter((l) => /^[✓✗–] /.test(l))
    .map((l) => l.replace(/\n {4}/, ' '));
  return {
    code,
    stdout,
    lines,
    line: (prefix) =>
      lines.find((l) => l.slice(2).startsWith(prefix)) ?? `(no "${prefix}" line in)\n${stdout}`,
  };
}

function envFor(w: BotWorld, gemini: FakeGemini = w.gemini): Record<string, string> {
  return {
    DISCORD_TOKEN: TEST_DISCORD_TOKEN,
    DISCORD_API_URL: w.discord.restUrl,
    GEMINI_API_KEY: TEST_GEMINI_KEY,
    GEMINI_BASE_URL: gemini.baseUrl,
  };
}

function expectNoSecrets(run: DoctorRun): void {
  for (const secret of [TEST_DISCORD_TOKEN, TEST_GEMINI_KEY, WRONG_TOKEN, WRONG_KEY]) {
    expect(run.stdout).not.toContain(secret);
  }
}

describe('npm run doctor', () => {
  let w: BotWorld;
  beforeAll(async () => {
    // The real bot has run once: its slash commands are registered, as after a first `npm start`.
    w = await startWorld();
  });
  afterAll(async () => {
    await w.stop();
  });

  it('GIVEN a good setup THEN every check is ✓, names the bot and its server, and the exit code is 0', async () => {
    const run = await doctor(envFor(w));
    console.info(run.stdout);
    expect(run.code).toBe(0);
    expect(run.lines.length).toBeGreaterThanOrEqual(11);
    expect(run.lines.filter((l) => !l.startsWith('✓'))).toEqual([]);
    expect(run.line('Discord token')).toContain('fake-bot');
    expect(run.line('Discord token')).toContain('"test-guild"');
    expect(run.line('Slash commands')).toMatch(/\d+ registered globally, as this version defines them/);
    expect(run.stdout).toContain('All ');
    // It really talked to Gemini: a Live setup with 1 s of audio, and one generateContent call.
    const live = w.gemini.connections.at(-1);
    expect(live?.audioMs).toBeGreaterThanOrEqual(1000);
    expect(live?.isOpen).toBe(false);
    expect(w.gemini.rest.requests.at(-1)?.model).toBe(DEFAULT_TEXT_MODEL);
    expectNoSecrets(run);
  });

  it('GIVEN a wrong Discord token THEN ✗ Discord token with the Reset Token fix, Gemini still ✓, exit 1', async () => {
    const run = await doctor({ ...envFor(w), DISCORD_TOKEN: WRONG_TOKEN });
    expect(run.code).toBe(1);
    expect(run.line('Discord token')).toMatch(/^✗ .*rejected DISCORD_TOKEN .*fix: .*Reset Token/);
    expect(run.line('Permissions')).toMatch(/^– /);
    expect(run.line('Gemini Live')).toMatch(/^✓ /);
    expectNoSecrets(run);
  });

  it('GIVEN a wrong Gemini key THEN ✗ Live (1007) and ✗ text, both with the AI Studio fix', async () => {
    const run = await doctor({ ...envFor(w), GEMINI_API_KEY: WRONG_KEY });
    expect(run.code).toBe(1);
    expect(run.line('Gemini Live')).toMatch(/^✗ .*GEMINI_API_KEY \(close code 1007\).*fix: .*aistudio/);
    expect(run.line('Gemini text')).toMatch(/^✗ .*GEMINI_API_KEY.*fix: .*aistudio/);
    expect(run.line('Discord token')).toMatch(/^✓ /);
    expectNoSecrets(run);
  });

  it('GIVEN a listed Live model the key cannot use THEN ✗ Live (1008) with the GEMINI_LIVE_MODEL fix', async () => {
    // models.get lists the default model, but this key's Live endpoint refuses it.
    const strict = await startFakeGemini({ apiKey: TEST_GEMINI_KEY, knownModels: ['gemini-live-2.5-flash'] });
    try {
      const run = await doctor(envFor(w, strict));
      expect(run.code).toBe(1);
      expect(run.line('Gemini Live')).toMatch(/^✗ .*close code 1008.*fix: set GEMINI_LIVE_MODEL/);
      expect(run.line('Gemini text')).toMatch(/^✓ /);
    } finally {
      await strict.stop();
    }
  });

  it('GIVEN a retired Live model and a retired text model THEN ✗ each, naming the model and what to set instead', async () => {
    const run = await doctor({
      ...envFor(w),
      GEMINI_LIVE_MODEL: 'gemini-2.0-flash-live-001',
      GEMINI_TEXT_MODEL: 'gemini-2.5-flash',
    });
    expect(run.code).toBe(1);
    expect(run.line('Gemini Live')).toMatch(
      /^✗ .*Google does not offer gemini-2\.0-flash-live-001 any more.*fix: set GEMINI_LIVE_MODEL=gemini-3\.8-live in \.env/,
    );
    expect(run.line('Gemini text')).toMatch(
      /^✗ .*Google does not offer gemini-2\.5-flash any more.*fix: set GEMINI_TEXT_MODEL=gemini-3\.5-flash-lite in \.env/,
    );
    expectNoSecrets(run);
  });

  it('GIVEN a text model as the Live model THEN ✗ Live saying it does not offer bidiGenerateContent', async () => {
    const run = await doctor({ ...envFor(w), GEMINI_LIVE_MODEL: 'gemini-3.8-flash' });
    expect(run.line('Gemini Live')).toMatch(
      /^✗ .*gemini-3\.8-flash exists but does not offer bidiGenerateContent/,
    );
    expect(run.line('Gemini text')).toMatch(/^✓ /);
  });

  it('GIVEN Connect denied to the bot on the voice channel THEN ✗ permissions naming the channel', async () => {
    const voice = w.guild.voice();
    w.discord.setPermissionOverwrite(
      voice,
      { kind: 'user', id: w.discord.world.bot.id },
      { deny: Permission.Connect },
    );
    try {
      const run = await doctor(envFor(w));
      expect(run.code).toBe(1);
      expect(run.line('Permissions in "test-guild"')).toMatch(
        new RegExp(
          `^✗ .*lacks View Channel, Connect, Speak in every voice channel .*#${voice.name}.*fix: .*Connect`,
        ),
      );
    } finally {
      voice.overwrites = voice.overwrites.filter((o) => o.id !== w.discord.world.bot.id);
    }
  });

  it('GIVEN the bot never started THEN ✗ slash commands with the "start the bot once" fix', async () => {
    const saved = w.discord.commands.global.splice(0);
    try {
      const run = await doctor(envFor(w));
      expect(run.line('Slash commands')).toMatch(
        /^✗ Slash commands: none registered globally.*fix: start the bot once/,
      );
    } finally {
      w.discord.commands.global.push(...saved);
    }
  });

  it('GIVEN no GEMINI_API_KEY THEN ✗ configuration listing it, the machine checks still run, exit 1', async () => {
    const { GEMINI_API_KEY: _, ...env } = envFor(w);
    const run = await doctor(env);
    expect(run.code).toBe(1);
    expect(run.line('Node.js')).toMatch(/^✓ /);
    expect(run.line('Opus codec')).toMatch(/^✓ /);
    expect(run.line('Configuration')).toMatch(
      /^✗ .*GEMINI_API_KEY is missing.*fix: set the variables listed above in \.env/,
    );
  });
});

describe('npm run doctor against a gateway that refuses the intents', () => {
  // The fake Discord accepts every intent; Discord closes with 4014 when an application asks for a
  // privileged intent it was not granted. This stub does exactly that, after a normal /gateway/bot.
  let http: Server;
  let wss: WebSocketServer;
  afterEach(async () => {
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise((done) => wss?.close(done));
    http?.closeAllConnections();
    await new Promise((done) => http?.close(done));
  });

  it('GIVEN close code 4014 at identify THEN ✗ gateway intents with a Developer Portal fix', async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((done) => wss.once('listening', done));
    const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    wss.on('connection', (ws) => {
      ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
      ws.on('message', (data) => {
        if ((JSON.parse(String(data)) as { op: number }).op === 2) ws.close(4014, 'Disallowed intent(s).');
      });
    });
    http = createServer((request, response) => {
      const body = request.url?.endsWith('/gateway/bot')
        ? {
            url: wsUrl,
            shards: 1,
            session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
          }
        : { message: '404: Not Found', code: 0 };
      response.writeHead(body.url ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
    const gemini = await startFakeGemini({ apiKey: TEST_GEMINI_KEY });
    try {
      const run = await doctor({
        DISCORD_TOKEN: TEST_DISCORD_TOKEN,
        DISCORD_API_URL: `http://127.0.0.1:${(http.address() as AddressInfo).port}/api`,
        GEMINI_API_KEY: TEST_GEMINI_KEY,
        GEMINI_BASE_URL: gemini.baseUrl,
      });
      expect(run.code).toBe(1);
      expect(run.line('Gateway intents')).toMatch(
        /^✗ .*close code 4014 \(disallowed intents\).*fix: .*Privileged Gateway Intents/,
      );
    } finally {
      await gemini.stop();
    }
  });
});
