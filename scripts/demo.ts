// `npm run demo`: the real bot against a simulated Discord and Gemini, in a short scripted scene.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type FakeDiscord, startFakeDiscord } from '../test/fakes/fake-discord/index.ts';
import { type FakeGemini, startFakeGemini } from '../test/fakes/fake-gemini/index.ts';
import { findClip } from './demo/audio-match.ts';
import { type BotProcess, startBotProcess } from './demo/bot-process.ts';
import { ChannelView } from './demo/channel-view.ts';
import { describeE2ee } from './demo/e2ee.ts';
import { until } from './demo/measure.ts';
import { Narrator } from './demo/narrator.ts';
import { botVoiceRecording } from './demo/recording.ts';
import { LINES, playScene, SceneError, type SceneResult } from './demo/scene.ts';
import { createSynth, type Synth, VOICES } from './demo/voices.ts';
import { writeWav } from './demo/wav.ts';

/** Shaped like real credentials so the bot's config accepts them; only the fakes ever see them. */
const DEMO_DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gdemo1.demo-token-for-the-simulated-discord';
const DEMO_GEMINI_KEY = 'AIzaDemoKeyForTheSimulatedGeminiOnly0000';
/** The scene's steps plus "start everything" and "stop and write the recordings". */
const TOTAL_STEPS = 8;
/** An envelope correlation this high means the recording holds that sentence (chance is ~0.3). */
const MIN_MATCH = 0.75;
const README = 'README.md ("Quick start" and "Creating the Discord application and inviting the bot")';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values: flags } = parseArgs({
  options: { out: { type: 'string' }, tones: { type: 'boolean', default: false } },
});
const out = (text: string) => process.stdout.write(text);

