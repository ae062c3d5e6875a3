// A guild's settings → its Live session's: the uplink chunk follows the turn-taking mode.
import { describe, expect, it } from 'vitest';
import { liveSettingsFor } from '../../../src/guild/live-settings.ts';
import { DEFAULT_SETTINGS } from '../../../src/store/settings-schema.ts';

const config = { GEMINI_LIVE_MODEL: 'gemini-3.8-live' } as const;

describe('liveSettingsFor', () => {
  it('GIVEN UPLINK_CHUNK_MS=auto THEN fast turn-taking sends 100 ms chunks in manual activity mode, server VAD 40 ms', () => {
    const fast = liveSettingsFor(
      { ...config, UPLINK_CHUNK_MS: 'auto' },
      { ...DEFAULT_SETTINGS, turnTaking: 'discord' },
    );
    expect([fast.activityDetection, fast.inputChunkMs]).toEqual(['client', 100]);
    const vad = liveSettingsFor(
      { ...config, UPLINK_CHUNK_MS: 'auto' },
      { ...DEFAULT_SETTINGS, turnTaking: 'gemini' },
    );
    expect([vad.activityDetection, vad.inputChunkMs]).toEqual(['server', 40]);
  });

  it('GIVEN UPLINK_CHUNK_MS set to a number THEN both modes use it', () => {
    for (const turnTaking of ['discord', 'gemini'] as const) {
      const live = liveSettingsFor({ ...config, UPLINK_CHUNK_MS: 20 }, { ...DEFAULT_SETTINGS, turnTaking });
      expect(live.inputChunkMs).toBe(20);
    }
  });
});
