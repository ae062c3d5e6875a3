// Chaos, fast half (also in `npm test`): hostile input and network events mid-conversation.
import { describe, expect, it } from 'vitest';
import { hostileDatagrams } from '../helpers/hostile-datagrams.ts';
import { until } from '../helpers/wait.ts';
import {
  assertClean,
  conversationWorks,
  duringSpeech,
  gatewaySession,
  useChaosWorld,
} from './chaos-world.ts';

const chaos = useChaosWorld();

describe('chaos: hostile input', () => {
  it('GIVEN every hostile datagram mid-speech THEN the conversation goes on and nothing reaches error level', async () => {
    const c = await chaos.start();
    const { w, alice } = c;
    await duringSpeech(c, async () => {
      for (const { datagram } of hostileDatagrams(alice.ssrc).all)
        await w.discord.sendDatagram(w.guild, datagram);
    });
    await c.conn.waitForInputEnd(1, 10_000);
    await conversationWorks(c);
    assertClean(c);
  });

  it('GIVEN malformed Gemini frames and events mid-answer THEN the good audio plays, the turn ends and the next one works', async () => {
    const c = await chaos.start();
    const { w, conn } = c;
    const capture = w.discord.botAudioIn(w.guild);
    conn.sendRawFrame('<html>502 Bad Gateway</html>');
    conn.send({ serverContent: { modelTurn: { parts: [null, { inlineData: { mimeType: 7, data: 1 } }] } } });
    conn.send({ toolCall: { functionCalls: 'roll_dice' }, usageMetadata: { totalTokenCount: -3 } });
    await conversationWorks(c);
    expect(capture.audioMs()).toBeGreaterThan(0);
    assertClean(c);
  });
});

describe('chaos: Discord', () => {
  it('GIVEN a 429 storm on message posting THEN transcripts still arrive and the conversation goes on', async () => {
    const c = await chaos.start();
    const { w, conn } = c;
    w.discord.rest.inject429({ route: 'POST /channels/:channel/messages', count: 4, retryAfterMs: 300 });
    conn.transcribeOutput('hello from the storm');
    conn.turnComplete();
    await until(
      () => w.discord.messagesIn(w.guild.text()).some((m) => m.content.includes('hello from the storm')),
      'the transcript after four 429s',
      15_000,
    );
    await conversationWorks(c);
    assertClean(c);
  });

  it('GIVEN gateway op 7 (reconnect) mid-conversation THEN the bot resumes and the conversation goes on', async () => {
    const c = await chaos.start();
    const { w } = c;
    const session = gatewaySession(c);
    const oldSocket = session.ws;
    await duringSpeech(c, () => w.discord.gateway.send(session, { op: 7, d: null }));
    await c.conn.waitForInputEnd(1, 10_000);
    // Resumed on a new socket: the same gateway session, not a second IDENTIFY.
    await until(() => session.ws !== null && session.ws !== oldSocket, 'a resumed gateway socket', 10_000);
    expect(w.discord.gateway.sessions).toHaveLength(1);
    await conversationWorks(c);
    assertClean(c);
  });
});
