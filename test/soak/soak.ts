// `npm run soak`: N guilds talk to one bot process for a while; memory, lag, FDs and timers must not grow.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { botEnv, startChildBot } from '../e2e/child-bot.ts';
import { TEST_DISCORD_TOKEN, TEST_GEMINI_KEY } from '../e2e/harness.ts';
import { type FakeHuman, startFakeDiscord } from '../fakes/fake-discord/index.ts';
import { startFakeGemini } from '../fakes/fake-gemini/index.ts';
import type { FakeLiveConnection } from '../fakes/fake-gemini/live-connection.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import { scrapeMetrics } from '../helpers/scrape-metrics.ts';
import { freePort, until } from '../helpers/wait.ts';
import { lineChartPng } from './png-chart.ts';

const GUILDS = Number(process.env.SOAK_GUILDS ?? 10);
const MINUTES = Number(process.env.SOAK_MINUTES ?? 15);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_S ?? 10) * 1000;
/** Allowed fitted growth over the second half (issue 14): heap < 1 MB per 10 min per guild, FDs and timers none. */
const HEAP_MB_PER_10_MIN_PER_GUILD = 1;
/** Fitted growth allowed beyond the sampling noise (see growth()). */
const FD_TOLERANCE = 1;
const TIMER_TOLERANCE = 1;
/** Every this many turns a guild's Gemini asks for a tool, and every HANDOVER_EVERY it sends goAway. */
const TOOL_EVERY = 10;
const HANDOVER_EVERY = 40;

interface Sample {
  minutes: number;
  rssMb: number;
  heapMb: number;
  lagP99Ms: number;
  fds: number;
  timers: number;
  turns: number;
}

interface GuildRun {
  human: FakeHuman;
  conn: FakeLiveConnection;
  turns: number;
  errors: string[];
}

const discord = await startFakeDiscord({
  token: TEST_DISCORD_TOKEN,
  guilds: Array.from({ length: GUILDS }, (_, i) => ({ name: `guild-${i}` })),
});
const gemini = await startFakeGemini({ apiKey: TEST_GEMINI_KEY });
const dataDir = await mkdtemp(join(tmpdir(), 'bot-soak-'));
const metricsPort = await freePort();
const bot = startChildBot(
  'src/main.ts',
  { ...botEnv(discord, gemini, dataDir), METRICS_PORT: String(metricsPort) },
  dataDir,
);
const pid = bot.child.pid ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMb(): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function joinGuild(i: number): Promise<GuildRun> {
  const guild = discord.guild(`guild-${i}`);
  const human = discord.human(`soak-${i}`);
  await human.joinVoice(guild.voice());
  const reply = await human.slash('join', {}, guild.text());
  const conn = await gemini.nextSession(30_000);
  const text = await reply.text(30_000);
  if (!text.includes('Listening')) throw new Error(`guild ${i}: /join answered "${text}"`);
  return { human, conn, turns: 0, errors: [] };
}

/** One scripted turn: the human speaks, Gemini transcribes, maybe calls a tool, answers, ends the turn. */
async function turn(g: GuildRun): Promise<void> {
  g.turns++;
  const conn = g.conn;
  const ends = conn.inputEnds;
  await g.human.say(tone(300 + (g.turns % 7) * 60, 1_000));
  await conn.waitForInputEnd(ends + 1, 15_000);
  conn.transcribeInput(`question ${g.turns}`, true);
  if (g.turns % TOOL_EVERY === 0) {
    await Promise.race([conn.callTool('roll_dice', { notation: '2d6' }), sleep(10_000)]);
  }
  await conn.sendAudio(geminiAnswer(600, 1_000), { chunkMs: 40 });
  conn.transcribeOutput(`answer ${g.turns}`);
  conn.turnComplete();
  if (g.turns % HANDOVER_EVERY === 0) {
    conn.sendResumptionHandle();
    conn.goAway(0);
    await until(
      () => gemini.connections.some((c) => c !== conn && c.session === conn.session && c.isOpen && c.setup),
      'the handover connection',
      15_000,
    );
    g.conn = gemini.connections.filter((c) => c.session === conn.session && c.isOpen).at(-1) ?? conn;
  }
}

async function converse(g: GuildRun, stopAt: number): Promise<void> {
  while (performance.now() < stopAt) {
    try {
      await turn(g);
    } catch (error) {
      g.errors.push(error instanceof Error ? error.message : String(error));
      if (g.errors.length > 20) return;
    }
    await sleep(300);
  }
}

/** Least-squares slope (per minute) of y over x, with its standard error. */
function slope(points: ReadonlyArray<readonly [number, number]>): { slope: number; error: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  if (n < 3 || sxx === 0) return { slope: 0, error: Number.POSITIVE_INFINITY };
  const b = sxy / sxx;
  const residuals = points.reduce((s, p) => s + (p[1] - (my + b * (p[0] - mx))) ** 2, 0);
  return { slope: b, error: Math.sqrt(residuals / (n - 2) / sxx) };
}

