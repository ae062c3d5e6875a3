// Contract: go-away handover, reconnects, setup failures and timeouts, real SDK against the fake server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import type { BotError } from '../../src/errors.ts';
import type { LiveSession, Reconnected } from '../../src/live/session.ts';
import { DEFAULT_LIVE_MODEL } from '../../src/live/settings.ts';
import { type FakeGemini, startFakeGemini, tone } from '../fakes/fake-gemini/index.ts';
import { API_KEY, makeAi, makeSession, nextEvent, ramp } from './live-harness.ts';

let gemini: FakeGemini;
let session: LiveSession | undefined;

beforeEach(async () => {
  gemini = await startFakeGemini({
    apiKey: API_KEY,
    knownModels: [DEFAULT_LIVE_MODEL],
  });
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await gemini.stop();
});

/** A ready session whose server has sent it one resumable handle; `first` is that server side. */
async function resumableSession() {
  session = makeSession(gemini);
  await session.connect();
  const first = await gemini.nextSession();
  const handle = first.sendResumptionHandle();
  await nextEvent(session, 'handle');
  return { live: session, first, handle };
}

function resumeHandleOf(setup: Record<string, unknown> | undefined): string | undefined {
  return (setup?.sessionResumption as { handle?: string } | undefined)?.handle;
}

describe('go-away handover', () => {
  it('GIVEN go-away WHEN audio keeps flowing THEN it resumes with the handle and every sample arrives in order', async () => {
    const { live, first, handle } = await resumableSession();
    let sample = 0;
    const pump = (samples: number) => {
      live.sendAudio(ramp(sample, samples));
      sample += samples;
    };
    // Audio written while the socket is being replaced: it must be buffered, not lost.
    live.on('stateChange', (_old, next) => {
      if (next.status === 'reconnecting') pump(1_000);
    });
    const timer = setInterval(() => pump(160), 5);
    try {
      await first.waitForAudio(200);
      const reconnected = nextEvent<Reconnected>(live, 'reconnected');
      first.goAway(5_000);
      const second = await gemini.nextSession();
      expect(resumeHandleOf(second.setup)).toBe(handle);
      const info = await reconnected;
      expect(info).toMatchObject({ resumed: true, reason: { kind: 'goAway' } });
      expect(info.durationMs).toBeLessThan(3_000);
      await second.waitForAudio(200);
    } finally {
      clearInterval(timer);
    }
    live.sendAudioStreamEnd();
    const second = gemini.connections[1]!;
    await second.waitForAudioStreamEnd();
    expect(first.closeRecord).toBeDefined();
    expect(first.session).toBe(second.session);
    expect(second.session?.audio).toEqual(ramp(0, sample));
    expect(live.counters.droppedUplinkMs).toBe(0);
    // The 1,000 samples written on entering 'reconnecting' complete at least one 40 ms chunk.
    expect(live.counters.largestHandoverBufferMs).toBeGreaterThanOrEqual(40);
  });

  it('GIVEN go-away while the model speaks THEN the handover waits for the end of its turn', async () => {
    session = makeSession(gemini);
    await session.connect();
    const first = await gemini.nextSession();
    const audio: Int16Array[] = [];
    const statuses: string[] = [];
    session.on('audio', (event) => audio.push(event.samples));
    session.on('stateChange', (_old, next) => statuses.push(next.status));
    await first.sendAudio(tone(80, 300));
    first.goAway(10_000);
    // Still on the old socket: more of the answer arrives and is played…
    const more = nextEvent(session, 'audio');
    await first.sendAudio(tone(40, 300));
    await more;
    // …and a message sent now still reaches the old connection: no handover has begun.
    session.sendText('still here');
    expect(await first.waitForText()).toBe('still here');
    expect(statuses).not.toContain('reconnecting');
    expect(gemini.connections).toHaveLength(1);
    const reconnected = nextEvent<Reconnected>(session, 'reconnected');
    first.turnComplete();
    await reconnected;
    expect(audio.reduce((sum, chunk) => sum + chunk.length, 0)).toBe(tone(120, 300).length);
    expect(resumeHandleOf(gemini.connections[1]?.setup)).toBe(first.session?.handles[0]);
  });

  it('GIVEN two go-aways while the model speaks THEN there is one handover, not one per go-away', async () => {
    session = makeSession(gemini);
    await session.connect();
    const first = await gemini.nextSession();
    await first.sendAudio(tone(80, 300));
    // Each plans its handover 2 s before its deadline: after 300 ms, then after 200 ms.
    first.goAway(2_300);
    first.goAway(2_200);
    await nextEvent<Reconnected>(session, 'reconnected');
    // The earlier plan's moment (300 ms) passes on the new socket: it must not hand over again.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(gemini.connections).toHaveLength(2);
    expect(session.state.status).toBe('ready');
  });
});

