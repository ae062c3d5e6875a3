// `npm run demo` as CI runs it: the scripted scene passes, reports latencies and writes two WAV files we can check.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findClip } from '../../scripts/demo/audio-match.ts';
import { LINES } from '../../scripts/demo/scene.ts';
import { createSynth, type Synth, VOICES } from '../../scripts/demo/voices.ts';
import { readWav, type WavClip } from '../../scripts/demo/wav.ts';
import { levelAtDbfs } from '../fakes/audio-analysis.ts';
import { startNodeChild } from '../helpers/node-child.ts';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The issue asks for "well under a minute"; the scene itself takes about 15 s. */
const DEMO_LIMIT_MS = 50_000;

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

async function runDemo(outDir: string): Promise<DemoRun> {
  const demo = startNodeChild({
    args: [join(repoRoot, 'scripts', 'demo.ts'), '--out', outDir],
    cwd: repoRoot,
    killAfterMs: DEMO_LIMIT_MS,
  });
  const { code } = await demo.finished;
  return { code, stdout: demo.stdout, stderr: demo.stderr, elapsedMs: performance.now() - demo.startedAtMs };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let outDir = '';
let run: DemoRun;
let synth: Synth;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'demo-test-'));
  synth = await createSynth();
  run = await runDemo(outDir);
  if (run.code !== 0) console.error(run.stdout, run.stderr);
}, DEMO_LIMIT_MS + 5_000);

afterAll(async () => {
  await synth?.dispose();
  await rm(outDir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('GIVEN a fresh machine THEN the whole scene passes in well under a minute and says it was simulated', () => {
    expect(run.code).toBe(0);
    expect(run.elapsedMs).toBeLessThan(DEMO_LIMIT_MS);
    const [head] = run.stdout.split('━━');
    expect(head).toContain('SIMULATED');
    expect(head).toContain(synth.kind === 'espeak-ng' ? 'espeak-ng' : 'SYNTHETIC tones');
    expect(run.stdout).toContain('✓ DEMO PASSED: all 8 steps happened');
    expect(run.stdout.trimEnd().split('\n').slice(-3).join(' ')).toContain('This was a simulation');
    expect(run.stdout).toContain('README.md');
  });

  it('GIVEN the run THEN the terminal showed the channel, the tool call, the barge-in and the @mention answer', () => {
    expect(run.stdout).toContain('💬 #general Gemini Bot');
    expect(run.stdout).toMatch(/🔧 the bot ran roll_dice and sent back total = \d+/);
    expect(run.stdout).toContain('✋ Gemini: interrupted');
    expect(run.stdout).toMatch(/💬 #general Gemini Bot \(reply\): .*Paris/);
  });

  it('GIVEN the summary THEN it says the call was DAVE-encrypted with the code the join notice showed', () => {
    const summary =
      /DAVE end-to-end encryption: ON \(protocol 1, 3 members, epoch \d+\), voice privacy code ((?:\d{5} ){5}\d{5})/.exec(
        run.stdout,
      );
    expect(summary).toBeTruthy();
    expect(run.stdout).toContain(
      `🔒 This call is end-to-end encrypted (voice privacy code ${summary?.[1]}).`,
    );
    const share = /([\d.]+) % of the bot's (\d+) voice frames were E2EE frames both humans decrypted/.exec(
      run.stdout,
    );
    expect(Number(share?.[1])).toBeGreaterThanOrEqual(99);
    expect(Number(share?.[2])).toBeGreaterThan(100);
  });

  it('GIVEN the summary THEN it reports the three measured latencies in ms', () => {
    const speech = /speech → Gemini\s+alice (\d+) ms, bob (\d+) ms/.exec(run.stdout);
    const voice = /Gemini → voice\s+first answer (\d+) ms/.exec(run.stdout);
    const bargeIn = /barge-in\s+(\d+) ms/.exec(run.stdout);
    expect(speech && voice && bargeIn).toBeTruthy();
    // Generous bounds on a loaded 2-core machine: they only prove the numbers are measurements.
    for (const ms of [speech?.[1], speech?.[2], voice?.[1]]) expect(Number(ms)).toBeLessThan(1_000);
    expect(Number(bargeIn?.[1])).toBeLessThanOrEqual(500);
  });

  it('GIVEN the recordings THEN the bot WAV holds the spoken answer and the Gemini WAV holds both speakers', async () => {
    const botFile = join(outDir, 'bot-voice.wav');
    const geminiFile = join(outDir, 'gemini-heard.wav');
    expect(run.stdout).toContain(botFile);
    expect(run.stdout).toContain(geminiFile);
    const bot: WavClip = await readWav(botFile);
    const heard: WavClip = await readWav(geminiFile);
    expect([bot.sampleRate, bot.channels]).toEqual([48_000, 2]);
    expect([heard.sampleRate, heard.channels]).toEqual([16_000, 1]);

    const answer = findClip(bot, await synth.say(VOICES.gemini, LINES.geminiRolls, 24_000));
    const alice = findClip(heard, await synth.say(VOICES.alice, LINES.aliceAsks, 48_000));
    const bob = findClip(heard, await synth.say(VOICES.bob, LINES.bobAsks, 48_000));
    console.info(
      `demo recordings (${synth.kind}): answer ${answer.score.toFixed(2)}, alice ${alice.score.toFixed(2)}, bob ${bob.score.toFixed(2)}`,
    );
    for (const m of [answer, alice, bob]) expect(m.score).toBeGreaterThan(0.75);
    // The sentences are where they were said: alice's question before bob's.
    expect(alice.atMs).toBeLessThan(bob.atMs);
    if (synth.kind === 'tones') {
      // Each synthetic voice has its own pitch: Gemini 660 Hz, alice 300 Hz, bob 500 Hz.
      const at = (clip: WavClip, hz: number, startMs: number) =>
        levelAtDbfs(clip, hz, { startMs, endMs: startMs + 1_000 });
      expect(at(bot, 660, answer.atMs)).toBeGreaterThan(-30);
      expect(at(heard, 300, alice.atMs)).toBeGreaterThan(at(heard, 500, alice.atMs) + 20);
      expect(at(heard, 500, bob.atMs)).toBeGreaterThan(at(heard, 300, bob.atMs) + 20);
    }
  });

  it('GIVEN the demo exited THEN the bot process it started is gone', () => {
    const pid = Number(/bot process (\d+) started/.exec(run.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(isRunning(pid)).toBe(false);
  });
});