const samples: Sample[] = [];
const runs: GuildRun[] = [];
let failure: string | null = null;
try {
  await bot.waitForLog((l) => l.msg === 'logged in to Discord', 'bot login', 30_000);
  await until(() => discord.commands.global.some((c) => c.name === 'join'), 'command registration', 10_000);
  for (let i = 0; i < GUILDS; i++) runs.push(await joinGuild(i));
  const startedAt = performance.now();
  const stopAt = startedAt + MINUTES * 60_000;
  const conversations = Promise.all(runs.map((g) => converse(g, stopAt)));
  await scrapeMetrics(metricsPort); // resets the lag window
  while (performance.now() < stopAt) {
    await sleep(Math.min(SAMPLE_MS, stopAt - performance.now()));
    const m = await scrapeMetrics(metricsPort);
    samples.push({
      minutes: (performance.now() - startedAt) / 60_000,
      rssMb: rssMb(),
      heapMb: m('voicebot_heap_used_bytes') / 2 ** 20,
      lagP99Ms: m('voicebot_event_loop_lag_seconds{quantile="0.99"}') * 1000,
      fds: readdirSync(`/proc/${pid}/fd`).length,
      timers: m('voicebot_active_timers'),
      turns: runs.reduce((s, g) => s + g.turns, 0),
    });
    const last = samples.at(-1);
    if (last) {
      console.log(
        `${last.minutes.toFixed(1)} min: RSS ${last.rssMb.toFixed(0)} MB, heap ${last.heapMb.toFixed(1)} MB, lag p99 ${last.lagP99Ms.toFixed(1)} ms, ${last.fds} FDs, ${last.timers} timers, ${last.turns} turns`,
      );
    }
  }
  await conversations;
} catch (error) {
  failure = `stopped early: ${error instanceof Error ? error.message : String(error)}`;
} finally {
  await bot.kill();
  await gemini.stop();
  await discord.stop();
  await rm(dataDir, { recursive: true, force: true });
}

const half = samples.slice(Math.floor(samples.length / 2));
const halfMinutes = (half.at(-1)?.minutes ?? 0) - (half[0]?.minutes ?? 0);
/**
 * Fitted change of one series over `perMinutes` (± two standard errors). Heap between collections
 * and timers mid-turn swing with the moment a sample lands (±10 MB, ±10 timers with 10 guilds), so
 * a series fails only when its growth exceeds the limit by more than that noise: a leak of one
 * object per turn or handover is far larger.
 */
function growth(pick: (s: Sample) => number, perMinutes: number, scale = 1) {
  const fit = slope(half.map((s) => [s.minutes, pick(s)] as const));
  return { value: (fit.slope * perMinutes) / scale, noise: (2 * fit.error * perMinutes) / scale };
}
const heap = growth((s) => s.heapMb, 10, GUILDS);
const fds = growth((s) => s.fds, halfMinutes);
const timers = growth((s) => s.timers, halfMinutes);
const rss = growth((s) => s.rssMb, 10);
const errors = runs.flatMap((g) => g.errors);

const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const table = [
  '| min | RSS MB | heap MB | lag p99 ms | FDs | timers | turns |',
  '|---:|---:|---:|---:|---:|---:|---:|',
  ...samples
    .filter((_, i) => i % Math.max(1, Math.round(60_000 / SAMPLE_MS)) === 0 || i === samples.length - 1)
    .map(
      (s) =>
        `| ${f(s.minutes)} | ${f(s.rssMb, 0)} | ${f(s.heapMb)} | ${f(s.lagP99Ms)} | ${s.fds} | ${s.timers} | ${s.turns} |`,
    ),
].join('\n');
const within = (g: { value: number; noise: number }, limit: number) => g.value - g.noise < limit;
const pm = (g: { value: number; noise: number }, d: number) => `${f(g.value, d)} ± ${f(g.noise, d)}`;
const verdicts = [
  [`heap growth ${pm(heap, 3)} MB per 10 min per guild`, within(heap, HEAP_MB_PER_10_MIN_PER_GUILD)],
  [`FD growth over the second half ${pm(fds, 2)}`, within(fds, FD_TOLERANCE)],
  [`timer growth over the second half ${pm(timers, 2)}`, within(timers, TIMER_TOLERANCE)],
  [`${errors.length} conversation errors`, errors.length === 0],
] as const;
const summary = [
  `${GUILDS} guilds, ${MINUTES} min real time, a sample every ${SAMPLE_MS / 1000} s; linear fit over the second half (${f(halfMinutes)} min)`,
  `RSS ${pm(rss, 2)} MB per 10 min (not a pass/fail figure: the allocator keeps pages)`,
  ...verdicts.map(([text, ok]) => `${ok ? 'ok  ' : 'FAIL'} ${text}`),
  ...(failure ? [`FAIL ${failure}`] : []),
  ...errors.slice(0, 5).map((e) => `  error: ${e}`),
].join('\n');

const outDir = join(tmpdir(), `soak-${new Date().toISOString().replace(/[:.]/g, '-')}`);
await mkdir(outDir, { recursive: true });
const points = (pick: (s: Sample) => number) => samples.map((s) => [s.minutes, pick(s)] as const);
await writeFile(
  join(outDir, 'soak.png'),
  lineChartPng([
    { label: 'RSS MB', points: points((s) => s.rssMb) },
    { label: 'heap MB', points: points((s) => s.heapMb) },
    { label: 'lag p99 ms', points: points((s) => s.lagP99Ms) },
    { label: 'open FDs', points: points((s) => s.fds) },
    { label: 'timers', points: points((s) => s.timers) },
  ]),
);
await writeFile(join(outDir, 'soak.md'), `${table}\n\n${summary}\n`);
console.log(`\n${table}\n\n${summary}`);
console.log(`\nchart (panels top to bottom: RSS, heap, lag p99, FDs, timers) and table in ${outDir}`);
const passed = !failure && verdicts.every(([, ok]) => ok);
process.exit(passed ? 0 : 1);