async function main(): Promise<number> {
  const narrator = new Narrator(out, TOTAL_STEPS);
  const outDir = resolve(flags.out ?? join(tmpdir(), `gemini-voice-bot-demo-${Date.now()}`));
  const synth = await createSynth(flags.tones ? 'tones' : 'auto');
  narrator.plain('Gemini voice bot — demo (about 15 seconds)');
  narrator.plain(
    "  SIMULATED: Discord and Gemini are fakes running on 127.0.0.1; Gemini's answers are scripted.",
  );
  narrator.plain('  REAL: the bot itself (`npm start`, unchanged), its audio path, tools and commands.');
  narrator.plain('  No Discord application, token or Gemini key is used.');
  narrator.plain(
    '  The voice call is DAVE end-to-end encrypted, as on Discord: the simulated people are real DAVE clients.',
  );
  narrator.plain(
    synth.kind === 'espeak-ng'
      ? `  Voices: spoken sentences from espeak-ng (resampled with ${synth.resampler}).`
      : '  Voices: SYNTHETIC tones (alice 300 Hz, bob 500 Hz, Gemini 660 Hz); install espeak-ng for spoken sentences.',
  );

  let discord: FakeDiscord | undefined;
  let gemini: FakeGemini | undefined;
  let bot: BotProcess | undefined;
  let view: ChannelView | undefined;
  const dataDir = await mkdtemp(join(tmpdir(), 'demo-data-'));
  const botProblems: string[] = [];
  try {
    narrator.step('starting the simulated Discord and Gemini, and the real bot');
    discord = await startFakeDiscord({
      token: DEMO_DISCORD_TOKEN,
      botName: 'Gemini Bot',
      guilds: [{ name: 'Demo Server', textChannels: ['general'], voiceChannels: ['Lounge'] }],
    });
    gemini = await startFakeGemini({ apiKey: DEMO_GEMINI_KEY });
    const started = startBotProcess({
      repoRoot,
      cwd: dataDir,
      env: {
        ...discord.childEnv(),
        GEMINI_API_KEY: DEMO_GEMINI_KEY,
        GEMINI_BASE_URL: gemini.baseUrl,
        DATA_DIR: join(dataDir, 'data'),
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'warn',
      },
      onLine: (line) => {
        const shown = describeLogLine(line);
        botProblems.push(shown);
        narrator.line(`⚠️  bot log: ${shown}`);
      },
    });
    bot = started;
    narrator.line(
      `🚀 bot process ${started.pid} started: node src/main.ts (DISCORD_API_URL=${discord.restUrl}, GEMINI_BASE_URL=${gemini.baseUrl})`,
    );
    const botDied = started.exited.then((exit) => {
      throw new SceneError(`the bot process exited unexpectedly (code ${exit.code}, signal ${exit.signal})`);
    });
    botDied.catch(() => {});
    const fake = discord;
    const registered = await Promise.race([
      until(() => fake.commands.global.some((c) => c.name === 'join'), 20_000),
      botDied,
    ]);
    if (!registered)
      throw new SceneError('the bot did not log in and register its slash commands within 20 s');
    narrator.line(
      `✅ the bot logged in as ${discord.world.bot.username} and registered ${discord.commands.global.length} slash commands`,
    );

    view = new ChannelView({ discord, channel: discord.guild().text(), print: (l) => narrator.line(l) });
    view.start();
    const scene = await playScene({ discord, gemini, synth, narrator, botDied });

    narrator.step('stopping the bot and writing the recordings');
    const exit = await started.stop();
    if (exit.code !== 0)
      throw new SceneError(`the bot did not shut down cleanly (code ${exit.code}, signal ${exit.signal})`);
    view.stop();
    narrator.line('👋 the bot shut down cleanly (SIGTERM → exit 0)');
    const recordings = await writeRecordings(outDir, discord, scene);
    const matches = await recognise(synth, recordings);
    for (const m of matches) {
      if (m.score < MIN_MATCH)
        throw new SceneError(`${m.what} is not recognisable in ${m.file} (match ${m.score.toFixed(2)})`);
    }
    printSummary(narrator, scene, recordings, matches, view);
    return 0;
  } catch (error) {
    view?.stop();
    const reason = error instanceof SceneError ? error.message : String((error as Error)?.stack ?? error);
    narrator.plain();
    narrator.plain(`✗ DEMO FAILED at step ${narrator.stepsDone}/${narrator.totalSteps}: ${reason}`);
    if (botProblems.length > 0)
      narrator.plain(`  The bot logged ${botProblems.length} warning(s)/error(s); see above.`);
    printClosing(narrator);
    return 1;
  } finally {
    view?.stop();
    await bot?.stop(3_000);
    await gemini?.stop();
    await discord?.stop();
    await synth.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface Recordings {
  botFile: string;
  botMs: number;
  geminiFile: string;
  geminiMs: number;
  bot: Parameters<typeof findClip>[0];
  heard: Parameters<typeof findClip>[0];
}

async function writeRecordings(
  outDir: string,
  discord: FakeDiscord,
  scene: SceneResult,
): Promise<Recordings> {
  await mkdir(outDir, { recursive: true });
  const bot = botVoiceRecording(discord.botAudioIn(discord.guild()).packets);
  const heard = { samples: scene.conn.session?.audio ?? scene.conn.audio, sampleRate: 16_000, channels: 1 };
  const botFile = join(outDir, 'bot-voice.wav');
  const geminiFile = join(outDir, 'gemini-heard.wav');
  await writeWav(botFile, bot);
  await writeWav(geminiFile, heard);
  const ms = (c: typeof bot) => (c.samples.length / c.channels / c.sampleRate) * 1000;
  return { botFile, botMs: ms(bot), geminiFile, geminiMs: ms(heard), bot, heard };
}

interface Recognised {
  what: string;
  file: string;
  score: number;
}

/** Finds each known sentence in the recording it should be in (the same synthesis is deterministic). */
async function recognise(synth: Synth, r: Recordings): Promise<Recognised[]> {
  const check = async (
    what: string,
    file: string,
    rec: Recordings['bot'],
    voice: keyof typeof VOICES,
    line: string,
    rate: number,
  ) => ({
    what,
    file,
    score: findClip(rec, await synth.say(VOICES[voice], line, rate)).score,
  });
  return [
    await check("alice's question", 'gemini-heard.wav', r.heard, 'alice', LINES.aliceAsks, 48_000),
    await check("bob's question", 'gemini-heard.wav', r.heard, 'bob', LINES.bobAsks, 48_000),
    await check("Gemini's first answer", 'bot-voice.wav', r.bot, 'gemini', LINES.geminiRolls, 24_000),
  ];
}

function printSummary(
  n: Narrator,
  scene: SceneResult,
  r: Recordings,
  matches: Recognised[],
  view: ChannelView,
): void {
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  n.plain();
  n.plain(`✓ DEMO PASSED: all ${n.totalSteps} steps happened in ${n.elapsedS.toFixed(1)} s`);
  n.plain('  Latency, measured at the fakes on this machine (real Discord and Gemini add network time):');
  n.plain(`    speech → Gemini   ${scene.speechToGeminiMs.map((s) => `${s.who} ${ms(s.ms)}`).join(', ')}`);
  n.plain("                      (a person's first voice packet sent → first audio chunk at Gemini)");
  n.plain(`    Gemini → voice    ${scene.geminiToVoiceMs.map((s) => `${s.what} ${ms(s.ms)}`).join(', ')}`);
  n.plain('                      (Gemini starts sending an answer → first bot packet in the channel)');
  n.plain(
    `    barge-in          ${ms(scene.bargeInMs)} (Gemini says "interrupted" → last audible bot packet)`,
  );
  for (const line of describeE2ee(scene.e2ee)) n.plain(line);
  n.plain(`  Text channel: ${view.botMessages} message(s) from the bot, ${view.edits} edit(s).`);
  n.plain('  Recordings (listen to them):');
  n.plain(`    what the bot said in voice: ${r.botFile} (48 kHz stereo, ${(r.botMs / 1000).toFixed(1)} s)`);
  n.plain(
    `    what Gemini heard:          ${r.geminiFile} (16 kHz mono, ${(r.geminiMs / 1000).toFixed(1)} s)`,
  );
  n.plain(
    `  Recognised in them: ${matches.map((m) => `${m.what} (match ${m.score.toFixed(2)})`).join(', ')}`,
  );
  printClosing(n);
}

function printClosing(n: Narrator): void {
  n.plain();
  n.plain(
    "This was a simulation: Discord and Gemini were fakes on 127.0.0.1 and Gemini's answers were scripted.",
  );
  n.plain('For the real thing you need a Discord application with a bot token and a Gemini API key in .env;');
  n.plain(`see ${README}. Then run \`npm run doctor\` to check the setup and \`npm start\`.`);
}

/** A bot log line (JSON) as one short readable line: level, message, error code. */
function describeLogLine(line: string): string {
  try {
    const entry = JSON.parse(line) as {
      level?: number;
      msg?: string;
      err?: { code?: string; message?: string };
    };
    const level = entry.level !== undefined && entry.level >= 50 ? 'error' : 'warn';
    const err = entry.err ? ` (${entry.err.code ?? ''} ${entry.err.message ?? ''})` : '';
    return `${level}: ${entry.msg ?? ''}${err}`;
  } catch {
    return line;
  }
}

process.exit(await main());
