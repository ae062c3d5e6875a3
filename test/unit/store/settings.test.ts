import { expect, it } from 'vitest';
import { UserFacingError } from '../../../src/errors.ts';
import { PREBUILT_VOICES } from '../../../src/live/voices.ts';
import {
  DEFAULT_PERSONA,
  DEFAULT_SETTINGS,
  type GuildSettings,
  SETTING_KEYS,
  SETTING_SPECS,
} from '../../../src/store/settings-schema.ts';
import { openStore } from '../../../src/store/store.ts';
import { rejectionOf } from '../../helpers/thrown.ts';
import { describeBackends, type StoreTarget, useTempStore } from './temp-store.ts';
import { GUILD, OTHER_GUILD } from './test-ids.ts';

const CHANNEL = '444444444444444444';

const CUSTOM: GuildSettings = {
  voiceName: 'Zubenelgenubi',
  persona: 'You are a pirate. Answer in one sentence.',
  languageCode: 'de-DE',
  transcriptChannelId: CHANNEL,
  transcriptsEnabled: false,
  toolLinesEnabled: false,
  googleSearch: true,
  vadSensitivity: 'high',
  turnTaking: 'gemini',
  endOfTurnHoldMs: 250,
  proactiveAudio: true,
  idleLeaveSeconds: 3600,
  dailyVoiceMinutes: 1440,
};

async function rowCount(target: StoreTarget): Promise<number> {
  const [row] = await target.query('SELECT count(*) AS n FROM guild_settings');
  return Number(row?.n);
}

function rejection(promise: Promise<unknown>): Promise<UserFacingError> {
  return rejectionOf(UserFacingError, promise, 'the settings change');
}

