// Chaos, slow half (`npm run test:chaos` only): storms, slow or failing servers, a crashing worker.
import { describe, expect, it } from 'vitest';
import { toolProbes } from '../e2e/tools-probes.ts';
import { frameLevelsDbfs } from '../fakes/audio-analysis.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import { until } from '../helpers/wait.ts';
import {
  assertClean,
  conversationWorks,
  duringSpeech,
  gatewaySession,
  nextConnection,
  useChaosWorld,
} from './chaos-world.ts';

const chaos = useChaosWorld();

describe('chaos: Discord', () => {
  it('GIVEN a 502 storm on message posting THEN each failing write is logged once (warn), later transcripts arrive and the conversation goes on', async () => {
    const c = await chaos.start();
    const { w, conn } = c;
    w.discord.rest.inject429({ route: 'POST /channels/:channel/messages', count: 12, status: 502 });
    conn.transcribeOutput('lost in the storm');
    conn.turnComplete();
    await until(
      () =>
        w.discord.rest.callsTo('POST /channels/:channel/messages').filter((call) => call.status === 502)
          .length >= 12,
      'the storm',
      30_000,
    );
    conn.transcribeOutput('after the storm');
    conn.turnComplete();
    await until(
      () => w.discord.messagesIn(w.guild.text()).some((m) => m.content.includes('after the storm')),
      'the transcript after the storm',
      15_000,
    );
    // Each write gives up after @discordjs/rest's 3 retries (4 calls): 12 errors are at most 3 warnings.
    const warnings = w.logLines.filter((l) => l.includes('transcript write failed')).length;
    expect(warnings).toBeGreaterThanOrEqual(1);
    expect(warnings).toBeLessThanOrEqual(3);
    await conversationWorks(c);
    assertClean(c);
  });

  it('GIVEN 10 % random packet loss THEN most of the speech reaches Gemini and the conversation goes on', async () => {
    const c = await chaos.start();
    const { alice, conn } = c;
    const said = await alice.say(tone(440, 3_000), { faults: { lossRate: 0.1, seed: 14 } });
    await conn.waitForInputEnd(1, 10_000);
    const lost = said.packets.filter((p) => p.faults.includes('loss')).length;
    // 20 ms frames of the 3 s of speech (from the first voiced one) that Gemini heard as voice.
    const levels = frameLevelsDbfs({ samples: conn.audio, sampleRate: 16_000, channels: 1 }, { frameMs: 20 });
    const first = levels.findIndex((level) => level > -40);
    const speech = levels.slice(first, first + 150);
    const voiced = speech.filter((level) => level > -40).length / speech.length;
    console.info(
      `10 % loss: ${lost} of ${said.packets.length} packets lost, speech fraction heard ${(voiced * 100).toFixed(1)} %`,
    );
    expect(voiced).toBeGreaterThan(0.85);
    await conversationWorks(c);
    assertClean(c);
  });

  it('GIVEN gateway op 9 (invalid session) mid-conversation THEN the bot identifies again and the conversation goes on', async () => {
    const c = await chaos.start();
    const { w } = c;
    const session = gatewaySession(c);
    await duringSpeech(c, () => w.discord.gateway.send(session, { op: 9, d: false }));
    await until(
      () => w.discord.gateway.sessions.length === 2 && w.discord.gateway.sessions[1]?.ws != null,
      'a new IDENTIFY',
      15_000,
    );
    await conversationWorks(c);
    assertClean(c);
  });

  it('GIVEN a voice server update mid-speech THEN the bot reconnects voice and the conversation goes on', async () => {
    const c = await chaos.start();
    const { w } = c;
    const state = w.discord.botVoiceState(w.guild);
    if (!state) throw new Error('the bot is not in voice');
    const before = w.discord.voice.sessions.get(w.guild.id);
    // The fake has one voice server: the update carries a new token for a fresh voice session there.
    await duringSpeech(c, () => w.discord.signalling.connectBot(w.discord.world.guild(w.guild.id), state));
    await until(
      () => {
        const now = w.discord.voice.sessions.get(w.guild.id);
        return now !== before && now?.ready === true && now.botAddress !== null;
      },
      'a new voice session',
      15_000,
    );
    await conversationWorks(c);
    assertClean(c);
  });
});

describe('chaos: Gemini', () => {
  it('GIVEN Gemini closes (1011) during a tool call THEN the bot resumes and the conversation goes on', async () => {
    const probes = toolProbes();
    const c = await chaos.start({ bot: { extraTools: probes.tools } });
    const first = c.conn;
    const handle = first.sendResumptionHandle();
    void first.callTool('slow_task', {});
    await probes.slowStarted(5_000);
    first.close(1011, 'Internal error encountered.');
    const next = await nextConnection(c);
    expect((next.setup?.sessionResumption as { handle?: string } | undefined)?.handle).toBe(handle);
    await conversationWorks(c);
    const counters = c.w.bot.services.sessions.get(c.w.guild.id)?.live?.counters;
    console.info(`1011 during a tool call: reconnected (resumed) in ${counters?.lastReconnectMs} ms`);
    assertClean(c);
  });

  it('GIVEN setupComplete only after 8 s THEN /join still succeeds and the conversation works', async () => {
    const startedAt = performance.now();
    const c = await chaos.start({ gemini: { setupLatencyMs: 8_000 } });
    expect(performance.now() - startedAt).toBeGreaterThan(8_000);
    await conversationWorks(c);
    assertClean(c);
  });
});

describe('chaos: the bot itself', () => {
  it('GIVEN the audio worker dies mid-answer THEN the answer goes on inline and the conversation works', async () => {
    const c = await chaos.start({
      bot: { audioWorkerUrl: new URL('./crashing-audio-worker.ts', import.meta.url) },
    });
    const { w, conn } = c;
    const capture = w.discord.botAudioIn(w.guild);
    await conn.sendAudio(geminiAnswer(600, 1_500), { chunkMs: 40 });
    conn.turnComplete();
    await capture.until((cap) => cap.audioMs() >= 1_000, 10_000);
    expect(w.bot.services.audio.kind).toContain('inline');
    await conversationWorks(c);
    assertClean(c, [/^audio worker failed/]);
  });
});
