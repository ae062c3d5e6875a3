// What each Live model accepts, as data, so setup building never branches on model names.
//
// Sources (checked with the search tool on 2026-12-01; dates are those shown on each page):
// - Gemini API "Deprecations" page, ai.google.dev/gemini-api/docs/deprecations (no "last updated"
//   date in the excerpt seen): gemini-3.8-live and gemini-3.8-live-extended-thinking released
//   September 15, 2026, "No shutdown date announced"; both are Gemini API models.
// - "Gemini 3.8 Live" model page, ai.google.dev/gemini-api/docs/models/gemini-3.8-live ("Latest
//   update September 2026"), section "Migrating from Gemini 3.1 Flash Live": omit thinking_level /
//   thinking_config; NON_BLOCKING is the default function calling mode (BLOCKING still declarable),
//   function response scheduling SILENT / WHEN_IDLE / INTERRUPT; send_client_content with explicit
//   roles supported for the whole session, turn_complete=true interrupts generation unconditionally;
//   proactive audio permanently on and proactive_audio: false returns an error; affective dialog
//   removed from the API; response modality AUDIO only (text through output transcription).
// - "Gemini 3.8 Live Extended Thinking" model page (".../models/gemini-3.8-live-extended-thinking",
//   "Latest update September 2026"): function calling "supported (async only)", thinking supported.
//   Its thinking levels (low / medium / high via thinking_level) come from a vendor's release note
//   (AgoraIO/agora-agents-python v2.9.0), not from Google's page: unconfirmed.
// - "Gemini 3.1 Flash Live Preview" model page ("Latest update March 2026", now a "legacy preview"),
//   section "Migrating from Gemini 2.5 Flash Live": thinkingLevel instead of thinkingBudget; client
//   content with roles for the whole session; asynchronous function calling not supported yet;
//   proactive audio and affective dialog not supported (remove their configuration).
// - For gemini-2.5-flash-native-audio-preview-12-2025 (the seed's model) what it accepts is what
//   this bot has always sent it: NON_BLOCKING tools, affective dialog, proactivity, thinkingBudget;
//   typed turns through realtimeInput.text (client content mid-session arrived only with 3.1).

/** How `thinkingConfig` may be sent: a token budget, a named level, or not at all. */
export type ThinkingControl = 'budget' | 'level' | 'none';

export interface ModelCapabilities {
  /** Function declarations may carry `behavior: NON_BLOCKING` (async tools). */
  nonBlockingTools: boolean;
  /** Only NON_BLOCKING is accepted: a declared BLOCKING behaviour is an error. */
  nonBlockingOnly: boolean;
  /** What an undeclared function behaves like on this model. */
  defaultToolBehavior: 'BLOCKING' | 'NON_BLOCKING';
  /** Function responses may carry `scheduling` (INTERRUPT / WHEN_IDLE / SILENT). */
  responseScheduling: boolean;
  /** `generationConfig.enableAffectiveDialog` is accepted. */
  affectiveDialog: boolean;
  /** 'optional' = `proactivity.proactiveAudio` may be set; 'always' = built in, never send it. */
  proactiveAudio: 'optional' | 'always' | 'none';
  /** `generationConfig.thinkingConfig`: which form is accepted (others must omit it). */
  thinking: ThinkingControl;
  /**
   * Typed turns go as `clientContent` (role user, turnComplete: true), which the model accepts for
   * the whole session and which interrupts an answer in progress; otherwise as realtimeInput.text.
   */
  clientContentTurns: boolean;
}

/** For models we have not checked: send only what every Live model accepts. */
export const CONSERVATIVE_CAPABILITIES: Readonly<ModelCapabilities> = Object.freeze({
  nonBlockingTools: false,
  nonBlockingOnly: false,
  defaultToolBehavior: 'BLOCKING',
  responseScheduling: false,
  affectiveDialog: false,
  proactiveAudio: 'none',
  thinking: 'none',
  clientContentTurns: false,
});

const GEMINI_3_8_LIVE: ModelCapabilities = {
  nonBlockingTools: true,
  nonBlockingOnly: false,
  defaultToolBehavior: 'NON_BLOCKING',
  responseScheduling: true,
  affectiveDialog: false,
  proactiveAudio: 'always',
  thinking: 'none',
  clientContentTurns: true,
};

const KNOWN_MODELS: Readonly<Record<string, ModelCapabilities>> = {
  'gemini-3.8-live': GEMINI_3_8_LIVE,
  'gemini-3.8-live-extended-thinking': {
    ...GEMINI_3_8_LIVE,
    nonBlockingOnly: true,
    thinking: 'level',
  },
  // What every Live model accepts, plus thinking levels and typed turns as client content.
  'gemini-3.1-flash-live-preview': {
    ...CONSERVATIVE_CAPABILITIES,
    thinking: 'level',
    clientContentTurns: true,
  },
  'gemini-2.5-flash-native-audio-preview-12-2025': {
    nonBlockingTools: true,
    nonBlockingOnly: false,
    defaultToolBehavior: 'BLOCKING',
    responseScheduling: true,
    affectiveDialog: true,
    proactiveAudio: 'optional',
    thinking: 'budget',
    clientContentTurns: false,
  },
};

/** The Live models this bot is tested against (each has its own row above). */
export const SUPPORTED_LIVE_MODELS: readonly string[] = Object.freeze(Object.keys(KNOWN_MODELS));

/** Capabilities of a model name, with or without the `models/` prefix. */
export function capabilitiesFor(model: string): ModelCapabilities {
  const name = model.startsWith('models/') ? model.slice('models/'.length) : model;
  return { ...(KNOWN_MODELS[name] ?? CONSERVATIVE_CAPABILITIES) };
}