describeBackends('settings', (target) => {
  const t = useTempStore(target, '2026-05-10T12:00:00Z');

  it('GIVEN a guild that never ran /config THEN it gets the defaults without any write', async () => {
    const settings = await t.store().settings.get(GUILD);
    expect(settings).toEqual({
      voiceName: 'Puck',
      persona: DEFAULT_PERSONA,
      languageCode: null,
      transcriptChannelId: null,
      transcriptsEnabled: true,
      toolLinesEnabled: true,
      googleSearch: false,
      vadSensitivity: 'default',
      turnTaking: 'discord',
      endOfTurnHoldMs: 300,
      proactiveAudio: false,
      idleLeaveSeconds: 60,
      dailyVoiceMinutes: 0,
    });
    expect(await rowCount(target())).toBe(0);
  });

  it('GIVEN effective settings THEN they are frozen', async () => {
    const settings = (await t.store().settings.get(GUILD)) as GuildSettings;
    expect(Object.isFrozen(settings)).toBe(true);
    expect(() => {
      settings.voiceName = 'Kore';
    }).toThrow(TypeError);
    expect((await t.store().settings.get(GUILD)).voiceName).toBe('Puck');
  });

  it('GIVEN every key changed THEN the settings survive a restart unchanged', async () => {
    expect(await t.store().settings.update(GUILD, CUSTOM)).toEqual(CUSTOM);
    await t.reopen();
    expect(await t.store().settings.get(GUILD)).toEqual(CUSTOM);
    expect(await t.store().settings.get(OTHER_GUILD)).toEqual(DEFAULT_SETTINGS);
  });

  it('GIVEN a partial update THEN other keys keep their values', async () => {
    await t.store().settings.update(GUILD, { voiceName: 'Kore', idleLeaveSeconds: 0 });
    const after = await t.store().settings.update(GUILD, { googleSearch: true });
    expect(after).toMatchObject({ voiceName: 'Kore', idleLeaveSeconds: 0, googleSearch: true });
    expect(after.persona).toBe(DEFAULT_PERSONA);
  });

  it('GIVEN null or a blank string for an optional key THEN the key is cleared', async () => {
    await t.store().settings.update(GUILD, { languageCode: 'fr-FR', transcriptChannelId: CHANNEL });
    expect(await t.store().settings.update(GUILD, { languageCode: null })).toMatchObject({
      languageCode: null,
    });
    const cleared = await t.store().settings.update(GUILD, { transcriptChannelId: '  ' as string });
    expect(cleared.transcriptChannelId).toBeNull();
  });

  it('GIVEN a language code in any case THEN it is stored in canonical BCP-47 form', async () => {
    expect((await t.store().settings.update(GUILD, { languageCode: 'pt-br' })).languageCode).toBe('pt-BR');
    expect((await t.store().settings.update(GUILD, { languageCode: 'es-419' })).languageCode).toBe('es-419');
    expect((await t.store().settings.update(GUILD, { languageCode: 'ja' })).languageCode).toBe('ja');
  });

  it('GIVEN every prebuilt voice THEN each is accepted', async () => {
    expect(PREBUILT_VOICES).toHaveLength(30);
    for (const voice of PREBUILT_VOICES) {
      expect((await t.store().settings.update(GUILD, { voiceName: voice })).voiceName).toBe(voice);
    }
  });

  it('GIVEN reset of one key THEN only that key returns to its default', async () => {
    await t.store().settings.update(GUILD, CUSTOM);
    const after = await t.store().settings.reset(GUILD, 'persona');
    expect(after).toEqual({ ...CUSTOM, persona: DEFAULT_PERSONA });
  });

  it('GIVEN reset of all keys THEN the guild has the defaults and other guilds keep theirs', async () => {
    await t.store().settings.update(GUILD, CUSTOM);
    await t.store().settings.update(OTHER_GUILD, { voiceName: 'Leda' });
    expect(await t.store().settings.reset(GUILD)).toEqual(DEFAULT_SETTINGS);
    expect((await t.store().settings.get(OTHER_GUILD)).voiceName).toBe('Leda');
  });

  it('GIVEN caller defaults THEN guilds without a stored value get them', async () => {
    const store = await openStore(
      target().options({ settingsDefaults: { voiceName: 'Aoede', persona: 'Be brief.' } }),
    );
    try {
      expect(store.defaults).toMatchObject({ voiceName: 'Aoede', persona: 'Be brief.' });
      expect(await store.settings.get(GUILD)).toMatchObject({ voiceName: 'Aoede', persona: 'Be brief.' });
      await store.settings.update(GUILD, { voiceName: 'Kore' });
      expect((await store.settings.reset(GUILD, 'voiceName')).voiceName).toBe('Aoede');
    } finally {
      await store.close();
    }
  });

  it('GIVEN a stored row this code no longer accepts THEN the default is used instead', async () => {
    await t.store().settings.update(GUILD, { idleLeaveSeconds: 30 });
    const insert = 'INSERT INTO guild_settings VALUES (?, ?, ?, 0)';
    await target().query(insert, [GUILD, 'voiceName', '"RetiredVoice"']);
    await target().query(insert, [GUILD, 'volume', '11']);
    expect(await t.store().settings.get(GUILD)).toEqual({ ...DEFAULT_SETTINGS, idleLeaveSeconds: 30 });
  });

  it('GIVEN settings read or written here THEN current() answers them without the database; others get the defaults', async () => {
    expect(t.store().settings.current(GUILD)).toEqual(DEFAULT_SETTINGS);
    await t.store().settings.update(GUILD, { idleLeaveSeconds: 5 });
    expect(t.store().settings.current(GUILD).idleLeaveSeconds).toBe(5);
    await t.store().settings.reset(GUILD, 'idleLeaveSeconds');
    expect(t.store().settings.current(GUILD).idleLeaveSeconds).toBe(60);
  });

  const INVALID: [keyof GuildSettings, unknown, RegExp][] = [
    ['voiceName', 'Bob', /^Voice must be one of the 30 prebuilt voices \(Zephyr, Puck, .*Sulafat\)\.$/],
    ['voiceName', 'puck', /^Voice must be one of the 30 prebuilt voices/],
    ['voiceName', null, /^Voice must be/],
    ['persona', '', /^Persona must be a text of 1 to 2000 characters\.$/],
    ['persona', '   \n ', /^Persona must be a text of 1 to 2000 characters\.$/],
    ['persona', 'x'.repeat(2001), /^Persona must be a text of 1 to 2000 characters\.$/],
    ['persona', 42, /^Persona must be/],
    ['languageCode', 'english', /^Language must be a BCP-47 language code such as en-US/],
    ['languageCode', 'en_US', /^Language must be a BCP-47 language code/],
    ['languageCode', 'en-US-u-ca-buddhist', /^Language must be a BCP-47 language code/],
    ['transcriptChannelId', '12345', /^Transcript channel must be a Discord channel id \(17 to 20 digits\)/],
    ['transcriptChannelId', '<#444444444444444444>', /^Transcript channel must be a Discord channel id/],
    ['transcriptChannelId', 444_444_444_444_444, /^Transcript channel must be/],
    ['transcriptsEnabled', 'true', /^Transcripts must be on or off\.$/],
    ['toolLinesEnabled', 1, /^Tool-call lines must be on or off\.$/],
    ['googleSearch', null, /^Google Search must be on or off\.$/],
    ['proactiveAudio', 'yes', /^Proactive audio must be on or off\.$/],
    ['vadSensitivity', 'medium', /^Voice-activity sensitivity must be low, default or high\.$/],
    ['turnTaking', 'fast', /^Turn-taking must be discord \(fast: .*\) or gemini \(.*\)\.$/],
    ['endOfTurnHoldMs', 99, /^End-of-turn hold must be a whole number of milliseconds from 100 to 2000\.$/],
    ['endOfTurnHoldMs', 2001, /^End-of-turn hold must be/],
    ['idleLeaveSeconds', -1, /^Idle-leave grace period must be a whole number of seconds from 0 to 3600\.$/],
    ['idleLeaveSeconds', 3601, /^Idle-leave grace period must be/],
    ['idleLeaveSeconds', 1.5, /^Idle-leave grace period must be/],
    ['idleLeaveSeconds', Number.NaN, /^Idle-leave grace period must be/],
    ['idleLeaveSeconds', '60', /^Idle-leave grace period must be/],
    [
      'dailyVoiceMinutes',
      -1,
      /^Daily voice-minutes budget must be a whole number of minutes from 0 \(unlimited\) to 1440\.$/,
    ],
    ['dailyVoiceMinutes', 1441, /^Daily voice-minutes budget must be/],
    ['dailyVoiceMinutes', 2.5, /^Daily voice-minutes budget must be/],
  ];

  it('GIVEN invalid cases THEN every setting key has at least one', () => {
    expect(new Set(INVALID.map(([key]) => key))).toEqual(new Set(SETTING_KEYS));
  });

  for (const [key, value, message] of INVALID) {
    it(`GIVEN ${key} = ${JSON.stringify(value)?.slice(0, 30)} THEN it is rejected with one clear sentence and nothing is stored`, async () => {
      await t.store().settings.update(GUILD, { voiceName: 'Kore' });
      const error = await rejection(t.store().settings.update(GUILD, { googleSearch: true, [key]: value }));
      expect(error.code).toBe('SETTING_INVALID');
      expect(error.message).toMatch(message);
      expect(error.message.startsWith(SETTING_SPECS[key].label)).toBe(true);
      expect(await t.store().settings.get(GUILD)).toEqual({ ...DEFAULT_SETTINGS, voiceName: 'Kore' });
    });
  }

  it('GIVEN an unknown setting name THEN it is rejected naming it', async () => {
    const error = await rejection(t.store().settings.update(GUILD, { volume: 11 } as never));
    expect(error.code).toBe('SETTING_UNKNOWN');
    expect(error.message).toBe('There is no setting called "volume".');
    expect(await rowCount(target())).toBe(0);
  });
});
