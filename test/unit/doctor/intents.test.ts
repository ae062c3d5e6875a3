// The gateway-intents check: privileged intents against the application's flags and the gateway's close codes.
import { ApplicationFlags, GatewayIntentBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { BOT_INTENT_BITS, checkIntents } from '../../../src/doctor/intents.ts';

const withContent = BOT_INTENT_BITS | GatewayIntentBits.MessageContent;

describe('checkIntents', () => {
  it('GIVEN the bot intents and no application flags THEN ✓ with none privileged', () => {
    const result = checkIntents({ requested: BOT_INTENT_BITS, appFlags: 0, closeCode: null });
    expect(result.status).toBe('ok');
    expect(result.detail).toContain('Guilds, GuildVoiceStates, GuildMessages (none privileged)');
  });

  it('GIVEN Message Content requested but not granted THEN ✗ naming the portal switch', () => {
    const result = checkIntents({ requested: withContent, appFlags: 0, closeCode: null });
    expect(result.status).toBe('fail');
    expect(result.fix).toContain('Privileged Gateway Intents: enable Message Content Intent');
  });

  it('GIVEN Message Content granted (limited, under 100 servers) THEN ✓', () => {
    const flags = ApplicationFlags.GatewayMessageContentLimited;
    expect(checkIntents({ requested: withContent, appFlags: flags, closeCode: null }).status).toBe('ok');
  });

  it('GIVEN close code 4014 for a privileged request THEN ✗ telling which intent to enable', () => {
    const result = checkIntents({ requested: withContent, appFlags: null, closeCode: 4014 });
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('4014');
    expect(result.fix).toContain('enable Message Content Intent');
  });

  it('GIVEN close code 4013 THEN ✗ invalid intents with an update fix', () => {
    const result = checkIntents({ requested: BOT_INTENT_BITS, appFlags: null, closeCode: 4013 });
    expect(result.status).toBe('fail');
    expect(result.fix).toContain('update');
  });
});