describe('reconnects', () => {
  it('GIVEN a 1011 mid-session THEN it reconnects with the latest handle', async () => {
    const { live, first, handle: latest } = await resumableSession();
    const reconnected = nextEvent<Reconnected>(live, 'reconnected');
    first.close(1011, 'Internal error encountered.');
    const info = await reconnected;
    expect(info.reason).toEqual({ kind: 'socket', code: 1011, reason: 'Internal error encountered.' });
    expect(resumeHandleOf(gemini.connections[1]?.setup)).toBe(latest);
  });

  it('GIVEN a 1011 storm THEN retries are bounded and exactly one fatal event says why', async () => {
    gemini.closeAfterSetup(1011, 'Internal error encountered.', Number.POSITIVE_INFINITY);
    session = makeSession(gemini, {
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, windowMs: 60_000 },
    });
    const fatals: BotError[] = [];
    session.on('fatal', (error) => fatals.push(error));
    const closed = new Promise<void>((resolve) => {
      session?.on('stateChange', (_old, next) => next.status === 'closed' && resolve());
    });
    await session.connect();
    await closed;
    expect(fatals.map((error) => error.code)).toEqual(['LIVE_RECONNECT_EXHAUSTED']);
    expect(fatals[0]?.message).not.toContain(API_KEY);
    expect(gemini.connections).toHaveLength(4);
  });

  it('GIVEN a 1007 after a long healthy session THEN one fresh session starts without the handle', async () => {
    let skewMs = 0;
    const clock = { ...systemClock, now: () => systemClock.now() + skewMs };
    session = makeSession(gemini, { clock });
    await session.connect();
    const first = await gemini.nextSession();
    skewMs = 10 * 60_000;
    const reconnected = nextEvent<Reconnected>(session, 'reconnected');
    first.close(1007, 'Context exhausted.');
    expect(await reconnected).toMatchObject({ resumed: false });
    expect(gemini.connections[1]?.setup?.sessionResumption).toEqual({});
    expect(session.counters.freshSessions).toBe(1);
  });

  it('GIVEN a stored handle the server no longer knows THEN one fresh session starts instead', async () => {
    session = makeSession(gemini, { resumeHandle: 'stale-handle' });
    await session.connect();
    const stale = await gemini.nextConnection();
    expect((await stale.waitForClose()).code).toBe(1007);
    const fresh = await gemini.nextSession();
    expect(fresh.setup?.sessionResumption).toEqual({});
    expect(session.counters.freshSessions).toBe(1);
    expect(session.state).toMatchObject({ status: 'ready', resumed: false });
  });
});

describe('setup failures', () => {
  it('GIVEN an unknown model THEN connect fails fast with the server reason and no retry', async () => {
    session = makeSession(gemini, { settings: { model: 'gemini-nope' } });
    const fatal = nextEvent<BotError>(session, 'fatal');
    const error = await session.connect().then(
      () => undefined,
      (e: BotError) => e,
    );
    expect(error?.code).toBe('LIVE_SETUP_REJECTED');
    expect(error?.message).toContain('models/gemini-nope is not found');
    expect(error?.closeCode).toBe(1008);
    expect((await fatal).code).toBe('LIVE_SETUP_REJECTED');
    // No retry: the session is closed for good and never counted a reconnect.
    expect(session.state.status).toBe('closed');
    expect(session.counters.reconnects).toBe(0);
    expect(gemini.connections).toHaveLength(1);
  });

  it('GIVEN a wrong API key THEN the 1007 reason is reported and the key is not', async () => {
    const wrongKey = 'wrong-key-abcdefghijklmnop';
    session = makeSession(gemini, { ai: makeAi(gemini, wrongKey) });
    const error = await session.connect().then(
      () => undefined,
      (e: BotError) => e,
    );
    expect(error?.code).toBe('LIVE_SETUP_REJECTED');
    expect(error?.message).toContain('API key not valid');
    expect(error?.message).not.toContain(wrongKey);
  });

  it('GIVEN a server that never answers setup THEN connect times out and the socket is closed', async () => {
    gemini.ignoreSetup(Number.POSITIVE_INFINITY);
    session = makeSession(gemini, { connectTimeoutMs: 300, retry: { maxAttempts: 1 } });
    const error = await session.connect().then(
      () => undefined,
      (e: BotError) => e,
    );
    expect(error?.code).toBe('LIVE_RECONNECT_EXHAUSTED');
    expect((error?.cause as BotError | undefined)?.code).toBe('LIVE_CONNECT_TIMEOUT');
    expect(gemini.connections).toHaveLength(2);
    for (const connection of gemini.connections) await connection.waitForClose();
  });
});
