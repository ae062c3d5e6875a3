// `npm run bench:load`: N fully active guilds against one bot process; CPU per guild, event-loop lag, RSS.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { botEnv, startChildBot } from '../e2e/child-bot.ts';
import { TEST_DISCORD_TOKEN, TEST_GEMINI_KEY } from '../e2e/harness.ts';
import { startFakeDiscord } from '../fakes/fake-discord/index.ts';
import { startFakeGemini } from '../fakes/fake-gemini/index.ts';
import { tone } from '../fakes/tones.ts';
import { scrapeMetrics } from '../helpers/scrape-metrics.ts';
import { freePort, until } from '../helpers/wait.ts';
import { Traffic, type TrafficMode } from './load/traffic.ts';

/** Guild counts to try, in order; stops at the first whose lag p99 reaches the limit. */
const STEPS = (process.env.LOAD_STEPS ?? '1,10,25,50,75,100,150').split(',').map(Number);
const MODE = (process.env.LOAD_MODE ?? 'duplex') as TrafficMode;
if (MODE !== 'duplex' && MODE !== 'turns') throw new Error('LOAD_MODE must be duplex or turns');
/** Extra Node flags for the bot, e.g. LOAD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it. */
const NODE_ARGS = (process.env.LOAD_NODE_ARGS ?? '').split(' ').filter(Boolean);
const LAG_LIMIT_MS = 20;
const WARMUP_MS = 3_000;
const WINDOW_MS = 10_000;
/** Joining and measuring one step may take at most this, or the run stops. */
const STEP_BUDGET_MS = 60_000;
const JOIN_BATCH = 5;
/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
const CLOCK_TICKS_PER_S = 100;

interface Row {
  n: number;
  botCpuPct: number;
  /** The event loop's thread alone; the rest is the audio worker, GC and libuv threads. */
  mainCpuPct: number;
  perGuildPct: number;
  lagP50: number;
  lagP99: number;
  lagMax: number;
  rssMb: number;
  upFps: number;
  downPps: number;
  fakesCpuPct: number;
  fakesLagP99: number;
  /** The machine's 1-minute load average at the end of the window (other processes count too). */
  load: number;
}

/** CPU seconds of the whole process, or with `thread` of that one thread (the main thread's id is the pid). */
function procCpuSeconds(pid: number, thread?: number): number {
  const stat = readFileSync(
    thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
    'utf8',
  );
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime), counted after "pid (comm) ": indexes 11 and 12 here.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

const maxN = Math.max(...STEPS);
const discord = await startFakeDiscord({
  token: TEST_DISCORD_TOKEN,
  guilds: Array.from({ length: maxN }, (_, i) => ({ name: `guild-${i}` })),
});
const gemini = await startFakeGemini({ apiKey: TEST_GEMINI_KEY });
const dataDir = await mkdtemp(join(tmpdir(), 'bot-load-'));
const metricsPort = await freePort();
const bot = startChildBot(
  'src/main.ts',
  { ...botEnv(discord, gemini, dataDir), METRICS_PORT: String(metricsPort), MAX_LIVE_SESSIONS: '10000' },
  dataDir,
  NODE_ARGS,
);
const pid = bot.child.pid ?? 0;
const traffic = new Traffic(discord, gemini, MODE);
const fakesLag = monitorEventLoopDelay({ resolution: 10 });
const rows: Row[] = [];
let stopReason = `reached the last step (${maxN})`;

async function joinGuild(i: number): Promise<void> {
  const guild = discord.guild(`guild-${i}`);
  const humans = [0, 1, 2].map((h) => discord.human(`g${i}-h${h}`));
  for (const human of humans) await human.joinVoice(guild.voice());
  const reply = await humans[0]?.slash('join', {}, guild.text());
  const text = (await reply?.text(30_000)) ?? '';
  if (!text.includes('Listening')) throw new Error(`guild ${i}: /join answered "${text}"`);
  // One short real say() per human sends SPEAKING (op 5), so the bot maps its SSRC to the user.
  await Promise.all(humans.map((human) => human.say(tone(440, 60))));
  for (const [h, human] of humans.entries()) traffic.addTalker(human, guild.voice().id, i, h);
}

