import type { Tool } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { capabilitiesFor } from '../../../src/live/capabilities.ts';
import { buildSetup } from '../../../src/live/protocol.ts';
import { DEFAULT_LIVE_SETTINGS } from '../../../src/live/settings.ts';

const TOOL = { name: 'roll', description: 'Roll dice', behavior: 'NON_BLOCKING' as const };

describe('buildSetup', () => {
  it('GIVEN a model with async tools and affective dialog THEN NON_BLOCKING and the options are sent', () => {
    const settings = {
      ...DEFAULT_LIVE_SETTINGS,
      affectiveDialog: true,
      proactiveAudio: true,
      thinkingBudget: 0,
    };
    const { config } = buildSetup(settings, capabilitiesFor(settings.model), { tools: [TOOL] });
    expect((config.tools as Tool[] | undefined)?.[0]?.functionDeclarations?.[0]?.behavior).toBe(
      'NON_BLOCKING',
    );
    expect(config.enableAffectiveDialog).toBe(true);
    expect(config.proactivity).toEqual({ proactiveAudio: true });
    expect(config.thinkingConfig).toEqual({ thinkingBudget: 0 });
  });

  it('GIVEN an unknown model THEN only what every model accepts is sent', () => {
    const settings = {
      ...DEFAULT_LIVE_SETTINGS,
      model: 'gemini-9-live',
      affectiveDialog: true,
      proactiveAudio: true,
    };
    const { config } = buildSetup(settings, capabilitiesFor(settings.model), { tools: [TOOL] });
    expect((config.tools as Tool[] | undefined)?.[0]?.functionDeclarations?.[0]).toEqual({
      name: 'roll',
      description: 'Roll dice',
    });
    expect(config.enableAffectiveDialog).toBeUndefined();
    expect(config.proactivity).toBeUndefined();
    expect(config.thinkingConfig).toBeUndefined();
  });

  it('GIVEN a model with proactive audio always on THEN proactivity is never sent', () => {
    const settings = { ...DEFAULT_LIVE_SETTINGS, model: 'gemini-3.8-live', proactiveAudio: false };
    expect(
      buildSetup(settings, capabilitiesFor(settings.model), { tools: [] }).config.proactivity,
    ).toBeUndefined();
  });

  it('GIVEN a resume handle THEN sessionResumption carries it; without one it is an empty object', () => {
    const caps = capabilitiesFor(DEFAULT_LIVE_SETTINGS.model);
    expect(
      buildSetup(DEFAULT_LIVE_SETTINGS, caps, { tools: [], resumeHandle: 'h1' }).config.sessionResumption,
    ).toEqual({
      handle: 'h1',
    });
    expect(buildSetup(DEFAULT_LIVE_SETTINGS, caps, { tools: [] }).config.sessionResumption).toEqual({});
  });

  it('GIVEN compression off THEN no contextWindowCompression is sent', () => {
    const settings = { ...DEFAULT_LIVE_SETTINGS, compression: false as const };
    const { config } = buildSetup(settings, capabilitiesFor(settings.model), { tools: [] });
    expect(config.contextWindowCompression).toBeUndefined();
  });
});
