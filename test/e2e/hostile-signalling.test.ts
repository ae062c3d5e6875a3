// Voice-gateway messages the library throws on (truncated binary frames, proposals davey refuses), mid-speech.
import { describe, expect, it } from 'vitest';
import { levelAtDbfs } from '../fakes/audio-analysis.ts';
import { tone } from '../fakes/tones.ts';
import { joinAndListen, useBotWorld } from './harness.ts';

const worlds = useBotWorld();

describe('hostile voice-gateway messages', () => {
  it('GIVEN truncated binary frames and proposals davey rejects mid-speech THEN no uncaught exception, the call goes on and alice is still heard', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtExceptionMonitor', record);
    try {
      const w = await worlds.start();
      const { alice, conn } = await joinAndListen(w);
      const speaking = alice.say(tone(440, 2000));
      await conn.waitForAudio(300, 5_000);
      const session = w.discord.voice.sessions.get(w.guild.id);
      const ws = session?.ws;
      if (!session || !ws) throw new Error('the bot has no voice websocket');
      // Shorter than the [u16 sequence][u8 opcode] header the library reads unguarded.
      await new Promise<void>((resolve) => ws.send(Buffer.from([0x00]), () => resolve()));
      await new Promise<void>((resolve) => ws.send(Buffer.from([0x00, 0x01]), () => resolve()));
      // Op 27 whose vector is garbage: davey's processProposals throws.
      await w.discord.voice.sendBinary(session, 27, Buffer.from([0x00, 0x05, 1, 2, 3, 4, 5]));
      // Op 25 after the group exists: setExternalSender throws.
      await w.discord.voice.sendBinary(session, 25, Buffer.from([0x01, 0x02]));
      await speaking;
      await conn.waitForInputEnd(1, 10_000);

      const heard = { samples: conn.audio, sampleRate: 16_000, channels: 1 };
      expect(levelAtDbfs(heard, 440, { startMs: 1500, endMs: 1900 })).toBeGreaterThan(-20);
      const before = conn.audioMs;
      await alice.say(tone(660, 800));
      await conn.waitForInputEnd(2, 10_000);
      const second = { samples: conn.audio.subarray((before * 16) | 0), sampleRate: 16_000, channels: 1 };
      expect(levelAtDbfs(second, 660, { startMs: 200, endMs: 700 })).toBeGreaterThan(-20);

      expect(uncaught).toEqual([]);
      const dropped = w.logLines.filter((l) => l.includes('voice gateway message could not be handled'));
      expect(dropped.length).toBeGreaterThanOrEqual(2);
      expect(w.bot.services.sessions.get(w.guild.id)?.state.status).toBe('active');
    } finally {
      process.off('uncaughtExceptionMonitor', record);
    }
  });
});