async function measure(n: number): Promise<Row> {
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const before = await scrapeMetrics(metricsPort); // also resets the bot's lag window
  const cpu0 = procCpuSeconds(pid);
  const main0 = procCpuSeconds(pid, pid);
  const fakesCpu0 = process.cpuUsage();
  const t0 = performance.now();
  fakesLag.reset();
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const after = await scrapeMetrics(metricsPort);
  const seconds = (performance.now() - t0) / 1000;
  const botCpuPct = ((procCpuSeconds(pid) - cpu0) / seconds) * 100;
  const mainCpuPct = ((procCpuSeconds(pid, pid) - main0) / seconds) * 100;
  const fakesCpu = process.cpuUsage(fakesCpu0);
  const rate = (name: string) => (after(name) - before(name)) / seconds / n;
  const lag = (q: string) => after(`voicebot_event_loop_lag_seconds{quantile="${q}"}`) * 1000;
  return {
    n,
    botCpuPct,
    mainCpuPct,
    perGuildPct: botCpuPct / n,
    lagP50: lag('0.5'),
    lagP99: lag('0.99'),
    lagMax: lag('1'),
    rssMb: after('process_resident_memory_bytes') / 2 ** 20,
    upFps: rate('voicebot_uplink_frames_total'),
    downPps: rate('voicebot_downlink_packets_total'),
    fakesCpuPct: ((fakesCpu.user + fakesCpu.system) / 1e6 / seconds) * 100,
    fakesLagP99: Math.max(0, fakesLag.percentile(99) / 1e6 - 10),
    load: loadavg()[0] ?? 0,
  };
}

function printTable(): void {
  const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '—');
  console.log(
    '\n|   N | bot CPU % | main thread % | CPU %/guild | lag p50 ms | lag p99 ms | lag max ms | RSS MB | up fps/guild | down pps/guild | fakes CPU % | fakes lag p99 ms | load avg |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.n} | ${f(r.botCpuPct)} | ${f(r.mainCpuPct)} | ${f(r.perGuildPct, 2)} | ${f(r.lagP50)} | ${f(r.lagP99)} | ${f(r.lagMax)} | ${f(r.rssMb, 0)} | ${f(r.upFps)} | ${f(r.downPps)} | ${f(r.fakesCpuPct)} | ${f(r.fakesLagP99)} | ${f(r.load, 2)} |`,
    );
  }
}

try {
  await bot.waitForLog((l) => l.msg === 'logged in to Discord', 'bot login', 30_000);
  await until(() => discord.commands.global.some((c) => c.name === 'join'), 'command registration', 10_000);
  traffic.start();
  fakesLag.enable();
  let joined = 0;
  for (const n of STEPS) {
    const stepStart = performance.now();
    while (joined < n) {
      const batch = Array.from({ length: Math.min(JOIN_BATCH, n - joined) }, (_, k) => joined + k);
      await Promise.all(batch.map(joinGuild));
      joined += batch.length;
      if (performance.now() - stepStart > STEP_BUDGET_MS - WARMUP_MS - WINDOW_MS) {
        throw new Error(`joining ${n} guilds took longer than the step budget`);
      }
    }
    const row = await measure(n);
    rows.push(row);
    console.log(
      `N=${n}: bot CPU ${row.botCpuPct.toFixed(1)} %, lag p99 ${row.lagP99.toFixed(1)} ms, RSS ${row.rssMb.toFixed(0)} MB, step ${((performance.now() - stepStart) / 1000).toFixed(0)} s`,
    );
    if (!(row.lagP99 < LAG_LIMIT_MS)) {
      stopReason = `lag p99 reached ${LAG_LIMIT_MS} ms at N=${n}`;
      break;
    }
  }
} catch (error) {
  stopReason = `stopped early: ${error instanceof Error ? error.message : String(error)}`;
} finally {
  traffic.stop();
  fakesLag.disable();
  await bot.kill();
  await gemini.stop();
  await discord.stop();
  await rm(dataDir, { recursive: true, force: true });
}

printTable();
const passing = rows.filter((r) => r.lagP99 < LAG_LIMIT_MS).map((r) => r.n);
console.log(
  `\nlargest N with bot event-loop lag p99 < ${LAG_LIMIT_MS} ms: ${passing.at(-1) ?? 'none'} (${stopReason})`,
);
console.log(`mode: ${MODE}; ${cpus().length} CPUs; node ${process.version}`);
const frames = traffic.botFrames;
console.log(
  `DAVE: the humans sent ${traffic.e2eeFrames} E2EE frames; the bot sent ${frames.e2ee} E2EE, ${frames.passthrough} plain, ${frames.silence} silence frames`,
);
console.log(
  'Bot: one process (src/main.ts), CPU from /proc/<pid>/stat, lag and RSS from its /metrics. Fakes and traffic in the bench process (its CPU shown apart).',
);
process.exit(0);
