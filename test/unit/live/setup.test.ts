import type { Tool } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { capabilitiesFor } from '../../../src/live/capabilities.ts';
import { DEFAULT_LIVE_SETTINGS, type LiveSettings } from '../../../src/live/settings.ts';
import { buildSetup, buildTools } from '../../../src/live/setup.ts';
import type { FunctionDeclarationSpec } from '../../../src/live/tool-port.ts';

const QUICK: FunctionDeclarationSpec = { name: 'roll', description: 'Roll dice' };
const SLOW: FunctionDeclarationSpec = {
  name: 'remind',
  description: 'Set a reminder',
  behavior: 'NON_BLOCKING',
  scheduling: { ok: 'SILENT', error: 'WHEN_IDLE' },
};

/** Every optional knob set, so each model's row decides what survives. */
const EVERYTHING: LiveSettings = {
  ...DEFAULT_LIVE_SETTINGS,
  affectiveDialog: true,
  proactiveAudio: false,
  thinkingBudget: 0,
  thinkingLevel: 'low',
};

function setupFor(model: string, settings: Partial<LiveSettings> = {}) {
  const merged = { ...EVERYTHING, ...settings, model };
  const { config } = buildSetup(merged, capabilitiesFor(model), { tools: [QUICK, SLOW] });
  const declarations = (config.tools as Tool[] | undefined)?.[0]?.functionDeclarations ?? [];
  return { config, behaviors: declarations.map((d) => d.behavior) };
}

describe('buildSetup per model', () => {
  it('GIVEN gemini-3.8-live THEN no thinking, affective dialog or proactivity; quick tools BLOCKING, slow ones NON_BLOCKING', () => {
    const { config, behaviors } = setupFor('gemini-3.8-live');
    expect(config.thinkingConfig).toBeUndefined();
    expect(config.enableAffectiveDialog).toBeUndefined();
    // Proactive audio is always on: even `false` (an error there) is never sent.
    expect(config.proactivity).toBeUndefined();
    expect(config.responseModalities).toEqual(['AUDIO']);
    // NON_BLOCKING is 3.8's default: a quick tool must say BLOCKING to keep the model waiting.
    expect(behaviors).toEqual(['BLOCKING', 'NON_BLOCKING']);
  });

  it('GIVEN gemini-3.8-live-extended-thinking THEN no BLOCKING (async only) and the thinking level', () => {
    const { config, behaviors } = setupFor('gemini-3.8-live-extended-thinking');
    expect(behaviors).toEqual([undefined, 'NON_BLOCKING']);
    expect(config.thinkingConfig).toEqual({ thinkingLevel: 'LOW' });
    expect(config.proactivity).toBeUndefined();
    expect(config.enableAffectiveDialog).toBeUndefined();
  });

  it('GIVEN gemini-3.1-flash-live-preview THEN sync tools only, thinking as a level, no proactivity or affective dialog', () => {
    const { config, behaviors } = setupFor('gemini-3.1-flash-live-preview');
    expect(behaviors).toEqual([undefined, undefined]);
    expect(config.thinkingConfig).toEqual({ thinkingLevel: 'LOW' });
    expect(config.proactivity).toBeUndefined();
    expect(config.enableAffectiveDialog).toBeUndefined();
  });

  it('GIVEN the 2.5 native-audio preview THEN NON_BLOCKING, affective dialog, proactivity and a thinking budget', () => {
    const { config, behaviors } = setupFor('gemini-2.5-flash-native-audio-preview-12-2025');
    expect(behaviors).toEqual([undefined, 'NON_BLOCKING']);
    expect(config.enableAffectiveDialog).toBe(true);
    expect(config.proactivity).toEqual({ proactiveAudio: false });
    expect(config.thinkingConfig).toEqual({ thinkingBudget: 0 });
  });

  it('GIVEN an unknown model THEN only what every model accepts is sent', () => {
    const { config, behaviors } = setupFor('gemini-9-live');
    expect(behaviors).toEqual([undefined, undefined]);
    expect(config.enableAffectiveDialog).toBeUndefined();
    expect(config.proactivity).toBeUndefined();
    expect(config.thinkingConfig).toBeUndefined();
  });

  it('GIVEN no scheduling field in a declaration THEN none reaches the wire (scheduling belongs to responses)', () => {
    const { config } = setupFor('gemini-3.8-live');
    const declarations = (config.tools as Tool[] | undefined)?.[0]?.functionDeclarations ?? [];
    for (const declaration of declarations) expect(declaration).not.toHaveProperty('scheduling');
  });

  it('GIVEN generateContent (no Live capabilities) THEN declarations carry no behaviour', () => {
    const [tool] = buildTools([QUICK, SLOW], false, null);
    expect(tool?.functionDeclarations?.map((d) => d.behavior)).toEqual([undefined, undefined]);
  });

  it('GIVEN a resume handle THEN sessionResumption carries it; without one it is an empty object', () => {
    const caps = capabilitiesFor(DEFAULT_LIVE_SETTINGS.model);
    expect(
      buildSetup(DEFAULT_LIVE_SETTINGS, caps, { tools: [], resumeHandle: 'h1' }).config.sessionResumption,
    ).toEqual({ handle: 'h1' });
    expect(buildSetup(DEFAULT_LIVE_SETTINGS, caps, { tools: [] }).config.sessionResumption).toEqual({});
  });

  it('GIVEN compression off THEN no contextWindowCompression is sent', () => {
    const settings = { ...DEFAULT_LIVE_SETTINGS, compression: false as const };
    const { config } = buildSetup(settings, capabilitiesFor(settings.model), { tools: [] });
    expect(config.contextWindowCompression).toBeUndefined();
  });
});
