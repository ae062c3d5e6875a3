// The fake's model catalog: which models exist, which methods each offers, and what each Live model
// refuses in a setup. Written from Google's pages independently of src/live/capabilities.ts, so a
// bot setup that sends a field a model rejects fails here instead of passing a copy of its own table.

export interface FakeLiveRules {
  /** Which thinkingConfig form is accepted. */
  thinking: 'budget' | 'level' | 'none';
  /** generationConfig.enableAffectiveDialog is a known field. */
  affectiveDialog: boolean;
  /** 'optional' = proactivity accepted; 'always' = only proactiveAudio: true; 'none' = unknown field. */
  proactivity: 'optional' | 'always' | 'none';
  /** Function declaration behaviours the model accepts. */
  behaviors: readonly ('BLOCKING' | 'NON_BLOCKING')[];
  /** Function responses may carry `scheduling`. */
  scheduling: boolean;
  /** clientContent is accepted after realtime input started (not only as initial history). */
  clientContentMidSession: boolean;
}

export interface FakeModel {
  name: string;
  displayName: string;
  supportedGenerationMethods: readonly string[];
  live?: FakeLiveRules;
}

const LIVE_METHODS = ['bidiGenerateContent'] as const;
const TEXT_METHODS = ['generateContent', 'countTokens'] as const;

/**
 * As of 2026-12-01: the deprecations page lists gemini-3.8-live and -extended-thinking (released
 * 2026-09-15), gemini-3.5-flash-lite (2026-07-21) and gemini-3.8-flash (2026-09-02); the model
 * pages give the Live rules (see each row).
 */
export const DEFAULT_CATALOG: readonly FakeModel[] = [
  {
    // Model page "Gemini 3.8 Live", migration notes: no thinking config, proactive audio always
    // on (false is an error), affective dialog removed, NON_BLOCKING default (BLOCKING still
    // accepted), response scheduling, client content for the whole session.
    name: 'gemini-3.8-live',
    displayName: 'Gemini 3.8 Live',
    supportedGenerationMethods: LIVE_METHODS,
    live: {
      thinking: 'none',
      affectiveDialog: false,
      proactivity: 'always',
      behaviors: ['BLOCKING', 'NON_BLOCKING'],
      scheduling: true,
      clientContentMidSession: true,
    },
  },
  {
    // Model page "Gemini 3.8 Live Extended Thinking": function calling async only, thinking on.
    name: 'gemini-3.8-live-extended-thinking',
    displayName: 'Gemini 3.8 Live Extended Thinking',
    supportedGenerationMethods: LIVE_METHODS,
    live: {
      thinking: 'level',
      affectiveDialog: false,
      proactivity: 'always',
      behaviors: ['NON_BLOCKING'],
      scheduling: true,
      clientContentMidSession: true,
    },
  },
  {
    // Model page "Gemini 3.1 Flash Live Preview": thinkingLevel not thinkingBudget, no async
    // function calling, no proactive audio or affective dialog, client content whole session.
    name: 'gemini-3.1-flash-live-preview',
    displayName: 'Gemini 3.1 Flash Live Preview',
    supportedGenerationMethods: LIVE_METHODS,
    live: {
      thinking: 'level',
      affectiveDialog: false,
      proactivity: 'none',
      behaviors: ['BLOCKING'],
      scheduling: false,
      clientContentMidSession: true,
    },
  },
  {
    // The seed's model: everything the bot sent it before (budget thinking, affective dialog,
    // proactivity, NON_BLOCKING with scheduling); client content mid-session only came with 3.1.
    name: 'gemini-2.5-flash-native-audio-preview-12-2025',
    displayName: 'Gemini 2.5 Flash Native Audio Preview 12-2025',
    supportedGenerationMethods: LIVE_METHODS,
    live: {
      thinking: 'budget',
      affectiveDialog: true,
      proactivity: 'optional',
      behaviors: ['BLOCKING', 'NON_BLOCKING'],
      scheduling: true,
      clientContentMidSession: false,
    },
  },
  {
    name: 'gemini-3.5-flash-lite',
    displayName: 'Gemini 3.5 Flash-Lite',
    supportedGenerationMethods: TEXT_METHODS,
  },
  { name: 'gemini-3.8-flash', displayName: 'Gemini 3.8 Flash', supportedGenerationMethods: TEXT_METHODS },
];

/** A setup field the model refuses: the close code and reason the server answers with. */
export interface SetupRefusal {
  code: number;
  reason: string;
}

/**
 * Unknown fields are refused the way the real server refuses them (1007, "Invalid JSON payload
 * received. Unknown name …", seen in googleapis/js-genai #696). For a known field with a refused
 * value (proactiveAudio: false on 3.8, a behaviour the model does not take) the docs only say
 * "returns an error": 1007 with Google's INVALID_ARGUMENT sentence is our best reading.
 */
export function refuseSetup(rules: FakeLiveRules, setup: Record<string, unknown>): SetupRefusal | undefined {
  const generation = (setup.generationConfig ?? {}) as Record<string, unknown>;
  const unknown = (field: string, at: string): SetupRefusal => ({
    code: 1007,
    reason: `Invalid JSON payload received. Unknown name "${field}" at '${at}': Cannot find field.`,
  });
  const invalid = (what: string): SetupRefusal => ({
    code: 1007,
    reason: `Request contains an invalid argument: ${what}`,
  });
  const modalities = generation.responseModalities as unknown[] | undefined;
  if (modalities?.some((m) => m !== 'AUDIO')) {
    return { code: 1007, reason: 'Cannot extract voices from a non-audio request.' };
  }
  if ('enableAffectiveDialog' in generation && !rules.affectiveDialog) {
    return unknown('enable_affective_dialog', 'setup.generation_config');
  }
  const thinking = generation.thinkingConfig as Record<string, unknown> | undefined;
  if (thinking) {
    if (rules.thinking === 'none') return invalid('thinking_config is not supported by this model.');
    if (rules.thinking === 'level' && 'thinkingBudget' in thinking) {
      return invalid('thinking_budget is not supported by this model; use thinking_level.');
    }
    if (rules.thinking === 'budget' && 'thinkingLevel' in thinking) {
      return invalid('thinking_level is not supported by this model.');
    }
  }
  const proactivity = setup.proactivity as { proactiveAudio?: unknown } | undefined;
  if (proactivity) {
    if (rules.proactivity === 'none') return unknown('proactivity', 'setup');
    if (rules.proactivity === 'always' && proactivity.proactiveAudio === false) {
      return invalid('proactive_audio cannot be disabled for this model.');
    }
  }
  const tools = (setup.tools ?? []) as { functionDeclarations?: { name?: string; behavior?: string }[] }[];
  for (const declaration of tools.flatMap((tool) => tool.functionDeclarations ?? [])) {
    const behavior = declaration.behavior;
    if (behavior && !(rules.behaviors as readonly string[]).includes(behavior)) {
      return invalid(
        `function ${declaration.name ?? '?'}: behavior ${behavior} is not supported by this model.`,
      );
    }
  }
  return undefined;
}
