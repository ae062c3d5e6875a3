// What each Live model accepts, as data, so setup building never branches on model names.

export interface ModelCapabilities {
  /** Function declarations may carry `behavior: NON_BLOCKING` (async tools). */
  nonBlockingTools: boolean;
  /** `generationConfig.enableAffectiveDialog` is accepted. */
  affectiveDialog: boolean;
  /** 'optional' = `proactivity.proactiveAudio` may be set; 'always' = built in, never send it. */
  proactiveAudio: 'optional' | 'always' | 'none';
  /** `generationConfig.thinkingConfig` is accepted (others must omit it). */
  thinkingConfig: boolean;
}

/** For models we have not checked: send only what every Live model accepts. */
export const CONSERVATIVE_CAPABILITIES: Readonly<ModelCapabilities> = Object.freeze({
  nonBlockingTools: false,
  affectiveDialog: false,
  proactiveAudio: 'none',
  thinkingConfig: false,
});

const KNOWN_MODELS: Readonly<Record<string, ModelCapabilities>> = {
  'gemini-2.5-flash-native-audio-preview-12-2025': {
    nonBlockingTools: true,
    affectiveDialog: true,
    proactiveAudio: 'optional',
    thinkingConfig: true,
  },
  'gemini-3.1-flash-live-preview': {
    nonBlockingTools: false,
    affectiveDialog: false,
    proactiveAudio: 'none',
    thinkingConfig: false,
  },
  'gemini-3.8-live': {
    nonBlockingTools: true,
    affectiveDialog: false,
    proactiveAudio: 'always',
    thinkingConfig: false,
  },
};

/** Capabilities of a model name, with or without the `models/` prefix. */
export function capabilitiesFor(model: string): ModelCapabilities {
  const name = model.startsWith('models/') ? model.slice('models/'.length) : model;
  return { ...(KNOWN_MODELS[name] ?? CONSERVATIVE_CAPABILITIES) };
}
