// Pure Live protocol: setup config from settings, and the typed events server messages become.
import {
  Behavior,
  EndSensitivity,
  type FunctionDeclaration,
  type LiveConnectConfig,
  Modality,
  StartSensitivity,
  type Tool,
} from '@google/genai';
import { GEMINI_INPUT_RATE_HZ } from '../audio/pcm.ts';
import type { ModelCapabilities } from './capabilities.ts';
import { toGeminiSchema } from './gemini-schema.ts';
import type { LiveSettings } from './settings.ts';
import type { FunctionCallRequest, FunctionDeclarationSpec } from './tool-port.ts';

export const INPUT_MIME_TYPE = `audio/pcm;rate=${GEMINI_INPUT_RATE_HZ}`;

export interface LiveUsage {
  promptTokens: number;
  responseTokens: number;
  totalTokens: number;
  thoughtsTokens?: number;
  toolUsePromptTokens?: number;
  cachedTokens?: number;
}

export type LiveEvent =
  /** 24 kHz mono PCM16 from the model. */
  | { type: 'audio'; samples: Int16Array }
  | { type: 'inputTranscript'; text: string; finished?: boolean }
  | { type: 'outputTranscript'; text: string }
  | { type: 'interrupted' }
  | { type: 'generationComplete' }
  | { type: 'turnComplete'; reason?: string }
  | { type: 'toolCall'; calls: FunctionCallRequest[] }
  | { type: 'toolCallCancellation'; ids: string[] }
  | { type: 'goAway'; timeLeftMs: number }
  | { type: 'resumptionHandle'; handle: string }
  | ({ type: 'usage' } & LiveUsage);

export type LiveEventType = LiveEvent['type'];

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
    realtimeInputConfig: {
      automaticActivityDetection: {
        disabled: false,
        startOfSpeechSensitivity: START[settings.startSensitivity],
        endOfSpeechSensitivity: END[settings.endSensitivity],
        prefixPaddingMs: settings.prefixPaddingMs,
        silenceDurationMs: settings.silenceDurationMs,
      },
    },
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
  if (capabilities.thinkingConfig && settings.thinkingBudget !== undefined) {
    config.thinkingConfig = { thinkingBudget: settings.thinkingBudget };
  }
  return { model: settings.model, config };
}

/** Function declarations (NON_BLOCKING only where the model accepts it) plus optional search. */
export function buildTools(
  specs: readonly FunctionDeclarationSpec[],
  googleSearch: boolean,
  capabilities: Pick<ModelCapabilities, 'nonBlockingTools'>,
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
  capabilities: Pick<ModelCapabilities, 'nonBlockingTools'>,
): FunctionDeclaration {
  const declaration: FunctionDeclaration = { name: spec.name, description: spec.description };
  if (spec.parameters) declaration.parameters = toGeminiSchema(spec.parameters);
  if (spec.behavior === 'NON_BLOCKING' && capabilities.nonBlockingTools) {
    declaration.behavior = Behavior.NON_BLOCKING;
  }
  return declaration;
}
