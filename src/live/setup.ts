// Pure Live setup building: settings plus the model's capabilities into `ai.live.connect` parameters.
import {
  ActivityHandling,
  Behavior,
  EndSensitivity,
  type FunctionDeclaration,
  type LiveConnectConfig,
  Modality,
  type RealtimeInputConfig,
  StartSensitivity,
  ThinkingLevel,
  type Tool,
} from '@google/genai';
import type { ModelCapabilities } from './capabilities.ts';
import { toGeminiSchema } from './gemini-schema.ts';
import type { LiveSettings, ThinkingLevelName } from './settings.ts';
import type { FunctionDeclarationSpec } from './tool-port.ts';

export interface SetupOptions {
  tools: readonly FunctionDeclarationSpec[];
  /** A handle from a `resumable: true` update; omitted = start a new resumable session. */
  resumeHandle?: string;
}

export interface LiveSetup {
  model: string;
  config: LiveConnectConfig;
}

const START: Record<LiveSettings['startSensitivity'], StartSensitivity> = {
  high: StartSensitivity.START_SENSITIVITY_HIGH,
  low: StartSensitivity.START_SENSITIVITY_LOW,
};
const END: Record<LiveSettings['endSensitivity'], EndSensitivity> = {
  high: EndSensitivity.END_SENSITIVITY_HIGH,
  low: EndSensitivity.END_SENSITIVITY_LOW,
};
const LEVEL: Record<ThinkingLevelName, ThinkingLevel> = {
  minimal: ThinkingLevel.MINIMAL,
  low: ThinkingLevel.LOW,
  medium: ThinkingLevel.MEDIUM,
  high: ThinkingLevel.HIGH,
};

/** The `ai.live.connect` parameters (the SDK turns them into the wire `setup` message). */
export function buildSetup(
  settings: LiveSettings,
  capabilities: ModelCapabilities,
  options: SetupOptions,
): LiveSetup {
  const config: LiveConnectConfig = {
    // Every Live model answers in audio only; asking for TEXT closes the socket with 1007.
    responseModalities: [Modality.AUDIO],
    speechConfig: {
      voiceConfig: { prebuiltVoiceConfig: { voiceName: settings.voiceName } },
      ...(settings.languageCode ? { languageCode: settings.languageCode } : {}),
    },
    // Both must sit in config: placed elsewhere they are silently ignored.
    inputAudioTranscription: {},
    outputAudioTranscription: {},
    realtimeInputConfig: realtimeInputConfig(settings),
    sessionResumption: options.resumeHandle ? { handle: options.resumeHandle } : {},
  };
  if (settings.systemInstruction) {
    config.systemInstruction = { parts: [{ text: settings.systemInstruction }] };
  }
  if (settings.compression) {
    config.contextWindowCompression = {
      triggerTokens: String(settings.compression.triggerTokens),
      slidingWindow: { targetTokens: String(settings.compression.targetTokens) },
    };
  }
  const tools = buildTools(options.tools, settings.googleSearch, capabilities);
  if (tools.length > 0) config.tools = tools;
  if (capabilities.affectiveDialog && settings.affectiveDialog !== undefined) {
    config.enableAffectiveDialog = settings.affectiveDialog;
  }
  if (capabilities.proactiveAudio === 'optional' && settings.proactiveAudio !== undefined) {
    config.proactivity = { proactiveAudio: settings.proactiveAudio };
  }
  if (capabilities.thinking === 'budget' && settings.thinkingBudget !== undefined) {
    config.thinkingConfig = { thinkingBudget: settings.thinkingBudget };
  }
  if (capabilities.thinking === 'level' && settings.thinkingLevel !== undefined) {
    config.thinkingConfig = { thinkingLevel: LEVEL[settings.thinkingLevel] };
  }
  return { model: settings.model, config };
}

/**
 * Server VAD with our sensitivities, or manual activity: the bot's activityStart / activityEnd
 * mark each turn and a new activity interrupts the model (the documented default, made explicit).
 */
function realtimeInputConfig(settings: LiveSettings): RealtimeInputConfig {
  if (settings.activityDetection === 'client') {
    return {
      automaticActivityDetection: { disabled: true },
      activityHandling: ActivityHandling.START_OF_ACTIVITY_INTERRUPTS,
    };
  }
  return {
    automaticActivityDetection: {
      disabled: false,
      startOfSpeechSensitivity: START[settings.startSensitivity],
      endOfSpeechSensitivity: END[settings.endSensitivity],
      prefixPaddingMs: settings.prefixPaddingMs,
      silenceDurationMs: settings.silenceDurationMs,
    },
  };
}

/**
 * Function declarations plus optional search. `capabilities` null means generateContent, where
 * declarations carry no behaviour at all.
 */
export function buildTools(
  specs: readonly FunctionDeclarationSpec[],
  googleSearch: boolean,
  capabilities: ModelCapabilities | null,
): Tool[] {
  const tools: Tool[] = [];
  if (specs.length > 0) {
    tools.push({ functionDeclarations: specs.map((spec) => toDeclaration(spec, capabilities)) });
  }
  if (googleSearch) tools.push({ googleSearch: {} });
  return tools;
}

function toDeclaration(
  spec: FunctionDeclarationSpec,
  capabilities: ModelCapabilities | null,
): FunctionDeclaration {
  const declaration: FunctionDeclaration = { name: spec.name, description: spec.description };
  if (spec.parameters) declaration.parameters = toGeminiSchema(spec.parameters);
  const behavior = capabilities ? liveBehavior(spec, capabilities) : undefined;
  if (behavior) declaration.behavior = behavior;
  return declaration;
}

/**
 * Declared explicitly wherever it differs from, or might differ from, the model's default; never
 * where the model would reject it (BLOCKING on async-only models, NON_BLOCKING on sync-only ones).
 */
function liveBehavior(spec: FunctionDeclarationSpec, capabilities: ModelCapabilities): Behavior | undefined {
  if (spec.behavior === 'NON_BLOCKING') {
    return capabilities.nonBlockingTools ? Behavior.NON_BLOCKING : undefined;
  }
  if (capabilities.nonBlockingOnly) return undefined;
  return capabilities.defaultToolBehavior === 'NON_BLOCKING' ? Behavior.BLOCKING : undefined;
}

/** Whether a call of this declaration runs without holding the model's answer back. */
export function runsNonBlocking(spec: FunctionDeclarationSpec, capabilities: ModelCapabilities): boolean {
  if (capabilities.nonBlockingOnly) return true;
  return spec.behavior === 'NON_BLOCKING' && capabilities.nonBlockingTools;
}
